/**
 * The content model every ndio format shares, and the Python value tree.
 *
 * A format holds one of three kinds of content (`Content` in `plugin.ts`):
 *
 * | kind | what | formats |
 * |---|---|---|
 * | `array` | one `NDArray` | `.npy`, delimited text |
 * | `arrays` | an ordered `ReadonlyMap<string, NDArray>` of named arrays | `.npz` |
 * | `value` | a Python value tree ({@linkcode PyValue}) | pickles |
 *
 * `convertContent` moves between them with NumPy's semantics: one array is
 * `arr_0`; a dict becomes named arrays as `np.savez(**d)` makes them
 * (`np.asanyarray` of each value); named arrays become a dict.
 *
 * The value tree represents Python data as plain JavaScript where a type
 * maps one to one, and as small classes where it does not:
 *
 * | Python | ndio |
 * |---|---|
 * | `None` | `null` |
 * | `bool` | `boolean` |
 * | `int` | `number` when within ±2^53, else `bigint` |
 * | `float` | `number`; integral floats (`5.0`, `-0.0`) as {@linkcode PyFloat} so they stay floats |
 * | `complex` | {@linkcode Complex} |
 * | `str` | `string` |
 * | `bytes` | `Uint8Array` |
 * | `bytearray` | {@linkcode PyByteArray} |
 * | `list` | `Array` |
 * | `tuple` | {@linkcode PyTuple} |
 * | `dict`, `OrderedDict` | `Map`, in insertion order; keys may be any value (object keys such as tuples compare by identity, so look them up by iterating) |
 * | `set`, `frozenset` | {@linkcode PySet}, items in pickled order |
 * | `slice`, `range` | {@linkcode PySlice}, {@linkcode PyRange} |
 * | NumPy array | `NDArray` |
 * | NumPy scalar (`np.float32(1.5)`) | {@linkcode NumpyScalar}: a dtype and a 0-d array |
 * | anything else (inert mode only) | {@linkcode PyObject}, a placeholder that runs nothing |
 *
 * Array elements, as `NDArray.get` returns them: bool → `boolean`; integers
 * up to 32 bits and float16/32/64 → `number`; 64-bit integers, datetime64
 * and timedelta64 → `bigint` (NaT is -2^63; the unit is the dtype's);
 * complex → {@linkcode Complex}; `S` → a string of one char per byte,
 * trailing NULs stripped; `U` → a string; `V` and long doubles (`f16`,
 * `c32`) → the raw bytes; records → a plain object by field name, subarray
 * fields as `NDArray` views; `O` → the stored value of the tree.
 *
 * `reprValue` prints any of it as Python's `repr()` does.
 *
 * @module
 */

import type { NDArray } from "./ndarray.ts";
import { pythonFloatRepr } from "./_python_literal.ts";

/**
 * A complex number.
 *
 * @example
 * ```ts
 * import { array, Complex } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const z = array([new Complex(1, 2)]).get(0) as Complex;
 * assert.deepEqual([z.re, z.im], [1, 2]);
 * ```
 */
export class Complex {
  /** The real part. */
  readonly re: number;
  /** The imaginary part. */
  readonly im: number;

  /**
   * Creates a complex number.
   *
   * @example
   * ```ts
   * import { Complex } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Complex(1, -2).toString(), "(1-2j)");
   * ```
   *
   * @param re The real part.
   * @param im The imaginary part.
   */
  constructor(re: number, im: number) {
    this.re = re;
    this.im = im;
  }

  /**
   * Python's `repr(complex)`.
   *
   * @example
   * ```ts
   * import { Complex } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(String(new Complex(0, 1)), "1j");
   * assert.equal(String(new Complex(1.5, -0)), "(1.5-0j)");
   * ```
   *
   * @returns The repr.
   */
  toString(): string {
    return pythonComplexRepr(this.re, this.im);
  }
}

/**
 * A Python float whose value is integral (`5.0`, `-0.0`), kept distinct from
 * an int so it round-trips as a float. Non-integral floats are plain numbers.
 *
 * @example
 * ```ts
 * import { PyFloat } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PyFloat(5).toString(), "5.0");
 * assert.equal(Number(new PyFloat(5)), 5);
 * ```
 */
export class PyFloat {
  /** The value. */
  readonly value: number;

  /**
   * Wraps a float.
   *
   * @param value The float's value.
   */
  constructor(value: number) {
    this.value = value;
  }

  /**
   * The number itself, so arithmetic works.
   *
   * @example
   * ```ts
   * import { PyFloat } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(+new PyFloat(2) * 3, 6);
   * ```
   *
   * @returns The value.
   */
  valueOf(): number {
    return this.value;
  }

  /**
   * Python's `repr(float)`.
   *
   * @example
   * ```ts
   * import { PyFloat } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(String(new PyFloat(-0)), "-0.0");
   * assert.equal(String(new PyFloat(1e16)), "1e+16");
   * ```
   *
   * @returns The repr.
   */
  toString(): string {
    return pythonFloatRepr(this.value);
  }
}

/**
 * A Python tuple.
 *
 * @example
 * ```ts
 * import { PyTuple } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PyTuple([1, "a"]).items.length, 2);
 * ```
 */
export class PyTuple {
  /** The items. */
  readonly items: readonly PyValue[];

  /**
   * Creates a tuple.
   *
   * @param items The items.
   */
  constructor(items: readonly PyValue[]) {
    this.items = items;
  }
}

/**
 * A Python `set` or `frozenset`; items keep their pickled order.
 *
 * @example
 * ```ts
 * import { PySet } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PySet([1, 2], { frozen: true }).frozen, true);
 * ```
 */
export class PySet {
  /** The items. */
  readonly items: readonly PyValue[];
  /** True for a frozenset. */
  readonly frozen: boolean;

  /**
   * Creates a set.
   *
   * @param items The items.
   * @param options `frozen: true` for a frozenset.
   */
  constructor(items: readonly PyValue[], options?: { readonly frozen?: boolean }) {
    this.items = items;
    this.frozen = options?.frozen ?? false;
  }
}

/**
 * A Python `bytearray` (a `bytes` is a plain `Uint8Array`).
 *
 * @example
 * ```ts
 * import { PyByteArray } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PyByteArray(new Uint8Array([1, 2])).bytes.length, 2);
 * ```
 */
export class PyByteArray {
  /** The content. */
  readonly bytes: Uint8Array;

  /**
   * Wraps bytes as a bytearray.
   *
   * @param bytes The content.
   */
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
}

/**
 * A Python `slice(start, stop, step)`.
 *
 * @example
 * ```ts
 * import { PySlice } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PySlice(null, 5, null).stop, 5);
 * ```
 */
export class PySlice {
  /** The start. */
  readonly start: PyValue;
  /** The stop. */
  readonly stop: PyValue;
  /** The step. */
  readonly step: PyValue;

  /**
   * Creates a slice.
   *
   * @param start The start.
   * @param stop The stop.
   * @param step The step.
   */
  constructor(start: PyValue, stop: PyValue, step: PyValue) {
    this.start = start;
    this.stop = stop;
    this.step = step;
  }
}

/**
 * A Python `range(start, stop, step)`.
 *
 * @example
 * ```ts
 * import { PyRange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PyRange(0, 10, 2).step, 2);
 * ```
 */
export class PyRange {
  /** The start. */
  readonly start: number | bigint;
  /** The stop. */
  readonly stop: number | bigint;
  /** The step. */
  readonly step: number | bigint;

  /**
   * Creates a range.
   *
   * @param start The start.
   * @param stop The stop.
   * @param step The step.
   */
  constructor(start: number | bigint, stop: number | bigint, step: number | bigint) {
    this.start = start;
    this.stop = stop;
    this.step = step;
  }
}

/**
 * A NumPy scalar such as `np.float32(1.5)`: a dtype and one element, held as
 * a 0-d array.
 *
 * @example
 * ```ts
 * import { array, NumpyScalar } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const scalar = new NumpyScalar(array([7], { dtype: "<i2" }).reshape([]));
 * assert.equal(scalar.value, 7);
 * assert.equal(scalar.dtype.name, "int16");
 * ```
 */
export class NumpyScalar {
  /** The scalar as a 0-d array. */
  readonly array: NDArray;

  /**
   * Wraps a 0-d array as a scalar.
   *
   * @param array A 0-d array.
   */
  constructor(array: NDArray) {
    this.array = array;
  }

  /** The scalar's dtype. */
  get dtype(): NDArray["dtype"] {
    return this.array.dtype;
  }

  /** The scalar's value, as `NDArray.get` returns elements. */
  get value(): unknown {
    return this.array.get();
  }
}

/**
 * An object the unpickler did not construct: in inert mode, a global outside
 * the allowlist and what the pickle did with it, kept for inspection only.
 *
 * @example
 * ```ts
 * import { PyObject } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const placeholder = new PyObject("os", "system", { args: ["ls"] });
 * assert.equal(placeholder.qualifiedName, "os.system");
 * ```
 */
export class PyObject {
  /** The global's module. */
  readonly module: string;
  /** The global's name. */
  readonly name: string;
  /** The arguments it was called with, if it was called. */
  readonly args: readonly PyValue[] | null;
  /** The state given to it by BUILD, if any. */
  state: PyValue | undefined;
  /** Items appended or set on it, if any. */
  readonly items: PyValue[];

  /**
   * Creates a placeholder.
   *
   * @param module The global's module.
   * @param name The global's name.
   * @param options Call arguments and state.
   */
  constructor(
    module: string,
    name: string,
    options?: { readonly args?: readonly PyValue[]; readonly state?: PyValue },
  ) {
    this.module = module;
    this.name = name;
    this.args = options?.args ?? null;
    this.state = options?.state;
    this.items = [];
  }

  /** `module.name`. */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Any value of the Python value tree (see the module documentation). */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | Complex
  | Uint8Array
  | PyByteArray
  | PyValue[]
  | PyTuple
  | Map<PyValue, PyValue>
  | PySet
  | PySlice
  | PyRange
  | NDArray
  | NumpyScalar
  | PyObject;

function pythonComplexRepr(re: number, im: number): string {
  const part = (v: number) => {
    const s = pythonFloatRepr(v);
    return s.endsWith(".0") ? s.slice(0, -2) : s;
  };
  const imText = part(im);
  if (re === 0 && !Object.is(re, -0)) return `${imText}j`;
  const sign = imText.startsWith("-") ? "" : "+";
  return `(${part(re)}${sign}${imText}j)`;
}
