// In-place byte swapping of C-contiguous elements, field by field. Elements
// made of one scalar width (numbers, complex, U strings) are swapped as long
// runs with typed arrays; structured records unit by unit.

import type { DType } from "./dtype.ts";

/** A run of scalars to reverse within one element: [offset, width, count]. */
type Unit = [offset: number, width: number, count: number];

function unitsOf(dtype: DType, base: number, out: Unit[], keep: (d: DType) => boolean): void {
  if (dtype.fields !== null) {
    for (const f of dtype.fields) unitsOf(f.dtype, base + f.offset, out, keep);
    return;
  }
  if (dtype.subarray !== null) {
    const sub = dtype.subarray;
    const count = sub.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < count; i++) unitsOf(sub.base, base + i * sub.base.itemsize, out, keep);
    return;
  }
  if (dtype.byteOrder === "|" || !keep(dtype)) return;
  switch (dtype.kind) {
    case "c":
      out.push([base, dtype.itemsize / 2, 2]);
      return;
    case "U":
      out.push([base, 4, dtype.itemsize / 4]);
      return;
    default:
      if (dtype.itemsize > 1) out.push([base, dtype.itemsize, 1]);
  }
}

/** Reverses every multi-byte scalar of `count` contiguous elements of `dtype` at `bytes[start]`. */
export function byteswapInPlace(bytes: Uint8Array, dtype: DType, count: number, start = 0): void {
  const units: Unit[] = [];
  unitsOf(dtype, 0, units, () => true);
  swapUnits(bytes, units, dtype.itemsize, count, start);
}

/**
 * Rewrites `count` contiguous elements from the byte order of `from` to that
 * of `to` (the same dtype in another order): only scalars whose order
 * differs are reversed, so mixed-order records convert correctly.
 */
export function reorderInPlace(
  bytes: Uint8Array,
  from: DType,
  to: DType,
  count: number,
  start = 0,
): void {
  const fromOrders: string[] = [];
  const toOrders: string[] = [];
  const collect = (dtype: DType, into: string[]) =>
    unitsOf(dtype, 0, [], (d) => {
      into.push(d.byteOrder);
      return true;
    });
  collect(from, fromOrders);
  collect(to, toOrders);
  let k = 0;
  const units: Unit[] = [];
  unitsOf(from, 0, units, () => fromOrders[k] !== toOrders[k++]);
  swapUnits(bytes, units, from.itemsize, count, start);
}

function swapUnits(
  bytes: Uint8Array,
  units: readonly Unit[],
  itemsize: number,
  count: number,
  start: number,
): void {
  if (units.length === 0 || count === 0) return;
  const first = units[0]!;
  if (units.length === 1 && first[0] === 0 && first[1] * first[2] === itemsize) {
    swapRun(bytes, start, first[1], count * first[2]);
    return;
  }
  for (let e = 0; e < count; e++) {
    const base = start + e * itemsize;
    for (const [offset, width, n] of units) swapRun(bytes, base + offset, width, n);
  }
}

/** Reverses `n` consecutive scalars of `width` bytes starting at `at`. */
function swapRun(bytes: Uint8Array, at: number, width: number, n: number): void {
  if (n >= 8 && (width === 2 || width === 4 || width === 8)) {
    // Engines compile DataView reads and writes with an explicit byte order
    // to single load/byte-swap/store instructions.
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, n * width);
    if (width === 2) swap16(view, n);
    else if (width === 4) swap32(view, n);
    else swap64(view, n);
    return;
  }
  for (let u = 0, p = at; u < n; u++, p += width) {
    for (let i = p, j = p + width - 1; i < j; i++, j--) {
      const t = bytes[i]!;
      bytes[i] = bytes[j]!;
      bytes[j] = t;
    }
  }
}

function swap16(view: DataView, n: number): void {
  for (let p = 0; p < 2 * n; p += 2) view.setUint16(p, view.getUint16(p, true), false);
}

function swap32(view: DataView, n: number): void {
  for (let p = 0; p < 4 * n; p += 4) view.setUint32(p, view.getUint32(p, true), false);
}

function swap64(view: DataView, n: number): void {
  for (let p = 0; p < 8 * n; p += 8) {
    const low = view.getUint32(p, true);
    view.setUint32(p, view.getUint32(p + 4, true), false);
    view.setUint32(p + 4, low, false);
  }
}
