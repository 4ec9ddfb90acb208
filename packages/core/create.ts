/**
 * Creating arrays: from nested lists and typed arrays, zeros, ranges and
 * seeded random integers.
 *
 * @module
 */

import { DType } from "./dtype.ts";
import type { Descr } from "./dtype.ts";
import { ArgumentError } from "./errors.ts";
import { NDArray, shapeSize } from "./ndarray.ts";
import type { Order, TypedArray } from "./ndarray.ts";
import { Complex, PyFloat } from "./value.ts";
import { pythonFloatRepr } from "./_python_literal.ts";
import { numberToHalf } from "./_float16.ts";
import { Float16ArrayOrUndefined } from "./_float16.ts";

/** Options of {@linkcode array} and {@linkcode fromNested}. */
export interface ArrayOptions {
  /** The dtype; inferred from the values when omitted. */
  readonly dtype?: DType | Descr;
  /** The shape, for flat typed-array input; inferred from nesting otherwise. */
  readonly shape?: readonly number[];
}

const TYPED_DESCR: ReadonlyArray<readonly [new (...args: never[]) => TypedArray, string]> = [
  [Int8Array, "|i1"],
  [Uint8Array, "|u1"],
  [Int16Array, "<i2"],
  [Uint16Array, "<u2"],
  [Int32Array, "<i4"],
  [Uint32Array, "<u4"],
  [BigInt64Array, "<i8"],
  [BigUint64Array, "<u8"],
  [Float32Array, "<f4"],
  [Float64Array, "<f8"],
  // Float16Array is missing in Node.js 20 and older browsers.
  ...(Float16ArrayOrUndefined === undefined ? [] : [[Float16ArrayOrUndefined, "<f2"] as const]),
];

/**
 * Makes an array from nested JS arrays or a typed array, as `np.array`.
 * A typed array is wrapped without copying (its dtype follows the typed
 * array unless `dtype` says otherwise, which copies).
 *
 * @example
 * ```ts
 * import { array } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(array([[1, 2], [3, 4]]).dtype.str, "<i8");
 * assert.equal(array([1.5, 2]).dtype.str, "<f8");
 * assert.deepEqual(array(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).shape, [2, 2]);
 * ```
 *
 * @param values Nested arrays of values, or a typed array.
 * @param options The dtype, and the shape for typed arrays.
 * @returns The array.
 */
export function array(values: unknown, options?: ArrayOptions): NDArray {
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const entry = TYPED_DESCR.find(([ctor]) => values instanceof ctor);
    if (entry === undefined) throw new ArgumentError("value-invalid", "unsupported typed array");
    const typed = values as TypedArray;
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    const shape = options?.shape ?? [typed.length];
    if (shapeSize(shape) !== typed.length) {
      throw new ArgumentError(
        "shape-invalid",
        `cannot give ${typed.length} elements the shape (${shape.join(", ")})`,
      );
    }
    const own = new NDArray(DType.parse(entry[1]), shape, { data: bytes });
    if (options?.dtype === undefined) return own;
    const dtype = DType.parse(options.dtype);
    if (dtype.equals(own.dtype)) return own;
    return fromNested(own.toNested(), { dtype });
  }
  return fromNested(values, options);
}

/**
 * Makes an array from nested JS arrays, as `np.array`. Without a dtype it
 * infers NumPy's: booleans → `|b1`; integers → `<i8`, or `<u8` when every
 * integer is 2^63 or more (mixed with smaller ones: `<f8`); any float →
 * `<f8` (an integral JS number is an int unless it is beyond int64 and
 * uint64); any complex → `<c16`; strings → `<U<longest>`, bytes →
 * `|S<longest>`, with numbers among strings printed as Python's `str()` (a
 * string dtype at least as long as NumPy makes it: 5 for bool, 21 for
 * int64, 20 for uint64, 32 for float64, 64 for complex128). Integers outside
 * int64 and uint64, `null` and other objects are not array data here
 * (`asArray` makes object arrays of them).
 *
 * @example
 * ```ts
 * import { fromNested } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fromNested(["ab", "c"]).dtype.str, "<U2");
 * assert.deepEqual(fromNested([[1], [2]], { dtype: "<f4" }).shape, [2, 1]);
 * assert.equal(fromNested([2n ** 63n, 1]).dtype.str, "<f8");
 * assert.deepEqual(fromNested(["a", 1.5]).toNested(), ["a", "1.5"]);
 * ```
 *
 * @param values Nested arrays (or one value for a 0-d array).
 * @param options The dtype.
 * @returns The array.
 */
export function fromNested(values: unknown, options?: ArrayOptions): NDArray {
  const shape = nestedShape(values);
  const dtype = options?.dtype === undefined
    ? inferDType(values, shape.length)
    : DType.parse(options.dtype);
  const out = new NDArray(dtype, shape);
  const isText = dtype.kind === "U" || dtype.kind === "S";
  out.assign(
    isText ? mapLeaves(values, shape.length, (v) => textOf(v, dtype.kind === "S")) : values,
  );
  if (options?.shape !== undefined) return out.reshape(options.shape);
  return out;
}

function mapLeaves(values: unknown, depth: number, fn: (v: unknown) => unknown): unknown {
  if (depth === 0) return fn(values);
  return (values as unknown[]).map((v) => mapLeaves(v, depth - 1, fn));
}

/** Python's `str()` of a number among strings; bytes decoded as ASCII among strings. */
function textOf(value: unknown, bytes: boolean): unknown {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    return Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < 2 ** 64
      ? BigInt(value).toString()
      : pythonFloatRepr(value);
  }
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (value instanceof Complex) return value.toString();
  if (value instanceof Uint8Array && !bytes) {
    let text = "";
    for (const b of value) {
      if (b > 0x7f) {
        throw new ArgumentError(
          "value-invalid",
          "bytes among strings must be ASCII to be decoded, as NumPy requires",
        );
      }
      text += String.fromCharCode(b);
    }
    return text;
  }
  return value;
}

function nestedShape(values: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const check = (v: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(v)) throw ragged();
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) throw ragged();
    for (const item of v) check(item, axis + 1);
  };
  check(values, 0);
  return shape;
}

function ragged(): ArgumentError {
  return new ArgumentError(
    "value-ragged",
    "the nested lists are ragged: every list at one depth must have the same length",
  );
}

const INT64_MIN = -(2n ** 63n);
const UINT64_LIMIT = 2n ** 64n;
const SIGNED_LIMIT = 2n ** 63n;

/**
 * The dtype `np.array` would choose for these leaves (`depth` levels of
 * lists); see {@linkcode fromNested}.
 *
 * @example
 * ```ts
 * import { inferDType } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inferDType([true, 2], 1).str, "<i8");
 * assert.equal(inferDType([[1], [2.5]], 2).str, "<f8");
 * ```
 *
 * @param values Nested arrays of values.
 * @param depth How many levels of arrays lead to the values.
 * @returns The dtype.
 */
export function inferDType(values: unknown, depth: number): DType {
  let kind = 0; // 0 none, 1 bool, 2 int, 3 float, 4 complex
  let smallInt = false;
  let bigUnsigned = false;
  let strLen = -1;
  let bytesLen = -1;
  const integer = (v: bigint): void => {
    if (v >= SIGNED_LIMIT && v < UINT64_LIMIT) bigUnsigned = true;
    else if (v >= INT64_MIN && v < SIGNED_LIMIT) smallInt = true;
    else {
      throw new ArgumentError(
        "value-out-of-range",
        `the integer ${v} fits neither int64 nor uint64 (NumPy would make an object array)`,
      );
    }
    kind = Math.max(kind, 2);
  };
  const visit = (v: unknown, d: number): void => {
    if (d > 0) {
      for (const item of v as unknown[]) visit(item, d - 1);
      return;
    }
    if (typeof v === "boolean") kind = Math.max(kind, 1);
    else if (typeof v === "bigint") integer(v);
    else if (typeof v === "number") {
      // An integral number is an int, unless no int64/uint64 holds it (then only a float can).
      if (Number.isInteger(v) && !Object.is(v, -0) && v >= -(2 ** 63) && v < 2 ** 64) {
        integer(BigInt(v));
      } else kind = Math.max(kind, 3);
    } else if (v instanceof PyFloat) kind = Math.max(kind, 3);
    else if (v instanceof Complex) kind = Math.max(kind, 4);
    else if (typeof v === "string") strLen = Math.max(strLen, [...v].length);
    else if (v instanceof Uint8Array) bytesLen = Math.max(bytesLen, v.length);
    else {
      throw new ArgumentError(
        "value-invalid",
        `cannot infer a dtype for a value of type ${v === null ? "null" : typeof v}`,
      );
    }
  };
  visit(values, depth);
  // int64 and uint64 values together promote to float64, as in NumPy.
  if (kind === 2 && smallInt && bigUnsigned) kind = 3;
  const numeric = kind === 1
    ? "|b1"
    : kind === 2
    ? (bigUnsigned ? "<u8" : "<i8")
    : kind === 3
    ? "<f8"
    : kind === 4
    ? "<c16"
    : null;
  if (strLen >= 0 || bytesLen >= 0) {
    const numberLength = numeric === null
      ? 0
      : ({ "|b1": 5, "<i8": 21, "<u8": 20, "<f8": 32, "<c16": 64 } as Record<string, number>)[
        numeric
      ]!;
    if (strLen >= 0) return DType.parse(`<U${Math.max(strLen, bytesLen, numberLength, 1)}`);
    return DType.parse(`|S${Math.max(bytesLen, numberLength, 1)}`);
  }
  return DType.parse(numeric ?? "<f8");
}

/** Options of {@linkcode zeros}. */
export interface ZerosOptions {
  /** The dtype (default `<f8`). */
  readonly dtype?: DType | Descr;
  /** Memory order. */
  readonly order?: Order;
}

/**
 * An array of zeros (empty strings, false, zero bytes), as `np.zeros`.
 *
 * @example
 * ```ts
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(zeros([2, 2], { dtype: "<i4" }).toNested(), [[0, 0], [0, 0]]);
 * ```
 *
 * @param shape The shape.
 * @param options The dtype and order.
 * @returns The array.
 */
export function zeros(shape: readonly number[], options?: ZerosOptions): NDArray {
  return new NDArray(DType.parse(options?.dtype ?? "<f8"), shape, { order: options?.order ?? "C" });
}

/** Options of {@linkcode arange}. */
export interface ArangeOptions {
  /** The dtype; `<i8` for integer arguments, else `<f8`. */
  readonly dtype?: DType | Descr;
}

/**
 * Evenly spaced values in `[start, stop)`, as `np.arange`.
 *
 * @example
 * ```ts
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * // np.arange(5.0): JS numbers do not say "float", so name the dtype.
 * assert.deepEqual(arange(5, { dtype: "<f8" }).toNested(), [0, 1, 2, 3, 4]);
 * assert.deepEqual(arange(1, 7, 2).toNested(), [1n, 3n, 5n]);
 * ```
 *
 * @param start The start, or the stop when it is the only number.
 * @param stop The end (exclusive).
 * @param step The step (default 1).
 * @param options The dtype.
 * @returns A 1-D array.
 */
export function arange(
  start: number,
  stop?: number | ArangeOptions,
  step?: number | ArangeOptions,
  options?: ArangeOptions,
): NDArray {
  let opts = options;
  if (typeof stop === "object") {
    opts = stop;
    stop = undefined;
  }
  if (typeof step === "object") {
    opts = step;
    step = undefined;
  }
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  const by = step ?? 1;
  if (by === 0 || !Number.isFinite(by) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new ArgumentError("arange-invalid", "arange needs finite bounds and a non-zero step");
  }
  const n = Math.max(0, Math.ceil((hi - lo) / by));
  const integral = Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(by);
  const dtype = DType.parse(opts?.dtype ?? (integral ? "<i8" : "<f8"));
  if (!dtype.isNumeric || dtype.kind === "b" || dtype.isLongDouble) {
    // Other dtypes element by element, through set().
    const out = new NDArray(dtype, [n]);
    const big = dtype.itemsize === 8 && (dtype.kind === "M" || dtype.kind === "m");
    for (let i = 0; i < n; i++) {
      const v = lo + i * by;
      out.set([i], big ? BigInt(v) : v);
    }
    return out;
  }
  return fillRange(lo, by, n, dtype);
}

/**
 * NumPy's arange fill: the first two values are cast to the dtype, then
 * value i is first + i × (second − first), computed in the dtype's own
 * arithmetic (integers wrap; float16 is computed in float32).
 */
function fillRange(lo: number, by: number, n: number, dtype: DType): NDArray {
  const native = dtype.toNative();
  const ends = array(new Float64Array([lo, lo + by])).astype(native);
  const out = new NDArray(native, [n]);
  if (n === 0) return dtype.isNative ? out : out.withByteOrder(dtype.byteOrder as "<" | ">");
  const typed = dtype.kind === "f" && dtype.itemsize === 2 ? null : out.toTypedArray();
  if (dtype.kind === "c") {
    const first = (ends.get(0) as Complex).re;
    const single = dtype.itemsize === 8;
    const difference = (ends.get(1) as Complex).re - first;
    const delta = single ? Math.fround(difference) : difference;
    const values = typed as Float64Array | Float32Array;
    for (let i = 0; i < n; i++) {
      values[2 * i] = single ? first + Math.fround(Math.fround(i) * delta) : first + i * delta;
    }
  } else if (dtype.kind === "f") {
    const first = Number(ends.get(0));
    const delta = dtype.itemsize === 8
      ? Number(ends.get(1)) - first
      : Math.fround(Number(ends.get(1)) - first);
    if (dtype.itemsize === 8) {
      const values = typed as Float64Array;
      for (let i = 0; i < n; i++) values[i] = first + i * delta;
    } else if (dtype.itemsize === 4) {
      const values = typed as Float32Array;
      for (let i = 0; i < n; i++) values[i] = first + Math.fround(Math.fround(i) * delta);
    } else {
      const half = new Uint16Array(out.data.buffer, out.data.byteOffset, n);
      for (let i = 0; i < n; i++) {
        half[i] = numberToHalf(Math.fround(first + Math.fround(Math.fround(i) * delta)));
      }
    }
  } else if (dtype.itemsize === 8) {
    const first = BigInt(ends.get(0) as bigint);
    const delta = BigInt(ends.get(1) as bigint) - first;
    const values = typed as BigInt64Array;
    const exact = Math.abs(Number(first)) + n * Math.abs(Number(delta)) < 2 ** 53;
    if (exact) {
      const f = Number(first);
      const d = Number(delta);
      for (let i = 0; i < n; i++) values[i] = BigInt(f + i * d);
    } else {
      for (let i = 0; i < n; i++) values[i] = first + BigInt(i) * delta;
    }
  } else {
    const first = Number(ends.get(0));
    const delta = (Number(ends.get(1)) - first) | 0;
    const values = typed as Int32Array;
    for (let i = 0; i < n; i++) values[i] = (first + Math.imul(i, delta)) | 0;
  }
  return dtype.isNative ? out : out.withByteOrder(dtype.byteOrder as "<" | ">");
}

/** Options of {@linkcode randint}. */
export interface RandintOptions {
  /** The seed; the same seed gives the same integers on every platform. */
  readonly seed?: number;
  /** An integer dtype (default `<i8`). */
  readonly dtype?: DType | Descr;
}

/**
 * Uniform random integers in `[low, high)`, from a seeded xoshiro128**
 * generator: `randint(1, 100, [100, 100, 100], { seed: 0 })` builds an array
 * like the seed tutorial's. (The integers differ from NumPy's own generator.)
 *
 * @example
 * ```ts
 * import { randint } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const a = randint(1, 100, [10, 10], { seed: 42 });
 * const b = randint(1, 100, [10, 10], { seed: 42 });
 * assert.deepEqual(a.toNested(), b.toNested());
 * assert.ok([...a.values()].every((v) => (v as bigint) >= 1n && (v as bigint) < 100n));
 * ```
 *
 * @param low The lowest value.
 * @param high One past the highest value.
 * @param shape The shape.
 * @param options Seed and dtype.
 * @returns The array.
 */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options?: RandintOptions,
): NDArray {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
    throw new ArgumentError(
      "randint-invalid",
      `randint needs integers low < high, not ${low} and ${high}`,
    );
  }
  const range = high - low;
  if (range > 2 ** 32) {
    throw new ArgumentError("randint-invalid", "randint supports ranges up to 2^32");
  }
  const dtype = DType.parse(options?.dtype ?? "<i8");
  if (dtype.kind !== "i" && dtype.kind !== "u") {
    throw new ArgumentError(
      "randint-invalid",
      `randint needs an integer dtype, not "${dtype.str}"`,
    );
  }
  const out = new NDArray(dtype.toNative(), shape);
  const next = xoshiro128ss(options?.seed ?? Date.now());
  const size = out.size;
  // Lemire's multiply-shift with rejection: unbiased, and exact in 32-bit halves.
  const limit = range === 2 ** 32 ? 0 : (2 ** 32 - range) % range;
  const draw = (): number => {
    while (true) {
      const x = next();
      if (range === 2 ** 32) return low + x;
      const [hi, lo] = multiply32(x, range);
      if (lo >= limit) return low + hi;
    }
  };
  const typed = out.toTypedArray();
  if (typed instanceof BigInt64Array || typed instanceof BigUint64Array) {
    for (let i = 0; i < size; i++) typed[i] = BigInt(draw());
  } else {
    for (let i = 0; i < size; i++) typed[i] = draw();
  }
  return dtype.isNative ? out : out.withByteOrder(dtype.byteOrder as "<" | ">");
}

function xoshiro128ss(seed: number): () => number {
  // SplitMix32 spreads the seed over the 128-bit state.
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d >>> 0, 11);
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    return result;
  };
}

/** The exact 64-bit product of two uint32 values, as [high, low] words. */
function multiply32(a: number, b: number): [number, number] {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const hi = aHi * bHi + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 0x10000);
  const lo = ((mid & 0xffff) * 0x10000 + (ll & 0xffff)) >>> 0;
  return [hi, lo];
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
