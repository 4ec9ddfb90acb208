/**
 * The arrays of any content, by name: one unnamed array, an archive's
 * members, or a value tree's arrays as `np.savez(**d)` would name them — and
 * the choice of one by `--name` (a member, a dict key, or a Python path).
 *
 * @module
 */

import { ArgumentError, type Content, NDArray, NumpyScalar, toNamedArrays } from "@ndio/core";
import { findArrays } from "./_value_tree.ts";

/** An array and its name (null for the one array of a single-array format). */
export interface NamedArray {
  /** Its name. */
  readonly name: string | null;
  /** The array. */
  readonly array: NDArray;
}

/** The arrays of content, in order. */
export function arraysOf(content: Content): NamedArray[] {
  switch (content.kind) {
    case "array":
      return [{ name: null, array: content.array }];
    case "arrays":
      return [...content.arrays].map(([name, array]) => ({ name, array }));
    case "value": {
      const v = content.value;
      if (v instanceof NDArray) return [{ name: null, array: v }];
      if (v instanceof NumpyScalar) return [{ name: null, array: v.array }];
      return [...toNamedArrays(v)].map(([name, array]) => ({ name, array }));
    }
  }
}

function quotedNames(arrays: readonly NamedArray[]): string {
  return arrays.map((a) => `"${a.name}"`).join(", ") || "none";
}

/**
 * The array named `name` (an archive member with or without `.npy`, a dict
 * key, or a Python path such as `['array']` into a value tree); without a
 * name, the only array. A single-array format ignores the name.
 */
export function selectArray(content: Content, name: string | undefined): NDArray {
  const arrays = arraysOf(content);
  if (arrays.length === 1 && arrays[0]!.name === null) return arrays[0]!.array;
  if (name === undefined) {
    if (arrays.length === 1) return arrays[0]!.array;
    throw new ArgumentError(
      "content-needs-name",
      `the input holds ${arrays.length} arrays (${quotedNames(arrays)}); choose one with --name`,
    );
  }
  const found = arrays.find((a) => a.name === name) ??
    arrays.find((a) => a.name === name.replace(/\.npy$/, ""));
  if (found !== undefined) return found.array;
  if (content.kind === "value") {
    const byPath = findArrays(content.value).find((a) => a.name === name);
    if (byPath !== undefined) return byPath.array;
  }
  throw new ArgumentError(
    "content-no-such-name",
    `there is no array named "${name}" (the input has ${quotedNames(arrays)})`,
  );
}
