// Decimal printing of binary floats as NumPy prints them (its Dragon4 mode):
// the shortest digits that identify the value among its neighbours in its
// own precision (float16, float32, float64 or x87 extended), optionally cut
// to a number of digits, then laid out positionally or in scientific form
// with NumPy's trimming and padding rules. Exact arithmetic with BigInt.

/** A finite float as NumPy's printer sees it: ±mantissa × 2^exponent. */
export interface FloatParts {
  /** The sign bit (set for -0.0 too). */
  readonly negative: boolean;
  /** The integer significand (implicit bit included). */
  readonly mantissa: bigint;
  /** The power of two the significand is scaled by. */
  readonly exponent: number;
  /** The index of the significand's highest set bit. */
  readonly mantissaBit: number;
  /** True at a power of two, where the gap below is half the gap above. */
  readonly unequalMargins: boolean;
}

/** A float to print: finite parts, or a special value with its sign. */
export type FloatValue =
  | { readonly kind: "finite"; readonly parts: FloatParts }
  | { readonly kind: "nan"; readonly negative: boolean }
  | { readonly kind: "inf"; readonly negative: boolean };

/** The binary formats ndio prints. */
export type FloatFormat = "f2" | "f4" | "f8";

import { numberToHalf } from "./_float16.ts";

const scratch = new DataView(new ArrayBuffer(8));

function partsOf(
  negative: boolean,
  biased: number,
  fraction: bigint,
  fractionBits: number,
  bias: number,
  maxBiased: number,
): FloatValue {
  if (biased === maxBiased) {
    return fraction === 0n ? { kind: "inf", negative } : { kind: "nan", negative };
  }
  if (biased !== 0) {
    return {
      kind: "finite",
      parts: {
        negative,
        mantissa: (1n << BigInt(fractionBits)) | fraction,
        exponent: biased - bias - fractionBits,
        mantissaBit: fractionBits,
        unequalMargins: biased !== 1 && fraction === 0n,
      },
    };
  }
  return {
    kind: "finite",
    parts: {
      negative,
      mantissa: fraction,
      exponent: 1 - bias - fractionBits,
      mantissaBit: fraction === 0n ? 0 : fraction.toString(2).length - 1,
      unequalMargins: false,
    },
  };
}

/** Splits a value of the given binary format (held exactly in a JS number). */
export function decomposeFloat(value: number, format: FloatFormat): FloatValue {
  switch (format) {
    case "f2": {
      const bits = numberToHalf(value);
      return partsOf(bits >>> 15 === 1, (bits >>> 10) & 0x1f, BigInt(bits & 0x3ff), 10, 15, 0x1f);
    }
    case "f4": {
      scratch.setFloat32(0, value);
      const bits = scratch.getUint32(0);
      return partsOf(
        bits >>> 31 === 1,
        (bits >>> 23) & 0xff,
        BigInt(bits & 0x7fffff),
        23,
        127,
        0xff,
      );
    }
    default: {
      scratch.setFloat64(0, value);
      const hi = scratch.getUint32(0);
      const lo = scratch.getUint32(4);
      const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
      return partsOf(hi >>> 31 === 1, (hi >>> 20) & 0x7ff, fraction, 52, 1023, 0x7ff);
    }
  }
}

/**
 * Splits an x87 80-bit extended float, the layout of NumPy's `longdouble` on
 * x86 (stored in 16 bytes, the top 6 unused). `bytes` holds the 10 value bytes
 * in little-endian order.
 */
export function decomposeExtended(bytes: Uint8Array): FloatValue {
  let significand = 0n;
  for (let i = 7; i >= 0; i--) significand = (significand << 8n) | BigInt(bytes[i]!);
  const top = bytes[8]! | (bytes[9]! << 8);
  const negative = (top & 0x8000) !== 0;
  const biased = top & 0x7fff;
  // The explicit integer bit is ignored, as NumPy does.
  const fraction = significand & ((1n << 63n) - 1n);
  return partsOf(negative, biased, fraction, 63, 16383, 0x7fff);
}

/** Converts an x87 extended value to the nearest double (for comparisons only). */
export function extendedToNumber(value: FloatValue): number {
  if (value.kind === "nan") return NaN;
  if (value.kind === "inf") return value.negative ? -Infinity : Infinity;
  const { mantissa, exponent, negative } = value.parts;
  const magnitude = bigTimesPow2(mantissa, exponent);
  return negative ? -magnitude : magnitude;
}

function bigTimesPow2(m: bigint, e: number): number {
  if (m === 0n) return 0;
  // Keep 64 significant bits; Number() of that is within one rounding of exact.
  const bits = m.toString(2).length;
  const shift = bits > 64 ? bits - 64 : 0;
  const top = Number(m >> BigInt(shift));
  let exp = e + shift;
  let result = top;
  // Scale in steps so intermediate powers stay finite.
  while (exp > 1000) {
    result *= 2 ** 1000;
    exp -= 1000;
  }
  while (exp < -1000) {
    result *= 2 ** -1000;
    exp += 1000;
  }
  return result * 2 ** exp;
}

/** Whether `precision`/`minDigits` count all digits or digits after the point. */
export type CutoffMode = "total" | "fraction";

/**
 * How NumPy trims: `k` keeps trailing zeros, `.` trims zeros but keeps the
 * point, `0` trims to one zero after the point, `-` trims zeros and the point.
 */
export type TrimMode = "k" | "." | "0" | "-";

const POW10_CACHE: bigint[] = [1n];
function pow10(n: number): bigint {
  for (let i = POW10_CACHE.length; i <= n; i++) POW10_CACHE.push(POW10_CACHE[i - 1]! * 10n);
  return POW10_CACHE[n]!;
}

const LOG10_2 = 0.30102999566398119521373889472449;
// NumPy's output buffer bounds how many digits one value can have.
const MAX_DIGITS = 16384;

/**
 * Generates decimal digits of a finite value in NumPy's "unique" mode: stop
 * when the digits identify the value (and `cutoffMin` digits are out), or at
 * the `cutoffMax` digit; round the last digit to the closest, ties to even.
 * Returns the digits and the decimal exponent of the first one.
 */
export function uniqueDigits(
  parts: FloatParts,
  cutoffMode: CutoffMode,
  cutoffMax: number,
  cutoffMin: number,
): { digits: string; exponent: number } {
  const { mantissa, exponent, mantissaBit, unequalMargins } = parts;
  if (mantissa === 0n) return { digits: "0", exponent: 0 };
  // value = r / s; the gaps to the neighbours are 2 × low / s and 2 × high / s.
  let r: bigint;
  let s: bigint;
  let low: bigint;
  let high: bigint;
  if (exponent > 0) {
    const shift = BigInt(exponent);
    r = mantissa << (shift + (unequalMargins ? 2n : 1n));
    s = unequalMargins ? 4n : 2n;
    low = 1n << shift;
    high = unequalMargins ? low << 1n : low;
  } else {
    r = mantissa << (unequalMargins ? 2n : 1n);
    s = 1n << BigInt(-exponent + (unequalMargins ? 2 : 1));
    low = 1n;
    high = unequalMargins ? 2n : 1n;
  }
  let k = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && cutoffMode === "fraction" && k <= -cutoffMax) k = -cutoffMax + 1;
  if (k > 0) s *= pow10(k);
  else if (k < 0) {
    const p = pow10(-k);
    r *= p;
    low *= p;
    high *= p;
  }
  if (r >= s) k += 1;
  else {
    r *= 10n;
    low *= 10n;
    high *= 10n;
  }
  let maxExponent = k - MAX_DIGITS;
  if (cutoffMax >= 0) {
    const wanted = cutoffMode === "total" ? k - cutoffMax : -cutoffMax;
    if (wanted > maxExponent) maxExponent = wanted;
  }
  let minExponent = k;
  if (cutoffMin >= 0) {
    const wanted = cutoffMode === "total" ? k - cutoffMin : -cutoffMin;
    if (wanted < minExponent) minExponent = wanted;
  }
  let firstExponent = k - 1;
  const even = (mantissa & 1n) === 0n;
  const out: number[] = [];
  let digit = 0;
  let isLow = false;
  let isHigh = false;
  for (;;) {
    k -= 1;
    const q = r / s;
    digit = Number(q);
    r -= q * s;
    const upper = r + high;
    isLow = even ? r <= low : r < low;
    isHigh = even ? upper >= s : upper > s;
    if (((isLow || isHigh) && k <= minExponent) || k === maxExponent) break;
    out.push(digit);
    r *= 10n;
    low *= 10n;
    high *= 10n;
  }
  let roundDown = isLow;
  if (isLow === isHigh) {
    const twice = r * 2n;
    roundDown = twice < s || (twice === s && (digit & 1) === 0);
  }
  if (roundDown) out.push(digit);
  else if (digit < 9) out.push(digit + 1);
  else {
    // Carry through trailing nines; all nines become a 1 one place up.
    let i = out.length - 1;
    while (i >= 0 && out[i] === 9) i--;
    if (i < 0) {
      out.length = 0;
      out.push(1);
      firstExponent += 1;
    } else {
      out.length = i + 1;
      out[i]! += 1;
    }
  }
  return { digits: out.join(""), exponent: firstExponent };
}

/** Options of {@linkcode formatPositional} and {@linkcode formatScientific}. */
export interface Dragon4Options {
  /** Most digits to print (after the point, or in all), or -1 for as many as unique. */
  readonly precision?: number;
  /** Fewest digits to print (more than unique needs are exact digits), or -1. */
  readonly minDigits?: number;
  /** For positional output: whether precision counts all digits or fraction digits. */
  readonly cutoff?: CutoffMode;
  /** Trailing-zero handling. */
  readonly trim?: TrimMode;
  /** Print `+` before non-negative values. */
  readonly sign?: boolean;
  /** Pad with spaces to this many characters left of the point. */
  readonly padLeft?: number;
  /** Pad with spaces to this many characters right of the point (positional). */
  readonly padRight?: number;
  /** Pad the exponent with zeros to this many digits (scientific; default 2). */
  readonly expDigits?: number;
}

function special(value: FloatValue, sign: boolean): string | null {
  if (value.kind === "nan") return "nan";
  if (value.kind === "inf") return (value.negative ? "-" : sign ? "+" : "") + "inf";
  return null;
}

/** NumPy's `format_float_positional` in unique mode. */
export function formatPositional(value: FloatValue, options: Dragon4Options = {}): string {
  const sign = options.sign ?? false;
  const text = special(value, sign);
  if (text !== null) return text;
  const parts = (value as { parts: FloatParts }).parts;
  const precision = options.precision ?? -1;
  const minDigits = options.minDigits ?? -1;
  const cutoff = options.cutoff ?? "fraction";
  const trim = options.trim ?? ".";
  const padLeft = options.padLeft ?? -1;
  const padRight = options.padRight ?? -1;
  const signText = parts.negative ? "-" : sign ? "+" : "";
  const { digits, exponent } = uniqueDigits(parts, cutoff, precision, minDigits);
  let body: string;
  let whole: number;
  let fraction: number;
  if (exponent >= 0) {
    whole = exponent + 1;
    if (digits.length <= whole) {
      body = digits + "0".repeat(whole - digits.length);
      fraction = 0;
    } else {
      body = digits.slice(0, whole) + "." + digits.slice(whole);
      fraction = digits.length - whole;
    }
  } else {
    const zeros = -(exponent + 1);
    body = "0." + "0".repeat(zeros) + digits;
    fraction = zeros + digits.length;
    whole = 1;
  }
  if (trim !== "-" && fraction === 0) body += ".";
  let wanted = minDigits < 0 ? 0 : minDigits;
  if (cutoff === "total") wanted = minDigits - whole;
  if (trim === "0") {
    if (fraction === 0) {
      body += "0";
      fraction = 1;
    }
  } else if (trim === "k" && wanted > fraction) {
    body += "0".repeat(wanted - fraction);
    fraction = wanted;
  }
  if (trim !== "k" && fraction > 0) {
    while (body.endsWith("0")) {
      body = body.slice(0, -1);
      fraction--;
    }
    if (body.endsWith(".")) {
      if (trim === "0") {
        body += "0";
        fraction = 1;
      } else if (trim === "-") body = body.slice(0, -1);
    }
  }
  if (padRight >= fraction) {
    if (trim === "-" && fraction === 0) body += " ";
    body += " ".repeat(padRight - fraction);
  }
  let out = signText + body;
  const left = whole + signText.length;
  if (padLeft > left) out = " ".repeat(padLeft - left) + out;
  return out;
}

/** NumPy's `format_float_scientific` in unique mode. */
export function formatScientific(value: FloatValue, options: Dragon4Options = {}): string {
  const sign = options.sign ?? false;
  const text = special(value, sign);
  if (text !== null) return text;
  const parts = (value as { parts: FloatParts }).parts;
  const precision = options.precision ?? -1;
  const minDigits = options.minDigits ?? -1;
  const trim = options.trim ?? ".";
  const padLeft = options.padLeft ?? -1;
  let expDigits = options.expDigits ?? -1;
  const signText = parts.negative ? "-" : sign ? "+" : "";
  const lead = 1 + signText.length;
  let out = padLeft > lead ? " ".repeat(padLeft - lead) : "";
  out += signText;
  const { digits, exponent } = uniqueDigits(
    parts,
    "total",
    precision < 0 ? -1 : precision + 1,
    minDigits < 0 ? -1 : minDigits + 1,
  );
  let body = digits[0]!;
  let fraction = digits.length - 1;
  if (fraction > 0) body += "." + digits.slice(1);
  if (trim !== "-" && fraction === 0) body += ".";
  const wanted = minDigits < 0 ? 0 : minDigits;
  if (trim === "0") {
    if (fraction === 0) {
      body += "0";
      fraction = 1;
    }
  } else if (trim === "k" && wanted > fraction) {
    body += "0".repeat(wanted - fraction);
    fraction = wanted;
  }
  if (trim !== "k" && fraction > 0) {
    while (body.endsWith("0")) {
      body = body.slice(0, -1);
      fraction--;
    }
    if (trim === "0" && body.endsWith(".")) body += "0";
  }
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  const magnitude = String(Math.abs(exponent)).padStart(expDigits, "0");
  return out + body + "e" + (exponent >= 0 ? "+" : "-") + magnitude;
}
