// Element conversions between numeric dtypes over typed arrays, as NumPy's
// casts do them on x86-64: integers wrap, floats truncate toward zero,
// complex to real keeps the real part, anything to bool is "non-zero".
//
// Float to integer for NaN, infinities and out-of-range values (undefined in
// NumPy, which warns) follows NumPy's vectorised x86-64 loops:
// - to int8/uint8/int16/uint16/int32: the int32 conversion (out of range and
//   NaN give -2^31), then the low bits;
// - to uint32: x >= 2^31 converts x - 2^31 and adds 2^31 back (0 when that
//   overflows), else as int32 (from float16: as int64, then the low bits);
// - to int64: out of range and NaN give -2^63;
// - to uint64: x >= 2^63 converts x - 2^63 and adds 2^63 back (0 when that
//   overflows), else as int64.

import { type DType, LITTLE_ENDIAN } from "./dtype.ts";
import { NDArray } from "./ndarray.ts";
import { halfToNumber, numberToHalf } from "./_float16.ts";
import { byteswapInPlace } from "./_byteswap.ts";

/** A typed array viewing elements of a numeric dtype (float16 as its bits, complex interleaved). */
export type NumericBuffer =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

type BufferConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset?: number,
  length?: number,
) => NumericBuffer;

function bufferConstructor(dtype: DType): BufferConstructor {
  switch (`${dtype.kind}${dtype.itemsize}`) {
    case "b1":
    case "u1":
      return Uint8Array;
    case "i1":
      return Int8Array;
    case "i2":
      return Int16Array;
    case "u2":
    case "f2":
      return Uint16Array;
    case "i4":
      return Int32Array;
    case "u4":
      return Uint32Array;
    case "i8":
      return BigInt64Array;
    case "u8":
      return BigUint64Array;
    case "f4":
    case "c8":
      return Float32Array;
    default:
      return Float64Array;
  }
}

function lanes(dtype: DType): number {
  return dtype.kind === "c" ? 2 : 1;
}

/**
 * The elements of `a` in C order and native byte order, as a typed array of
 * its dtype: a view when `a` already lies that way (and aligned), else a copy.
 */
export function contiguousBuffer(a: NDArray): NumericBuffer {
  const ctor = bufferConstructor(a.dtype);
  const count = a.size * lanes(a.dtype);
  const width = a.dtype.itemsize / lanes(a.dtype);
  if (a.isCContiguous && a.dtype.isNative && a.size > 0) {
    const lowest = a.offset + lowestOffset(a);
    const start = a.data.byteOffset + lowest;
    if (start % width === 0) return new ctor(a.data.buffer, start, count);
  }
  const bytes = new Uint8Array(a.size * a.dtype.itemsize);
  let at = 0;
  for (const chunk of a.chunks()) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  if (!a.dtype.isNative) byteswapInPlace(bytes, a.dtype, a.size);
  return new ctor(bytes.buffer, 0, count);
}

function lowestOffset(a: NDArray): number {
  let low = 0;
  for (let i = 0; i < a.ndim; i++) {
    const span = (a.shape[i]! - 1) * a.strides[i]!;
    if (span < 0) low += span;
  }
  return low;
}

/** A fresh native-order typed array for `count` elements of `dtype`. */
export function allocateBuffer(dtype: DType, count: number): NumericBuffer {
  const ctor = bufferConstructor(dtype);
  return new ctor(new ArrayBuffer(count * dtype.itemsize), 0, count * lanes(dtype));
}

/** Wraps a native-order buffer as an array of `dtype` (swapping bytes if `dtype` is not native). */
export function arrayFromBuffer(
  buffer: NumericBuffer,
  dtype: DType,
  shape: readonly number[],
): NDArray {
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (!dtype.isNative) byteswapInPlace(bytes, dtype, bytes.length / dtype.itemsize);
  return new NDArray(dtype, shape, { data: bytes });
}

const TWO31 = 2 ** 31;
const TWO63 = 2 ** 63;

function toInt32(x: number): number {
  const t = Math.trunc(x);
  return t >= -TWO31 && t < TWO31 ? t : -TWO31;
}

function toUint32(x: number): number {
  if (x >= TWO31) {
    const t = Math.trunc(x - TWO31);
    return t < TWO31 ? t + TWO31 : 0;
  }
  return toInt32(x);
}

function toUint32ViaInt64(x: number): number {
  const t = Math.trunc(x);
  return t >= -TWO63 && t < TWO63 ? Number(BigInt.asUintN(32, BigInt(t))) : 0;
}

function toInt64(x: number): bigint {
  const t = Math.trunc(x);
  return t >= -TWO63 && t < TWO63 ? BigInt(t) : -(2n ** 63n);
}

function toUint64(x: number): bigint {
  if (x >= TWO63) {
    const t = Math.trunc(x - TWO63);
    return t < TWO63 ? BigInt(t) + 2n ** 63n : 0n;
  }
  return toInt64(x);
}

/** The common float-to-int case in one tight loop: truncate, int32 overflow gives -2^31. */
function truncateToInt32(src: Float64Array | Float32Array, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const t = Math.trunc(src[i]!);
    out[i] = t >= -TWO31 && t < TWO31 ? t : -TWO31;
  }
}

/** A bigint rounded once to the nearest float32 (ties to even), as a C cast does. */
export function bigintToFloat32(v: bigint): number {
  const n = Number(v);
  if (Math.abs(n) <= 2 ** 53) return Math.fround(n);
  const negative = v < 0n;
  const a = negative ? -v : v;
  const shift = a.toString(2).length - 24;
  let q = a >> BigInt(shift);
  const rest = a - (q << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  const out = Math.fround(Number(q) * 2 ** shift);
  return negative ? -out : out;
}

type Reader = (i: number) => number;

// 64-bit integers are read and written as two 32-bit halves: far faster than
// a BigInt per element.
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;
const TWO32 = 2 ** 32;

function halves(a: BigInt64Array | BigUint64Array): [Uint32Array, Int32Array] {
  return [
    new Uint32Array(a.buffer, a.byteOffset, a.length * 2),
    new Int32Array(a.buffer, a.byteOffset, a.length * 2),
  ];
}

/** Element i of a 64-bit integer array as a double, rounded once (exact below 2^53). */
function int64Reader(a: BigInt64Array | BigUint64Array): Reader {
  const [u, s] = halves(a);
  return a instanceof BigInt64Array
    ? (i) => s[2 * i + HI]! * TWO32 + u[2 * i + LO]!
    : (i) => u[2 * i + HI]! * TWO32 + u[2 * i + LO]!;
}

/** int64/uint64 to float64 in one tight loop, each value rounded once. */
function int64ToFloat64(src: BigInt64Array | BigUint64Array, out: Float64Array): void {
  const [u, s] = halves(src);
  if (src instanceof BigInt64Array) {
    for (let i = 0; i < out.length; i++) out[i] = s[2 * i + HI]! * TWO32 + u[2 * i + LO]!;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = u[2 * i + HI]! * TWO32 + u[2 * i + LO]!;
  }
}

/** Writes an integer-valued double below 2^63 in magnitude as element i of a 64-bit array. */
function writeInt64(u: Uint32Array, i: number, t: number): void {
  const hi = Math.floor(t / TWO32);
  u[2 * i + HI] = hi;
  u[2 * i + LO] = t - hi * TWO32;
}

/**
 * Converts `count` elements of `from` held in `src` into `dst` of `to`
 * (native order buffers from contiguousBuffer/allocateBuffer).
 */
export function convertBuffer(
  src: NumericBuffer,
  from: DType,
  dst: NumericBuffer,
  to: DType,
  count: number,
): void {
  const fk = from.kind;
  const tk = to.kind;
  const half = fk === "f" && from.itemsize === 2;
  const big = src instanceof BigInt64Array || src instanceof BigUint64Array;
  const step = fk === "c" ? 2 : 1;
  // The real value of element i as a number (bigints rounded once to double).
  const s = src as ArrayLike<number>;
  const real: Reader = half
    ? (i) => halfToNumber(s[i]!)
    : big
    ? int64Reader(src as BigInt64Array)
    : fk === "b"
    ? (i) => (s[i]! !== 0 ? 1 : 0)
    : (i) => s[i * step]!;
  if (tk === "b") {
    const out = dst as Uint8Array;
    if (fk === "c") {
      for (let i = 0; i < count; i++) out[i] = s[2 * i] !== 0 || s[2 * i + 1] !== 0 ? 1 : 0;
    } else if (big) {
      const [u] = halves(src as BigInt64Array);
      for (let i = 0; i < count; i++) out[i] = (u[2 * i]! | u[2 * i + 1]!) !== 0 ? 1 : 0;
    } else {
      for (let i = 0; i < count; i++) out[i] = real(i) !== 0 ? 1 : 0;
    }
    return;
  }
  const fromFloat = fk === "f" || fk === "c";
  if (tk === "f" && to.itemsize === 2) {
    const out = dst as Uint16Array;
    for (let i = 0; i < count; i++) out[i] = numberToHalf(real(i));
    return;
  }
  if (tk === "f" || tk === "c") {
    const out = dst as Float32Array | Float64Array;
    const outStep = tk === "c" ? 2 : 1;
    const single = to.itemsize === (tk === "c" ? 8 : 4);
    if (big && !single && outStep === 1) {
      int64ToFloat64(src as BigInt64Array, out as Float64Array);
    } else if (big) {
      const b = src as BigInt64Array;
      for (let i = 0; i < count; i++) {
        const d = real(i);
        // Below 2^53 the double is exact, so one rounding to float32 is right.
        out[i * outStep] = single && Math.abs(d) > 2 ** 53 ? bigintToFloat32(b[i]!) : d;
      }
    } else if (fk === "c" && tk === "c") {
      out.set(src as Float32Array | Float64Array);
      return;
    } else if (outStep === 1 && !half && fk !== "b" && fk !== "c") {
      out.set(src as Float32Array);
      return;
    } else {
      for (let i = 0; i < count; i++) out[i * outStep] = real(i);
    }
    return;
  }
  // Integer targets.
  if (tk === "i" && to.itemsize === 8 || tk === "u" && to.itemsize === 8) {
    const out = dst as BigInt64Array;
    if (big) {
      out.set(src as BigInt64Array);
      return;
    }
    const [u] = halves(out);
    if (fromFloat) {
      const convert = tk === "i" ? toInt64 : toUint64;
      for (let i = 0; i < count; i++) {
        const x = real(i);
        const t = Math.trunc(x);
        // In-range values go straight to the halves; the edges through BigInt.
        if (t > -(2 ** 53) && t < 2 ** 53) writeInt64(u, i, t);
        else out[i] = convert(x);
      }
    } else {
      for (let i = 0; i < count; i++) writeInt64(u, i, real(i));
    }
    return;
  }
  const out = dst as Int32Array;
  if (big) {
    // The low 32 bits; storing wraps them to the target's width.
    const [, low] = halves(src as BigInt64Array);
    for (let i = 0; i < count; i++) out[i] = low[2 * i + LO]!;
  } else if (fromFloat && fk === "f" && !half && !(tk === "u" && to.itemsize === 4)) {
    truncateToInt32(src as Float64Array, out);
  } else if (fromFloat) {
    const convert = tk === "u" && to.itemsize === 4
      ? (half ? toUint32ViaInt64 : toUint32)
      : toInt32;
    for (let i = 0; i < count; i++) out[i] = convert(real(i));
  } else if (fk === "b") {
    for (let i = 0; i < count; i++) out[i] = real(i);
  } else {
    out.set(src as Int32Array);
  }
}

/** Casts the values of `a` to the numeric dtype `to`: a new C-contiguous array. */
export function castValues(a: NDArray, to: DType): NDArray {
  const src = contiguousBuffer(a);
  const native = to.toNative();
  const dst = allocateBuffer(native, a.size);
  convertBuffer(src, a.dtype, dst, native, a.size);
  return arrayFromBuffer(dst, to, a.shape);
}
