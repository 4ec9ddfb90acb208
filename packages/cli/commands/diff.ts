/**
 * `ndio diff A B`: compares the arrays of two files of any formats.
 *
 * @module
 */

import { PyFloat } from "@ndio/core";
import { numberOption } from "../_args.ts";
import type { Command } from "../_command.ts";
import { note } from "../_context.ts";
import { compareArrays, type Comparison, isEqual, type Tolerance } from "../_compare.ts";
import { arraysOf, type NamedArray, selectArray } from "../_content.ts";
import { withContext } from "../_errors.ts";
import { loadFile } from "../_files.ts";
import { grouped, shapeText } from "../_output.ts";
import { READ_OPTIONS, TEXT_OPTIONS } from "../_plugin_options.ts";
import { Progress } from "../_progress.ts";
import { pythonRepr } from "../_repr.ts";

function show(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    return pythonRepr(value);
  }
  if (typeof value === "number") return String(new PyFloat(value)).replace(/\.0$/, "");
  if (value instanceof Uint8Array) return pythonRepr(value);
  return String(value);
}

function report(label: string, a: NamedArray, b: NamedArray, c: Comparison): string {
  let text = "";
  if (!c.sameDType) {
    text += `${label}: dtype differs: ${a.array.dtype.str} vs ${b.array.dtype.str}\n`;
  }
  if (!c.sameShape) {
    text += `${label}: shape differs: ${shapeText(a.array.shape)} vs ${shapeText(b.array.shape)}\n`;
    return text;
  }
  if (c.differing === 0) return text;
  const numeric = c.maxAbs > 0 || c.maxRel > 0;
  text += `${label}: ${grouped(c.differing)} of ${grouped(c.compared)} elements differ${
    numeric ? ` (largest absolute difference ${c.maxAbs}, relative ${c.maxRel})` : ""
  }\n`;
  for (const d of c.first) {
    text += `  [${d.index.join(", ")}]: ${show(d.a)} vs ${show(d.b)}\n`;
  }
  if (c.differing > c.first.length) {
    text += `  ...and ${grouped(c.differing - c.first.length)} more\n`;
  }
  return text;
}

/** The `diff` command. */
export const diffCommand: Command = {
  name: "diff",
  usage: "A B [--rtol R] [--atol A]",
  summary: "compare the arrays of two files of any formats; exit 0 equal, 1 different",
  description: `
Compares the arrays of A and B, which may be of different formats (an .npy
with the "arr_0" of an .npz, a pickled dict with the .npz made from it). When
each file holds one array, those two are compared; otherwise arrays are paired
by name, and names found on one side only are a difference. For each pair, the
dtype (with byte order), the shape and every value are compared; differences
are printed on stdout with the first differing indices.

Values are equal when |a - b| <= atol + rtol * |b| (NumPy's isclose); the
default tolerances are 0: exact. NaN equals NaN. Exit code: 0 equal,
1 different, 2 error (unreadable file, bad option).`,
  options: {
    rtol: { type: "string", value: "R", help: "relative tolerance (default 0)" },
    atol: { type: "string", value: "A", help: "absolute tolerance (default 0)" },
    name: { type: "string", value: "N", help: "compare only the array of this name in each file" },
    from: { type: "string", value: "F", help: "the format of both files (a plugin id)" },
    ...READ_OPTIONS,
    ...TEXT_OPTIONS,
  },
  positionals: [2, 2],
  errorExitCode: 2,
  async run(ctx, { values, positionals }) {
    const tolerance: Tolerance = {
      rtol: values.rtol === undefined ? 0 : numberOption("rtol", values.rtol as string),
      atol: values.atol === undefined ? 0 : numberOption("atol", values.atol as string),
    };
    const [pathA, pathB] = positionals as [string, string];
    const contentA = await loadFile(ctx, pathA, values);
    const contentB = await loadFile(ctx, pathB, values);
    const name = values.name as string | undefined;
    let left: NamedArray[];
    let right: NamedArray[];
    if (name !== undefined) {
      left = [{
        name,
        array: await withContext(`in "${pathA}"`, () => selectArray(contentA, name)),
      }];
      right = [{
        name,
        array: await withContext(`in "${pathB}"`, () => selectArray(contentB, name)),
      }];
    } else {
      left = arraysOf(contentA);
      right = arraysOf(contentB);
    }
    const pairs: [string, NamedArray, NamedArray][] = [];
    let text = "";
    if (left.length === 1 && right.length === 1) {
      const [a, b] = [left[0]!, right[0]!];
      const label = a.name === b.name
        ? a.name ?? "array"
        : `${a.name ?? "array"} vs ${b.name ?? "array"}`;
      pairs.push([label, a, b]);
    } else {
      const byName = new Map(right.map((r) => [r.name, r]));
      for (const a of left) {
        const b = byName.get(a.name);
        if (b === undefined) text += `only in ${pathA}: ${a.name ?? "(unnamed array)"}\n`;
        else pairs.push([a.name ?? "array", a, b]);
      }
      const names = new Set(left.map((l) => l.name));
      for (const b of right) {
        if (!names.has(b.name)) text += `only in ${pathB}: ${b.name ?? "(unnamed array)"}\n`;
      }
    }
    let equal = text === "";
    const progress = new Progress(ctx.output, "comparing", pairs.length);
    for (const [label, a, b] of pairs) {
      const c = compareArrays(a.array, b.array, tolerance);
      progress.advance(1);
      if (!isEqual(c)) {
        equal = false;
        text += report(label, a, b, c);
      }
    }
    progress.finish();
    ctx.output.out.write(text);
    if (equal) {
      note(
        ctx,
        `${pathA} and ${pathB} are equal (${pairs.length} array${pairs.length === 1 ? "" : "s"})`,
      );
    }
    return equal ? 0 : 1;
  },
};
