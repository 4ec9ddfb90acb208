/**
 * Python's repr, as `show` and `slice` print: NumPy's repr of arrays and
 * Python's repr of pickled value trees, from @ndio/core.
 *
 * @module
 */

import {
  arrayRepr as coreArrayRepr,
  ellipsis,
  type IndexItem,
  type NDArray,
  NumpyScalar,
  type PyValue,
  reprValue,
} from "@ndio/core";

/** Printing options (NumPy's print options). */
export interface ReprOptions {
  /** Total elements above which arrays are summarized with `...` (NumPy: 1000). */
  readonly threshold?: number;
}

/** NumPy's `repr(array)`. */
export function arrayRepr(array: NDArray, options?: ReprOptions): string {
  return coreArrayRepr(array, options);
}

/** Python's `repr(value)` for a value tree. */
export function valueRepr(value: PyValue, options?: ReprOptions): string {
  return reprValue(value, options);
}

/** Python's repr of a dict key or any other value. */
export function pythonRepr(value: PyValue): string {
  return reprValue(value);
}

/**
 * Python's repr of `arr[index]` given the result: NumPy returns a scalar,
 * not a 0-d array, when integers select a single element (no `...`).
 */
export function indexedRepr(
  result: NDArray,
  index: readonly IndexItem[],
  options?: ReprOptions,
): string {
  if (result.ndim === 0 && !index.includes(ellipsis)) {
    return reprValue(new NumpyScalar(result), options);
  }
  return arrayRepr(result, options);
}
