/**
 * float16 access that works where `Float16Array` and `DataView`'s
 * `getFloat16`/`setFloat16` do not exist yet (Node.js 20, older browsers):
 * the native methods when present, else an exact software conversion.
 *
 * @module
 */

import type { TypedArrayConstructor } from "./ndarray.ts";

type Float16View = DataView & {
  getFloat16?(at: number, little?: boolean): number;
  setFloat16?(at: number, value: number, little?: boolean): void;
};

const nativeGet = (DataView.prototype as Float16View).getFloat16;
const nativeSet = (DataView.prototype as Float16View).setFloat16;

/** The runtime's `Float16Array`, if it has one. */
export const Float16ArrayOrUndefined: TypedArrayConstructor | undefined =
  (globalThis as { Float16Array?: TypedArrayConstructor }).Float16Array;

/** The value of float16 bits. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function roundHalfEven(q: number): number {
  const floor = Math.floor(q);
  const rest = q - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** float16 bits of a number, rounded to nearest even (as `setFloat16`). */
export function numberToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  // 65520 is halfway between 65504 (odd mantissa) and 65536: ties go to infinity.
  if (a >= 65520) return sign | 0x7c00;
  // Subnormals are counted in units of 2^-24; a carry to 1024 is the smallest normal.
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24);
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  else if (2 ** (exponent + 1) <= a) exponent++;
  // Scaling by powers of two is exact, so is the mantissa; a carry bumps the exponent.
  const mantissa = roundHalfEven((a / 2 ** exponent - 1) * 1024);
  return sign | (((exponent + 15) << 10) + mantissa);
}

/** Reads a float16. */
export function getFloat16(view: DataView, at: number, little: boolean): number {
  if (nativeGet !== undefined) return nativeGet.call(view, at, little);
  return halfToNumber(view.getUint16(at, little));
}

/** Writes a float16, rounding to nearest even. */
export function setFloat16(view: DataView, at: number, value: number, little: boolean): void {
  if (nativeSet !== undefined) nativeSet.call(view, at, value, little);
  else view.setUint16(at, numberToHalf(value), little);
}
