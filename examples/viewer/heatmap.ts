/**
 * A heatmap of a 1-D or 2-D numeric array as RGBA pixels, one pixel per
 * element (every k-th element along an axis longer than `maxSide`).
 * Colours follow a viridis-like ramp from the smallest finite value (dark
 * purple) to the largest (yellow); NaN is grey.
 *
 * @module
 */

import type { NDArray } from "@ndio/core";

/** The pixels and the value range of a heatmap. */
export interface Heatmap {
  /** Pixels across (columns drawn). */
  readonly width: number;
  /** Pixels down (rows drawn). */
  readonly height: number;
  /** RGBA bytes, row by row. */
  readonly rgba: Uint8ClampedArray<ArrayBuffer>;
  /** The smallest finite value drawn, or NaN when there is none. */
  readonly min: number;
  /** The largest finite value drawn, or NaN when there is none. */
  readonly max: number;
  /** Every `step`-th row and column is drawn. */
  readonly step: number;
}

// Anchor colours of the viridis colour map, evenly spaced from 0 to 1.
const RAMP: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [181, 222, 43],
  [253, 231, 37],
];

/** The colour of `t` in [0, 1] on the ramp. */
export function rampColor(t: number): [number, number, number] {
  const x = Math.min(Math.max(t, 0), 1) * (RAMP.length - 1);
  const i = Math.min(Math.floor(x), RAMP.length - 2);
  const f = x - i;
  const a = RAMP[i]!;
  const b = RAMP[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as [number, number, number];
}

/** The colour of NaN. */
export const NAN_COLOR: readonly [number, number, number] = [128, 128, 128];

/** Whether a heatmap can be drawn for the array's dtype (bool, integers, floats). */
export function isHeatmapDType(array: NDArray): boolean {
  return array.dtype.fields === null && "biuf".includes(array.dtype.kind) &&
    array.dtype.itemsize <= 8;
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return NaN;
}

/**
 * Draws a 1-D (as one row) or 2-D numeric array.
 *
 * @param array A 1-D or 2-D array of bool, integer or float dtype.
 * @param maxSide The most pixels along either side (default 1024).
 * @returns The pixels and the value range.
 */
export function heatmap(array: NDArray, maxSide = 1024): Heatmap {
  if (array.ndim !== 1 && array.ndim !== 2) {
    throw new RangeError(`a heatmap needs a 1-D or 2-D slice, not ${array.ndim}-D`);
  }
  if (!isHeatmapDType(array)) {
    throw new TypeError(`no heatmap for dtype "${array.dtype.str}"`);
  }
  const grid = array.ndim === 1 ? array.reshape([1, array.shape[0]!]) : array;
  const [rows, cols] = grid.shape as [number, number];
  const step = Math.max(1, Math.ceil(Math.max(rows, cols) / maxSide));
  const sampled = step === 1 ? grid : grid.index(`::${step}, ::${step}`);
  const height = sampled.shape[0]!;
  const width = sampled.shape[1]!;
  const values = new Float64Array(width * height);
  let i = 0;
  for (const v of sampled.values()) values[i++] = toNumber(v);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min > max) min = max = NaN;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const span = max - min;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    const color = Number.isNaN(v)
      ? NAN_COLOR
      : rampColor(v === Infinity ? 1 : v === -Infinity || !(span > 0) ? 0 : (v - min) / span);
    rgba[4 * k] = color[0];
    rgba[4 * k + 1] = color[1];
    rgba[4 * k + 2] = color[2];
    rgba[4 * k + 3] = 255;
  }
  return { width, height, rgba, min, max, step };
}

/**
 * The default 2-D slice of an array, as a NumPy index: the first index of
 * every leading axis, then the last two axes whole.
 *
 * @param shape The array's shape.
 * @returns An index expression such as `"0, :, :"`, or `":"` for 1-D.
 */
export function defaultSlice(shape: readonly number[]): string {
  if (shape.length <= 1) return shape.length === 0 ? "" : ":";
  return [...shape.slice(0, -2).map(() => "0"), ":", ":"].join(", ");
}
