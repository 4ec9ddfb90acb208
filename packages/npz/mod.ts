/**
 * @ndio/npz: NumPy's `.npz` archives with no Python. Reads every archive
 * `np.savez`, `np.savez_compressed` and Python's zipfile write (stored and
 * deflated members, ZIP64, data descriptors, comments) lazily through the
 * central directory, so one member of a large file or URL is read without
 * the rest; writes archives NumPy reads, member by member.
 *
 * Runs in any JavaScript runtime. File helpers for Deno (`savez`,
 * `savezCompressed` and `loadNpz` on paths, with native zlib and parallel
 * deflate) live in `@ndio/npz/fs`.
 *
 * Members larger than memory are read as blocks of rows with
 * `NpzFile.blocks`, inflated as they stream, in memory bounded by the block.
 *
 * Safety: the CRC-32 of every member read whole or in blocks is checked (a
 * partial `index()` read only with `verify: true`);
 * inflation stops at the declared size (a zip bomb is an error, never a
 * large allocation); member counts and sizes are limited; object arrays
 * (pickles) are refused unless `allowPickle: true` and a pickle codec are
 * passed.
 *
 * @example Save and load
 * ```ts
 * import { loadNpz, savezCompressed } from "@ndio/npz";
 * import { arange, bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const sink = bytesSink();
 * await savezCompressed(sink, [arange(5), { another: arange(3, { dtype: "<f8" }) }]);
 * using npz = await loadNpz(sink.bytes());
 * assert.deepEqual(npz.files, ["another", "arr_0"]);
 * assert.deepEqual((await npz.array("another")).toNested(), [0, 1, 2]);
 * ```
 *
 * @module
 */

export {
  DEFAULT_NPZ_LIMITS,
  loadNpz,
  type LoadNpzOptions,
  type NpzBlocksOptions,
  type NpzChunksOptions,
  NpzFile,
  type NpzIndexOptions,
  type NpzLimits,
  type NpzMember,
} from "./npz_file.ts";
export { decodeNpz } from "./decode.ts";
export {
  encodeNpz,
  type NpzArrays,
  type NpzBlocks,
  npzMembers,
  NpzWriter,
  savez,
  savezCompressed,
  type SavezOptions,
} from "./writer.ts";
export { npzPlugin } from "./plugin.ts";
