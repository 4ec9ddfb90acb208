// Python's repr of literals (str, float, tuple, list, dict), shared by dtype
// descrs, .npy headers and the printing of pickled values.

import type { PythonLiteral } from "./dtype.ts";

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's `repr(str)`: picks the quote Python picks and escapes as Python does. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + hex(code, 2);
    else if (code < 0x7f || ch === " ") out += ch;
    else if (code >= 0xd800 && code <= 0xdfff) out += "\\u" + hex(code, 4);
    else if (NON_PRINTABLE.test(ch)) {
      out += code <= 0xff
        ? "\\x" + hex(code, 2)
        : code <= 0xffff
        ? "\\u" + hex(code, 4)
        : "\\U" + hex(code, 8);
    } else out += ch;
  }
  return out + quote;
}

/** Python's `repr(bytes)`: `b'...'` with Python's escapes. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of bytes) {
    if (b === 0x27) hasSingle = true;
    else if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  const quoteCode = quote.charCodeAt(0);
  let out = "b" + quote;
  for (const b of bytes) {
    if (b === quoteCode || b === 0x5c) out += "\\" + String.fromCharCode(b);
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b < 0x20 || b >= 0x7f) out += "\\x" + hex(b, 2);
    else out += String.fromCharCode(b);
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Sign, shortest round-trip decimal digits and decimal exponent of a finite float. */
export interface ShortestDigits {
  /** True for negative numbers and negative zero. */
  readonly negative: boolean;
  /** The significant digits, without leading or trailing zeros ("0" for zero). */
  readonly digits: string;
  /** The exponent of the first digit: value = 0.d1d2... × 10^(exponent + 1). */
  readonly exponent: number;
}

/** The shortest digits that round-trip a finite double (what repr prints). */
export function shortestDigits(value: number): ShortestDigits {
  const negative = value < 0 || Object.is(value, -0);
  if (value === 0) return { negative, digits: "0", exponent: 0 };
  const text = Math.abs(value).toExponential();
  const e = text.indexOf("e");
  const mantissa = text.slice(0, e).replace(".", "");
  return { negative, digits: mantissa, exponent: Number(text.slice(e + 1)) };
}

/** Python's `repr(float)`. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  const { negative, digits, exponent } = shortestDigits(value);
  const sign = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    if (digits.length <= exponent + 1) {
      return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}.0`;
    }
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  const expSign = exponent < 0 ? "-" : "+";
  return `${sign}${mantissa}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** Python's repr of a literal tree (tuples and dicts marked). */
export function pythonRepr(value: PythonLiteral): string {
  if (value === null) return "None";
  if (typeof value === "string") return pythonStringRepr(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if ("tuple" in value) {
    const items = (value as { tuple: readonly PythonLiteral[] }).tuple;
    return items.length === 1
      ? `(${pythonRepr(items[0]!)},)`
      : `(${items.map(pythonRepr).join(", ")})`;
  }
  const entries = (value as { dict: readonly (readonly [string, PythonLiteral])[] }).dict;
  return `{${entries.map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
}
