/**
 * @ndio/text: delimited text as `np.savetxt` writes it and `np.loadtxt`
 * reads it.
 *
 * - {@linkcode savetxt} formats an array byte for byte as `np.savetxt` does
 *   (Python's printf semantics, correctly rounded digits), and writes arrays
 *   of more than two dimensions as rows under a `shape: (...)` header.
 *
 * @example
 * ```ts
 * import { array } from "@ndio/core";
 * import { savetxt } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const text = savetxt(array([[1, 2], [3, 4]], { dtype: "<i8" }), { fmt: "%d", delimiter: "\t" });
 * assert.equal(text, "1\t2\n3\t4\n");
 * ```
 *
 * @module
 */

export * from "./savetxt.ts";
export { loadtxt, type LoadtxtOptions, loadtxtStream } from "./loadtxt.ts";
export type { Converter } from "./_table_reader.ts";
export { textPlugin } from "./plugin.ts";
