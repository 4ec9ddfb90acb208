/**
 * Printing as Python and NumPy 2 print: {@linkcode arrayRepr} is
 * `repr(ndarray)` (what `NDArray.toString()` returns), {@linkcode arrayStr} is
 * `str(ndarray)`, and {@linkcode reprValue} is `repr()` of a whole Python
 * value tree — dicts, lists, tuples, NumPy scalars (`np.float64(1.5)`) and
 * arrays included. NumPy's default print options apply: line width 75,
 * summarization past 1000 elements with 3 edge items, 8 digits of precision
 * with NumPy's "maxprec" float mode.
 *
 * @module
 */

import type { DType } from "./dtype.ts";
import { NDArray } from "./ndarray.ts";
import {
  Complex,
  NumpyScalar,
  PyByteArray,
  PyFloat,
  PyObject,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
} from "./value.ts";
import type { PyValue } from "./value.ts";
import { pythonBytesRepr, pythonFloatRepr, pythonStringRepr } from "./_python_literal.ts";
import {
  decomposeExtended,
  decomposeFloat,
  extendedToNumber,
  type FloatValue,
  formatPositional,
  formatScientific,
} from "./_dragon4.ts";
import { dtypeIsImplied, dtypeShortRepr, dtypeStr } from "./_dtype_str.ts";
import { datetimeText, NAT } from "./_datetime.ts";
import { halfToNumber, numberToHalf } from "./_float16.ts";

const f16round = (x: number): number => halfToNumber(numberToHalf(x));

/** NumPy's print options that ndio honours (`np.set_printoptions`). */
export interface PrintOptions {
  /** Characters per line (default 75). */
  readonly linewidth?: number;
  /** Arrays with more elements than this are summarized (default 1000). */
  readonly threshold?: number;
  /** Items kept at each end of a summarized axis (default 3). */
  readonly edgeitems?: number;
}

interface Settings {
  readonly linewidth: number;
  readonly threshold: number;
  readonly edgeitems: number;
}

function settings(options: PrintOptions | undefined): Settings {
  return {
    linewidth: options?.linewidth ?? 75,
    threshold: options?.threshold ?? 1000,
    edgeitems: options?.edgeitems ?? 3,
  };
}

/** Python's `len()`: code points, not UTF-16 units. */
function width(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

// The characters Python's str.rstrip() removes.
const PY_SPACE = new Set(
  [
    9,
    10,
    11,
    12,
    13,
    28,
    29,
    30,
    31,
    32,
    0x85,
    0xa0,
    0x1680,
    0x2028,
    0x2029,
    0x202f,
    0x205f,
    0x3000,
  ]
    .concat([...Array(11).keys()].map((i) => 0x2000 + i)),
);

function rstrip(text: string): string {
  let end = text.length;
  while (end > 0 && PY_SPACE.has(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}

function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

// ---------------------------------------------------------------------------
// Element formatters: built from all the values that will be printed, as
// NumPy's formatter classes are, then applied to each.

type Format = (value: unknown) => string;

interface FormatContext {
  /** The values come from a 0-d array (bool then prints without a leading space). */
  readonly zeroD: boolean;
  /** Print floats with `str()` (NumPy does inside structured scalars). */
  readonly floatStr: boolean;
  readonly settings: Settings;
}

/** A float element as the formatter needs it: exact parts and a value to compare with. */
interface FloatElement {
  readonly value: FloatValue;
  readonly approx: number;
}

type FloatKind = "f2" | "f4" | "f8" | "x87";

/** Long doubles (12 or 16 bytes) are x87 extended, as NumPy has them on x86. */
function floatKind(bytes: number): FloatKind {
  if (bytes === 2) return "f2";
  if (bytes === 4) return "f4";
  if (bytes === 8) return "f8";
  return "x87";
}

function extendedFromRaw(raw: Uint8Array, offset: number, size: number, big: boolean): FloatValue {
  const bytes = new Uint8Array(10);
  for (let i = 0; i < 10; i++) {
    bytes[i] = big ? raw[offset + size - 1 - i]! : raw[offset + i]!;
  }
  return decomposeExtended(bytes);
}

function floatElement(value: unknown, kind: FloatKind, big: boolean, size: number): FloatElement {
  if (kind === "x87") {
    const v = extendedFromRaw(value as Uint8Array, 0, size, big);
    return { value: v, approx: extendedToNumber(v) };
  }
  const n = Number(value);
  return { value: decomposeFloat(n, kind), approx: n };
}

/** Rounds a quotient as the dtype's own division would. */
function roundTo(kind: FloatKind, x: number): number {
  if (kind === "f4") return Math.fround(x);
  if (kind === "f2") return f16round(Math.fround(x));
  return x;
}

function isFiniteElement(e: FloatElement): boolean {
  return e.value.kind === "finite";
}

/** NumPy's FloatingFormat with the default "maxprec" mode and precision 8. */
function floatingFormat(
  elements: readonly FloatElement[],
  kind: FloatKind,
  sign: "-" | "+",
): (e: FloatElement) => string {
  const finite = elements.filter(isFiniteElement);
  let exp = false;
  const abs = finite.map((e) => Math.abs(e.approx)).filter((x) => x !== 0);
  if (abs.length > 0) {
    let max = -Infinity;
    let min = Infinity;
    for (const x of abs) {
      if (x > max) max = x;
      if (x < min) min = x;
    }
    const cutoff = kind === "f2" ? 1e3 : kind === "f4" ? 1e6 : 1e8;
    const small = kind === "f2" ? f16round(1e-4) : kind === "f4" ? Math.fround(1e-4) : 1e-4;
    exp = max >= cutoff || min < small || roundTo(kind, max / min) > 1000;
  }
  const plus = sign === "+";
  let padLeft = 0;
  let padRight = 0;
  let precision = 8;
  let minDigits = 0;
  let trim: "." | "k" = ".";
  let expSize = -1;
  if (finite.length > 0) {
    if (exp) {
      let maxFrac = 0;
      let maxInt = 0;
      let maxExp = 0;
      for (const e of finite) {
        const text = formatScientific(e.value, { precision: 8, trim: ".", sign: plus });
        const at = text.indexOf("e");
        const [whole, frac] = text.slice(0, at).split(".") as [string, string];
        maxInt = Math.max(maxInt, whole.length);
        maxFrac = Math.max(maxFrac, frac.length);
        maxExp = Math.max(maxExp, text.length - at - 1);
      }
      expSize = maxExp - 1;
      trim = "k";
      precision = maxFrac;
      minDigits = maxFrac;
      padLeft = maxInt;
      padRight = expSize + 2 + precision;
    } else {
      for (const e of finite) {
        const text = formatPositional(e.value, {
          precision: 8,
          cutoff: "fraction",
          trim: ".",
          sign: plus,
        });
        const [whole, frac] = text.split(".") as [string, string];
        padLeft = Math.max(padLeft, whole.length);
        padRight = Math.max(padRight, frac.length);
      }
    }
  }
  if (finite.length !== elements.length) {
    const negInf = plus ||
      elements.some((e) => e.value.kind === "inf" && e.value.negative);
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
  }
  return (e) => {
    const v = e.value;
    if (v.kind === "nan" || v.kind === "inf") {
      const text = v.kind === "nan"
        ? (plus ? "+" : "") + "nan"
        : (v.negative ? "-" : plus ? "+" : "") + "inf";
      return " ".repeat(Math.max(0, padLeft + padRight + 1 - text.length)) + text;
    }
    if (exp) {
      return formatScientific(v, {
        precision,
        minDigits,
        trim,
        sign: plus,
        padLeft,
        expDigits: expSize,
      });
    }
    return formatPositional(v, {
      precision,
      minDigits,
      cutoff: "fraction",
      trim,
      sign: plus,
      padLeft,
      padRight,
    });
  };
}

/** The scalar float text NumPy uses for `repr(np.float64(x))` and `str()`. */
function floatScalarText(v: FloatValue, kind: FloatKind, dptZeros = false, sign = false): string {
  if (v.kind === "nan") return sign ? "+nan" : "nan";
  if (v.kind === "inf") return v.negative ? "-inf" : sign ? "+inf" : "inf";
  const x = Math.abs(extendedToNumber(v));
  const cutoff = kind === "f2" ? 1e3 : kind === "f4" ? 1e6 : 1e16;
  if (x === 0 || (x >= 1e-4 && x < cutoff)) {
    return formatPositional(v, { trim: dptZeros ? "-" : "0", sign });
  }
  return formatScientific(v, { trim: "-", sign });
}

function complexScalarText(re: FloatValue, im: FloatValue, kind: FloatKind): string {
  if (re.kind === "finite" && re.parts.mantissa === 0n && !re.parts.negative) {
    return `${floatScalarText(im, kind, true)}j`;
  }
  return `(${floatScalarText(re, kind, true)}${floatScalarText(im, kind, true, true)}j)`;
}

function complexParts(value: unknown, dtype: DType): [FloatValue, FloatValue, FloatKind] {
  const half = dtype.itemsize / 2;
  const kind = floatKind(half);
  if (kind === "x87") {
    const raw = value as Uint8Array;
    const big = dtype.byteOrder === ">";
    return [extendedFromRaw(raw, 0, half, big), extendedFromRaw(raw, half, half, big), kind];
  }
  const c = value as Complex;
  return [decomposeFloat(c.re, kind), decomposeFloat(c.im, kind), kind];
}

function intFormat(values: readonly unknown[]): Format {
  let max: bigint | null = null;
  let min: bigint | null = null;
  for (const v of values) {
    const b = BigInt(v as number | bigint);
    if (max === null || b > max) max = b;
    if (min === null || b < min) min = b;
  }
  const size = max === null ? 0 : Math.max(String(max).length, String(min).length);
  return (v) => String(v).padStart(size, " ");
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function voidBytesRepr(bytes: Uint8Array): string {
  let out = "b'";
  for (const b of bytes) out += "\\x" + b.toString(16).padStart(2, "0");
  return out + "'";
}

function timelikeFormat(values: readonly unknown[], text: (v: bigint) => string): Format {
  let max: bigint | null = null;
  let min: bigint | null = null;
  let hasNat = false;
  for (const v of values) {
    const b = v as bigint;
    if (b === NAT) {
      hasNat = true;
      continue;
    }
    if (max === null || b > max) max = b;
    if (min === null || b < min) min = b;
  }
  let size = max === null ? 0 : Math.max(width(text(max)), width(text(min!)));
  if (hasNat) size = Math.max(size, 5);
  return (v) => {
    const s = v === NAT ? "'NaT'" : text(v as bigint);
    return " ".repeat(Math.max(0, size - width(s))) + s;
  };
}

function subarrayFormat(inner: Format, s: Settings): (a: NDArray) => string {
  return (a) => {
    const summarize = a.size > s.threshold;
    const walk = (view: NDArray): string => {
      if (view.ndim === 0) return inner(view.get());
      const n = view.shape[0]!;
      const parts: string[] = [];
      const item = (i: number) => walk(view.index([i]));
      if (summarize && n > 2 * s.edgeitems) {
        for (let i = 0; i < s.edgeitems; i++) parts.push(item(i));
        parts.push("...");
        for (let i = n - s.edgeitems; i < n; i++) parts.push(item(i));
      } else {
        for (let i = 0; i < n; i++) parts.push(item(i));
      }
      return `[${parts.join(", ")}]`;
    };
    return walk(a);
  };
}

function structuredFormat(dtype: DType, values: readonly unknown[], ctx: FormatContext): Format {
  const formats = dtype.fields!.map((field) => {
    const fieldValues = values.map((r) => (r as Record<string, unknown>)[field.name]);
    if (field.dtype.subarray !== null) {
      const flat: unknown[] = [];
      for (const sub of fieldValues as NDArray[]) for (const v of sub.values()) flat.push(v);
      const inner = elementFormat(field.dtype.subarray.base, flat, { ...ctx, zeroD: false });
      const sub = subarrayFormat(inner, ctx.settings);
      return (v: unknown) => sub(v as NDArray);
    }
    return elementFormat(field.dtype, fieldValues, ctx);
  });
  const names = dtype.fields!.map((f) => f.name);
  return (v) => {
    const record = v as Record<string, unknown>;
    const parts = names.map((name, i) => formats[i]!(record[name]));
    return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
  };
}

const TIMEDELTA_WORDS: Readonly<Record<string, string>> = {
  Y: "years",
  M: "months",
  W: "weeks",
  D: "days",
  h: "hours",
  m: "minutes",
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
  ps: "picoseconds",
  fs: "femtoseconds",
  as: "attoseconds",
  generic: "generic time units",
};

/** The formatter NumPy's `_get_format_function` would pick for these values. */
function elementFormat(dtype: DType, values: readonly unknown[], ctx: FormatContext): Format {
  if (dtype.fields !== null) return structuredFormat(dtype, values, ctx);
  switch (dtype.kind) {
    case "b": {
      const yes = ctx.zeroD ? "True" : " True";
      return (v) => (v ? yes : "False");
    }
    case "i":
    case "u":
      return intFormat(values);
    case "f": {
      const kind = floatKind(dtype.itemsize);
      const big = dtype.byteOrder === ">";
      const toElement = (v: unknown) => floatElement(v, kind, big, dtype.itemsize);
      if (ctx.floatStr) return (v) => floatScalarText(toElement(v).value, kind);
      const format = floatingFormat(values.map(toElement), kind, "-");
      return (v) => format(toElement(v));
    }
    case "c": {
      const parts = values.map((v) => complexParts(v, dtype));
      const kind = floatKind(dtype.itemsize / 2);
      const approx = (f: FloatValue) => ({ value: f, approx: extendedToNumber(f) });
      const real = floatingFormat(parts.map((p) => approx(p[0])), kind, "-");
      const imag = floatingFormat(parts.map((p) => approx(p[1])), kind, "+");
      return (v) => {
        const [re, im] = complexParts(v, dtype);
        const i = imag(approx(im));
        const end = rstrip(i).length;
        return real(approx(re)) + i.slice(0, end) + "j" + i.slice(end);
      };
    }
    case "S":
      return (v) => pythonBytesRepr(latin1Bytes(v as string));
    case "U":
      return (v) => pythonStringRepr(v as string);
    case "V":
      return (v) => voidBytesRepr(v as Uint8Array);
    case "M": {
      const unit = dtype.unit ?? "generic";
      return timelikeFormat(values, (v) => `'${datetimeText(v, unit, dtype.unitCount)}'`);
    }
    case "m":
      return timelikeFormat(values, (v) => v.toString());
    case "O":
      return (
        v,
      ) => (Array.isArray(v) ? `list(${reprValue(v as PyValue)})` : reprValue(v as PyValue));
  }
}

// ---------------------------------------------------------------------------
// Laying out the formatted elements (NumPy's _formatArray).

function extendLine(
  s: string,
  line: string,
  word: string,
  lineWidth: number,
  prefix: string,
): [string, string] {
  let wrap = width(line) + width(word) > lineWidth;
  if (width(line) <= width(prefix)) wrap = false;
  if (wrap) {
    s += rstrip(line) + "\n";
    line = prefix;
  }
  return [s, line + word];
}

function extendLinePretty(
  s: string,
  line: string,
  word: string,
  lineWidth: number,
  prefix: string,
): [string, string] {
  const words = word.split("\n");
  if (words.length > 1 && words[words.length - 1] === "") words.pop();
  if (words.length <= 1) return extendLine(s, line, word, lineWidth, prefix);
  const longest = Math.max(...words.map(width));
  let indent: string;
  if (width(line) + longest > lineWidth && width(line) > width(prefix)) {
    s += rstrip(line) + "\n";
    line = prefix + words[0];
    indent = prefix;
  } else {
    indent = " ".repeat(width(line));
    line += words[0];
  }
  for (const w of words.slice(1)) {
    s += rstrip(line) + "\n";
    line = indent + w;
  }
  return [s, line + " ".repeat(longest - width(words[words.length - 1]!))];
}

/** NumPy's array2string: the bracketed body of a repr or str. */
function arrayToString(
  a: NDArray,
  separator: string,
  prefix: string,
  suffix: string,
  s: Settings,
): string {
  if (a.size === 0) return "[]";
  const lineWidth = s.linewidth - suffix.length;
  const summarize = a.size > s.threshold;
  const edge = s.edgeitems;
  const picks = a.shape.map((n) => {
    if (summarize && n > 2 * edge) {
      const out: number[] = [];
      for (let i = 0; i < edge; i++) out.push(i);
      for (let i = n - edge; i < n; i++) out.push(i);
      return out;
    }
    return [...Array(n).keys()];
  });
  const values: unknown[] = [];
  const index = new Array<number>(a.ndim).fill(0);
  const collect = (axis: number): void => {
    if (axis === a.ndim) {
      values.push(a.get(...index));
      return;
    }
    for (const i of picks[axis]!) {
      index[axis] = i;
      collect(axis + 1);
    }
  };
  collect(0);
  const format = elementFormat(a.dtype, values, {
    zeroD: a.ndim === 0,
    floatStr: false,
    settings: s,
  });
  const words = values.map(format);
  // Flat-index step of each axis within the picked grid.
  const steps = new Array<number>(a.ndim);
  let step = 1;
  for (let axis = a.ndim - 1; axis >= 0; axis--) {
    steps[axis] = step;
    step *= picks[axis]!.length;
  }
  const sepTrim = rstrip(separator);
  const recurse = (axis: number, at: number, hanging: string, currWidth: number): string => {
    if (axis === a.ndim) return words[at]!;
    const nextHanging = hanging + " ";
    const nextWidth = currWidth - 1;
    const length = a.shape[axis]!;
    const count = picks[axis]!.length;
    const showSummary = summarize && 2 * edge < length;
    const leading = showSummary ? edge : 0;
    const trailing = showSummary ? edge : length;
    const child = (pos: number) =>
      recurse(axis + 1, at + pos * steps[axis]!, nextHanging, nextWidth);
    let out = "";
    if (axis === a.ndim - 1) {
      const elemWidth = currWidth - Math.max(sepTrim.length, 1);
      let line = hanging;
      for (let i = 0; i < leading; i++) {
        [out, line] = extendLinePretty(out, line, child(i), elemWidth, hanging);
        line += separator;
      }
      if (showSummary) {
        [out, line] = extendLine(out, line, "...", elemWidth, hanging);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [out, line] = extendLinePretty(out, line, child(count - i), elemWidth, hanging);
        line += separator;
      }
      [out, line] = extendLinePretty(out, line, child(count - 1), elemWidth, hanging);
      out += line;
    } else {
      const lineSep = sepTrim + "\n".repeat(a.ndim - axis - 1);
      for (let i = 0; i < leading; i++) out += hanging + child(i) + lineSep;
      if (showSummary) out += hanging + "..." + lineSep;
      for (let i = trailing; i > 1; i--) out += hanging + child(count - i) + lineSep;
      out += hanging + child(count - 1);
    }
    return "[" + out.slice(hanging.length) + "]";
  };
  return recurse(0, 0, " " + " ".repeat(prefix.length), lineWidth);
}

/**
 * NumPy's `repr(array)`, exactly: `array([1, 2, 3])`, `array([1., 2.],
 * dtype=float32)`, `array([], shape=(0, 3), dtype=float64)`, summarized
 * with `...` past 1000 elements.
 *
 * @example
 * ```ts
 * import { arange, arrayRepr } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(arrayRepr(arange(4, { dtype: "<f4" }).reshape([2, 2])), "array([[0., 1.],\n       [2., 3.]], dtype=float32)");
 * ```
 *
 * @param array The array.
 * @param options Print options.
 * @returns The repr.
 */
export function arrayRepr(array: NDArray, options?: PrintOptions): string {
  const s = settings(options);
  const prefix = "array(";
  // An object array inside itself prints as NumPy prints it: array(..., dtype=object).
  let body = "...";
  if (!printing.has(array) && nesting < depthLimit) {
    printing.add(array);
    nesting += 1;
    try {
      body = arrayToString(array, ", ", prefix, ")", s);
    } finally {
      nesting -= 1;
      printing.delete(array);
    }
  }
  const extras: string[] = [];
  const size = array.size;
  if ((size === 0 && !(array.ndim === 1 && array.shape[0] === 0)) || size > s.threshold) {
    extras.push(`shape=${shapeRepr(array.shape)}`);
  }
  if (!dtypeIsImplied(array.dtype) || size === 0) {
    extras.push(`dtype=${dtypeShortRepr(array.dtype)}`);
  }
  if (extras.length === 0) return prefix + body + ")";
  const head = prefix + body + ",";
  const tail = extras.join(", ") + ")";
  const lastLine = width(head.slice(head.lastIndexOf("\n") + 1));
  const spacer = lastLine + width(tail) + 1 > s.linewidth ? "\n" + " ".repeat(prefix.length) : " ";
  return head + spacer + tail;
}

/**
 * NumPy's `str(array)`, as `print(array)` shows it: `[0. 1. 2.]`.
 *
 * @example
 * ```ts
 * import { arange, arrayStr } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(arrayStr(arange(5, { dtype: "<f8" })), "[0. 1. 2. 3. 4.]");
 * ```
 *
 * @param array The array.
 * @param options Print options.
 * @returns The text.
 */
export function arrayStr(array: NDArray, options?: PrintOptions): string {
  if (array.ndim === 0) return scalarStr(array);
  return arrayToString(array, " ", "", "", settings(options));
}

// ---------------------------------------------------------------------------
// NumPy scalars.

const SCALAR_NAMES: Readonly<Record<string, string>> = {
  f16: "longdouble",
  f12: "longdouble",
  c32: "clongdouble",
  c24: "clongdouble",
};

function scalarTypeName(dtype: DType): string {
  const key = `${dtype.kind}${dtype.itemsize}`;
  if (Object.hasOwn(SCALAR_NAMES, key)) return SCALAR_NAMES[key]!;
  switch (dtype.kind) {
    case "U":
      return "str_";
    case "S":
      return "bytes_";
    case "V":
      return "void";
    case "O":
      return "object_";
  }
  return dtype.name.replace(/\[.*$/, "");
}

function unitMeta(dtype: DType): string {
  return dtype.unitCount === 1 ? `${dtype.unit ?? "generic"}` : `${dtype.unitCount}${dtype.unit}`;
}

function scalarText(array: NDArray, forRepr: boolean): string {
  const dtype = array.dtype;
  const value = array.get();
  if (dtype.fields !== null) {
    const format = elementFormat(dtype, [value], {
      zeroD: true,
      floatStr: true,
      settings: settings(undefined),
    });
    return forRepr ? `np.void(${format(value)}, dtype=${dtypeStr(dtype)})` : format(value);
  }
  const name = scalarTypeName(dtype);
  switch (dtype.kind) {
    case "b":
      return forRepr ? (value ? "np.True_" : "np.False_") : value ? "True" : "False";
    case "i":
    case "u":
      return forRepr ? `np.${name}(${value})` : String(value);
    case "f": {
      const kind = floatKind(dtype.itemsize);
      const element = floatElement(value, kind, dtype.byteOrder === ">", dtype.itemsize);
      const text = floatScalarText(element.value, kind);
      if (!forRepr) return text;
      return kind === "x87" ? `np.${name}('${text}')` : `np.${name}(${text})`;
    }
    case "c": {
      const [re, im, kind] = complexParts(value, dtype);
      const text = complexScalarText(re, im, kind);
      if (!forRepr) return text;
      const bare = text.replace(/^\((.*)\)$/, "$1");
      return kind === "x87" ? `np.${name}('${bare}')` : `np.${name}(${bare})`;
    }
    case "U":
      return forRepr ? `np.str_(${pythonStringRepr(value as string)})` : value as string;
    case "S": {
      const text = pythonBytesRepr(latin1Bytes(value as string));
      return `np.bytes_(${text})`;
    }
    case "V":
      return forRepr
        ? `np.void(${voidBytesRepr(value as Uint8Array)})`
        : voidBytesRepr(value as Uint8Array);
    case "M": {
      const v = value as bigint;
      const unit = dtype.unit ?? "generic";
      const text = datetimeText(v, unit, dtype.unitCount);
      if (!forRepr) return text;
      const showUnit = v === NAT || dtype.unitCount !== 1 || unit === "h";
      return showUnit
        ? `np.datetime64('${text}','${unitMeta(dtype)}')`
        : `np.datetime64('${text}')`;
    }
    case "m": {
      const v = value as bigint;
      const unit = dtype.unit ?? "generic";
      if (!forRepr) {
        if (v === NAT) return "NaT";
        return `${v * BigInt(dtype.unitCount)} ${TIMEDELTA_WORDS[unit]}`;
      }
      const text = v === NAT ? "'NaT'" : v.toString();
      return unit === "generic"
        ? `np.timedelta64(${text})`
        : `np.timedelta64(${text},'${unitMeta(dtype)}')`;
    }
    case "O":
      return reprValue(value as PyValue);
  }
}

function scalarStr(array: NDArray): string {
  return scalarText(array, false);
}

// ---------------------------------------------------------------------------
// Python values.

/** Options of {@linkcode reprValue}. */
export interface ReprOptions extends PrintOptions {
  /** Nesting deeper than this prints `...` instead of recursing (default 500). */
  readonly maxDepth?: number;
}

// What is being printed right now, across nested calls (object arrays print
// their elements with reprValue, which prints arrays with arrayRepr): cycles
// print as Python and NumPy print them, and depth stays bounded.
const printing = new Set<object>();
let nesting = 0;
let depthLimit = 500;

function intRepr(n: number): string {
  if (Number.isInteger(n)) {
    if (Object.is(n, -0)) return "-0.0";
    return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  }
  return pythonFloatRepr(n);
}

/**
 * Python's `repr()` of a value of the Python value tree: `None`, `True`,
 * `5`, `5.0`, `'text'`, `b'bytes'`, `[1, 2]`, `(1,)`, `{'a': 1}`, `{1, 2}`,
 * `frozenset({1})`, `bytearray(b'..')`, NumPy scalars as NumPy 2 prints them
 * (`np.float64(1.5)`, `np.int32(7)`), arrays by {@linkcode arrayRepr}. Cycles
 * print as `[...]` / `{...}`, as Python prints them. Placeholders of objects
 * that were not constructed print as `<module.name(args) (not loaded)>`.
 *
 * @example
 * ```ts
 * import { arange, PyFloat, PyTuple, reprValue } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const value = new Map<unknown, unknown>([
 *   ["list", [5.4, 9.1, 3.4]],
 *   ["pair", new PyTuple([1, new PyFloat(2)])],
 *   ["array", arange(3)],
 * ]);
 * assert.equal(reprValue(value as never), "{'list': [5.4, 9.1, 3.4], 'pair': (1, 2.0), 'array': array([0, 1, 2])}");
 * ```
 *
 * @param value The value.
 * @param options Print options for arrays, and the depth limit.
 * @returns The repr.
 */
export function reprValue(value: PyValue, options?: ReprOptions): string {
  const outer = nesting === 0;
  const savedLimit = depthLimit;
  if (outer) depthLimit = options?.maxDepth ?? 500;
  const active = printing;
  const go = (v: PyValue): string => {
    if (v === null || v === undefined) return "None";
    switch (typeof v) {
      case "boolean":
        return v ? "True" : "False";
      case "number":
        return intRepr(v);
      case "bigint":
        return v.toString();
      case "string":
        return pythonStringRepr(v);
    }
    if (v instanceof PyFloat) return pythonFloatRepr(v.value);
    if (v instanceof Complex) return v.toString();
    if (v instanceof Uint8Array) return pythonBytesRepr(v);
    if (v instanceof PyByteArray) return `bytearray(${pythonBytesRepr(v.bytes)})`;
    if (v instanceof NDArray) return arrayRepr(v, options);
    if (v instanceof NumpyScalar) return scalarText(v.array, true);
    if (nesting >= depthLimit) return "...";
    if (active.has(v)) {
      if (Array.isArray(v)) return "[...]";
      if (v instanceof Map) return "{...}";
      return "...";
    }
    active.add(v);
    nesting += 1;
    try {
      const inner = (items: readonly PyValue[]) => items.map((x) => go(x));
      if (Array.isArray(v)) return `[${inner(v).join(", ")}]`;
      if (v instanceof PyTuple) {
        const parts = inner(v.items);
        return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
      }
      if (v instanceof Map) {
        const parts: string[] = [];
        for (const [key, item] of v) parts.push(`${go(key)}: ${go(item)}`);
        return `{${parts.join(", ")}}`;
      }
      if (v instanceof PySet) {
        const parts = inner(v.items);
        if (v.frozen) {
          return parts.length === 0 ? "frozenset()" : `frozenset({${parts.join(", ")}})`;
        }
        return parts.length === 0 ? "set()" : `{${parts.join(", ")}}`;
      }
      if (v instanceof PySlice) return `slice(${inner([v.start, v.stop, v.step]).join(", ")})`;
      if (v instanceof PyRange) {
        const step = BigInt(v.step);
        return step === 1n
          ? `range(${v.start}, ${v.stop})`
          : `range(${v.start}, ${v.stop}, ${v.step})`;
      }
      if (v instanceof PyObject) {
        let text = `<${v.qualifiedName}`;
        if (v.args !== null) text += `(${inner(v.args).join(", ")})`;
        if (v.state !== undefined) text += ` state=${go(v.state)}`;
        if (v.items.length > 0) text += ` items=${go(v.items)}`;
        return text + " (not loaded)>";
      }
      return `<${Object.prototype.toString.call(v).slice(8, -1)}>`;
    } finally {
      nesting -= 1;
      active.delete(v);
    }
  };
  try {
    return go(value);
  } finally {
    if (outer) depthLimit = savedLimit;
  }
}
