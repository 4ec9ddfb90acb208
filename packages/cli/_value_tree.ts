/**
 * Walking a pickled value tree: the arrays in it, named by their Python path
 * (`['array']`, `[0]['x']`), a bounded JSON summary of it for `info --json`,
 * and selection of a part by name or path.
 *
 * @module
 */

import {
  Complex,
  NDArray,
  NumpyScalar,
  PyByteArray,
  PyFloat,
  PyObject,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  type PyValue,
} from "@ndio/core";
import { pythonRepr } from "./_repr.ts";

/** Items of a container shown in a summary before the rest is only counted. */
const MAX_ITEMS = 20;
/** Nesting shown in a summary. */
const MAX_DEPTH = 12;
/** Characters of a string shown in a summary. */
const MAX_STRING = 200;
/** Values shown in a summary in all. */
const MAX_NODES = 500;

/** An array found in a value tree and its path (null for the root itself). */
export interface FoundArray {
  /** The Python path from the root: `['array']`, `[2]`, or null for the root. */
  readonly name: string | null;
  /** The array. */
  readonly array: NDArray;
}

function keyPath(key: PyValue): string {
  return `[${pythonRepr(key)}]`;
}

/** Every array in the tree, depth first in order, with its path. */
export function findArrays(value: PyValue): FoundArray[] {
  const found: FoundArray[] = [];
  const seen = new Set<unknown>();
  const walk = (v: PyValue, path: string): void => {
    if (v instanceof NDArray) {
      found.push({ name: path === "" ? null : path, array: v });
      return;
    }
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    // A pickle can share one object in several places (and lists can hold
    // themselves); each is listed once, at its first path.
    seen.add(v);
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (v instanceof PyTuple) v.items.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (v instanceof Map) { for (const [k, item] of v) walk(item, path + keyPath(k)); }
  };
  walk(value, "");
  return found;
}

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function jsonNumber(n: number, type: string): Json {
  if (Number.isFinite(n)) return n;
  return { type, value: Number.isNaN(n) ? "nan" : n > 0 ? "inf" : "-inf" };
}

function jsonScalar(v: unknown): Json {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "boolean" || typeof v === "string" || v === null) return v;
  return String(v);
}

/**
 * A bounded JSON summary of a value tree: JSON scalars and lists stand for
 * themselves; everything else is an object with a `"type"`; arrays are
 * `{"type": "ndarray", "name": path, "dtype", "shape"}`. Long containers
 * and strings are cut, saying how long they are; past 500 values in all,
 * the rest is `{"type": "more"}`.
 */
export function summarize(value: PyValue): Json {
  const paths = new Map<NDArray, string | null>();
  for (const { name, array } of findArrays(value)) paths.set(array, name);
  const items = (list: readonly PyValue[], depth: number): Json[] =>
    list.slice(0, MAX_ITEMS).map((item) => walk(item, depth + 1));
  let budget = MAX_NODES;
  const walk = (v: PyValue, depth: number): Json => {
    if (--budget < 0) return { type: "more" };
    if (v === null || typeof v === "boolean" || typeof v === "string") {
      if (typeof v === "string" && v.length > MAX_STRING) {
        return { type: "str", length: v.length, start: v.slice(0, MAX_STRING) };
      }
      return v;
    }
    if (typeof v === "number") return jsonNumber(v, "float");
    if (typeof v === "bigint") {
      return Number.isSafeInteger(Number(v)) ? Number(v) : { type: "int", value: String(v) };
    }
    if (v instanceof PyFloat) return jsonNumber(v.value, "float");
    if (v instanceof NDArray) {
      return {
        type: "ndarray",
        name: paths.get(v) ?? null,
        dtype: v.dtype.str,
        shape: [...v.shape],
      };
    }
    if (depth >= MAX_DEPTH) return { type: "more", depth };
    if (Array.isArray(v)) {
      return v.length <= MAX_ITEMS ? items(v, depth) : {
        type: "list",
        length: v.length,
        items: items(v, depth),
      };
    }
    if (v instanceof PyTuple) {
      return { type: "tuple", length: v.items.length, items: items(v.items, depth) };
    }
    if (v instanceof Map) {
      const entries = [...v].slice(0, MAX_ITEMS);
      const stringKeys = [...v.keys()].every((k) => typeof k === "string");
      let shown: Json;
      if (stringKeys) {
        const object: { [key: string]: Json } = {};
        for (const [k, item] of entries) {
          // defineProperty: a key "__proto__" is plain data.
          Object.defineProperty(object, k as string, {
            value: walk(item, depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        shown = object;
      } else {
        shown = entries.map(([k, item]) => [walk(k, depth + 1), walk(item, depth + 1)]);
      }
      return { type: "dict", length: v.size, items: shown };
    }
    if (v instanceof Complex) {
      return { type: "complex", real: jsonNumber(v.re, "float"), imag: jsonNumber(v.im, "float") };
    }
    if (v instanceof Uint8Array) return { type: "bytes", length: v.length };
    if (v instanceof PyByteArray) return { type: "bytearray", length: v.bytes.length };
    if (v instanceof PySet) {
      return {
        type: v.frozen ? "frozenset" : "set",
        length: v.items.length,
        items: items(v.items, depth),
      };
    }
    if (v instanceof NumpyScalar) {
      return { type: "scalar", dtype: v.dtype.str, value: jsonScalar(v.value) };
    }
    if (v instanceof PySlice || v instanceof PyRange) {
      return {
        type: v instanceof PySlice ? "slice" : "range",
        start: walk(v.start, depth + 1),
        stop: walk(v.stop, depth + 1),
        step: walk(v.step, depth + 1),
      };
    }
    if (v instanceof PyObject) return { type: "object", global: v.qualifiedName };
    return { type: "unknown" };
  };
  return walk(value, 0);
}

/** The part of a tree at a Python path such as `['array']` or `[0][1]`; undefined when absent. */
export function selectPath(value: PyValue, path: string): PyValue | undefined {
  const found = findArrays(value).find((f) => f.name === path);
  return found?.array;
}
