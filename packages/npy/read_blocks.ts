/**
 * Reading a `.npy` as consecutive blocks of rows through a byte source, in
 * memory bounded by the block size: arrays larger than memory convert block
 * by block.
 *
 * @module
 */

import { ArgumentError, type ByteSource, NDArray, slice, UnsupportedError } from "@ndio/core";
import type { NpyHeaderOptions } from "./header.ts";
import { arrayFromData, checkDataLength } from "./decode.ts";
import { readNpyHeader, readNpyIndex } from "./read.ts";

/** Options of {@linkcode readNpyBlocks}. */
export interface ReadNpyBlocksOptions extends NpyHeaderOptions {
  /** About how many bytes of data one block holds (default 8 MiB; at least one row). */
  readonly blockBytes?: number;
}

/**
 * Reads a `.npy` as blocks of rows along its first axis: each block is an
 * array `[rows, ...shape.slice(1)]` and writing them one after another
 * (with `NpyStreamWriter`) gives the whole array. A C-order file is read
 * with one read per block; a Fortran-order file, whose rows are not
 * contiguous, through partial reads. A 0-d array is one block of shape
 * `[]`; an array with no rows, one empty block (so its dtype is known).
 *
 * The length of the data is checked before the first block. Blocks may
 * share memory with the source's bytes (as `decodeNpy`'s result shares the
 * input's). Object arrays, whose data is one pickle, cannot be read in blocks.
 *
 * @example
 * ```ts
 * import { encodeNpy, readNpyBlocks } from "@ndio/npy";
 * import { arange, bytesSource } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const file = encodeNpy(arange(10, { dtype: "<i4" }).reshape([5, 2]));
 * const shapes = [];
 * for await (const block of readNpyBlocks(bytesSource(file), { blockBytes: 16 })) {
 *   shapes.push(block.shape);
 * }
 * assert.deepEqual(shapes, [[2, 2], [2, 2], [1, 2]]);
 * ```
 *
 * @param source The `.npy`'s bytes.
 * @param options The block size and the header limit.
 * @returns The blocks, in order.
 */
export async function* readNpyBlocks(
  source: ByteSource,
  options?: ReadNpyBlocksOptions,
): AsyncGenerator<NDArray> {
  const blockBytes = options?.blockBytes ?? 8 * 1024 * 1024;
  if (!Number.isSafeInteger(blockBytes) || blockBytes < 1) {
    throw new ArgumentError(
      "option-invalid",
      `blockBytes must be a positive integer, not ${String(blockBytes)}`,
    );
  }
  const header = await readNpyHeader(source, options);
  if (header.dataLength === null) {
    throw new UnsupportedError(
      "npy-partial-object",
      `an object array ("${header.dtype.str}") cannot be read in blocks: its data is one pickle`,
      { format: "npy" },
    );
  }
  checkDataLength(header, source.byteLength - header.dataOffset, 0);
  if (header.shape.length === 0) {
    yield arrayFromData(header, await source.read(header.dataOffset, header.dataLength));
    return;
  }
  const rows = header.shape[0]!;
  const rest = header.shape.slice(1);
  const rowBytes = rows === 0 ? 0 : header.dataLength / rows;
  if (rows === 0 || rowBytes === 0) {
    yield new NDArray(header.dtype, header.shape);
    return;
  }
  const blockRows = Math.max(1, Math.floor(blockBytes / rowBytes));
  for (let r = 0; r < rows; r += blockRows) {
    const n = Math.min(blockRows, rows - r);
    if (header.fortranOrder && rest.length > 0) {
      yield await readNpyIndex(source, [slice(r, r + n)], options);
    } else {
      const data = await source.read(header.dataOffset + r * rowBytes, n * rowBytes);
      yield arrayFromData({ ...header, shape: [n, ...rest] }, data);
    }
  }
}
