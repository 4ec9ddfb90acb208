/**
 * `ndio info FILE`: the format and, for each array, name, dtype, shape,
 * order and size — from headers alone where the format allows.
 *
 * @module
 */

import type { ArrayInfo, Content, DType, PyValue } from "@ndio/core";
import type { Command } from "../_command.ts";
import type { Context } from "../_context.ts";
import { withContext } from "../_errors.ts";
import { type InputFile, openInput, readInput } from "../_files.ts";
import { grouped, shapeText, table } from "../_output.ts";
import { READ_OPTIONS, readOptions, TEXT_OPTIONS } from "../_plugin_options.ts";
import { Progress } from "../_progress.ts";
import { findArrays, type Json, summarize } from "../_value_tree.ts";

/** What `info` reports of one array. */
interface Row {
  readonly name: string | null;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
}

function rowsOfContent(content: Content): Row[] {
  const row = (name: string | null, a: import("@ndio/core").NDArray): Row => ({
    name,
    dtype: a.dtype,
    shape: a.shape,
    fortranOrder: a.ndim > 1 && a.isFContiguous && !a.isCContiguous,
  });
  switch (content.kind) {
    case "array":
      return [row(null, content.array)];
    case "arrays":
      return [...content.arrays].map(([name, a]) => row(name, a));
    case "value":
      return findArrays(content.value).map((f) => row(f.name, f.array));
  }
}

/** Arrays from headers (plugin `inspect`), else from the content; the value tree for pickles. */
async function describe(
  ctx: Context,
  input: InputFile,
  values: Readonly<Record<string, string | boolean | string[] | undefined>>,
): Promise<{ rows: Row[]; value?: PyValue }> {
  const options = readOptions(ctx, input.plugin, input.path, values);
  const { plugin } = input;
  if (plugin.content !== "value" && plugin.inspect !== undefined) {
    const infos: ArrayInfo[] = await withContext(
      `cannot read "${input.path}"`,
      () => plugin.inspect!(input.source, options),
    );
    return { rows: infos };
  }
  const progress = new Progress(ctx.output, "reading", 0);
  try {
    const content = await readInput(input, options, progress);
    return content.kind === "value"
      ? { rows: rowsOfContent(content), value: content.value }
      : { rows: rowsOfContent(content) };
  } finally {
    progress.finish();
  }
}

/** The `info` command. */
export const infoCommand: Command = {
  name: "info",
  usage: "FILE [--json]",
  summary: "the format and the arrays of a file (dtype, shape, order, size), from headers",
  description: `
Prints the detected format of FILE and, for each array, its name, dtype, shape,
memory order and size. For .npy and .npz only headers are read, so large files
answer at once. For a pickle, the arrays found in the value tree are listed by
their Python path (['array'], [0]) and the tree is summarized.

--json prints one JSON object:
  {"format": "npz", "arrays": [{"name": "temperature", "dtype": "<f8",
   "descr": "<f8", "shape": [3, 4, 5], "fortran_order": false}]}
"format" is the plugin id, "dtype" NumPy's dtype.str, "descr" NumPy's descr
(a string, or nested lists for structured dtypes), "name" null for single-array
formats; a pickle adds "value", a summary of the tree in which JSON scalars and
lists stand for themselves and anything else is an object with a "type"
("dict", "tuple", "ndarray", "bytes", ...).`,
  options: {
    json: { type: "boolean", help: "print one JSON object" },
    from: { type: "string", value: "F", help: "the format of FILE (a plugin id)" },
    ...READ_OPTIONS,
    ...TEXT_OPTIONS,
  },
  positionals: [1, 1],
  async run(ctx, { values, positionals }) {
    const path = positionals[0]!;
    using input = await openInput(ctx, path, values.from as string | undefined);
    const { rows, value } = await describe(ctx, input, values);
    const { out } = ctx.output;
    if (values.json) {
      const json: { [key: string]: Json } = {
        format: input.plugin.id,
        arrays: rows.map((r) => ({
          name: r.name,
          dtype: r.dtype.str,
          descr: r.dtype.descr as Json,
          shape: [...r.shape],
          fortran_order: r.fortranOrder,
        })),
      };
      if (value !== undefined) json.value = summarize(value);
      out.write(JSON.stringify(json) + "\n");
      return 0;
    }
    const count = `${rows.length} array${rows.length === 1 ? "" : "s"}`;
    out.write(`${path}: ${input.plugin.id} (${input.plugin.label}), ${count}\n`);
    if (rows.length > 0) {
      const lines = [["name", "dtype", "type", "shape", "order", "elements", "bytes"]];
      for (const r of rows) {
        const size = r.shape.reduce((a, b) => a * b, 1);
        lines.push([
          r.name ?? "-",
          r.dtype.str,
          r.dtype.name,
          shapeText(r.shape),
          r.fortranOrder ? "F" : "C",
          grouped(size),
          grouped(size * r.dtype.itemsize),
        ]);
      }
      out.write(
        table(lines, {
          color: ctx.output.colorOut,
          indent: "  ",
          align: ["left", "left", "left", "left", "left", "right", "right"],
        }),
      );
    }
    if (value !== undefined) out.write(`value: ${JSON.stringify(summarize(value))}\n`);
    return 0;
  },
};
