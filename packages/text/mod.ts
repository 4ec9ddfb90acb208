/**
 * @ndio/text: delimited text as `np.savetxt` writes it and `np.loadtxt`
 * reads it, with no Python.
 *
 * - {@linkcode savetxt} (and {@linkcode savetxtBytes}, {@linkcode savetxtChunks},
 *   {@linkcode savetxtStream}) formats an array byte for byte as `np.savetxt`
 *   does: Python's printf semantics (`%d %i %u %o %x %X %e %E %f %F %g %G %s
 *   %r %c %%`, flags, width, precision) with correctly rounded digits, complex
 *   and structured arrays, headers, footers and any newline. Arrays of more
 *   than two dimensions, which NumPy refuses, are written as rows of their
 *   last axis under a `shape: (...)` header line.
 * - {@linkcode loadtxt} (and {@linkcode loadtxtStream} for byte streams, in
 *   bounded memory) reads text as `np.loadtxt` does, from a hand-written
 *   byte-level parser with correctly rounded floats; a `shape: (...)` or
 *   `Original shape: (...)` header comment restores the shape. Without a
 *   dtype the result is int64 when every field is an integer, else float64
 *   (NumPy's default is always float64: pass `dtype: "float64"`). Bad input
 *   is a `MalformedError` naming the line and column (1-based) and the text.
 * - {@linkcode loadtxtBlocks} reads a byte stream as consecutive blocks of
 *   rows, in memory bounded by the block size (text larger than memory to
 *   `.npy` with `@ndio/npy`'s stream writer).
 * - {@linkcode genfromtxt}: missing values, names, per-column types,
 *   fixed-width fields, invalid rows raised or skipped.
 * - {@linkcode textPlugin}: the format plugin for ndio's registry and CLI.
 *
 * Runs in any JavaScript runtime (no Deno APIs).
 *
 * @example The seed's tab-separated ints with a shape header
 * ```ts
 * import { randint } from "@ndio/core";
 * import { loadtxt, savetxt } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const arr = randint(1, 100, [10, 10, 10], { seed: 0 });
 * const text = savetxt(arr.reshape([100, 10]), {
 *   delimiter: "\t",
 *   fmt: "%d",
 *   header: "Original shape: (10, 10, 10)",
 *   comments: "# ",
 * });
 * assert.ok(text.startsWith("# Original shape: (10, 10, 10)\n"));
 * const back = loadtxt(text, { delimiter: "\t" });
 * assert.deepEqual(back.shape, [10, 10, 10]);
 * assert.deepEqual(back.toNested(), arr.toNested());
 * ```
 *
 * @module
 */

export * from "./savetxt.ts";
export { loadtxt, type LoadtxtOptions, loadtxtStream } from "./loadtxt.ts";
export type { Converter } from "./_table_reader.ts";
export { textPlugin } from "./plugin.ts";
export { genfromtxt, type GenfromtxtOptions } from "./genfromtxt.ts";
export { loadtxtBlocks, type LoadtxtBlocksOptions } from "./load_blocks.ts";
