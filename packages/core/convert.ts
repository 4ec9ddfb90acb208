/**
 * Conversions between the three kinds of content, with NumPy's semantics:
 * a value tree becomes named arrays as `np.savez(**d)` makes them
 * (`np.asanyarray` of each value).
 *
 * @module
 */

import { DType } from "./dtype.ts";
import { ArgumentError, NdioError } from "./errors.ts";
import { fromNested } from "./create.ts";
import { NDArray } from "./ndarray.ts";
import type { Content, ContentKind } from "./plugin.ts";
import { Complex, NumpyScalar, PyByteArray, PyFloat, PyTuple } from "./value.ts";
import type { PyValue } from "./value.ts";

/**
 * `np.asanyarray(value)`: arrays pass through, scalars become 0-d arrays,
 * nested lists and tuples become arrays of the inferred dtype, a `bytearray`
 * becomes `uint8` data; anything else (dicts, `None`, ragged lists) becomes
 * an object (`|O`) array holding the value.
 *
 * @example
 * ```ts
 * import { asArray } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(asArray([5.4, 9.1, 3.4]).dtype.str, "<f8");
 * assert.equal(asArray("A million random integers").dtype.str, "<U25");
 * assert.equal(asArray(null).dtype.str, "|O");
 * ```
 *
 * @param value A value of the Python value tree.
 * @returns The array.
 */
export function asArray(value: PyValue): NDArray {
  if (value instanceof NDArray) return value;
  if (value instanceof NumpyScalar) return value.array;
  if (value instanceof PyByteArray) return fromNested([...value.bytes], { dtype: "|u1" });
  const plain = toPlain(value);
  if (plain !== undefined) {
    try {
      return fromNested(plain);
    } catch (error) {
      if (!(error instanceof NdioError)) throw error;
    }
  }
  if (Array.isArray(value) || value instanceof PyTuple) {
    const items = Array.isArray(value) ? value : value.items;
    const out = new NDArray(DType.parse("|O"), [items.length]);
    items.forEach((item, i) => out.set([i], item));
    return out;
  }
  const out = new NDArray(DType.parse("|O"), []);
  out.set([], value);
  return out;
}

/** Lists and scalars as fromNested takes them, or undefined when the value is not array-like. */
function toPlain(value: PyValue): unknown {
  if (value === null) return undefined;
  if (value instanceof NDArray) return value.toNested();
  if (value instanceof NumpyScalar) return value.value;
  if (Array.isArray(value) || value instanceof PyTuple) {
    const items = Array.isArray(value) ? value : value.items;
    const out: unknown[] = [];
    for (const item of items) {
      const p = toPlain(item);
      if (p === undefined) return undefined;
      out.push(p);
    }
    return out;
  }
  if (
    typeof value === "object" &&
    !(value instanceof Uint8Array || value instanceof Complex || value instanceof PyFloat)
  ) {
    return undefined;
  }
  return value;
}

/**
 * Named arrays from a value tree, as `np.savez` would store it: a dict's
 * string keys name its values, a list or tuple gives `arr_0`, `arr_1`, ...,
 * and any other value is `arr_0`.
 *
 * @example The seed's pickled dict
 * ```ts
 * import { arange, toNamedArrays } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const data = new Map<string, unknown>([
 *   ["description", "A million random integers"],
 *   ["list", [5.4, 9.1, 3.4]],
 *   ["another_array", arange(5, { dtype: "<f8" })],
 * ]);
 * const arrays = toNamedArrays(data as never);
 * assert.deepEqual([...arrays.keys()], ["description", "list", "another_array"]);
 * assert.equal(arrays.get("list")?.dtype.str, "<f8");
 * ```
 *
 * @param value The value tree.
 * @returns Arrays by name, in order.
 */
export function toNamedArrays(value: PyValue): Map<string, NDArray> {
  const out = new Map<string, NDArray>();
  if (value instanceof Map) {
    for (const [key, item] of value) {
      if (typeof key !== "string") {
        throw new ArgumentError(
          "value-key-not-string",
          `a dict key must be a string to name an array, not ${
            typeof key === "bigint" ? key : JSON.stringify(key) ?? typeof key
          }`,
        );
      }
      out.set(key, asArray(item));
    }
    return out;
  }
  if (Array.isArray(value) || value instanceof PyTuple) {
    const items = Array.isArray(value) ? value : value.items;
    items.forEach((item, i) => out.set(`arr_${i}`, asArray(item)));
    return out;
  }
  out.set("arr_0", asArray(value));
  return out;
}

/** Options of {@linkcode convertContent}. */
export interface ConvertOptions {
  /** Which array to take when converting named arrays to one array. */
  readonly name?: string;
}

/**
 * Converts content to the kind a format holds: one array → `arr_0`; named
 * arrays → one array needs `name` unless there is one; a value tree →
 * named arrays by {@linkcode toNamedArrays}; arrays → a value tree as a dict.
 *
 * @example
 * ```ts
 * import { arange, convertContent } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const named = convertContent({ kind: "array", array: arange(3) }, "arrays");
 * assert.deepEqual(named.kind === "arrays" && [...named.arrays.keys()], ["arr_0"]);
 * ```
 *
 * @param content The content.
 * @param kind The kind wanted.
 * @param options The name of the array to take.
 * @returns Content of that kind.
 */
export function convertContent(
  content: Content,
  kind: ContentKind,
  options?: ConvertOptions,
): Content {
  if (content.kind === kind && (kind !== "arrays" || options?.name === undefined)) return content;
  switch (kind) {
    case "arrays": {
      if (content.kind === "array") return { kind, arrays: new Map([["arr_0", content.array]]) };
      const arrays = content.kind === "arrays" ? content.arrays : toNamedArrays(content.value);
      if (options?.name === undefined) return { kind, arrays };
      return { kind, arrays: new Map([[options.name, pick(arrays, options.name)]]) };
    }
    case "array": {
      if (content.kind === "value") {
        const v = content.value;
        if (v instanceof NDArray) return { kind, array: v };
        if (v instanceof NumpyScalar) return { kind, array: v.array };
      }
      const arrays = content.kind === "arrays"
        ? content.arrays
        : toNamedArrays(content.kind === "value" ? content.value : content.array);
      if (options?.name !== undefined) return { kind, array: pick(arrays, options.name) };
      if (arrays.size === 1) return { kind, array: [...arrays.values()][0]! };
      throw new ArgumentError(
        "content-needs-name",
        `the input holds ${arrays.size} arrays (${
          [...arrays.keys()].map((k) => `"${k}"`).join(", ")
        }); choose one by name`,
      );
    }
    case "value": {
      if (content.kind === "array") return { kind, value: content.array };
      if (content.kind === "arrays") {
        return { kind, value: new Map<PyValue, PyValue>(content.arrays) };
      }
      return content;
    }
  }
}

function pick(arrays: ReadonlyMap<string, NDArray>, name: string): NDArray {
  const found = arrays.get(name) ?? arrays.get(name.replace(/\.npy$/, ""));
  if (found === undefined) {
    throw new ArgumentError(
      "content-no-such-name",
      `there is no array named "${name}" (the input has ${
        [...arrays.keys()].map((k) => `"${k}"`).join(", ") || "none"
      })`,
    );
  }
  return found;
}
