/**
 * Reading `.npy` through a random-access {@linkcode ByteSource} (a file, a
 * buffer, a URL served with range requests): the header alone, the whole
 * array, or only the part a NumPy index selects.
 *
 * @module
 */

import {
  ArgumentError,
  type ByteSource,
  contiguousStrides,
  type IndexItem,
  indexLayout,
  NDArray,
  parseIndex,
  shapeSize,
  UnsupportedError,
} from "@ndio/core";
import {
  NPY_PREFIX_LENGTH,
  type NpyHeader,
  type NpyHeaderOptions,
  parseNpyHeaderAt,
  parseNpyPrefix,
} from "./header.ts";
import { arrayFromData, checkDataLength, type DecodeNpyOptions } from "./decode.ts";
import { loadObjectArray } from "./_options.ts";

// The first read takes this many bytes: the whole header of most files
// (NumPy's headers are 64 or 128 bytes), so one read usually suffices.
const FIRST_READ = 128;

function checkSource(source: ByteSource): void {
  if (
    source === null || typeof source !== "object" || typeof source.read !== "function" ||
    !Number.isSafeInteger(source.byteLength)
  ) {
    throw new ArgumentError(
      "source-invalid",
      "the source must be a ByteSource with byteLength and read()",
    );
  }
}

/**
 * Reads the header of the `.npy` that starts at `offset` in a source.
 *
 * @example
 * ```ts
 * import { encodeNpy, readNpyHeaderAt } from "@ndio/npy";
 * import { bytesSource, zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const npy = encodeNpy(zeros([4], { dtype: "<i4" }));
 * const stream = new Uint8Array([...npy, ...npy]);
 * const second = await readNpyHeaderAt(bytesSource(stream), npy.length);
 * assert.deepEqual(second.shape, [4]);
 * ```
 *
 * @param source The source.
 * @param offset Where the `.npy` starts.
 * @param options The header size limit.
 * @returns The header, with `dataOffset` relative to the start of the `.npy`.
 */
export async function readNpyHeaderAt(
  source: ByteSource,
  offset: number,
  options?: NpyHeaderOptions,
): Promise<NpyHeader> {
  checkSource(source);
  const available = source.byteLength - offset;
  let head = await source.read(offset, Math.min(available, FIRST_READ));
  const prefix = parseNpyPrefix(head.subarray(0, NPY_PREFIX_LENGTH), options, offset);
  if (prefix.dataOffset > head.length) {
    if (prefix.dataOffset > available) {
      // Let the parser report the truncation with its message.
      return parseNpyHeaderAt(head, options, offset);
    }
    const rest = await source.read(offset + head.length, prefix.dataOffset - head.length);
    const whole = new Uint8Array(prefix.dataOffset);
    whole.set(head);
    whole.set(rest, head.length);
    head = whole;
  }
  return parseNpyHeaderAt(head.subarray(0, prefix.dataOffset), options, offset);
}

/**
 * Reads only the header of a `.npy`: dtype, shape, order, where the data
 * starts. Touches the first 128 bytes (more only for longer headers).
 *
 * @example
 * ```ts
 * import { encodeNpy, readNpyHeader } from "@ndio/npy";
 * import { bytesSource, zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const source = bytesSource(encodeNpy(zeros([1000, 3], { dtype: "<f4" })));
 * const header = await readNpyHeader(source);
 * assert.deepEqual(header.shape, [1000, 3]);
 * assert.equal(header.dataLength, 12000);
 * ```
 *
 * @param source The source.
 * @param options The header size limit.
 * @returns The header.
 */
export function readNpyHeader(source: ByteSource, options?: NpyHeaderOptions): Promise<NpyHeader> {
  return readNpyHeaderAt(source, 0, options);
}

async function readArrayAt(
  source: ByteSource,
  offset: number,
  options: DecodeNpyOptions | undefined,
  stream = false,
): Promise<{ array: NDArray; end: number }> {
  const header = await readNpyHeaderAt(source, offset, options);
  const dataStart = offset + header.dataOffset;
  if (header.dataLength === null) {
    const payload = await source.read(dataStart, source.byteLength - dataStart);
    const { array, length } = loadObjectArray(
      payload,
      header.dtype,
      header.shape,
      options,
      dataStart,
      stream,
    );
    return { array, end: length === null ? source.byteLength : dataStart + length };
  }
  checkDataLength(header, source.byteLength - dataStart, offset);
  const data = await source.read(dataStart, header.dataLength);
  const owned = options?.copy === true ? data.slice() : data;
  return { array: arrayFromData(header, owned), end: dataStart + header.dataLength };
}

/**
 * Reads a whole `.npy` from a source: the header, then the data in one read.
 *
 * @example
 * ```ts
 * import { encodeNpy, readNpy } from "@ndio/npy";
 * import { arange, bytesSource } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const a = await readNpy(bytesSource(encodeNpy(arange(4, { dtype: ">i2" }))));
 * assert.deepEqual(a.toNested(), [0, 1, 2, 3]);
 * ```
 *
 * @param source The source.
 * @param options Header limit, pickle handling.
 * @returns The array.
 */
export async function readNpy(source: ByteSource, options?: DecodeNpyOptions): Promise<NDArray> {
  return (await readArrayAt(source, 0, options)).array;
}

/**
 * Reads every array of a concatenated `.npy` stream (as `np.save` writes
 * when called repeatedly on one file handle), one array at a time.
 *
 * @example
 * ```ts
 * import { encodeNpy, readNpyStream } from "@ndio/npy";
 * import { arange, bytesSource } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const one = encodeNpy(arange(2, { dtype: "<i4" }));
 * const source = bytesSource(new Uint8Array([...one, ...one]));
 * let count = 0;
 * for await (const array of readNpyStream(source)) count += array.size;
 * assert.equal(count, 4);
 * ```
 *
 * @param source The source.
 * @param options Header limit, pickle handling.
 * @returns The arrays, in order.
 */
export async function* readNpyStream(
  source: ByteSource,
  options?: DecodeNpyOptions,
): AsyncGenerator<NDArray, void, undefined> {
  checkSource(source);
  let at = 0;
  while (at < source.byteLength) {
    const { array, end } = await readArrayAt(source, at, options, true);
    yield array;
    at = end;
  }
}

/** Options of {@linkcode readNpyIndex}. */
export interface ReadNpyIndexOptions extends NpyHeaderOptions {
  /**
   * Gaps between needed byte runs up to this size are read through rather
   * than skipped, to make fewer, larger reads (default 4096). Raise it for
   * sources where each read is costly, such as HTTP range requests.
   */
  readonly maxGap?: number;
}

/** What a partial read did: useful to check that only the needed bytes were touched. */
export interface NpyIndexReadStats {
  /** The number of reads of the data. */
  reads: number;
  /** The data bytes read. */
  bytes: number;
}

/**
 * Reads the part of a `.npy` that a NumPy index selects — such as
 * `"1000:2000, :, 5"` — touching only the header and the byte runs the
 * selection needs (in C or Fortran order, with steps and negative steps).
 * The result is a new contiguous array; object arrays cannot be read in part.
 *
 * @example
 * ```ts
 * import { encodeNpy, readNpyIndex } from "@ndio/npy";
 * import { arange, bytesSource } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const file = encodeNpy(arange(24, { dtype: "<i4" }).reshape([2, 3, 4]));
 * const part = await readNpyIndex(bytesSource(file), "1, 1:, ::-2");
 * assert.deepEqual(part.toNested(), [[19, 17], [23, 21]]);
 * ```
 *
 * @param source The source.
 * @param index NumPy index syntax, or index items.
 * @param options Header limit and read coalescing.
 * @param stats If given, filled in with the number of data reads and bytes read.
 * @returns The selected elements.
 */
export async function readNpyIndex(
  source: ByteSource,
  index: string | readonly IndexItem[],
  options?: ReadNpyIndexOptions,
  stats?: NpyIndexReadStats,
): Promise<NDArray> {
  const items = typeof index === "string" ? parseIndex(index) : index;
  if (!Array.isArray(items)) {
    throw new ArgumentError("index-invalid", "the index must be a string or a list of items");
  }
  const maxGap = options?.maxGap ?? 4096;
  if (!Number.isSafeInteger(maxGap) || maxGap < 0) {
    throw new ArgumentError(
      "option-invalid",
      `maxGap must be a non-negative integer, not ${String(maxGap)}`,
    );
  }
  const header = await readNpyHeader(source, options);
  if (header.dataLength === null) {
    throw new UnsupportedError(
      "npy-partial-object",
      `an object array ("${header.dtype.str}") cannot be read in part: its data is one pickle`,
      { format: "npy" },
    );
  }
  checkDataLength(header, source.byteLength - header.dataOffset, 0);

  // The file's layout, with a subarray dtype absorbed into the shape.
  const sub = header.dtype.subarray;
  const dtype = sub === null ? header.dtype : sub.base;
  const shape = sub === null ? [...header.shape] : [...header.shape, ...sub.shape];
  const order = header.fortranOrder ? "F" : "C";
  const strides = contiguousStrides(header.shape, header.dtype.itemsize, order);
  if (sub !== null) strides.push(...contiguousStrides(sub.shape, sub.base.itemsize, "C"));
  const layout = indexLayout(shape, strides, items);
  const size = shapeSize(layout.shape);
  const itemsize = dtype.itemsize;
  if (size === 0 || itemsize === 0) return new NDArray(dtype, layout.shape);

  // Walk the selection in file order: axes of length > 1, strides made
  // positive (flipped axes remembered), slowest axis first.
  let start = layout.offset;
  const axes: { axis: number; length: number; stride: number; flipped: boolean }[] = [];
  layout.shape.forEach((length, axis) => {
    if (length === 1) return;
    let stride = layout.strides[axis]!;
    const flipped = stride < 0;
    if (flipped) {
      start += (length - 1) * stride;
      stride = -stride;
    }
    axes.push({ axis, length, stride, flipped });
  });
  axes.sort((a, b) => b.stride - a.stride);
  // The innermost axes whose elements are adjacent in the file form one run.
  let runBytes = itemsize;
  let outer = axes.length;
  while (outer > 0 && axes[outer - 1]!.stride === runBytes) {
    runBytes *= axes[outer - 1]!.length;
    outer--;
  }
  const outerAxes = axes.slice(0, outer);

  const out = new Uint8Array(size * itemsize);
  const dataOffset = header.dataOffset;
  const counters = new Array<number>(outerAxes.length).fill(0);
  const runs = size * itemsize / runBytes;
  // Runs come in increasing file order; consecutive runs separated by at
  // most maxGap bytes are read together, up to a bounded span.
  const maxSpan = Math.max(runBytes, 8 << 20);
  let runStart = start;
  const nextRun = (): number => {
    const at = runStart;
    for (let k = outerAxes.length - 1; k >= 0; k--) {
      const a = outerAxes[k]!;
      if (++counters[k]! < a.length) {
        runStart += a.stride;
        break;
      }
      counters[k] = 0;
      runStart -= (a.length - 1) * a.stride;
    }
    return at;
  };
  let remaining = runs - 1;
  let current = nextRun();
  let written = 0;
  while (true) {
    const groupStart = current;
    const starts = [groupStart];
    let groupEnd = groupStart + runBytes;
    let next = -1;
    while (remaining > 0) {
      const candidate = nextRun();
      remaining--;
      if (candidate - groupEnd > maxGap || candidate + runBytes - groupStart > maxSpan) {
        next = candidate;
        break;
      }
      starts.push(candidate);
      groupEnd = candidate + runBytes;
    }
    const chunk = await source.read(dataOffset + groupStart, groupEnd - groupStart);
    if (stats !== undefined) {
      stats.reads++;
      stats.bytes += chunk.length;
    }
    for (const s of starts) {
      out.set(chunk.subarray(s - groupStart, s - groupStart + runBytes), written);
      written += runBytes;
    }
    if (next === -1) break;
    current = next;
  }

  // `out` holds the selection in walk order; view it in the index's axis order.
  const walkStrides = new Array<number>(axes.length);
  let step = itemsize;
  for (let k = axes.length - 1; k >= 0; k--) {
    walkStrides[k] = step;
    step *= axes[k]!.length;
  }
  const viewStrides = layout.shape.map(() => 0);
  let viewOffset = 0;
  axes.forEach((a, k) => {
    const s = walkStrides[k]!;
    if (a.flipped) {
      viewStrides[a.axis] = -s;
      viewOffset += (a.length - 1) * s;
    } else viewStrides[a.axis] = s;
  });
  const view = new NDArray(dtype, layout.shape, {
    data: out,
    strides: viewStrides,
    offset: viewOffset,
  });
  return view.isCContiguous || view.isFContiguous ? view : view.copy("C");
}
