/**
 * Encoding arrays as `.npy`, byte for byte as `np.save` writes them.
 *
 * @module
 */

import type { ByteSink, NDArray } from "@ndio/core";
import { ArgumentError } from "@ndio/core";
import { encodeNpyHeader, type EncodeNpyHeaderOptions, type NpyHeaderFields } from "./header.ts";
import { checkArray, dumpObjectArray, type NpyPickleOptions } from "./_options.ts";

/** Options of {@linkcode encodeNpy} and the other writers. */
export interface EncodeNpyOptions extends EncodeNpyHeaderOptions, NpyPickleOptions {}

/** Options of {@linkcode encodeNpyChunks} and {@linkcode writeNpy}. */
export interface WriteNpyOptions extends EncodeNpyOptions {
  /** The size of the pieces a strided view is copied in (default 1 MiB). */
  readonly chunkBytes?: number;
}

/**
 * The header fields NumPy writes for an array: `fortran_order` is true when
 * the array is Fortran-contiguous and not C-contiguous, as in
 * `np.lib.format.header_data_from_array_1_0`.
 *
 * @example
 * ```ts
 * import { npyHeaderFields } from "@ndio/npy";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(npyHeaderFields(zeros([2, 3]).T).fortranOrder, true);
 * assert.equal(npyHeaderFields(zeros([3])).fortranOrder, false);
 * ```
 *
 * @param array The array.
 * @returns Its dtype, shape and order.
 */
export function npyHeaderFields(array: NDArray): NpyHeaderFields {
  checkArray(array);
  return {
    dtype: array.dtype,
    shape: array.shape,
    fortranOrder: !array.isCContiguous && array.isFContiguous,
  };
}

/**
 * The bytes of a `.npy` for `array` in pieces: the header, then the data
 * in C (or Fortran) order. Contiguous data comes as views of the array;
 * a strided view is copied in pieces of `chunkBytes`, never whole.
 *
 * @example
 * ```ts
 * import { encodeNpyChunks } from "@ndio/npy";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const chunks = [...encodeNpyChunks(arange(6, { dtype: "<i4" }).reshape([2, 3]).T)];
 * assert.equal(chunks[0]!.length, 128);
 * ```
 *
 * @param array The array.
 * @param options Version, pickle codec, chunk size.
 * @returns The pieces.
 */
export function* encodeNpyChunks(
  array: NDArray,
  options?: WriteNpyOptions,
): Generator<Uint8Array, void, undefined> {
  const fields = npyHeaderFields(array);
  const chunkBytes = options?.chunkBytes;
  if (
    chunkBytes !== undefined && (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1)
  ) {
    throw new ArgumentError(
      "option-invalid",
      `chunkBytes must be a positive integer, not ${String(chunkBytes)}`,
    );
  }
  if (array.dtype.hasObject) {
    const pickle = dumpObjectArray(array, options);
    yield encodeNpyHeader(fields, options);
    yield pickle;
    return;
  }
  yield encodeNpyHeader(fields, options);
  yield* array.chunks({
    order: fields.fortranOrder ? "F" : "C",
    ...(chunkBytes === undefined ? {} : { chunkBytes }),
  });
}

/**
 * Encodes an array as `.npy`, byte for byte as `np.save` would: the oldest
 * format version that fits, NumPy's padding and growth spaces, Fortran
 * order for Fortran-contiguous arrays, big-endian dtypes kept as they are.
 * Object arrays are pickled with the `pickle` codec.
 *
 * @example
 * ```ts
 * import { encodeNpy } from "@ndio/npy";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpy(arange(3, { dtype: "<f8" }));
 * assert.equal(bytes.length, 128 + 24);
 * assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 78, 85, 77, 80, 89, 1, 0]);
 * ```
 *
 * @param array The array.
 * @param options A version to force; a pickle codec for object arrays.
 * @returns The `.npy` bytes.
 */
export function encodeNpy(array: NDArray, options?: EncodeNpyOptions): Uint8Array {
  const fields = npyHeaderFields(array);
  if (array.dtype.hasObject) {
    const pickle = dumpObjectArray(array, options);
    const header = encodeNpyHeader(fields, options);
    const out = new Uint8Array(header.length + pickle.length);
    out.set(header);
    out.set(pickle, header.length);
    return out;
  }
  const header = encodeNpyHeader(fields, options);
  const out = new Uint8Array(header.length + array.nbytes);
  out.set(header);
  let at = header.length;
  for (const chunk of array.chunks({ order: fields.fortranOrder ? "F" : "C" })) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Writes an array as `.npy` to a sink, in pieces (see
 * {@linkcode encodeNpyChunks}): a strided view is never copied whole.
 *
 * @example
 * ```ts
 * import { writeNpy, decodeNpy } from "@ndio/npy";
 * import { arange, bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const sink = bytesSink();
 * await writeNpy(arange(4, { dtype: "<u2" }), sink);
 * assert.deepEqual(decodeNpy(sink.bytes()).toNested(), [0, 1, 2, 3]);
 * ```
 *
 * @param array The array.
 * @param sink Where the bytes go.
 * @param options Version, pickle codec, chunk size.
 */
export async function writeNpy(
  array: NDArray,
  sink: ByteSink,
  options?: WriteNpyOptions,
): Promise<void> {
  for (const chunk of encodeNpyChunks(array, options)) await sink.write(chunk);
}
