/**
 * `ndio sizes`: the seed tutorial's "File sizes" comparison as a command —
 * one array written in every writable format of every loaded plugin, read
 * back, checked, and tabulated.
 *
 * @module
 */

import {
  ArgumentError,
  type Content,
  convertContent,
  type FormatPlugin,
  type NDArray,
  type PluginOptions,
  randint,
  UnsupportedError,
} from "@ndio/core";
import { openFileSource, readFileBytes } from "@ndio/core/fs";
import { join } from "node:path";
import { integerOption } from "../_args.ts";
import type { Command } from "../_command.ts";
import { type Context, note } from "../_context.ts";
import { sameBytes } from "../_compare.ts";
import { selectArray } from "../_content.ts";
import { describeError, rootCause, UsageError } from "../_errors.ts";
import { loadFile, writeOutput } from "../_files.ts";
import { grouped, paint, shapeText, table } from "../_output.ts";
import { READ_OPTIONS } from "../_plugin_options.ts";
import { Progress } from "../_progress.ts";

/** One way of writing the array: a plugin with options, and how to get the array back. */
interface Variant {
  readonly label: string;
  readonly file: string;
  readonly plugin: FormatPlugin;
  readonly content: Content;
  readonly writeOptions: PluginOptions;
  readonly readOptions: PluginOptions;
  /** The array as read back, in the original shape. */
  restore(content: Content): NDArray;
}

/** One row of the table. */
interface Row {
  readonly label: string;
  readonly file: string;
  readonly bytes?: number;
  readonly writeMs?: number;
  readonly readMs?: number;
  readonly ok: boolean;
  /** The dtype read back when it differs only in byte order (a pickle loads in native order). */
  readonly readAs?: string;
  /** The format cannot hold this array (it refused to write it): neither ok nor a failure. */
  readonly cannotHold?: boolean;
  readonly error?: string;
}

function asArray(content: Content): NDArray {
  return selectArray(content, undefined);
}

function variantsFor(
  ctx: Context,
  plugin: FormatPlugin,
  array: NDArray,
  textShape: readonly number[],
): Variant[] {
  const pickled = ctx.pickle === undefined ? {} : { pickle: ctx.pickle, allowPickle: true };
  const base = {
    plugin,
    writeOptions: {},
    readOptions: {},
    restore: asArray,
  };
  const contentOf = (kind: FormatPlugin["content"]) =>
    convertContent({ kind: "array", array }, kind);
  switch (plugin.id) {
    case "npy":
      return [{
        ...base,
        label: "npy",
        file: "arr.npy",
        content: contentOf("array"),
        writeOptions: pickled,
        readOptions: pickled,
      }];
    case "npz":
      return [
        {
          ...base,
          label: "npz",
          file: "arr.npz",
          content: contentOf("arrays"),
          writeOptions: { ...pickled, compress: false },
          readOptions: pickled,
        },
        {
          ...base,
          label: "npz compressed",
          file: "arr-compress.npz",
          content: contentOf("arrays"),
          writeOptions: { ...pickled, compress: true },
          readOptions: pickled,
        },
      ];
    case "text": {
      const reshaped = textShape.join() !== array.shape.join();
      // savetxt's default "%.18e" turns integers into floats and cannot format strings.
      const fmt = "iub".includes(array.dtype.kind) ? "%d" : array.dtype.kind === "U" ? "%s" : null;
      return [{
        ...base,
        label: "text",
        file: "arr-txt.tsv",
        content: { kind: "array", array: array.reshape(textShape) },
        writeOptions: {
          delimiter: "\t",
          ...(fmt === null ? {} : { fmt }),
          ...(reshaped ? { header: `Original shape: ${shapeText(array.shape)}` } : {}),
          comments: "# ",
        },
        readOptions: { delimiter: "\t", dtype: array.dtype },
        // Text keeps no shape of its own beyond the header: give it back the original one.
        restore: (content) => {
          const back = asArray(content);
          return back.size === array.size ? back.reshape(array.shape) : back;
        },
      }];
    }
    default:
      return [{
        ...base,
        label: plugin.id,
        file: `arr${plugin.extensions[0] ?? `.${plugin.id}`}`,
        content: contentOf(plugin.content),
      }];
  }
}

async function measure(
  variant: Variant,
  dir: string,
  original: NDArray,
  progress: Progress,
): Promise<Row> {
  const path = join(dir, variant.file);
  const { plugin } = variant;
  const row = { label: variant.label, file: variant.file };
  try {
    let start = performance.now();
    let bytes: number;
    try {
      // No fsync: the tutorial's np.save does not either, and only the timing differs.
      bytes = await writeOutput(path, plugin, variant.content, variant.writeOptions, {
        fsync: false,
      });
    } catch (error) {
      // A format that refuses this array (text and a record dtype) cannot hold it: not a failure.
      const cause = rootCause(error);
      if (cause instanceof UnsupportedError || cause instanceof ArgumentError) {
        return { ...row, ok: false, cannotHold: true, error: describeError(cause) };
      }
      throw error;
    }
    const writeMs = performance.now() - start;
    progress.advance(1);
    if (plugin.read === undefined && plugin.decode === undefined) {
      return { ...row, bytes, writeMs, ok: false, error: "the format cannot be read back" };
    }
    start = performance.now();
    let content: Content;
    if (plugin.decode !== undefined) {
      content = plugin.decode(readFileBytes(path), variant.readOptions);
    } else {
      using source = openFileSource(path);
      content = await plugin.read!(source, variant.readOptions);
    }
    const back = variant.restore(content);
    const readMs = performance.now() - start;
    progress.advance(1);
    const ok = sameBytes(back, original);
    if (ok) return { ...row, bytes, writeMs, readMs, ok };
    const order = original.dtype.byteOrder;
    if (
      order !== "|" && back.dtype.byteOrder !== order &&
      sameBytes(back.withByteOrder(order), original)
    ) {
      // Unpickling gives native byte order in NumPy too: the values are the same.
      return { ...row, bytes, writeMs, readMs, ok: true, readAs: back.dtype.str };
    }
    return {
      ...row,
      bytes,
      writeMs,
      readMs,
      ok,
      error: `read back as ${back.dtype.str} ${shapeText(back.shape)}, not equal`,
    };
  } catch (error) {
    // The table names the files; the temporary directory would only clutter the message.
    return { ...row, ok: false, error: describeError(error).replaceAll(`${dir}/`, "") };
  }
}

/** The `sizes` command. */
export const sizesCommand: Command = {
  name: "sizes",
  usage: "[FILE] [--name N] [options]",
  summary: "write an array in every format, read it back, compare sizes and times",
  description: `
The seed tutorial's "File sizes" comparison as a command. Writes an array in
every writable format of every loaded plugin — .npy, .npz stored, .npz
compressed, pickle, text (tab-separated, "%d" for integers, under the seed's
"# Original shape: ..." header), and any --plugin format — reads each file
back, checks it is equal (dtype, shape and every byte), and prints a table:
format, file, bytes, percent of the raw array bytes, write and read time in
milliseconds, and whether the round trip is exact.

Without FILE, the array is the seed's: random integers in [1, 100) with shape
(100, 100, 100), int64, from a fixed seed (--seed), written to text as the
seed does, reshaped to (100000, 10). With FILE, its array (--name picks one)
is used; arrays of more than two dimensions go to text as rows of their last
axis. Files go to a temporary directory, removed afterwards, or to --dir.
A format that refuses the array (text and a datetime or record dtype) shows
"cannot hold it" and the reason; that is not a failure. Exit code 1 if any
round trip fails: a file not read back, or read back different.`,
  options: {
    name: { type: "string", value: "N", help: "the array of FILE to use" },
    seed: { type: "string", value: "S", help: "the random seed of the default array (default 0)" },
    dir: { type: "string", value: "DIR", help: "write the files here and keep them" },
    from: { type: "string", value: "F", help: "the format of FILE (a plugin id)" },
    ...READ_OPTIONS,
  },
  positionals: [0, 1],
  async run(ctx, { values, positionals }) {
    let array: NDArray;
    let textShape: number[];
    let what: string;
    const file = positionals[0];
    if (file === undefined) {
      if (values.name !== undefined) throw new UsageError("--name needs FILE");
      const seed = values.seed === undefined
        ? 0
        : integerOption("seed", values.seed as string, 0, 2 ** 32 - 1);
      array = randint(1, 100, [1_000_000], { seed }).reshape([100, 100, 100]);
      textShape = [100_000, 10];
      what = `randint(1, 100, 1_000_000, seed=${seed}).reshape(100, 100, 100)`;
    } else {
      if (values.seed !== undefined) throw new UsageError("--seed applies only without FILE");
      const content = await loadFile(ctx, file, values);
      array = selectArray(content, values.name as string | undefined);
      textShape = array.ndim > 2
        ? [-1, array.shape[array.ndim - 1]!]
        : array.ndim === 0
        ? [1]
        : [...array.shape];
      what = `${file}${values.name === undefined ? "" : ` (${values.name})`}`;
    }
    const variants = ctx.registry.plugins
      .filter((p) => p.write !== undefined || p.encode !== undefined)
      .flatMap((p) => variantsFor(ctx, p, array, textShape));
    const keep = values.dir as string | undefined;
    const dir = keep ?? await Deno.makeTempDir({ prefix: "ndio-sizes-" });
    const rows: Row[] = [];
    const progress = new Progress(ctx.output, "writing and reading", variants.length * 2);
    try {
      if (keep !== undefined) await Deno.mkdir(keep, { recursive: true });
      for (const variant of variants) rows.push(await measure(variant, dir, array, progress));
    } finally {
      progress.finish();
      if (keep === undefined) await Deno.remove(dir, { recursive: true });
    }
    const { out, colorOut } = ctx.output;
    out.write(
      `array: ${what}: ${array.dtype.name} ${shapeText(array.shape)}, ${
        grouped(array.nbytes)
      } bytes raw\n\n`,
    );
    const ms = (t: number | undefined) => (t === undefined ? "-" : t.toFixed(1));
    const lines = [["format", "file", "bytes", "% raw", "write ms", "read ms", "round trip"]];
    for (const r of rows) {
      lines.push([
        r.label,
        r.file,
        r.bytes === undefined ? "-" : grouped(r.bytes),
        r.bytes === undefined || array.nbytes === 0
          ? "-"
          : (100 * r.bytes / array.nbytes).toFixed(1),
        ms(r.writeMs),
        ms(r.readMs),
        r.ok
          ? paint(r.readAs === undefined ? "ok" : `ok, as ${r.readAs}`, "green", colorOut)
          : r.cannotHold
          ? "cannot hold it"
          : paint("FAILED", "red", colorOut),
      ]);
    }
    out.write(table(lines, {
      color: colorOut,
      align: ["left", "left", "right", "right", "right", "right", "left"],
    }));
    for (const r of rows) {
      if (r.readAs !== undefined) {
        note(ctx, `${r.label}: read back in native byte order (${r.readAs}), as NumPy reads it`);
      } else if (r.cannotHold) {
        note(ctx, `${r.label}: ${r.error}`);
      } else if (r.error !== undefined) {
        ctx.output.err.write(`ndio: ${r.label}: ${r.error}\n`);
      }
    }
    if (keep !== undefined) note(ctx, `the files are in "${keep}"`);
    return rows.every((r) => r.ok || r.cannotHold) ? 0 : 1;
  },
};
