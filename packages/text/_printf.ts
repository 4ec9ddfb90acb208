// Python's printf-style formatting (`fmt % values`) of NumPy scalars, written
// straight into a byte buffer: the conversions, flags, width and precision of
// CPython's PyUnicode_Format, and NumPy's str/repr for %s and %r.

import { ArgumentError, NDArray, UnsupportedError } from "@ndio/core";
import type { ByteWriter } from "./_byte_writer.ts";
import { DIGITS, fixedDigits, significantDigits } from "./_float_digits.ts";

/** One conversion specification, such as `%-+10.3e`. */
export interface Spec {
  readonly minus: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  readonly alt: boolean;
  readonly zero: boolean;
  readonly width: number;
  /** -1 when absent. */
  readonly precision: number;
  /** The conversion letter. */
  readonly conv: string;
  /** The spec's text, for messages. */
  readonly text: string;
}

/** A parsed format: literal text around each conversion. */
export interface ParsedFormat {
  /** literals[i] precedes specs[i]; literals[specs.length] ends the format. */
  readonly literals: string[];
  readonly specs: Spec[];
}

const CONVERSIONS = "diuoxXeEfFgGcrsa";

/** Parses a printf-style format as Python's `%` operator reads it. */
export function parseFormat(fmt: string): ParsedFormat {
  const literals: string[] = [];
  const specs: Spec[] = [];
  let literal = "";
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const ch = fmt[i]!;
    if (ch !== "%") {
      literal += ch;
      i++;
      continue;
    }
    const start = i;
    i++;
    if (i < n && fmt[i] === "(") {
      throw new ArgumentError("text-format-invalid", `the format "${fmt}" uses a mapping key`);
    }
    let minus = false, plus = false, space = false, alt = false, zero = false;
    for (; i < n; i++) {
      const f = fmt[i];
      if (f === "-") minus = true;
      else if (f === "+") plus = true;
      else if (f === " ") space = true;
      else if (f === "#") alt = true;
      else if (f === "0") zero = true;
      else break;
    }
    let width = 0;
    if (fmt[i] === "*") {
      throw new UnsupportedError("text-format-star", `the format "${fmt}" uses "*" for a width`);
    }
    while (i < n && fmt[i]! >= "0" && fmt[i]! <= "9") width = width * 10 + Number(fmt[i++]);
    let precision = -1;
    if (fmt[i] === ".") {
      i++;
      if (fmt[i] === "*") {
        throw new UnsupportedError(
          "text-format-star",
          `the format "${fmt}" uses "*" for a precision`,
        );
      }
      precision = 0;
      while (i < n && fmt[i]! >= "0" && fmt[i]! <= "9") {
        precision = precision * 10 + Number(fmt[i++]);
      }
    }
    while (i < n && (fmt[i] === "h" || fmt[i] === "l" || fmt[i] === "L")) i++;
    if (i >= n) {
      throw new ArgumentError("text-format-invalid", `the format "${fmt}" is incomplete`);
    }
    const conv = fmt[i++]!;
    if (conv === "%") {
      literal += "%";
      continue;
    }
    if (!CONVERSIONS.includes(conv)) {
      throw new ArgumentError(
        "text-format-invalid",
        `unsupported format character "${conv}" (0x${conv.charCodeAt(0).toString(16)}) at index ${
          i - 1
        } of "${fmt}"`,
      );
    }
    if (conv === "a") {
      throw new UnsupportedError("text-format-ascii", `"%a" is not supported (in "${fmt}")`);
    }
    literals.push(literal);
    literal = "";
    specs.push({
      minus,
      plus,
      space,
      alt,
      zero,
      width,
      precision,
      conv,
      text: fmt.slice(start, i),
    });
  }
  literals.push(literal);
  return { literals, specs };
}

/** The NumPy scalar type names used in messages and in %r. */
export type FloatType = "float16" | "float32" | "float64";

// Scratch for a formatted body before padding.
let body = new Uint8Array(128);
let bodyLength = 0;

function room(n: number): void {
  if (body.length < bodyLength + n) {
    const next = new Uint8Array(Math.max(body.length * 2, bodyLength + n));
    next.set(body.subarray(0, bodyLength));
    body = next;
  }
}

function pushByte(b: number): void {
  room(1);
  body[bodyLength++] = b;
}

function pushDigits(from: number, to: number): void {
  room(to - from);
  for (let k = from; k < to; k++) body[bodyLength++] = DIGITS[k]!;
}

function pushZeros(count: number): void {
  if (count <= 0) return;
  room(count);
  body.fill(48, bodyLength, bodyLength + count);
  bodyLength += count;
}

function pushAscii(s: string): void {
  room(s.length);
  for (let k = 0; k < s.length; k++) body[bodyLength++] = s.charCodeAt(k);
}

function pushExponent(e: number, upper: boolean): void {
  room(6);
  body[bodyLength++] = upper ? 69 : 101;
  body[bodyLength++] = e < 0 ? 45 : 43;
  const a = e < 0 ? -e : e;
  if (a >= 100) {
    body[bodyLength++] = 48 + Math.floor(a / 100);
    body[bodyLength++] = 48 + (Math.floor(a / 10) % 10);
  } else {
    body[bodyLength++] = 48 + Math.floor(a / 10);
  }
  body[bodyLength++] = 48 + (a % 10);
}

/**
 * Writes sign + body with the spec's padding. `numeric` allows zero fill;
 * `prefixLength` bytes at the body's start (0x, 0o) stay before the zeros.
 */
function emit(w: ByteWriter, spec: Spec, sign: number, numeric: boolean, prefixLength = 0): void {
  const length = bodyLength + (sign === 0 ? 0 : 1);
  const pad = spec.width - length;
  w.ensure(Math.max(length, spec.width));
  const buf = w.buf;
  let pos = w.pos;
  if (pad > 0 && !spec.minus && !(numeric && spec.zero)) {
    buf.fill(32, pos, pos + pad);
    pos += pad;
  }
  if (sign !== 0) buf[pos++] = sign;
  for (let k = 0; k < prefixLength; k++) buf[pos++] = body[k]!;
  if (pad > 0 && !spec.minus && numeric && spec.zero) {
    buf.fill(48, pos, pos + pad);
    pos += pad;
  }
  for (let k = prefixLength; k < bodyLength; k++) buf[pos++] = body[k]!;
  if (pad > 0 && spec.minus) {
    buf.fill(32, pos, pos + pad);
    pos += pad;
  }
  w.pos = pos;
}

function signOf(negative: boolean, spec: Spec): number {
  return negative ? 45 : spec.plus ? 43 : spec.space ? 32 : 0;
}

/** Formats a float with %e %E %f %F %g %G into the writer. */
export function writeFloat(w: ByteWriter, spec: Spec, x: number): void {
  const conv = spec.conv;
  const upper = conv === "E" || conv === "F" || conv === "G";
  bodyLength = 0;
  if (x !== x) {
    pushAscii(upper ? "NAN" : "nan");
    emit(w, spec, signOf(false, spec), true);
    return;
  }
  const negative = x < 0 || (x === 0 && 1 / x < 0);
  const a = negative ? -x : x;
  if (a === Infinity) {
    pushAscii(upper ? "INF" : "inf");
    emit(w, spec, signOf(negative, spec), true);
    return;
  }
  const precision = spec.precision < 0 ? 6 : spec.precision;
  if ((conv === "e" || conv === "E") && spec.width === 0 && a !== 0) {
    writeExponentialDirect(w, a, precision, spec, negative, upper);
    return;
  }
  if (conv === "e" || conv === "E") {
    formatExponential(a, precision, spec.alt, upper);
  } else if (conv === "f" || conv === "F") {
    formatFixed(a, precision, spec.alt);
  } else {
    formatGeneral(a, precision === 0 ? 1 : precision, spec.alt, upper);
  }
  emit(w, spec, signOf(negative, spec), true);
}

/** %e without padding, written straight into the writer (the default %.18e path). */
function writeExponentialDirect(
  w: ByteWriter,
  a: number,
  precision: number,
  spec: Spec,
  negative: boolean,
  upper: boolean,
): void {
  const n = precision + 1;
  const exponent = significantDigits(a, n);
  w.ensure(n + 10);
  const buf = w.buf;
  let pos = w.pos;
  const sign = signOf(negative, spec);
  if (sign !== 0) buf[pos++] = sign;
  buf[pos++] = DIGITS[0]!;
  if (precision > 0 || spec.alt) buf[pos++] = 46;
  for (let k = 1; k < n; k++) buf[pos++] = DIGITS[k]!;
  buf[pos++] = upper ? 69 : 101;
  let e = exponent;
  if (e < 0) {
    buf[pos++] = 45;
    e = -e;
  } else {
    buf[pos++] = 43;
  }
  if (e >= 100) {
    const h = Math.floor(e / 100);
    buf[pos++] = 48 + h;
    e -= h * 100;
  }
  const t = Math.floor(e / 10);
  buf[pos++] = 48 + t;
  buf[pos++] = 48 + e - t * 10;
  w.pos = pos;
}

function formatExponential(a: number, precision: number, alt: boolean, upper: boolean): void {
  let exponent = 0;
  const n = precision + 1;
  if (a === 0) {
    pushZeros(1);
    if (precision > 0 || alt) pushByte(46);
    pushZeros(precision);
  } else {
    exponent = significantDigits(a, n);
    pushDigits(0, 1);
    if (precision > 0 || alt) pushByte(46);
    pushDigits(1, n);
  }
  pushExponent(exponent, upper);
}

function formatFixed(a: number, precision: number, alt: boolean): void {
  const n = fixedDigits(a, precision);
  pushDigits(0, n - precision);
  if (precision > 0 || alt) pushByte(46);
  pushDigits(n - precision, n);
}

function formatGeneral(a: number, precision: number, alt: boolean, upper: boolean): void {
  let exponent = 0;
  let count: number;
  if (a === 0) {
    DIGITS[0] = 48;
    count = 1;
  } else {
    exponent = significantDigits(a, precision);
    count = precision;
    while (count > 1 && DIGITS[count - 1] === 48) count--;
  }
  if (exponent < -4 || exponent >= precision) {
    pushDigits(0, 1);
    if (alt) {
      pushByte(46);
      pushDigits(1, count);
      pushZeros(precision - count);
    } else if (count > 1) {
      pushByte(46);
      pushDigits(1, count);
    }
    pushExponent(exponent, upper);
    return;
  }
  // Fixed notation with precision - 1 - exponent decimals.
  const shown = alt ? precision : count;
  if (exponent < 0) {
    pushZeros(1);
    pushByte(46);
    pushZeros(-exponent - 1);
    pushDigits(0, count);
    pushZeros(shown - count);
    return;
  }
  const intDigits = exponent + 1;
  if (count <= intDigits) {
    pushDigits(0, count);
    pushZeros(intDigits - count);
    if (alt) {
      pushByte(46);
      pushZeros(shown - intDigits);
    }
    return;
  }
  pushDigits(0, intDigits);
  pushByte(46);
  pushDigits(intDigits, count);
  pushZeros(shown - count);
}

/** Formats an integer (number or bigint) with %d %i %u %o %x %X. */
export function writeInteger(w: ByteWriter, spec: Spec, x: number | bigint): void {
  const negative = x < 0;
  const conv = spec.conv;
  const radix = conv === "o" ? 8 : conv === "x" || conv === "X" ? 16 : 10;
  let digits = (negative ? -x : x).toString(radix);
  if (conv === "X") digits = digits.toUpperCase();
  bodyLength = 0;
  let prefix = 0;
  if (spec.alt && radix !== 10) {
    pushAscii(radix === 8 ? "0o" : conv === "X" ? "0X" : "0x");
    prefix = 2;
  }
  if (spec.precision > digits.length) pushZeros(spec.precision - digits.length);
  pushAscii(digits);
  emit(w, spec, signOf(negative, spec), true, prefix);
}

/** Formats a string with %s, %r or %c (already converted to the text to show). */
export function writeString(w: ByteWriter, spec: Spec, s: string): void {
  let text = s;
  if (spec.precision >= 0 && spec.conv !== "c") text = [...text].slice(0, spec.precision).join("");
  const length = [...text].length;
  const pad = spec.width - length;
  if (pad > 0 && !spec.minus) w.text(" ".repeat(pad));
  w.text(text);
  if (pad > 0 && spec.minus) w.text(" ".repeat(pad));
}

/** Python's `repr` of a str. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else if (code >= 0x80 && code < 0xa0) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr` of bytes given as a Latin-1 string. */
export function pyBytesRepr(latin1: string): string {
  const quote = latin1.includes("'") && !latin1.includes('"') ? '"' : "'";
  let out = "b" + quote;
  for (let i = 0; i < latin1.length; i++) {
    const b = latin1.charCodeAt(i);
    const ch = latin1[i]!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b < 0x20 || b >= 0x7f) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

const f32 = new Float32Array(1);
// Through core's element access: Float16Array is missing in some runtimes.
const f16 = new NDArray("<f2", [1]);

function roundTo(x: number, type: FloatType): number {
  if (type === "float64") return x;
  if (type === "float32") {
    f32[0] = x;
    return f32[0]!;
  }
  f16.set([0], x);
  return f16.get(0) as number;
}

/** NumPy's `str()` of a float scalar: the shortest repr for its type, Python's layout. */
export function pyFloatStr(x: number, type: FloatType): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const negative = x < 0 || (x === 0 && 1 / x < 0);
  const a = Math.abs(x);
  let mantissa: string;
  let exponent: number;
  if (a === 0) {
    mantissa = "0";
    exponent = 0;
  } else {
    let text = a.toExponential();
    if (type !== "float64") {
      for (let p = 1; p <= 17; p++) {
        const candidate = a.toExponential(p - 1);
        if (roundTo(Number(candidate), type) === a) {
          text = candidate;
          break;
        }
      }
    }
    const e = text.indexOf("e");
    mantissa = text.slice(0, e).replace(".", "").replace(/0+$/, "") || "0";
    exponent = Number(text.slice(e + 1));
  }
  const sign = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${mantissa}`;
    if (mantissa.length <= exponent + 1) {
      return `${sign}${mantissa}${"0".repeat(exponent + 1 - mantissa.length)}.0`;
    }
    return `${sign}${mantissa.slice(0, exponent + 1)}.${mantissa.slice(exponent + 1)}`;
  }
  const m = mantissa.length === 1 ? mantissa : `${mantissa[0]}.${mantissa.slice(1)}`;
  const es = exponent < 0 ? "-" : "+";
  return `${sign}${m}e${es}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
