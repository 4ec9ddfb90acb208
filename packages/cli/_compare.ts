/**
 * Comparing two arrays element by element — exactly, or within NumPy's
 * `isclose` tolerance `|a - b| <= atol + rtol * |b|` — and saying where they
 * differ. NaN equals NaN (files are compared, not arithmetic).
 *
 * @module
 */

import type { NDArray, TypedArray } from "@ndio/core";

/** Tolerances; both 0 means exact equality. */
export interface Tolerance {
  /** Relative tolerance. */
  readonly rtol: number;
  /** Absolute tolerance. */
  readonly atol: number;
}

/** One differing element. */
export interface Difference {
  /** Its index. */
  readonly index: number[];
  /** The value in the first array. */
  readonly a: unknown;
  /** The value in the second array. */
  readonly b: unknown;
}

/** How two arrays compare. */
export interface Comparison {
  /** Whether the dtypes are the same (kind, size, byte order, fields). */
  readonly sameDType: boolean;
  /** Whether the shapes are the same (values are compared only then). */
  readonly sameShape: boolean;
  /** Elements compared. */
  readonly compared: number;
  /** Elements that differ. */
  readonly differing: number;
  /** The first few differences, in C order. */
  readonly first: readonly Difference[];
  /** The largest absolute difference of numeric elements, if any differ. */
  readonly maxAbs: number;
  /** The largest relative difference `|a - b| / |b|` of numeric elements, if any differ. */
  readonly maxRel: number;
}

/** Whether a comparison found the arrays equal. */
export function isEqual(c: Comparison): boolean {
  return c.sameDType && c.sameShape && c.differing === 0;
}

const NUMERIC = new Set(["b", "i", "u", "f", "c"]);

function flatten(array: NDArray): TypedArray | null {
  if (!NUMERIC.has(array.dtype.kind) || array.dtype.fields !== null) return null;
  try {
    return array.toTypedArray();
  } catch {
    // Long doubles have no typed array.
    return null;
  }
}

/** C-order multi-index of flat position `k`. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const n = shape[axis]!;
    index[axis] = n === 0 ? 0 : k % n;
    k = n === 0 ? 0 : Math.floor(k / n);
  }
  return index;
}

/** Compares `a` with `b` (the reference of the relative tolerance). */
export function compareArrays(
  a: NDArray,
  b: NDArray,
  tolerance: Tolerance = { rtol: 0, atol: 0 },
  keep = 5,
): Comparison {
  const sameDType = a.dtype.equals(b.dtype);
  const sameShape = a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);
  if (!sameShape) {
    return {
      sameDType,
      sameShape,
      compared: 0,
      differing: 0,
      first: [],
      maxAbs: 0,
      maxRel: 0,
    };
  }
  const first: Difference[] = [];
  let differing = 0;
  let maxAbs = 0;
  let maxRel = 0;
  const size = a.size;
  const ta = flatten(a);
  const tb = flatten(b);
  if (ta !== null && tb !== null) {
    const complexA = a.dtype.kind === "c";
    const complexB = b.dtype.kind === "c";
    const exact = tolerance.rtol === 0 && tolerance.atol === 0;
    for (let k = 0; k < size; k++) {
      let differs: boolean;
      let abs = 0;
      let rel = 0;
      if (complexA || complexB) {
        const ar = Number(complexA ? ta[2 * k]! : ta[k]!);
        const ai = complexA ? Number(ta[2 * k + 1]!) : 0;
        const br = Number(complexB ? tb[2 * k]! : tb[k]!);
        const bi = complexB ? Number(tb[2 * k + 1]!) : 0;
        const same = sameNumber(ar, br) && sameNumber(ai, bi);
        abs = same ? 0 : Math.hypot(ar - br, ai - bi);
        const ref = Math.hypot(br, bi);
        differs = !same && (exact || !(abs <= tolerance.atol + tolerance.rtol * ref));
        rel = ref === 0 ? (abs === 0 ? 0 : Infinity) : abs / ref;
      } else {
        const x = ta[k]!;
        const y = tb[k]!;
        if (exact && typeof x === "bigint" && typeof y === "bigint") {
          differs = x !== y;
          if (differs) {
            abs = Math.abs(Number(x - y));
            rel = y === 0n ? Infinity : abs / Math.abs(Number(y));
          }
        } else {
          const xn = Number(x);
          const yn = Number(y);
          const same = typeof x === "bigint" && typeof y === "bigint"
            ? x === y
            : sameNumber(xn, yn);
          abs = same ? 0 : Math.abs(xn - yn);
          rel = same ? 0 : yn === 0 ? Infinity : abs / Math.abs(yn);
          differs = !same && (exact || !(abs <= tolerance.atol + tolerance.rtol * Math.abs(yn)));
        }
      }
      if (differs) {
        differing++;
        if (!Number.isNaN(abs)) maxAbs = Math.max(maxAbs, abs);
        if (!Number.isNaN(rel)) maxRel = Math.max(maxRel, rel);
        if (first.length < keep) {
          const index = unravel(k, a.shape);
          first.push({ index, a: a.get(...index), b: b.get(...index) });
        }
      }
    }
  } else {
    const ia = a.values();
    const ib = b.values();
    for (let k = 0; k < size; k++) {
      const x = ia.next().value;
      const y = ib.next().value;
      if (!deepEqual(x, y)) {
        differing++;
        if (first.length < keep) first.push({ index: unravel(k, a.shape), a: x, b: y });
      }
    }
  }
  return { sameDType, sameShape, compared: size, differing, first, maxAbs, maxRel };
}

function sameNumber(x: number, y: number): boolean {
  return x === y || (Number.isNaN(x) && Number.isNaN(y));
}

/** Structural equality of element values (records, bytes, nested arrays, Python values). */
export function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x === "number" && typeof y === "number") return Number.isNaN(x) && Number.isNaN(y);
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
  if (x instanceof Uint8Array) {
    const u = y as Uint8Array;
    return x.length === u.length && x.every((v, i) => v === u[i]);
  }
  if (Array.isArray(x)) {
    const v = y as unknown[];
    return x.length === v.length && x.every((item, i) => deepEqual(item, v[i]));
  }
  if (x instanceof Map) {
    const m = y as Map<unknown, unknown>;
    if (x.size !== m.size) return false;
    const ea = [...x];
    const eb = [...m];
    return ea.every(([k, v], i) => deepEqual(k, eb[i]![0]) && deepEqual(v, eb[i]![1]));
  }
  if (typeof (x as { shape?: unknown }).shape === "object" && "dtype" in x) {
    const c = compareArrays(x as NDArray, y as NDArray);
    return isEqual(c);
  }
  const ka = Object.keys(x);
  const kb = Object.keys(y);
  return ka.length === kb.length &&
    ka.every((k, i) =>
      k === kb[i] &&
      deepEqual((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k])
    );
}

/** Whether two arrays of one dtype and shape hold the same bytes, element by element in C order. */
export function sameBytes(a: NDArray, b: NDArray): boolean {
  if (!a.dtype.equals(b.dtype) || a.shape.join() !== b.shape.join()) return false;
  if (a.dtype.hasObject) return isEqual(compareArrays(a, b));
  const ca = a.chunks();
  const cb = b.chunks();
  let x: Uint8Array = new Uint8Array(0);
  let y: Uint8Array = new Uint8Array(0);
  while (true) {
    if (x.length === 0) x = ca.next().value ?? new Uint8Array(0);
    if (y.length === 0) y = cb.next().value ?? new Uint8Array(0);
    if (x.length === 0 || y.length === 0) return x.length === y.length;
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
    x = x.subarray(n);
    y = y.subarray(n);
  }
}
