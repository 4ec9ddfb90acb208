/**
 * Decoding `.npy` bytes held in memory: one array, or every array of a
 * stream that `np.save` wrote to repeatedly.
 *
 * @module
 */

import { contiguousStrides, type DType, NDArray, TruncatedError } from "@ndio/core";
import { type NpyHeader, type NpyHeaderOptions, parseNpyHeaderAt } from "./header.ts";
import { loadObjectArray, type NpyPickleOptions } from "./_options.ts";

/** Options of {@linkcode decodeNpy} and the other readers. */
export interface DecodeNpyOptions extends NpyHeaderOptions, NpyPickleOptions {
  /**
   * Copy the data into a new buffer instead of returning a view of the
   * input (default false: the array shares the input's bytes).
   */
  readonly copy?: boolean;
}

/**
 * The array over `data` (the data bytes only) that a header describes: C
 * or Fortran strides, a subarray dtype absorbed into the shape.
 *
 * @example
 * ```ts
 * import { arrayFromData, encodeNpy, parseNpyHeader } from "@ndio/npy";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpy(arange(6, { dtype: "<i2" }).reshape([2, 3]).T);
 * const header = parseNpyHeader(bytes);
 * const array = arrayFromData(header, bytes.subarray(header.dataOffset));
 * assert.deepEqual(array.toNested(), [[0, 3], [1, 4], [2, 5]]);
 * ```
 *
 * @param header The parsed header.
 * @param data The data bytes.
 * @returns A view of `data`.
 */
export function arrayFromData(header: NpyHeader, data: Uint8Array): NDArray {
  const { dtype, shape, fortranOrder } = header;
  return new NDArray(dtype, shape, {
    data,
    strides: contiguousStrides(shape, dtype.itemsize, fortranOrder ? "F" : "C"),
  });
}

/**
 * Checks that `available` bytes hold the header's data; throws a
 * `TruncatedError` naming the offset where the data ends early.
 *
 * @example
 * ```ts
 * import { checkDataLength, encodeNpy, parseNpyHeader } from "@ndio/npy";
 * import { zeros, TruncatedError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const header = parseNpyHeader(encodeNpy(zeros([100])));
 * checkDataLength(header, 800, 0);
 * assert.throws(() => checkDataLength(header, 792, 0), TruncatedError);
 * ```
 *
 * @param header The parsed header.
 * @param available The bytes of data present.
 * @param base The offset of the `.npy` in a larger input, for the message.
 * @param what What holds the data, for the message.
 */
export function checkDataLength(
  header: NpyHeader,
  available: number,
  base: number,
  what = "input",
): void {
  const needed = header.dataLength!;
  if (available < needed) {
    throw new TruncatedError(
      `the header says ${needed} bytes of data but the ${what} has ${Math.max(0, available)}`,
      { format: "npy", offset: base + header.dataOffset + Math.max(0, available) },
    );
  }
}

function decodeAt(
  bytes: Uint8Array,
  start: number,
  options: DecodeNpyOptions | undefined,
  stream: boolean,
): { array: NDArray; end: number; header: NpyHeader } {
  const view = start === 0 ? bytes : bytes.subarray(start);
  const header = parseNpyHeaderAt(view, options, start);
  const dataStart = header.dataOffset;
  if (header.dataLength === null) {
    const { array, length } = loadObjectArray(
      view.subarray(dataStart),
      header.dtype as DType,
      header.shape,
      options,
      start + dataStart,
      stream,
    );
    return { array, end: length === null ? bytes.length : start + dataStart + length, header };
  }
  checkDataLength(header, view.length - dataStart, start);
  const dataEnd = dataStart + header.dataLength;
  const data = options?.copy === true
    ? view.slice(dataStart, dataEnd)
    : view.subarray(dataStart, dataEnd);
  return { array: arrayFromData(header, data), end: start + dataEnd, header };
}

/**
 * Decodes a `.npy` file held in memory. The array is a view of `bytes`
 * (zero-copy) unless `copy` is set; bytes after the data are ignored, as
 * `np.load` ignores them.
 *
 * Object arrays (`|O`) hold a pickle and are refused unless `allowPickle`
 * is true and a `pickle` codec is given.
 *
 * @example
 * ```ts
 * import { decodeNpy, encodeNpy } from "@ndio/npy";
 * import { array } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpy(array([[1, 2], [3, 4]], { dtype: "<i4" }));
 * const a = decodeNpy(bytes);
 * assert.deepEqual(a.toNested(), [[1, 2], [3, 4]]);
 * assert.equal(a.data.buffer, bytes.buffer);
 * ```
 *
 * @param bytes The file's bytes.
 * @param options Header limit, pickle handling, copy.
 * @returns The array.
 */
export function decodeNpy(bytes: Uint8Array, options?: DecodeNpyOptions): NDArray {
  return decodeAt(bytes, 0, options, false).array;
}

/**
 * Decodes every array of a stream written by calling `np.save` repeatedly
 * on one file handle. Object arrays are decoded by the `pickle` codec; one
 * can be followed by more arrays only when the codec has `loadsPrefix`
 * (which finds where the pickle ends); otherwise it must be the last.
 *
 * @example
 * ```ts
 * import { decodeNpyStream, encodeNpy } from "@ndio/npy";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const first = encodeNpy(arange(3, { dtype: "<i8" }));
 * const second = encodeNpy(arange(2, { dtype: "<f4" }));
 * const stream = new Uint8Array([...first, ...second]);
 * const arrays = decodeNpyStream(stream);
 * assert.equal(arrays.length, 2);
 * assert.deepEqual(arrays[1]!.toNested(), [0, 1]);
 * ```
 *
 * @param bytes The concatenated `.npy` files.
 * @param options As for {@linkcode decodeNpy}.
 * @returns The arrays, in order.
 */
export function decodeNpyStream(bytes: Uint8Array, options?: DecodeNpyOptions): NDArray[] {
  const out: NDArray[] = [];
  let at = 0;
  while (at < bytes.length) {
    const { array, end } = decodeAt(bytes, at, options, true);
    out.push(array);
    at = end;
  }
  return out;
}
