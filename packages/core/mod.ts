/**
 * @ndio/core: NumPy's data model for JavaScript. Dtypes that parse and print
 * every descr NumPy writes, an n-dimensional array with NumPy's basic
 * indexing, the Python value tree of pickles, and the format-plugin
 * interface and registry that the ndio format packages implement.
 *
 * Runs in any JavaScript runtime: no Deno APIs, no run-time imports. File
 * helpers for Deno live apart in `@ndio/core/fs`.
 *
 * @example The seed's slice-and-multiply
 * ```ts
 * import { randint } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const arr = randint(1, 100, [100, 100, 100], { seed: 0 });
 * const view = arr.index("2:6, 4, 3:4");
 * assert.deepEqual(view.shape, [4, 1]);
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
