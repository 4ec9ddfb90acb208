/**
 * NumPy data types: parsing and formatting every descr NumPy writes.
 *
 * @module
 */

import { ArgumentError, UnsupportedError } from "./errors.ts";
import { pythonRepr } from "./_python_literal.ts";
import { dtypeRepr } from "./_dtype_str.ts";

/** NumPy's one-letter kind codes, as in `dtype.kind` (`b` is bool). */
export type DTypeKind = "b" | "i" | "u" | "f" | "c" | "S" | "U" | "V" | "M" | "m" | "O";

/** Byte order: little-endian, big-endian, or not applicable (`|`). */
export type ByteOrder = "<" | ">" | "|";

/** The time units of `datetime64` and `timedelta64`; `generic` has no unit. */
export type DateTimeUnit =
  | "Y"
  | "M"
  | "W"
  | "D"
  | "h"
  | "m"
  | "s"
  | "ms"
  | "us"
  | "ns"
  | "ps"
  | "fs"
  | "as"
  | "generic";

const DATETIME_UNITS: ReadonlySet<string> = new Set([
  "Y",
  "M",
  "W",
  "D",
  "h",
  "m",
  "s",
  "ms",
  "us",
  "ns",
  "ps",
  "fs",
  "as",
  "generic",
]);

/**
 * Whether `unit` is a time unit of `datetime64`/`timedelta64`.
 *
 * @example
 * ```ts
 * import { isDateTimeUnit } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isDateTimeUnit("ns"));
 * assert.ok(!isDateTimeUnit("min"));
 * ```
 */
export function isDateTimeUnit(unit: string): unit is DateTimeUnit {
  return DATETIME_UNITS.has(unit);
}

/**
 * A field name in a structured descr: a name, or `[title, name]`.
 */
export type DescrName = string | readonly [title: string, name: string];

/**
 * One field of a structured descr, in NumPy's list form:
 * `[name, descr]` or `[name, descr, shape]` (Python tuples become arrays).
 */
export type DescrField =
  | readonly [name: DescrName, descr: Descr]
  | readonly [name: DescrName, descr: Descr, shape: readonly number[]];

/**
 * NumPy's array-protocol description of a dtype, as written in `.npy`
 * headers: a type string such as `"<f8"`, or for structured dtypes a list of
 * fields such as `[["x", "<i4"], ["y", "<f8", [2]]]`.
 */
export type Descr = string | readonly DescrField[];

/** A field of a structured dtype. */
export interface DTypeField {
  /** The field's name. */
  readonly name: string;
  /** Its title, or null. */
  readonly title: string | null;
  /** Its dtype (a subarray dtype for fields with a shape). */
  readonly dtype: DType;
  /** Its byte offset in the record. */
  readonly offset: number;
}

/** The shape and element dtype of a subarray dtype such as `('<f8', (2, 3))`. */
export interface SubarrayInfo {
  /** The element dtype. */
  readonly base: DType;
  /** The subarray's shape. */
  readonly shape: readonly number[];
}

/** A field given to {@linkcode DType.structured}. */
export interface StructuredFieldSpec {
  /** The field's name. */
  readonly name: string;
  /** Its dtype, or a descr to parse. */
  readonly dtype: DType | Descr;
  /** A subarray shape, if any. */
  readonly shape?: readonly number[];
  /** A title, if any. */
  readonly title?: string;
  /** An explicit byte offset; by default fields are packed (or aligned). */
  readonly offset?: number;
}

/** Options of {@linkcode DType.structured}. */
export interface StructuredOptions {
  /** Lay fields out as a C compiler would (NumPy's `align=True`). */
  readonly align?: boolean;
  /** The record size; by default the end of the last field (rounded up when aligned). */
  readonly itemsize?: number;
}

/**
 * Whether this platform stores numbers little-endian (all current JS platforms do).
 *
 * @example
 * ```ts
 * import { DType, LITTLE_ENDIAN } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DType.parse("<f8").isNative, LITTLE_ENDIAN);
 * ```
 */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const NATIVE: "<" | ">" = LITTLE_ENDIAN ? "<" : ">";

// Lets the parser below build dtypes while the constructor stays private.
let makeDType: (init: DTypeInit) => DType;

interface DTypeInit {
  kind: DTypeKind;
  byteOrder: ByteOrder;
  itemsize: number;
  alignment: number;
  unit?: DateTimeUnit | null;
  unitCount?: number;
  fields?: readonly DTypeField[] | null;
  subarray?: SubarrayInfo | null;
  isAlignedStruct?: boolean;
}

/**
 * A NumPy data type. Parses and formats NumPy's descrs byte for byte:
 * `DType.parse(d).descr` equals what `np.lib.format.dtype_to_descr` writes
 * for every dtype an `.npy` file can hold.
 *
 * @example Simple and structured dtypes
 * ```ts
 * import { DType } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const f8 = DType.parse("<f8");
 * assert.equal(f8.itemsize, 8);
 * assert.equal(f8.name, "float64");
 *
 * const point = DType.parse([["x", "<i4"], ["y", ">f8", [2]]]);
 * assert.equal(point.itemsize, 20);
 * assert.equal(point.descrRepr(), "[('x', '<i4'), ('y', '>f8', (2,))]");
 * ```
 */
export class DType {
  /** NumPy's kind letter (`b` bool, `i` signed, `u` unsigned, `f` float, ...). */
  readonly kind: DTypeKind;
  /** `<` little-endian, `>` big-endian, `|` not applicable. */
  readonly byteOrder: ByteOrder;
  /** Bytes per element. */
  readonly itemsize: number;
  /** Required alignment in bytes (1 for packed structured dtypes). */
  readonly alignment: number;
  /** The unit of a datetime or timedelta, else null. */
  readonly unit: DateTimeUnit | null;
  /** The unit multiple of a datetime or timedelta (10 for `M8[10ms]`), else 1. */
  readonly unitCount: number;
  /** The fields of a structured dtype in declaration order, else null. */
  readonly fields: readonly DTypeField[] | null;
  /** The base and shape of a subarray dtype, else null. */
  readonly subarray: SubarrayInfo | null;
  /** Whether a structured dtype was laid out with C alignment. */
  readonly isAlignedStruct: boolean;

  private constructor(init: DTypeInit) {
    this.kind = init.kind;
    this.byteOrder = init.byteOrder;
    this.itemsize = init.itemsize;
    this.alignment = init.alignment;
    this.unit = init.unit ?? null;
    this.unitCount = init.unitCount ?? 1;
    this.fields = init.fields ?? null;
    this.subarray = init.subarray ?? null;
    this.isAlignedStruct = init.isAlignedStruct ?? false;
  }

  /**
   * Parses a descr: a type string (`"<f8"`, `"|S5"`, `"<M8[10ms]"`, `"int32"`,
   * `"d"`, ...) or NumPy's list form for structured dtypes, as `np.dtype`
   * and `np.lib.format.descr_to_dtype` do.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DType.parse("float32").str, "<f4");
   * assert.equal(DType.parse(">U3").itemsize, 12);
   * ```
   *
   * @param descr A type string or a structured descr list.
   * @returns The dtype.
   */
  static parse(descr: Descr | DType): DType {
    if (descr instanceof DType) return descr;
    if (typeof descr === "string") return parseTypeString(descr);
    if (Array.isArray(descr)) return parseDescrList(descr);
    throw new ArgumentError(
      "dtype-invalid",
      `a descr must be a string or a list, not ${typeof descr}`,
    );
  }

  /**
   * Builds a structured dtype from field specs.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const aligned = DType.structured([{ name: "a", dtype: "u1" }, { name: "b", dtype: "<i4" }], { align: true });
   * assert.equal(aligned.itemsize, 8);
   * assert.equal(aligned.fields?.[1]?.offset, 4);
   * ```
   *
   * @param fields The fields, in order.
   * @param options Alignment and itemsize.
   * @returns The structured dtype.
   */
  static structured(fields: readonly StructuredFieldSpec[], options?: StructuredOptions): DType {
    const align = options?.align ?? false;
    const built: DTypeField[] = [];
    const seen = new Set<string>();
    let end = 0;
    let maxAlign = 1;
    for (const spec of fields) {
      let dtype = DType.parse(spec.dtype);
      if (spec.shape !== undefined && spec.shape.length > 0) {
        dtype = DType.subarrayOf(dtype, spec.shape);
      }
      if (seen.has(spec.name)) {
        throw new ArgumentError("dtype-duplicate-field", `field name "${spec.name}" occurs twice`);
      }
      seen.add(spec.name);
      if (spec.title !== undefined) seen.add(spec.title);
      let offset = spec.offset ?? end;
      if (align && spec.offset === undefined) offset = roundUp(offset, dtype.alignment);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new ArgumentError(
          "dtype-invalid",
          `field "${spec.name}" has an invalid offset ${offset}`,
        );
      }
      maxAlign = Math.max(maxAlign, dtype.alignment);
      built.push({ name: spec.name, title: spec.title ?? null, dtype, offset });
      end = Math.max(end, offset + dtype.itemsize);
    }
    let itemsize = options?.itemsize ?? (align ? roundUp(end, maxAlign) : end);
    if (itemsize < end) {
      throw new ArgumentError(
        "dtype-invalid",
        `itemsize ${itemsize} is smaller than the fields, which need ${end} bytes`,
      );
    }
    itemsize = Math.trunc(itemsize);
    return new DType({
      kind: "V",
      byteOrder: "|",
      itemsize,
      alignment: align ? maxAlign : 1,
      fields: built,
      isAlignedStruct: align,
    });
  }

  /**
   * A subarray dtype: `shape` elements of `base` per item, as NumPy's
   * `np.dtype((base, shape))`.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DType.subarrayOf(DType.parse("<i4"), [2, 3]).itemsize, 24);
   * ```
   *
   * @param base The element dtype.
   * @param shape The subarray's shape.
   * @returns The subarray dtype.
   */
  static subarrayOf(base: DType, shape: readonly number[]): DType {
    for (const n of shape) {
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new ArgumentError(
          "dtype-invalid",
          `subarray dimension ${n} is not a non-negative integer`,
        );
      }
    }
    if (shape.length === 0) return base;
    let inner = base;
    let full = [...shape];
    if (base.subarray !== null) {
      inner = base.subarray.base;
      full = [...shape, ...base.subarray.shape];
    }
    const count = full.reduce((a, b) => a * b, 1);
    return new DType({
      kind: "V",
      byteOrder: "|",
      itemsize: count * inner.itemsize,
      alignment: inner.alignment,
      subarray: { base: inner, shape: full },
    });
  }

  /**
   * A datetime64 (`M`) or timedelta64 (`m`) dtype with a unit.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DType.datetime("M", "ms", { count: 10 }).str, "<M8[10ms]");
   * assert.equal(DType.datetime("m", "s", { byteOrder: ">" }).name, "timedelta64[s]");
   * ```
   *
   * @param kind `M` for datetime64, `m` for timedelta64.
   * @param unit The time unit.
   * @param options The unit multiple and the byte order (default native).
   * @returns The dtype.
   */
  static datetime(
    kind: "M" | "m",
    unit: DateTimeUnit,
    options?: { readonly count?: number; readonly byteOrder?: "<" | ">" },
  ): DType {
    return new DType({
      kind,
      byteOrder: options?.byteOrder ?? NATIVE,
      itemsize: 8,
      alignment: 8,
      unit,
      unitCount: unit === "generic" ? 1 : options?.count ?? 1,
    });
  }

  /**
   * NumPy's `dtype.str`: `"<f8"`, `"|b1"`, `"<U3"`, `"<M8[ms]"`, and `"|V<n>"`
   * for structured and subarray dtypes.
   */
  get str(): string {
    if (this.fields !== null || this.subarray !== null) return `|V${this.itemsize}`;
    switch (this.kind) {
      case "O":
        return "|O";
      case "M":
      case "m":
        return `${this.byteOrder}${this.kind}8${this.#unitSuffix()}`;
      case "U":
        return `${this.byteOrder}U${this.itemsize / 4}`;
    }
    return `${this.byteOrder}${this.kind}${this.itemsize}`;
  }

  /**
   * NumPy's descr of this dtype as an `.npy` header holds it
   * (`np.lib.format.dtype_to_descr`): `str` for plain dtypes, the field list
   * (with `('', '|V<n>')` padding) for structured ones.
   */
  get descr(): Descr {
    if (this.fields === null) return this.str;
    return structuredDescr(this);
  }

  /**
   * The descr as the Python literal NumPy writes into `.npy` headers.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DType.parse(">U3").descrRepr(), "'>U3'");
   * assert.equal(DType.parse([["x", "<i4"]]).descrRepr(), "[('x', '<i4')]");
   * ```
   *
   * @returns The Python literal.
   */
  descrRepr(): string {
    return pythonRepr(descrToPython(this.descr));
  }

  /** NumPy's `dtype.name`: `float64`, `bool`, `str96`, `datetime64[ns]`, `void64`, ... */
  get name(): string {
    if (this.fields !== null || this.subarray !== null) {
      return this.itemsize === 0 ? "void" : `void${this.itemsize * 8}`;
    }
    switch (this.kind) {
      case "b":
        return "bool";
      case "i":
        return `int${this.itemsize * 8}`;
      case "u":
        return `uint${this.itemsize * 8}`;
      case "f":
        return this.itemsize === 16 ? "float128" : `float${this.itemsize * 8}`;
      case "c":
        return `complex${this.itemsize * 8}`;
      case "S":
        return this.itemsize === 0 ? "bytes" : `bytes${this.itemsize * 8}`;
      case "U":
        return this.itemsize === 0 ? "str" : `str${this.itemsize * 8}`;
      case "V":
        return this.itemsize === 0 ? "void" : `void${this.itemsize * 8}`;
      case "O":
        return "object";
      case "M":
        return `datetime64${this.#unitSuffix()}`;
    }
    return `timedelta64${this.#unitSuffix()}`;
  }

  /** True when the element's bytes are in this platform's order (or order does not apply). */
  get isNative(): boolean {
    if (this.fields !== null) return this.fields.every((f) => f.dtype.isNative);
    if (this.subarray !== null) return this.subarray.base.isNative;
    return this.byteOrder === "|" || this.byteOrder === NATIVE;
  }

  /** True for bool, integer, float and complex dtypes. */
  get isNumeric(): boolean {
    return this.fields === null && this.subarray === null &&
      (this.kind === "b" || this.kind === "i" || this.kind === "u" || this.kind === "f" ||
        this.kind === "c");
  }

  /** True for long doubles (`f16`, `c32`), which ndio carries as raw bytes only. */
  get isLongDouble(): boolean {
    return (this.kind === "f" && this.itemsize > 8) || (this.kind === "c" && this.itemsize > 16);
  }

  /** True when this dtype is or contains Python objects (`O`). */
  get hasObject(): boolean {
    if (this.kind === "O") return true;
    if (this.fields !== null) return this.fields.some((f) => f.dtype.hasObject);
    if (this.subarray !== null) return this.subarray.base.hasObject;
    return false;
  }

  /**
   * The same dtype in another byte order, fields and subarrays included.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DType.parse("<i4").withByteOrder(">").str, ">i4");
   * assert.equal(DType.parse("|S3").withByteOrder(">").str, "|S3");
   * ```
   *
   * @param order The byte order wanted.
   * @returns The converted dtype.
   */
  withByteOrder(order: "<" | ">"): DType {
    if (this.fields !== null) {
      return new DType({
        ...this.#init(),
        fields: this.fields.map((f) => ({ ...f, dtype: f.dtype.withByteOrder(order) })),
      });
    }
    if (this.subarray !== null) {
      return new DType({
        ...this.#init(),
        subarray: { base: this.subarray.base.withByteOrder(order), shape: this.subarray.shape },
      });
    }
    if (this.byteOrder === "|" || this.byteOrder === order) return this;
    return new DType({ ...this.#init(), byteOrder: order });
  }

  /**
   * The same dtype in this platform's byte order.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DType.parse(">f8").toNative().str, "<f8");
   * ```
   *
   * @returns The native dtype (this one when already native).
   */
  toNative(): DType {
    return this.isNative ? this : this.withByteOrder(NATIVE);
  }

  /**
   * True when both dtypes describe the same bytes the same way.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.ok(DType.parse("float64").equals(DType.parse("<f8")));
   * assert.ok(!DType.parse("<f8").equals(DType.parse(">f8")));
   * ```
   *
   * @param other The other dtype.
   * @returns Whether they are equal.
   */
  equals(other: DType): boolean {
    if (this === other) return true;
    if (
      this.kind !== other.kind || this.itemsize !== other.itemsize ||
      this.byteOrder !== other.byteOrder || this.unit !== other.unit ||
      this.unitCount !== other.unitCount
    ) return false;
    if ((this.fields === null) !== (other.fields === null)) return false;
    if (this.fields !== null && other.fields !== null) {
      if (this.fields.length !== other.fields.length) return false;
      for (let i = 0; i < this.fields.length; i++) {
        const a = this.fields[i]!;
        const b = other.fields[i]!;
        if (
          a.name !== b.name || a.title !== b.title || a.offset !== b.offset ||
          !a.dtype.equals(b.dtype)
        ) {
          return false;
        }
      }
    }
    if ((this.subarray === null) !== (other.subarray === null)) return false;
    if (this.subarray !== null && other.subarray !== null) {
      if (!this.subarray.base.equals(other.subarray.base)) return false;
      if (this.subarray.shape.join() !== other.subarray.shape.join()) return false;
    }
    return true;
  }

  /**
   * Throws when this dtype cannot take part in arithmetic: an
   * `UnsupportedError` for long doubles, an `ArgumentError` for non-numeric
   * dtypes.
   *
   * @example
   * ```ts
   * import { ArgumentError, DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * DType.parse("<i4").assertArithmetic("matmul");
   * assert.throws(() => DType.parse("<U2").assertArithmetic("matmul"), ArgumentError);
   * ```
   *
   * @param operation The operation's name, for the message.
   */
  assertArithmetic(operation: string): void {
    if (this.isLongDouble) {
      throw new UnsupportedError(
        "long-double",
        `${operation} is not supported for "${this.str}": ndio carries long doubles as raw bytes only`,
      );
    }
    if (!this.isNumeric) {
      throw new ArgumentError(
        "dtype-not-numeric",
        `${operation} needs a numeric dtype, not "${this.str}"`,
      );
    }
  }

  /**
   * Python's `repr()` of the dtype: `dtype('float64')`, `dtype('>i4')`, `dtype([('x', '<i4')])`.
   *
   * @example
   * ```ts
   * import { DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * assert.equal(String(DType.parse("<f8")), "dtype('float64')");
   * assert.equal(String(DType.parse(">i4")), "dtype('>i4')");
   * ```
   *
   * @returns The repr.
   */
  toString(): string {
    return dtypeRepr(this);
  }

  #init(): DTypeInit {
    return {
      kind: this.kind,
      byteOrder: this.byteOrder,
      itemsize: this.itemsize,
      alignment: this.alignment,
      unit: this.unit,
      unitCount: this.unitCount,
      fields: this.fields,
      subarray: this.subarray,
      isAlignedStruct: this.isAlignedStruct,
    };
  }

  #unitSuffix(): string {
    if (this.unit === null || this.unit === "generic") return "";
    return this.unitCount === 1 ? `[${this.unit}]` : `[${this.unitCount}${this.unit}]`;
  }

  static {
    makeDType = (init) => new DType(init);
  }
}

function roundUp(n: number, multiple: number): number {
  return multiple <= 1 ? n : Math.ceil(n / multiple) * multiple;
}

function plain(kind: DTypeKind, itemsize: number, order: ByteOrder): DType {
  let byteOrder = order;
  if (
    kind === "b" || kind === "S" || kind === "V" || kind === "O" || itemsize <= 1 && kind !== "U"
  ) {
    byteOrder = "|";
  } else if (byteOrder === "|") {
    byteOrder = NATIVE;
  }
  let alignment = 1;
  switch (kind) {
    case "c":
      alignment = itemsize / 2;
      break;
    case "U":
      alignment = 4;
      break;
    case "S":
    case "V":
    case "b":
      alignment = 1;
      break;
    default:
      alignment = itemsize;
  }
  return makeDType({ kind, byteOrder, itemsize, alignment });
}

const VALID_SIZES: Readonly<Record<string, readonly number[]>> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [2, 4, 8, 12, 16],
  c: [8, 16, 24, 32],
  O: [8],
};

const CHAR_CODES: Readonly<Record<string, readonly [DTypeKind, number]>> = {
  "?": ["b", 1],
  b: ["i", 1],
  B: ["u", 1],
  h: ["i", 2],
  H: ["u", 2],
  i: ["i", 4],
  I: ["u", 4],
  l: ["i", 8],
  L: ["u", 8],
  q: ["i", 8],
  Q: ["u", 8],
  p: ["i", 8],
  P: ["u", 8],
  e: ["f", 2],
  f: ["f", 4],
  d: ["f", 8],
  g: ["f", 16],
  F: ["c", 8],
  D: ["c", 16],
  G: ["c", 32],
  O: ["O", 8],
  S: ["S", 0],
  a: ["S", 0],
  U: ["U", 0],
  V: ["V", 0],
};

const NAMES: Readonly<Record<string, readonly [DTypeKind, number]>> = {
  bool: ["b", 1],
  bool_: ["b", 1],
  int8: ["i", 1],
  int16: ["i", 2],
  int32: ["i", 4],
  int64: ["i", 8],
  uint8: ["u", 1],
  uint16: ["u", 2],
  uint32: ["u", 4],
  uint64: ["u", 8],
  float16: ["f", 2],
  float32: ["f", 4],
  float64: ["f", 8],
  float128: ["f", 16],
  complex64: ["c", 8],
  complex128: ["c", 16],
  complex256: ["c", 32],
  byte: ["i", 1],
  ubyte: ["u", 1],
  short: ["i", 2],
  ushort: ["u", 2],
  intc: ["i", 4],
  uintc: ["u", 4],
  int: ["i", 8],
  int_: ["i", 8],
  intp: ["i", 8],
  uint: ["u", 8],
  uintp: ["u", 8],
  long: ["i", 8],
  ulong: ["u", 8],
  longlong: ["i", 8],
  ulonglong: ["u", 8],
  half: ["f", 2],
  single: ["f", 4],
  double: ["f", 8],
  float: ["f", 8],
  longdouble: ["f", 16],
  csingle: ["c", 8],
  cdouble: ["c", 16],
  complex: ["c", 16],
  clongdouble: ["c", 32],
  object: ["O", 8],
  object_: ["O", 8],
  str: ["U", 0],
  str_: ["U", 0],
  unicode: ["U", 0],
  bytes: ["S", 0],
  bytes_: ["S", 0],
  void: ["V", 0],
};

function unknownDType(text: string): ArgumentError {
  return new ArgumentError("dtype-unknown", `data type "${text}" is not understood`);
}

function parseTypeString(text: string): DType {
  let rest = text;
  let order: ByteOrder = "|";
  const first = rest[0];
  if (first === "<" || first === ">" || first === "|" || first === "=") {
    order = first === "=" ? NATIVE : first;
    rest = rest.slice(1);
  }
  // Datetime forms: M8, M8[ns], datetime64[10ms], m8[us], timedelta64.
  const dt = /^(M8|m8|M|m|datetime64|timedelta64)(?:\[(\d*)([A-Za-z]+)\])?$/.exec(rest);
  if (dt !== null) {
    const kind: "M" | "m" = dt[1]!.startsWith("M") || dt[1] === "datetime64" ? "M" : "m";
    const unit = dt[3] ?? "generic";
    if (!DATETIME_UNITS.has(unit)) throw unknownDType(text);
    const count = dt[2] === undefined || dt[2] === "" ? 1 : Number(dt[2]);
    if (!Number.isSafeInteger(count) || count < 1 || count > 2 ** 31 - 1) throw unknownDType(text);
    return DType.datetime(kind, unit as DateTimeUnit, {
      count,
      byteOrder: order === "|" ? NATIVE : order,
    });
  }
  const named = Object.hasOwn(NAMES, rest) ? NAMES[rest] : undefined;
  if (named !== undefined) return plain(named[0], named[1] * (named[0] === "U" ? 4 : 1), order);
  const m = /^([?bBhHiIlLqQpPeEfdgFDGOSaUVuc])(\d*)$/.exec(rest);
  if (m === null) throw unknownDType(text);
  const letter = m[1]!;
  const digits = m[2]!;
  if (digits === "") {
    const code = Object.hasOwn(CHAR_CODES, letter) ? CHAR_CODES[letter] : undefined;
    if (code === undefined) throw unknownDType(text);
    return plain(code[0], code[1], order);
  }
  if (digits.length > 15) throw unknownDType(text);
  const n = Number(digits);
  let kind: DTypeKind;
  switch (letter) {
    case "?":
      throw unknownDType(text);
    case "a":
      kind = "S";
      break;
    case "b":
    case "i":
    case "u":
    case "f":
    case "c":
    case "S":
    case "U":
    case "V":
    case "O":
      kind = letter;
      break;
    default:
      throw unknownDType(text);
  }
  if (kind === "S" || kind === "V") {
    if (n > 2 ** 31 - 1) throw unknownDType(text);
    return plain(kind, n, order);
  }
  if (kind === "U") {
    if (n * 4 > 2 ** 31 - 1) throw unknownDType(text);
    return plain(kind, n * 4, order);
  }
  if (!VALID_SIZES[kind]!.includes(n)) throw unknownDType(text);
  return plain(kind, n, order);
}

function isDescrName(value: unknown): value is DescrName {
  return typeof value === "string" ||
    (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" &&
      typeof value[1] === "string");
}

function parseDescrList(list: readonly DescrField[]): DType {
  const specs: StructuredFieldSpec[] = [];
  let offset = 0;
  let index = 0;
  for (const entry of list) {
    if (
      !Array.isArray(entry) || (entry.length !== 2 && entry.length !== 3) || !isDescrName(entry[0])
    ) {
      throw new ArgumentError(
        "dtype-invalid",
        `a structured descr field must be (name, descr) or (name, descr, shape), not ${
          pythonRepr(entry as never)
        }`,
      );
    }
    const name = entry[0];
    let dtype = DType.parse(entry[1] as Descr);
    if (entry.length === 3) {
      const shape = entry[2];
      const dims = typeof shape === "number" ? [shape] : shape;
      if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new ArgumentError(
          "dtype-invalid",
          `a subarray shape must be integers, not ${String(shape)}`,
        );
      }
      dtype = DType.subarrayOf(dtype, dims);
    }
    const isPadding = name === "" && dtype.kind === "V" && dtype.fields === null &&
      dtype.subarray === null;
    if (!isPadding) {
      const [title, fieldName] = typeof name === "string" ? [undefined, name] : [name[0], name[1]];
      specs.push({
        name: fieldName === "" ? `f${index}` : fieldName,
        dtype,
        offset,
        ...(title === undefined ? {} : { title }),
      });
    }
    index++;
    offset += dtype.itemsize;
  }
  return DType.structured(specs, { itemsize: offset });
}

function subarrayDescr(dtype: DType): Descr {
  return dtype.fields === null ? dtype.str : structuredDescr(dtype);
}

function structuredDescr(dtype: DType): DescrField[] {
  const out: DescrField[] = [];
  let offset = 0;
  for (const field of dtype.fields!) {
    if (field.offset > offset) {
      out.push(["", `|V${field.offset - offset}`]);
      offset = field.offset;
    } else if (field.offset < offset) {
      throw new ArgumentError(
        "dtype-no-descr",
        "a descr cannot describe a dtype with overlapping or out-of-order fields",
      );
    }
    const name: DescrName = field.title === null ? field.name : [field.title, field.name];
    const sub = field.dtype.subarray;
    if (sub !== null) out.push([name, subarrayDescr(sub.base), sub.shape]);
    else out.push([name, subarrayDescr(field.dtype)]);
    offset += field.dtype.itemsize;
  }
  if (dtype.itemsize > offset) out.push(["", `|V${dtype.itemsize - offset}`]);
  return out;
}

/** Python-literal tree of a descr: lists stay lists, field entries and shapes become tuples. */
function descrToPython(descr: Descr): PythonLiteral {
  if (typeof descr === "string") return descr;
  return descr.map((field) => {
    const name: PythonLiteral = typeof field[0] === "string"
      ? field[0]
      : { tuple: [field[0][0], field[0][1]] };
    const items: PythonLiteral[] = [name, descrToPython(field[1])];
    if (field.length === 3) items.push({ tuple: [...field[2]] });
    return { tuple: items };
  });
}

/** A Python literal as the header writer needs it: tuples are marked. */
export type PythonLiteral =
  | string
  | number
  | boolean
  | null
  | readonly PythonLiteral[]
  | { readonly tuple: readonly PythonLiteral[] }
  | { readonly dict: readonly (readonly [string, PythonLiteral])[] };

/**
 * Descr as a Python literal tree (tuples marked `{ tuple: [...] }`), for
 * header writers that emit Python syntax.
 *
 * @example
 * ```ts
 * import { DType, descrToPythonLiteral } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(descrToPythonLiteral(DType.parse([["a", "<i2"]]).descr), [{ tuple: ["a", "<i2"] }]);
 * ```
 *
 * @param descr A descr.
 * @returns The literal tree.
 */
export function descrToPythonLiteral(descr: Descr): PythonLiteral {
  return descrToPython(descr);
}
