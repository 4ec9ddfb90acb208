/**
 * The n-dimensional array: a dtype, a shape, byte strides and an offset into
 * a byte buffer, as NumPy's ndarray.
 *
 * @module
 */

import { DType, LITTLE_ENDIAN } from "./dtype.ts";
import type { Descr } from "./dtype.ts";
import { ArgumentError, OutOfRangeError } from "./errors.ts";
import { indexLayout, parseIndex } from "./index_expr.ts";
import type { IndexItem } from "./index_expr.ts";
import { readElement, writeElement } from "./_element.ts";
import type { ElementContext } from "./_element.ts";
import { reorderInPlace } from "./_byteswap.ts";
import { castArray } from "./cast.ts";

const MAX_JS_ARRAY_LENGTH = 2 ** 32 - 1;
import type { AstypeOptions } from "./cast.ts";
import { matmul } from "./matmul.ts";
import { arrayRepr } from "./repr.ts";
import { Float16ArrayOrUndefined } from "./_float16.ts";

/** Memory order: C (row-major) or F (column-major, Fortran). */
export type Order = "C" | "F";

/** The typed arrays ndio hands out as views of numeric data. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float16Array
  | Float32Array
  | Float64Array;

/** Options of the {@linkcode NDArray} constructor. */
export interface NDArrayOptions {
  /** The bytes the array lives in; by default zero-filled bytes of the right size. */
  readonly data?: Uint8Array;
  /** Byte strides; by default C-contiguous (or F-contiguous with `order: "F"`). */
  readonly strides?: readonly number[];
  /** Byte offset of the first element in `data`. */
  readonly offset?: number;
  /** Memory order of default strides. */
  readonly order?: Order;
  /** Storage of Python objects for `O` arrays. */
  readonly objects?: unknown[];
}

const MAX_BYTES = Number.MAX_SAFE_INTEGER;

/** NumPy 2's limit on the number of dimensions (NPY_MAXDIMS). */
const MAX_DIMS = 64;

/**
 * The product of a shape, checked against overflow.
 *
 * @example
 * ```ts
 * import { OutOfRangeError, shapeSize } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(shapeSize([2, 3, 4]), 24);
 * assert.equal(shapeSize([]), 1);
 * assert.throws(() => shapeSize([2 ** 30, 2 ** 30]), OutOfRangeError);
 * ```
 *
 * @param shape The shape.
 * @returns The number of elements.
 */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new ArgumentError(
        "shape-invalid",
        `shape dimensions must be non-negative integers, not ${d}`,
      );
    }
    n *= d;
    if (n > MAX_BYTES) {
      throw new OutOfRangeError("shape-too-large", `the shape (${shape.join(", ")}) is too large`);
    }
  }
  return n;
}

/**
 * Contiguous strides for a shape.
 *
 * @example
 * ```ts
 * import { contiguousStrides } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(contiguousStrides([2, 3], 8, "C"), [24, 8]);
 * assert.deepEqual(contiguousStrides([2, 3], 8, "F"), [8, 16]);
 * ```
 *
 * @param shape The shape.
 * @param itemsize Bytes per element.
 * @param order C or F.
 * @returns Byte strides.
 */
export function contiguousStrides(
  shape: readonly number[],
  itemsize: number,
  order: Order = "C",
): number[] {
  const strides = new Array<number>(shape.length);
  let step = itemsize;
  if (order === "C") {
    for (let i = shape.length - 1; i >= 0; i--) {
      strides[i] = step;
      step *= Math.max(shape[i]!, 1);
    }
  } else {
    for (let i = 0; i < shape.length; i++) {
      strides[i] = step;
      step *= Math.max(shape[i]!, 1);
    }
  }
  return strides;
}

function isContiguous(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
  order: Order,
): boolean {
  // Like NumPy: empty arrays are contiguous, and axes of length 1 have no say.
  if (shape.includes(0)) return true;
  let expected = itemsize;
  const n = shape.length;
  for (let k = 0; k < n; k++) {
    const i = order === "C" ? n - 1 - k : k;
    const dim = shape[i]!;
    if (dim === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= dim;
  }
  return true;
}

/**
 * An n-dimensional array: a {@linkcode DType}, a shape, byte strides and a byte
 * offset into a `Uint8Array` (which may itself start anywhere in its buffer).
 * Indexing returns views sharing the bytes, as in NumPy.
 *
 * @example The seed's slices and matrix product
 * ```ts
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const a = arange(24, { dtype: "<i4" }).reshape([2, 3, 4]);
 * const view = a.index("1, :, ::2");
 * assert.deepEqual(view.shape, [3, 2]);
 * assert.deepEqual(view.toNested(), [[12, 14], [16, 18], [20, 22]]);
 * ```
 */
export class NDArray {
  /** The element type. */
  readonly dtype: DType;
  /** The length of each axis. */
  readonly shape: readonly number[];
  /** The byte step along each axis (may be negative or zero). */
  readonly strides: readonly number[];
  /** The byte offset of the first element in {@linkcode NDArray.data}. */
  readonly offset: number;
  /** The bytes the array lives in. */
  readonly data: Uint8Array;
  /** Storage of Python objects for `O` arrays, else null. */
  readonly objects: unknown[] | null;
  #view: DataView | undefined;

  /**
   * Creates an array over `options.data`, or over new zeroed bytes.
   *
   * A subarray dtype is absorbed into the shape, as NumPy does.
   *
   * @example
   * ```ts
   * import { DType, NDArray } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const bytes = new Uint8Array(new Float64Array([1, 2, 3, 4]).buffer);
   * const a = new NDArray(DType.parse("<f8"), [2, 2], { data: bytes });
   * assert.equal(a.get(1, 0), 3);
   * ```
   *
   * @param dtype The element type (or a descr).
   * @param shape The shape.
   * @param options Data, strides, offset, order, object storage.
   */
  constructor(dtype: DType | Descr, shape: readonly number[], options?: NDArrayOptions) {
    let type = DType.parse(dtype);
    let dims = [...shape];
    let strides = options?.strides === undefined ? undefined : [...options.strides];
    if (type.subarray !== null) {
      const sub = type.subarray;
      const inner = contiguousStrides(sub.shape, sub.base.itemsize, "C");
      dims = [...dims, ...sub.shape];
      if (strides !== undefined) strides = [...strides, ...inner];
      type = sub.base;
    }
    if (dims.length > MAX_DIMS) {
      throw new OutOfRangeError(
        "shape-too-many-dimensions",
        `an array has at most ${MAX_DIMS} dimensions, as in NumPy, not ${dims.length}`,
      );
    }
    const size = shapeSize(dims);
    const order = options?.order ?? "C";
    strides ??= contiguousStrides(dims, type.itemsize, order);
    if (strides.length !== dims.length) {
      throw new ArgumentError(
        "strides-invalid",
        `${strides.length} strides given for ${dims.length} dimensions`,
      );
    }
    for (const s of strides) {
      if (!Number.isSafeInteger(s)) {
        throw new ArgumentError("strides-invalid", `stride ${s} is not an integer`);
      }
    }
    const offset = options?.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new ArgumentError("offset-invalid", `offset ${offset} is not a non-negative integer`);
    }
    let data = options?.data;
    if (data === undefined) {
      if (size * type.itemsize > MAX_BYTES) {
        throw new OutOfRangeError("shape-too-large", "the array is too large");
      }
      data = new Uint8Array(offset + extent(dims, strides, type.itemsize).high);
    } else if (!(data instanceof Uint8Array)) {
      throw new ArgumentError("data-invalid", "array data must be a Uint8Array");
    }
    if (size > 0) {
      const { low, high } = extent(dims, strides, type.itemsize);
      if (offset + low < 0 || offset + high > data.length) {
        throw new OutOfRangeError(
          "data-too-short",
          `the array needs bytes ${offset + low} to ${
            offset + high
          } but the data has ${data.length}`,
        );
      }
    }
    this.dtype = type;
    this.shape = Object.freeze(dims);
    this.strides = Object.freeze(strides);
    this.offset = offset;
    this.data = data;
    this.objects = type.hasObject ? options?.objects ?? [] : null;
  }

  /** The number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** The number of bytes of the elements (size × itemsize). */
  get nbytes(): number {
    return this.size * this.dtype.itemsize;
  }

  /** Whether the elements are contiguous in C (row-major) order, as NumPy's flag. */
  get isCContiguous(): boolean {
    return isContiguous(this.shape, this.strides, this.dtype.itemsize, "C");
  }

  /** Whether the elements are contiguous in Fortran (column-major) order, as NumPy's flag. */
  get isFContiguous(): boolean {
    return isContiguous(this.shape, this.strides, this.dtype.itemsize, "F");
  }

  /** The transpose (axes reversed), a view. */
  get T(): NDArray {
    return this.transpose();
  }

  #context(): ElementContext {
    this.#view ??= new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    return {
      view: this.#view,
      bytes: this.data,
      objects: this.objects,
      subarray: (dtype: DType, at: number) =>
        new NDArray(dtype, [], { data: this.data, offset: at, objects: this.objects ?? [] }),
    };
  }

  #elementOffset(indices: readonly number[]): number {
    if (indices.length !== this.shape.length) {
      throw new ArgumentError(
        "index-invalid",
        `${indices.length} indices given for an array of ${this.shape.length} dimensions`,
      );
    }
    let at = this.offset;
    for (let axis = 0; axis < indices.length; axis++) {
      const n = this.shape[axis]!;
      let i = indices[axis]!;
      if (!Number.isSafeInteger(i)) {
        throw new ArgumentError("index-invalid", `index ${i} is not an integer`);
      }
      if (i < 0) i += n;
      if (i < 0 || i >= n) {
        throw new OutOfRangeError(
          "index-out-of-bounds",
          `index ${indices[axis]} is out of bounds for axis ${axis} with size ${n}`,
        );
      }
      at += i * this.strides[axis]!;
    }
    return at;
  }

  /**
   * One element. Values by dtype: bool → boolean; ints up to 32 bits and
   * floats → number; 64-bit ints and datetimes → bigint; complex →
   * `Complex`; `S` → string (one char per byte); `U` → string; `V` and long
   * doubles → bytes; structured → a record; subarray fields → an NDArray view;
   * `O` → the stored object.
   *
   * @example
   * ```ts
   * import { array } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const a = array([[1, 2], [3, 4]], { dtype: "<i8" });
   * assert.equal(a.get(1, -1), 4n);
   * ```
   *
   * @param indices One integer per axis (negative counts from the end).
   * @returns The element.
   */
  get(...indices: number[]): unknown {
    return readElement(this.#context(), this.#elementOffset(indices), this.dtype);
  }

  /**
   * Sets one element.
   *
   * @example
   * ```ts
   * import { zeros } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const a = zeros([2, 2]);
   * a.set([0, 1], 2.5);
   * assert.deepEqual(a.toNested(), [[0, 2.5], [0, 0]]);
   * ```
   *
   * @param indices One integer per axis.
   * @param value The value, of a type `get` would return for this dtype.
   */
  set(indices: readonly number[], value: unknown): void {
    writeElement(this.#context(), this.#elementOffset(indices), this.dtype, value);
  }

  /**
   * Basic indexing, as `a[...]` in NumPy: integers, slices, `...` and
   * `newaxis`, given as items or as NumPy syntax. Returns a view.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const a = arange(12, { dtype: "<i4" }).reshape([3, 4]);
   * assert.deepEqual(a.index("::-1, 1").toNested(), [9, 5, 1]);
   * assert.deepEqual(a.index("..., None").shape, [3, 4, 1]);
   * ```
   *
   * @param items The index, as items or as a string such as `"2:6, 4, 3:4"`.
   * @returns A view of the selection.
   */
  index(items: string | readonly IndexItem[]): NDArray {
    const parsed = typeof items === "string" ? parseIndex(items) : items;
    const layout = indexLayout(this.shape, this.strides, parsed);
    const size = shapeSize(layout.shape);
    return this.#derive(
      layout.shape,
      layout.strides,
      size === 0 ? this.offset : this.offset + layout.offset,
    );
  }

  #derive(shape: readonly number[], strides: readonly number[], offset: number): NDArray {
    return new NDArray(this.dtype, shape, {
      data: this.data,
      strides,
      offset,
      ...(this.objects === null ? {} : { objects: this.objects }),
    });
  }

  /**
   * Permutes the axes (reverses them by default); a view.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const t = arange(6, { dtype: "<i4" }).reshape([2, 3]).transpose();
   * assert.deepEqual(t.toNested(), [[0, 3], [1, 4], [2, 5]]);
   * assert.equal(t.isFContiguous, true);
   * ```
   *
   * @param axes A permutation of the axes.
   * @returns The transposed view.
   */
  transpose(axes?: readonly number[]): NDArray {
    const n = this.ndim;
    const perm = axes === undefined
      ? [...this.shape.keys()].reverse()
      : axes.map((a) => (a < 0 ? a + n : a));
    const seen = new Set(perm);
    if (
      perm.length !== n || seen.size !== n ||
      perm.some((a) => !Number.isInteger(a) || a < 0 || a >= n)
    ) {
      throw new ArgumentError(
        "axes-invalid",
        `axes (${axes?.join(", ")}) do not permute ${n} dimensions`,
      );
    }
    return this.#derive(
      perm.map((a) => this.shape[a]!),
      perm.map((a) => this.strides[a]!),
      this.offset,
    );
  }

  /**
   * Gives the array a new shape with the same elements, in C order (or F).
   * A view when the layout allows, else a copy. One dimension may be -1.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(arange(6, { dtype: "<i4" }).reshape([2, -1]).toNested(), [[0, 1, 2], [3, 4, 5]]);
   * ```
   *
   * @param shape The new shape.
   * @param order Read and place elements in C or F order.
   * @returns The reshaped array.
   */
  reshape(shape: readonly number[], order: Order = "C"): NDArray {
    const size = this.size;
    const unknown = shape.filter((d) => d === -1).length;
    if (unknown > 1) {
      throw new ArgumentError("shape-invalid", "can only specify one unknown dimension");
    }
    let dims = [...shape];
    if (unknown === 1) {
      const known = shapeSize(shape.filter((d) => d !== -1));
      if (known === 0 || size % known !== 0) {
        throw new ArgumentError(
          "shape-invalid",
          `cannot reshape array of size ${size} into shape (${shape.join(", ")})`,
        );
      }
      dims = shape.map((d) => (d === -1 ? size / known : d));
    }
    if (shapeSize(dims) !== size) {
      throw new ArgumentError(
        "shape-invalid",
        `cannot reshape array of size ${size} into shape (${dims.join(", ")}${
          dims.length === 1 ? "," : ""
        })`,
      );
    }
    const contiguous = order === "C" ? this.isCContiguous : this.isFContiguous;
    if (contiguous) {
      return this.#derive(dims, contiguousStrides(dims, this.dtype.itemsize, order), this.offset);
    }
    return this.copy(order).reshape(dims, order);
  }

  /**
   * The elements as a 1-D array in C (or F) order; a view when contiguous.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(arange(4, { dtype: "<i4" }).reshape([2, 2]).ravel("F").toNested(), [0, 2, 1, 3]);
   * ```
   *
   * @param order C or F.
   * @returns The flattened array.
   */
  ravel(order: Order = "C"): NDArray {
    return this.reshape([this.size], order);
  }

  /**
   * A contiguous copy in C or F order; `"K"` keeps the current order when the
   * array is F-contiguous and not C-contiguous.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const c = arange(6, { dtype: "<i4" }).reshape([2, 3]).T.copy();
   * assert.equal(c.isCContiguous, true);
   * assert.deepEqual(c.toNested(), [[0, 3], [1, 4], [2, 5]]);
   * ```
   *
   * @param order C, F or K.
   * @returns The copy.
   */
  copy(order: Order | "K" = "C"): NDArray {
    const target: Order = order === "K"
      ? (this.isFContiguous && !this.isCContiguous ? "F" : "C")
      : order;
    const out = new NDArray(this.dtype, this.shape, {
      order: target,
      ...(this.objects === null ? {} : { objects: [...this.objects] }),
    });
    let at = out.offset;
    for (const chunk of this.chunks({ order: target })) {
      out.data.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /**
   * The raw element bytes in C (or F) order, in chunks of about `chunkBytes`:
   * views of the data where it is contiguous, small copies otherwise. Lets
   * writers stream a strided view without copying it whole.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const t = arange(4, { dtype: "|u1" }).reshape([2, 2]).T;
   * const bytes = [...t.chunks()].flatMap((c) => [...c]);
   * assert.deepEqual(bytes, [0, 2, 1, 3]);
   * ```
   *
   * @param options Order and chunk size (default 1 MiB).
   * @returns The chunks.
   */
  *chunks(
    options?: { readonly order?: Order; readonly chunkBytes?: number },
  ): Generator<Uint8Array, void, undefined> {
    const order = options?.order ?? "C";
    const chunkBytes = Math.max(options?.chunkBytes ?? 1 << 20, 1);
    const itemsize = this.dtype.itemsize;
    const size = this.size;
    if (size === 0 || itemsize === 0) return;
    const contiguous = order === "C" ? this.isCContiguous : this.isFContiguous;
    if (contiguous) {
      const total = size * itemsize;
      // Contiguous with possibly negative unit strides only when size 1 axes; the first element is the lowest.
      const start = this.offset + extent(this.shape, this.strides, itemsize).low;
      for (let p = 0; p < total; p += chunkBytes) {
        yield this.data.subarray(start + p, start + Math.min(total, p + chunkBytes));
      }
      return;
    }
    // Walk in the requested order: axes listed from slowest to fastest.
    const axes = order === "C" ? [...this.shape.keys()] : [...this.shape.keys()].reverse();
    const shape = axes.map((a) => this.shape[a]!);
    const strides = axes.map((a) => this.strides[a]!);
    const inner = shape.length - 1;
    const innerLength = shape[inner]!;
    const innerStride = strides[inner]!;
    const rowBytes = innerLength * itemsize;
    const rowsPerChunk = Math.max(1, Math.floor(chunkBytes / rowBytes));
    const rows = size / innerLength;
    const data = this.data;
    // Gather with the widest word that every element start is aligned to.
    const { low, high } = extent(this.shape, this.strides, itemsize);
    const first = data.byteOffset + this.offset + low;
    let word = 1;
    for (const w of [4, 2]) {
      const aligned = itemsize % w === 0 && first % w === 0 &&
        shape.every((n, k) => n === 1 || strides[k]! % w === 0);
      if (aligned) {
        word = w;
        break;
      }
    }
    const words = (high - low) / word;
    const base = this.offset + low;
    const walk: RowWalk = {
      shape,
      strides,
      counters: new Array<number>(inner).fill(0),
      offset: this.offset,
      base,
      word,
      per: itemsize / word,
      step: innerStride / word,
      innerLength,
      contiguousRows: innerStride === itemsize,
    };
    const source = word === 4
      ? new Uint32Array(data.buffer, first, words)
      : word === 2
      ? new Uint16Array(data.buffer, first, words)
      : data.subarray(base, this.offset + high);
    let row = 0;
    while (row < rows) {
      const count = Math.min(rowsPerChunk, rows - row);
      const out = new Uint8Array(count * rowBytes);
      if (word === 4) gatherRows32(walk, data, source as Uint32Array, out, count);
      else if (word === 2) gatherRows16(walk, data, source as Uint16Array, out, count);
      else gatherRows8(walk, data, source as Uint8Array, out, count);
      row += count;
      yield out;
    }
  }

  /**
   * The same values in this platform's byte order (a copy when swapping is
   * needed, else this array).
   *
   * @example
   * ```ts
   * import { array } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const big = array([1, 2], { dtype: ">i4" });
   * const native = big.toNative();
   * assert.equal(native.dtype.str, "<i4");
   * assert.deepEqual(native.toNested(), [1, 2]);
   * ```
   *
   * @returns An array with a native dtype.
   */
  toNative(): NDArray {
    if (this.dtype.isNative) return this;
    return this.withByteOrder(LITTLE_ENDIAN ? "<" : ">");
  }

  /**
   * A copy with elements stored in the given byte order (values unchanged);
   * fields of records are converted one by one, whatever order each had.
   *
   * @example
   * ```ts
   * import { array } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const big = array([1, 258], { dtype: "<u2" }).withByteOrder(">");
   * assert.deepEqual([...big.data], [0, 1, 1, 2]);
   * assert.deepEqual(big.toNested(), [1, 258]);
   * ```
   *
   * @param order `<` or `>`.
   * @returns The converted copy (or this array if nothing changes).
   */
  withByteOrder(order: "<" | ">"): NDArray {
    const dtype = this.dtype.withByteOrder(order);
    if (dtype.equals(this.dtype)) return this;
    const out = this.copy("K");
    reorderInPlace(out.data, this.dtype, dtype, out.size);
    return new NDArray(dtype, out.shape, {
      data: out.data,
      strides: out.strides,
      ...(out.objects === null ? {} : { objects: out.objects }),
    });
  }

  /**
   * The values cast to another dtype, as NumPy's `astype`: a new array.
   * Casting rules (`casting`, default `"unsafe"` as NumPy's) and value
   * conversions follow NumPy's for numeric dtypes: integers wrap, floats
   * truncate toward zero, complex keeps the real part, bool is "non-zero".
   * Any dtype converts to itself or to another byte order.
   *
   * @example
   * ```ts
   * import { array, ArgumentError } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const a = array([1.9, -1.9, 300.5]);
   * assert.deepEqual(a.astype("<i4").toNested(), [1, -1, 300]);
   * assert.deepEqual(a.astype("|u1").toNested(), [1, 255, 44]);
   * assert.throws(() => a.astype("<i8", { casting: "safe" }), ArgumentError);
   * ```
   *
   * @param dtype The dtype wanted.
   * @param options The casting rule, and `copy: false` to get this array back when nothing changes.
   * @returns The cast array.
   */
  astype(dtype: DType | Descr, options?: AstypeOptions): NDArray {
    return castArray(this, DType.parse(dtype), options);
  }

  /**
   * The matrix product `this @ other`, as NumPy's `matmul`: 1-D operands are
   * vectors, stacks of matrices broadcast, and the result has NumPy's dtype
   * (`int64 @ int64` is `int64` with wraparound, `int @ float` is `float64`,
   * `float32 @ float32` is `float32`).
   *
   * @example The seed's product
   * ```ts
   * import { array } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const a = array([[1], [2]]);
   * const b = array([[3, 4]]);
   * assert.deepEqual(a.matmul(b).toNested(), [[3n, 4n], [6n, 8n]]);
   * ```
   *
   * @param other The right operand.
   * @returns The product.
   */
  matmul(other: NDArray): NDArray {
    return matmul(this, other);
  }

  /**
   * The elements as a typed array in C order: a zero-copy view when the
   * array is C-contiguous, aligned and in native byte order, else a copy.
   * Complex numbers are interleaved (re, im); bool gives `Uint8Array`;
   * 64-bit ints and datetimes give `BigInt64Array`/`BigUint64Array`.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const a = arange(6, { dtype: "<f8" });
   * const view = a.toTypedArray();
   * assert.ok(view instanceof Float64Array);
   * assert.equal(view.buffer, a.data.buffer);
   * ```
   *
   * @returns The typed array.
   */
  toTypedArray(): TypedArray {
    const ctor = typedArrayConstructor(this.dtype);
    let source: NDArray = this.toNative();
    if (!source.isCContiguous) source = source.copy("C");
    const start = source.data.byteOffset + source.offset +
      extent(source.shape, source.strides, 1).low;
    const count = source.size * (this.dtype.kind === "c" ? 2 : 1);
    if (start % ctor.BYTES_PER_ELEMENT !== 0) {
      const bytes = source.data.slice(
        start - source.data.byteOffset,
        start - source.data.byteOffset + count * ctor.BYTES_PER_ELEMENT,
      );
      return new ctor(bytes.buffer, 0, count);
    }
    return new ctor(source.data.buffer, start, count);
  }

  /**
   * The elements as nested JS arrays, values as {@linkcode NDArray.get} gives them.
   *
   * @example
   * ```ts
   * import { array } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(array([[true, false]]).toNested(), [[true, false]]);
   * ```
   *
   * @returns Nested arrays (the bare element for 0-d arrays).
   */
  toNested(): unknown {
    // An empty array may have an axis longer than a JS array can be.
    const longest = this.shape.findIndex((n) => n > MAX_JS_ARRAY_LENGTH);
    if (longest >= 0) {
      throw new OutOfRangeError(
        "array-too-long",
        `axis ${longest} has length ${this.shape[longest]}, longer than a JavaScript array ` +
          `can be (${MAX_JS_ARRAY_LENGTH})`,
      );
    }
    const ctx = this.#context();
    const walk = (axis: number, at: number): unknown => {
      if (axis === this.ndim) return readElement(ctx, at, this.dtype);
      const out = new Array<unknown>(this.shape[axis]!);
      for (let i = 0; i < out.length; i++) out[i] = walk(axis + 1, at + i * this.strides[axis]!);
      return out;
    };
    return walk(0, this.offset);
  }

  /**
   * Copies values into this array: another array of the same shape and
   * dtype, a nested list, or one value for every element.
   *
   * @example
   * ```ts
   * import { zeros } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const a = zeros([2, 2], { dtype: "<i4" });
   * a.index("0").assign([5, 6]);
   * assert.deepEqual(a.toNested(), [[5, 6], [0, 0]]);
   * ```
   *
   * @param value The values.
   */
  assign(value: unknown): void {
    const ctx = this.#context();
    if (value instanceof NDArray) {
      if (value.shape.join() !== this.shape.join()) {
        throw new ArgumentError(
          "shape-mismatch",
          `cannot assign an array of shape (${value.shape.join(", ")}) to one of shape (${
            this.shape.join(", ")
          })`,
        );
      }
      if (value.dtype.equals(this.dtype) && this.objects === null && this.isCContiguous) {
        // Same element bytes: copy them in C order, in chunks (views need no gather).
        const start = this.offset + extent(this.shape, this.strides, this.dtype.itemsize).low;
        // A source sharing this array's buffer is copied first, in case they overlap.
        const source = value.data.buffer === this.data.buffer ? value.copy() : value;
        const pieces = [...source.chunks()];
        let at = start;
        for (const piece of pieces) {
          this.data.set(piece, at);
          at += piece.length;
        }
        return;
      }
      value = value.toNested();
    }
    const walk = (axis: number, at: number, v: unknown): void => {
      if (axis === this.ndim) {
        writeElement(ctx, at, this.dtype, v);
        return;
      }
      const n = this.shape[axis]!;
      const isList = Array.isArray(v);
      if (isList && v.length !== n) {
        throw new ArgumentError(
          "shape-mismatch",
          `a list of length ${v.length} cannot fill an axis of length ${n}`,
        );
      }
      for (let i = 0; i < n; i++) walk(axis + 1, at + i * this.strides[axis]!, isList ? v[i] : v);
    };
    walk(0, this.offset, value);
  }

  /**
   * NumPy's repr of the array, exactly as NumPy 2 prints it (see
   * {@linkcode arrayRepr}).
   *
   * @example
   * ```ts
   * import { array } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(array([[1, 2], [3, 4]], { dtype: "<i4" }).toString(), "array([[1, 2],\n       [3, 4]], dtype=int32)");
   * ```
   *
   * @returns The repr.
   */
  toString(): string {
    return arrayRepr(this);
  }

  /**
   * The elements in C order, one by one.
   *
   * @example
   * ```ts
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual([...arange(4, { dtype: "<i4" }).reshape([2, 2]).T.values()], [0, 2, 1, 3]);
   * ```
   *
   * @returns An iterator over the elements.
   */
  *values(): Generator<unknown, void, undefined> {
    const ctx = this.#context();
    const n = this.ndim;
    const size = this.size;
    if (size === 0) return;
    const counters = new Array<number>(n).fill(0);
    for (let k = 0; k < size; k++) {
      let at = this.offset;
      for (let a = 0; a < n; a++) at += counters[a]! * this.strides[a]!;
      yield readElement(ctx, at, this.dtype);
      for (let a = n - 1; a >= 0; a--) {
        if (++counters[a]! < this.shape[a]!) break;
        counters[a] = 0;
      }
    }
  }
}

/**
 * Lowest and highest byte (exclusive) touched by a layout, relative to its offset.
 *
 * @example
 * ```ts
 * import { extent } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(extent([2, 3], [24, 8], 8), { low: 0, high: 48 });
 * assert.deepEqual(extent([3], [-8], 8), { low: -16, high: 8 }); // a reversed view
 * ```
 *
 * @param shape The shape.
 * @param strides Byte strides.
 * @param itemsize Bytes per element.
 * @returns The byte range.
 */
export function extent(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
): { low: number; high: number } {
  let low = 0;
  let high = itemsize;
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i]!;
    if (n === 0) return { low: 0, high: 0 };
    const span = (n - 1) * strides[i]!;
    if (span < 0) low += span;
    else high += span;
  }
  return { low, high };
}

/** Typed array constructors, by dtype. */
export type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * The typed array class that views elements of a numeric dtype (bool as
 * `Uint8Array`, complex as its interleaved float type, datetimes as
 * `BigInt64Array`).
 *
 * @example
 * ```ts
 * import { DType, typedArrayConstructor } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(typedArrayConstructor(DType.parse("<c8")), Float32Array);
 * ```
 *
 * @param dtype A numeric or datetime dtype.
 * @returns The constructor.
 */
export function typedArrayConstructor(dtype: DType): TypedArrayConstructor {
  const key = `${dtype.kind}${dtype.itemsize}`;
  const ctor = TYPED_ARRAYS[key];
  if (ctor === undefined || dtype.fields !== null) {
    throw new ArgumentError(
      "dtype-no-typed-array",
      `no typed array holds elements of dtype "${dtype.str}"${
        key === "f2" ? " (this runtime has no Float16Array)" : ""
      }`,
    );
  }
  return ctor;
}

const TYPED_ARRAYS: Readonly<Record<string, TypedArrayConstructor>> = {
  b1: Uint8Array,
  i1: Int8Array,
  u1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
  // Float16Array is missing in Node.js 20 and older browsers: f2 then has no typed array.
  ...(Float16ArrayOrUndefined === undefined ? {} : { f2: Float16ArrayOrUndefined }),
  f4: Float32Array,
  f8: Float64Array,
  c8: Float32Array,
  c16: Float64Array,
  M8: BigInt64Array,
  m8: BigInt64Array,
};

/** Where a strided walk is: its axes (slowest first), the row counters, the word size. */
interface RowWalk {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly counters: number[];
  /** The array's offset in its data. */
  readonly offset: number;
  /** The byte offset in the data of the lowest element (word 0 of the source). */
  readonly base: number;
  readonly word: number;
  /** Words per element. */
  readonly per: number;
  /** Words between elements of a row. */
  readonly step: number;
  readonly innerLength: number;
  readonly contiguousRows: boolean;
}

/** Byte offset of the current row's first element, then advances the counters. */
function nextRow(walk: RowWalk): number {
  const { counters, strides, shape } = walk;
  const inner = counters.length;
  let at = walk.offset;
  for (let k = 0; k < inner; k++) at += counters[k]! * strides[k]!;
  for (let k = inner - 1; k >= 0; k--) {
    if (++counters[k]! < shape[k]!) break;
    counters[k] = 0;
  }
  return at;
}

// One gather per word width keeps each loop monomorphic. Rows are copied in
// tiles of TILE × TILE elements so that a transposed read stays in cache.
// The innermost copies are small functions of their own: engines compile a
// hot small function at once, while a hot loop nested in a long-running one
// is compiled "on stack" and thrown away each time the inner loop exits.
const TILE = 64;

function rowStarts(walk: RowWalk, rows: number, word: number): Float64Array {
  const starts = new Float64Array(rows);
  for (let r = 0; r < rows; r++) starts[r] = (nextRow(walk) - walk.base) / word;
  return starts;
}

type Words = Uint8Array | Uint16Array | Uint32Array;

/** Copies n elements of one word, `step` words apart, to consecutive words. */
function copyStrided1<T extends Words>(
  target: T,
  o: number,
  source: T,
  p: number,
  n: number,
  step: number,
): void {
  for (let i = 0; i < n; i++, p += step) target[o + i] = source[p]!;
}

/** The same for elements of two words. */
function copyStrided2<T extends Words>(
  target: T,
  o: number,
  source: T,
  p: number,
  n: number,
  step: number,
): void {
  for (let i = 0; i < n; i++, p += step) {
    target[o + 2 * i] = source[p]!;
    target[o + 2 * i + 1] = source[p + 1]!;
  }
}

/** The same for elements of `per` words. */
function copyStridedN<T extends Words>(
  target: T,
  o: number,
  source: T,
  p: number,
  n: number,
  step: number,
  per: number,
): void {
  for (let i = 0; i < n; i++, p += step) {
    for (let j = 0; j < per; j++) target[o++] = source[p + j]!;
  }
}

function gatherRows<T extends Words>(
  walk: RowWalk,
  data: Uint8Array,
  source: T,
  target: T,
  rows: number,
): void {
  const { per, step, innerLength, word } = walk;
  const rowWords = innerLength * per;
  if (walk.contiguousRows) {
    for (let r = 0; r < rows; r++) {
      const at = nextRow(walk);
      target.set(
        source.subarray((at - walk.base) / word, (at - walk.base) / word + rowWords),
        r * rowWords,
      );
    }
    void data;
    return;
  }
  const starts = rowStarts(walk, rows, word);
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let i0 = 0; i0 < innerLength; i0 += TILE) {
      const n = Math.min(innerLength, i0 + TILE) - i0;
      for (let r = r0; r < r1; r++) {
        const p = starts[r]! + i0 * step;
        const o = r * rowWords + i0 * per;
        if (per === 1) copyStrided1(target, o, source, p, n, step);
        else if (per === 2) copyStrided2(target, o, source, p, n, step);
        else copyStridedN(target, o, source, p, n, step, per);
      }
    }
  }
}

function gatherRows32(
  walk: RowWalk,
  data: Uint8Array,
  source: Uint32Array,
  out: Uint8Array,
  rows: number,
): void {
  gatherRows(walk, data, source, new Uint32Array(out.buffer, out.byteOffset, out.length / 4), rows);
}

function gatherRows16(
  walk: RowWalk,
  data: Uint8Array,
  source: Uint16Array,
  out: Uint8Array,
  rows: number,
): void {
  gatherRows(walk, data, source, new Uint16Array(out.buffer, out.byteOffset, out.length / 2), rows);
}

function gatherRows8(
  walk: RowWalk,
  data: Uint8Array,
  source: Uint8Array,
  out: Uint8Array,
  rows: number,
): void {
  gatherRows(walk, data, source, out, rows);
}
