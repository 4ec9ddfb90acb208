// In-place byte swapping of C-contiguous elements, field by field.

import type { DType } from "./dtype.ts";

/** Reverses the bytes of every scalar in `count` contiguous elements of `dtype` starting at `bytes[0]`. */
export function byteswapInPlace(bytes: Uint8Array, dtype: DType, count: number, start = 0): void {
  const units = swapUnits(dtype);
  const itemsize = dtype.itemsize;
  for (const [offset, width, n] of units) {
    for (let e = 0; e < count; e++) {
      let p = start + e * itemsize + offset;
      for (let k = 0; k < n; k++, p += width) reverse(bytes, p, width);
    }
  }
}

/** The byte runs to reverse within one element: [offset, width, repeat count]. */
function swapUnits(dtype: DType, base = 0): [number, number, number][] {
  if (dtype.fields !== null) {
    return dtype.fields.flatMap((f) => swapUnits(f.dtype, base + f.offset));
  }
  if (dtype.subarray !== null) {
    const sub = dtype.subarray;
    const count = sub.shape.reduce((a, b) => a * b, 1);
    const inner = swapUnits(sub.base);
    const out: [number, number, number][] = [];
    for (let i = 0; i < count; i++) {
      for (const [o, w, n] of inner) out.push([base + i * sub.base.itemsize + o, w, n]);
    }
    return out;
  }
  if (dtype.byteOrder === "|") return [];
  switch (dtype.kind) {
    case "c":
      return [[base, dtype.itemsize / 2, 2]];
    case "U":
      return [[base, 4, dtype.itemsize / 4]];
    default:
      return dtype.itemsize > 1 ? [[base, dtype.itemsize, 1]] : [];
  }
}

function reverse(bytes: Uint8Array, at: number, width: number): void {
  for (let i = at, j = at + width - 1; i < j; i++, j--) {
    const t = bytes[i]!;
    bytes[i] = bytes[j]!;
    bytes[j] = t;
  }
}
