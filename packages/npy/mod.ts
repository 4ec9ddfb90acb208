/**
 * @ndio/npy: NumPy's `.npy` format with no Python. Reads every file
 * `np.save` writes (versions 1.0, 2.0 and 3.0, every dtype, C and Fortran
 * order, concatenated streams) and writes files byte for byte identical to
 * `np.save`'s. Reads headers alone, and parts of arrays by NumPy index
 * through a random-access byte source; writes arrays larger than memory
 * with {@linkcode NpyStreamWriter}.
 *
 * Runs in any JavaScript runtime. File helpers for Deno (`save`, `load`)
 * live in `@ndio/npy/fs`.
 *
 * Safety: headers are parsed by a small literal parser (nothing is
 * evaluated) under a size limit; object arrays, whose data is a pickle, are
 * refused unless `allowPickle: true` and a pickle codec are passed.
 *
 * @example Write and read back
 * ```ts
 * import { decodeNpy, encodeNpy } from "@ndio/npy";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const a = arange(6, { dtype: "<f8" }).reshape([2, 3]);
 * const bytes = encodeNpy(a); // the bytes np.save(f, a) writes
 * const b = decodeNpy(bytes);
 * assert.deepEqual(b.toNested(), [[0, 1, 2], [3, 4, 5]]);
 * ```
 *
 * @module
 */

export * from "./header.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export * from "./read.ts";
export * from "./read_blocks.ts";
export * from "./stream_writer.ts";
export * from "./plugin.ts";
export type { NpyPickleOptions } from "./_options.ts";
