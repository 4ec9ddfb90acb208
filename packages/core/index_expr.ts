/**
 * NumPy basic indexing: integers, slices with steps, `...` and `newaxis`,
 * as values and parsed from NumPy's own syntax (`"2:6, 4, 3:4"`).
 *
 * @module
 */

import { ArgumentError, MalformedError, OutOfRangeError } from "./errors.ts";

/** A slice `start:stop:step`; omitted parts are null, as in Python. */
export interface Slice {
  /** Marks the object as a slice. */
  readonly kind: "slice";
  /** The first index, or null for the default. */
  readonly start: number | null;
  /** The end (exclusive), or null for the default. */
  readonly stop: number | null;
  /** The step (not zero), or null for 1. */
  readonly step: number | null;
}

/**
 * The ellipsis `...`: as many full slices as the other items leave.
 *
 * @example
 * ```ts
 * import { arange, ellipsis } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const a = arange(24, { dtype: "<i4" }).reshape([2, 3, 4]);
 * assert.deepEqual(a.index([ellipsis, 0]).shape, [2, 3]);
 * ```
 */
export const ellipsis = "..." as const;

/**
 * `np.newaxis`: inserts an axis of length 1.
 *
 * @example
 * ```ts
 * import { arange, newaxis, slice } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(arange(3).index([slice(null, null), newaxis]).shape, [3, 1]);
 * ```
 */
export const newaxis: null = null;

/** One item of a basic index. */
export type IndexItem = number | Slice | typeof ellipsis | typeof newaxis;

/**
 * A slice `start:stop:step` (Python's `slice(start, stop, step)`).
 *
 * @example
 * ```ts
 * import { arange, slice } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(arange(10, { dtype: "<i4" }).index([slice(null, null, -3)]).toNested(), [9, 6, 3, 0]);
 * ```
 *
 * @param start The first index, or null.
 * @param stop The end (exclusive), or null.
 * @param step The step, or null for 1.
 * @returns The slice.
 */
export function slice(
  start: number | null = null,
  stop: number | null = null,
  step: number | null = null,
): Slice {
  for (const [name, v] of [["start", start], ["stop", stop], ["step", step]] as const) {
    if (v !== null && !Number.isSafeInteger(v)) {
      throw new ArgumentError(
        "index-invalid",
        `slice ${name} must be an integer or null, not ${v}`,
      );
    }
  }
  if (step === 0) throw new ArgumentError("index-invalid", "slice step cannot be zero");
  return { kind: "slice", start, stop, step };
}

/** The view an index selects: shape, byte strides and byte offset from the base. */
export interface IndexLayout {
  /** The resulting shape. */
  readonly shape: number[];
  /** The resulting byte strides. */
  readonly strides: number[];
  /** The byte offset of the first selected element, relative to the base. */
  readonly offset: number;
}

/**
 * Applies a basic index to a layout. Used by `NDArray.index` and by partial
 * readers that need the byte ranges of a selection before reading it.
 *
 * @example
 * ```ts
 * import { indexLayout, parseIndex } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const layout = indexLayout([100, 100, 100], [80000, 800, 8], parseIndex("2:6, 4, 3:4"));
 * assert.deepEqual(layout.shape, [4, 1]);
 * assert.equal(layout.offset, 2 * 80000 + 4 * 800 + 3 * 8);
 * ```
 *
 * @param shape The base shape.
 * @param strides The base byte strides.
 * @param items The index.
 * @returns The selected layout.
 */
export function indexLayout(
  shape: readonly number[],
  strides: readonly number[],
  items: readonly IndexItem[],
): IndexLayout {
  let ellipses = 0;
  let consuming = 0;
  for (const item of items) {
    if (item === ellipsis) ellipses++;
    else if (item !== newaxis) consuming++;
  }
  if (ellipses > 1) {
    throw new ArgumentError("index-invalid", "an index can only have a single ellipsis ('...')");
  }
  if (consuming > shape.length) {
    throw new OutOfRangeError(
      "index-too-many",
      `too many indices: the array is ${shape.length}-dimensional, but ${consuming} were indexed`,
    );
  }
  const outShape: number[] = [];
  const outStrides: number[] = [];
  let offset = 0;
  let axis = 0;
  const expand = (count: number) => {
    for (let i = 0; i < count; i++, axis++) {
      outShape.push(shape[axis]!);
      outStrides.push(strides[axis]!);
    }
  };
  for (const item of items) {
    if (item === ellipsis) {
      expand(shape.length - consuming);
    } else if (item === newaxis) {
      outShape.push(1);
      outStrides.push(0);
    } else if (typeof item === "number") {
      const n = shape[axis]!;
      if (!Number.isSafeInteger(item)) {
        throw new ArgumentError("index-invalid", `index ${item} is not an integer`);
      }
      const i = item < 0 ? item + n : item;
      if (i < 0 || i >= n) {
        throw new OutOfRangeError(
          "index-out-of-bounds",
          `index ${item} is out of bounds for axis ${axis} with size ${n}`,
        );
      }
      offset += i * strides[axis]!;
      axis++;
    } else {
      const n = shape[axis]!;
      const [start, , step, length] = resolveSlice(item, n);
      offset += start * strides[axis]!;
      outShape.push(length);
      outStrides.push(strides[axis]! * step);
      axis++;
    }
  }
  expand(shape.length - axis);
  return { shape: outShape, strides: outStrides, offset };
}

/**
 * Python's `slice.indices(n)` plus the length: `[start, stop, step, length]`.
 *
 * @example
 * ```ts
 * import { resolveSlice, slice } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(resolveSlice(slice(null, null, -2), 5), [4, -1, -2, 3]);
 * assert.deepEqual(resolveSlice(slice(2, 100), 5), [2, 5, 1, 3]);
 * ```
 *
 * @param s The slice.
 * @param n The length of the axis.
 * @returns Start, stop, step and the number of elements selected.
 */
export function resolveSlice(s: Slice, n: number): [number, number, number, number] {
  const step = s.step ?? 1;
  if (step === 0) throw new ArgumentError("index-invalid", "slice step cannot be zero");
  let start: number;
  let stop: number;
  if (step > 0) {
    start = s.start === null ? 0 : clamp(s.start < 0 ? s.start + n : s.start, 0, n);
    stop = s.stop === null ? n : clamp(s.stop < 0 ? s.stop + n : s.stop, 0, n);
  } else {
    start = s.start === null ? n - 1 : clamp(s.start < 0 ? s.start + n : s.start, -1, n - 1);
    stop = s.stop === null ? -1 : clamp(s.stop < 0 ? s.stop + n : s.stop, -1, n - 1);
  }
  const length = step > 0
    ? Math.max(0, Math.ceil((stop - start) / step))
    : Math.max(0, Math.ceil((start - stop) / -step));
  return [length === 0 ? (step > 0 ? Math.min(start, n) : 0) : start, stop, step, length];
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

const MAX_INDEX_TEXT = 10_000;

/**
 * Parses NumPy index syntax, as written between the brackets of `a[...]`:
 * integers, `start:stop:step` slices, `...`, `None`/`np.newaxis`. Optional
 * surrounding brackets are accepted.
 *
 * @example
 * ```ts
 * import { parseIndex, slice } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseIndex("2:6, 4, ::-1"), [slice(2, 6), 4, slice(null, null, -1)]);
 * assert.deepEqual(parseIndex("..., None"), ["...", null]);
 * ```
 *
 * @param text The index expression.
 * @returns The index items.
 */
export function parseIndex(text: string): IndexItem[] {
  if (typeof text !== "string") {
    throw new ArgumentError("index-invalid", "an index expression must be a string");
  }
  if (text.length > MAX_INDEX_TEXT) {
    throw new MalformedError(
      "index-syntax",
      `the index expression is longer than ${MAX_INDEX_TEXT} characters`,
      {
        format: "index",
        offset: MAX_INDEX_TEXT,
      },
    );
  }
  let body = text.trim();
  let shift = text.indexOf(body);
  if (body.startsWith("[") && body.endsWith("]")) {
    body = body.slice(1, -1);
    shift += 1;
  }
  if (body.trim() === "") return [];
  const items: IndexItem[] = [];
  let position = 0;
  const parts = body.split(",");
  // Python allows one trailing comma: "3," is the tuple (3,).
  if (parts.length > 1 && parts[parts.length - 1]!.trim() === "") parts.pop();
  for (const raw of parts) {
    const at = shift + position;
    position += raw.length + 1;
    const part = raw.trim();
    const fail = (why: string) =>
      new MalformedError(
        "index-syntax",
        `cannot parse index "${text}" at column ${at + 1}: ${why}`,
        {
          format: "index",
          offset: at,
        },
      );
    if (part === "...") items.push(ellipsis);
    else if (
      part === "None" || part === "np.newaxis" || part === "newaxis" || part === "numpy.newaxis"
    ) {
      items.push(newaxis);
    } else if (part.includes(":")) {
      const pieces = part.split(":");
      if (pieces.length > 3) throw fail(`"${part}" has too many colons`);
      const nums = pieces.map((p) => {
        const t = p.trim();
        if (t === "" || t === "None") return null;
        const n = parseInteger(t);
        if (n === undefined) throw fail(`"${t}" is not an integer`);
        return n;
      });
      if (nums[2] === 0) throw fail("slice step cannot be zero");
      items.push(slice(nums[0] ?? null, nums[1] ?? null, nums[2] ?? null));
    } else {
      if (part === "") throw fail("an index item is empty");
      const n = parseInteger(part);
      if (n === undefined) throw fail(`"${part}" is not an integer, a slice, "..." or None`);
      items.push(n);
    }
  }
  return items;
}

function parseInteger(text: string): number | undefined {
  if (!/^[+-]?\s*\d+$/.test(text)) return undefined;
  const n = Number(text.replace(/\s+/g, ""));
  return Number.isSafeInteger(n) ? n : undefined;
}
