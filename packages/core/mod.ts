/**
 * @ndio/core: NumPy's data model for JavaScript. Dtypes that parse and print
 * every descr NumPy writes, an n-dimensional array with NumPy's basic
 * indexing, casting and matrix product, NumPy's exact repr, the Python value
 * tree of pickles, and the format-plugin interface and registry that the
 * ndio format packages implement.
 *
 * Runs in any JavaScript runtime: no Deno APIs, no run-time imports. File
 * helpers for Deno live apart in `@ndio/core/fs`.
 *
 * @example The seed's slice-and-multiply, printed as NumPy prints it
 * ```ts
 * import { randint } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const arr = randint(1, 100, [100, 100, 100], { seed: 0 });
 * const product = arr.index("2:6, 4, 3:4").matmul(arr.index("8:9, 3, 4:8"));
 * assert.deepEqual(product.shape, [4, 4]);
 * assert.equal(product.dtype.name, "int64");
 * assert.ok(product.toString().startsWith("array([[4800, 3225, 1200, 7425],"));
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./dtype.ts";
export * from "./index_expr.ts";
export * from "./ndarray.ts";
export * from "./create.ts";
export * from "./value.ts";
export * from "./repr.ts";
export { type AstypeOptions, canCast, type Casting, promoteTypes } from "./cast.ts";
export * from "./matmul.ts";
export * from "./convert.ts";
export * from "./byte_source.ts";
export * from "./plugin.ts";
export * from "./registry.ts";
