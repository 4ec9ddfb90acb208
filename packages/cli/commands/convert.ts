/**
 * `ndio convert IN OUT`: any readable format to any writable one, with
 * NumPy's semantics and nothing lost; OUT written atomically.
 *
 * @module
 */

import { type Content, convertContent, type FormatPlugin, type PluginOptions } from "@ndio/core";
import { checkDataLength, npyPlugin, readNpyHeader } from "@ndio/npy";
import { npzPlugin } from "@ndio/npz";
import { savezFromNpy } from "@ndio/npz/fs";
import type { Command } from "../_command.ts";
import { type Context, note } from "../_context.ts";
import { withContext } from "../_errors.ts";
import { type InputFile, openInput, outputPlugin, readInput, writeOutput } from "../_files.ts";
import { grouped } from "../_output.ts";
import { findArrays } from "../_value_tree.ts";
import {
  checkOptions,
  READ_OPTIONS,
  readOptions,
  TEXT_OPTIONS,
  WRITE_OPTIONS,
  writeOptions,
} from "../_plugin_options.ts";
import { Progress, sourceWithProgress } from "../_progress.ts";
import { streamNpzMember } from "../_stream_member.ts";

/** Adapts content to what `plugin` holds, naming the input in errors. */
export function contentFor(
  content: Content,
  plugin: FormatPlugin,
  from: string,
  name: string | undefined,
): Promise<Content> {
  return withContext(
    `cannot convert "${from}" to ${plugin.id}`,
    () => {
      try {
        // "x.npy" names the member "x", as NumPy's NpzFile takes both.
        if (
          name !== undefined && content.kind === "arrays" && !content.arrays.has(name) &&
          content.arrays.has(name.replace(/\.npy$/, ""))
        ) {
          name = name.replace(/\.npy$/, "");
        }
        if (name !== undefined && content.kind === "value") {
          // A Python path such as ['array'] (as "ndio info" lists arrays) picks that array.
          const byPath = findArrays(content.value).find((a) => a.name === name);
          if (byPath !== undefined) {
            return convertContent({ kind: "array", array: byPath.array }, plugin.content);
          }
        }
        return convertContent(content, plugin.content, name === undefined ? {} : { name });
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "content-needs-name" && error instanceof Error) {
          error.message += " with --name";
        }
        throw error;
      }
    },
  );
}

/** A short description of content: `2 arrays`, `int64 (100, 100, 100)`. */
export function describeContent(content: Content): string {
  switch (content.kind) {
    case "array":
      return `${content.array.dtype.name} (${content.array.shape.join(", ")}${
        content.array.ndim === 1 ? "," : ""
      })`;
    case "arrays":
      return `${content.arrays.size} array${content.arrays.size === 1 ? "" : "s"}`;
    case "value":
      return "a value tree";
  }
}

/** Reads IN, converts and writes OUT; shared by `convert` and `slice -o`. */
export async function writeConverted(
  ctx: Context,
  content: Content,
  from: string,
  path: string,
  plugin: FormatPlugin,
  name: string | undefined,
  options: PluginOptions,
  progress: Progress,
): Promise<void> {
  const converted = await contentFor(content, plugin, from, name);
  if (
    plugin.id === "text" && options.fmt === undefined && converted.kind === "array" &&
    "iub".includes(converted.array.dtype.kind)
  ) {
    // savetxt's default "%.18e" would turn integers into floats; "%d" keeps them exact.
    options = { ...options, fmt: "%d" };
  }
  const bytes = await writeOutput(path, plugin, converted, options, { progress });
  progress.finish();
  note(
    ctx,
    `wrote "${path}": ${plugin.id}, ${describeContent(converted)}, ${grouped(bytes)} bytes`,
  );
}

/**
 * Packs an .npy into an .npz without holding its array: the data is read
 * and deflated piece by piece (savezFromNpy), so inputs larger than memory
 * convert. Returns false, writing nothing, where that cannot be done: an
 * object array (one pickle), or an output name without `.npz`, which
 * savezFromNpy would complete as NumPy does.
 */
async function packNpy(
  ctx: Context,
  input: InputFile,
  path: string,
  readOptions: PluginOptions,
  options: PluginOptions,
  progress: Progress,
): Promise<boolean> {
  const maxHeaderSize = readOptions.maxHeaderSize as number | undefined;
  const limits = maxHeaderSize === undefined ? {} : { maxHeaderSize };
  const header = await withContext(`cannot read "${input.path}"`, async () => {
    const header = await readNpyHeader(input.source, limits);
    if (header.dataLength !== null) {
      checkDataLength(header, input.source.byteLength - header.dataOffset, 0);
    }
    return header;
  });
  if (header.dataLength === null || !path.endsWith(".npz")) return false;
  progress.phase(`converting ${input.path}`, input.source.byteLength);
  const level = options.level as number | undefined;
  await withContext(
    `cannot write "${path}"`,
    () =>
      savezFromNpy(path, sourceWithProgress(input.source, progress), {
        compress: options.compress === true,
        ...(level === undefined ? {} : { level }),
        fsync: true,
      }),
  );
  progress.finish();
  const bytes = (await Deno.stat(path)).size;
  note(ctx, `wrote "${path}": npz, 1 array, ${grouped(bytes)} bytes`);
  return true;
}

/** The `convert` command. */
export const convertCommand: Command = {
  name: "convert",
  usage: "IN OUT [options]",
  summary: "convert between formats (npy, npz, text, pickle, plugins), losslessly",
  description: `
Reads IN (its format found by its magic bytes, then its extension, or --from)
and writes OUT in the format of --to or of its extension (.npy .npz .txt .csv
.tsv .dat .pkl .pickle). NumPy's semantics: one array into .npz is "arr_0"; an
.npz into .npy needs --name unless it has one member; a pickled dict into .npz
becomes one member per key, as np.savez(**d) does; into .npy it needs a single
array (--name picks a key). dtype, byte order, shape and values are kept exactly.
OUT is written atomically: if anything fails, an existing OUT is left untouched
and no temporary file remains. An .npy into an .npz streams, and so does an .npz
member into an .npy (in Fortran order too, kept as np.save keeps it): memory
stays small whatever the size of the array. Escapes such as \\t are understood
in option values.`,
  options: {
    from: {
      type: "string",
      value: "F",
      help: "the format of IN (a plugin id: npy, npz, text, pickle)",
    },
    to: { type: "string", value: "F", help: "the format of OUT (default: by its extension)" },
    name: {
      type: "string",
      value: "N",
      help: "the array to take from IN (an .npz member, a dict key)",
    },
    ...READ_OPTIONS,
    ...TEXT_OPTIONS,
    ...WRITE_OPTIONS,
  },
  positionals: [2, 2],
  async run(ctx, { values, positionals }) {
    const [inPath, outPath] = positionals as [string, string];
    checkOptions(values);
    const writer = outputPlugin(ctx.registry, outPath, values.to as string | undefined);
    using input = await openInput(ctx, inPath, values.from as string | undefined);
    const options = readOptions(ctx, input.plugin, inPath, values, writer);
    const outOptions = writeOptions(ctx, writer, outPath, values, input.plugin);
    const progress = new Progress(ctx.output, "converting", 0);
    try {
      const name = values.name as string | undefined;
      // A plain .npy into an .npz streams, whatever its size.
      if (
        name === undefined && input.plugin === npyPlugin && writer === npzPlugin &&
        await packNpy(ctx, input, outPath, options, outOptions, progress)
      ) {
        return 0;
      }
      if (input.plugin === npzPlugin && writer === npyPlugin) {
        // One member to .npy streams, in memory bounded by the block size.
        const streamed = await streamNpzMember(input, outPath, name, options, progress);
        if (streamed !== null) {
          progress.finish();
          const { dtype, shape } = streamed;
          note(
            ctx,
            `wrote "${outPath}": npy, ${dtype} (${shape.join(", ")}${
              shape.length === 1 ? "," : ""
            }), ${grouped(streamed.bytes)} bytes`,
          );
          return 0;
        }
      }
      const content = await readInput(input, options, progress);
      await writeConverted(ctx, content, inPath, outPath, writer, name, outOptions, progress);
    } finally {
      progress.finish();
    }
    return 0;
  },
};
