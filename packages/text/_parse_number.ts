// Parsing numbers straight from bytes with NumPy's grammar, correctly
// rounded. Failure is reported through `parseStatus` (no allocation).
//
// Floats: up to 19 significant digits are held exactly as a double-double
// and scaled by a double-double power of ten; the sum rounds correctly unless
// it lies within 2^-20 ulp of a midpoint, when (as for longer inputs and the
// extremes of the range) the text goes to `Number()`, itself correctly rounded.

import { powerOfTen } from "./_float_digits.ts";

/** 0 after a successful parse; otherwise why it failed. */
export let parseStatus = 0;
/** The text is not a number of the grammar. */
export const BAD = 1;
/** An integer outside the exact range of doubles: use `parseBigIntBytes`. */
export const BIG = 2;

const latin1 = new TextDecoder("latin1");

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10;
}

const SPLITTER = 134217729;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const EXACT_POW10: number[] = [];
for (let k = 0, p = 1; k <= 22; k++, p *= 10) EXACT_POW10.push(p);

/**
 * The value {@linkcode parseDecimalPrefix} read: a typed array, so that a
 * double crosses the call without being boxed.
 */
export const DECIMAL = new Float64Array(1);
// parseDecimalPrefix found no digit (maybe inf, nan or a hex float follows).
const NO_DIGITS = 3;

/**
 * Parses a float in [start, end) (surrounding whitespace allowed): decimal
 * with optional exponent, `inf`/`infinity`/`nan` in any case, and float.hex
 * strings. Sets parseStatus.
 */
export function parseFloatBytes(buf: Uint8Array, start: number, end: number): number {
  while (start < end && isSpace(buf[start]!)) start++;
  while (end > start && isSpace(buf[end - 1]!)) end--;
  const i = parseDecimalPrefix(buf, start, end);
  if (parseStatus === 0 && i === end) return DECIMAL[0]!;
  const signed = buf[start] === 45 || buf[start] === 43;
  if (parseStatus === NO_DIGITS) return special(buf, end, i, buf[start] === 45);
  if (
    parseStatus === 0 && i === start + 1 + (signed ? 1 : 0) && (buf[i] === 120 || buf[i] === 88)
  ) {
    return parseHexFloatBytes(buf, start, end);
  }
  parseStatus = BAD;
  return NaN;
}

/**
 * Parses the decimal number ([sign] digits [. digits] [e [sign] digits])
 * that starts at `start`, stopping at the first byte that cannot continue
 * it (or at `end`), in one pass and with no string: the loaders call it on
 * a field and then check what follows. Returns where it stopped; the value
 * goes to `DECIMAL[0]`. parseStatus is BAD for an exponent without digits,
 * NO_DIGITS when no digit came (the return value is then after the sign).
 */
export function parseDecimalPrefix(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  let c = i < end ? buf[i]! : -1;
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = ++i < end ? buf[i]! : -1;
  }
  const digitsStart = i;
  // Leading zeros are not significant.
  while (c === 48) c = ++i < end ? buf[i]! : -1;
  // Significant digits: the first 10 go into hi, the next 9 into lo; any
  // later nonzero digit sends the text to the slow path.
  let hi = 0;
  let lo = 0;
  let kept = 0;
  let scale = 0;
  let pointSeen = false;
  for (;;) {
    if (c >= 48 && c <= 57) {
      if (kept < 10) {
        if (kept > 0 || c !== 48) {
          hi = hi * 10 + (c - 48);
          kept++;
          if (pointSeen) scale--;
        } else if (pointSeen) scale--;
      } else if (kept < 19) {
        lo = lo * 10 + (c - 48);
        kept++;
        if (pointSeen) scale--;
      } else {
        if (c !== 48) kept = 99;
        if (!pointSeen) scale++;
      }
    } else if (c === 46 && !pointSeen) {
      pointSeen = true;
    } else break;
    c = ++i < end ? buf[i]! : -1;
  }
  // Digits there must be, besides the point.
  if (i - digitsStart - (pointSeen ? 1 : 0) <= 0) {
    parseStatus = NO_DIGITS;
    return pointSeen ? i - 1 : i;
  }
  if (c === 101 || c === 69) {
    c = ++i < end ? buf[i]! : -1;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = ++i < end ? buf[i]! : -1;
    }
    const expStart = i;
    let e = 0;
    while (c >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48);
      c = ++i < end ? buf[i]! : -1;
    }
    if (i === expStart) {
      parseStatus = BAD;
      return i;
    }
    scale += expNegative ? -e : e;
  }
  parseStatus = 0;
  if (kept === 0) {
    DECIMAL[0] = negative ? -0 : 0;
    return i;
  }
  if (kept <= 15) {
    // Clinger's fast path: an exact integer times an exact power of ten.
    const loDigits = kept > 10 ? kept - 10 : 0;
    const w = loDigits === 0 ? hi : hi * EXACT_POW10[loDigits]! + lo;
    let value: number;
    if (scale === 0) value = w;
    else if (scale > 0 && scale <= 22) value = w * EXACT_POW10[scale]!;
    else if (scale < 0 && scale >= -22) value = w / EXACT_POW10[-scale]!;
    else {
      if (!scaleExact(hi, lo, loDigits, scale)) slowFloat(buf, start, i);
      if (negative) DECIMAL[0] = -DECIMAL[0]!;
      return i;
    }
    DECIMAL[0] = negative ? -value : value;
    return i;
  }
  if (kept > 19 || !scaleExact(hi, lo, kept - 10, scale)) slowFloat(buf, start, i);
  if (negative) DECIMAL[0] = -DECIMAL[0]!;
  return i;
}

/**
 * (hi × 10^loDigits + lo) × 10^scale correctly rounded into DECIMAL[0];
 * false when the fast double-double evaluation cannot be sure.
 */
function scaleExact(hi: number, lo: number, loDigits: number, scale: number): boolean {
  if (scale < -250 || scale > 250) return false;
  // D = hi × 10^loDigits + lo exactly, as s + t.
  let s: number;
  let t: number;
  if (loDigits === 0) {
    s = hi;
    t = 0;
  } else {
    const m = EXACT_POW10[loDigits]!;
    const p = hi * m;
    const a1 = SPLITTER * hi;
    const ah = a1 - (a1 - hi);
    const al = hi - ah;
    const b1 = SPLITTER * m;
    const bh = b1 - (b1 - m);
    const bl = m - bh;
    const pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    s = p + lo;
    const bv = s - p;
    const se = (p - (s - bv)) + (lo - bv);
    t = pe + se;
  }
  if (scale === 0) {
    DECIMAL[0] = s + t;
    return true;
  }
  const ph = powerOfTen(scale, 0);
  const pl = powerOfTen(scale, 1);
  const x1 = s * ph;
  const c1 = SPLITTER * s;
  const sh = c1 - (c1 - s);
  const sl = s - sh;
  const c2 = SPLITTER * ph;
  const qh = c2 - (c2 - ph);
  const ql = ph - qh;
  const x2 = ((sh * qh - x1) + sh * ql + sl * qh) + sl * ql;
  const c = x2 + s * pl + t * ph;
  const r = x1 + c;
  if (!(r < 1e300 && r > 1e-300)) return false;
  // Distance from r to the exact value, against half an ulp of r.
  const residual = (x1 - r) + c;
  F64[0] = r;
  const high = U32[HIGH_WORD]!;
  if ((high & 0xfffff) === 0 && U32[1 - HIGH_WORD] === 0) return false; // a power of two
  // r with its mantissa cleared is 2^e, and half an ulp of r is 2^(e-53).
  U32[HIGH_WORD] = high & 0x7ff00000;
  U32[1 - HIGH_WORD] = 0;
  const halfUlp = F64[0]! * 1.1102230246251565e-16;
  const distance = Math.abs(Math.abs(residual) - halfUlp);
  if (distance < halfUlp * 2 ** -20) return false;
  DECIMAL[0] = r;
  return true;
}

/** Correctly rounded by `Number()`, unsigned (the caller applies the sign), into DECIMAL[0]. */
function slowFloat(buf: Uint8Array, start: number, end: number): void {
  let from = start;
  if (buf[from] === 45 || buf[from] === 43) from++;
  const value = Number(latin1.decode(buf.subarray(from, end)));
  parseStatus = value === value ? 0 : BAD;
  DECIMAL[0] = value;
}

function lower(c: number | undefined): number {
  return c !== undefined && c >= 65 && c <= 90 ? c + 32 : c ?? -1;
}

function matchWord(buf: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if (lower(buf[i + k]) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function special(buf: Uint8Array, end: number, i: number, negative: boolean): number {
  parseStatus = 0;
  if (matchWord(buf, i, end, "inf") || matchWord(buf, i, end, "infinity")) {
    return negative ? -Infinity : Infinity;
  }
  if (matchWord(buf, i, end, "nan")) return NaN;
  parseStatus = BAD;
  return NaN;
}

/**
 * float.hex strings: [sign] 0x h[.hhh] [p [sign] d]. Returns NaN with
 * parseStatus BAD when the text is not one.
 */
export function parseHexFloatBytes(buf: Uint8Array, start: number, end: number): number {
  const text = latin1.decode(buf.subarray(start, end)).trim();
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(text);
  if (m === null || (m[2]! + (m[3] ?? "")).length === 0) {
    parseStatus = BAD;
    return NaN;
  }
  parseStatus = 0;
  const digits = m[2]! + (m[3] ?? "");
  let mantissa = BigInt("0x" + (digits || "0"));
  let exponent = Number(m[4] ?? "0") - 4 * (m[3] ?? "").length;
  let value: number;
  if (mantissa === 0n) value = 0;
  else {
    // Round the mantissa to 53 bits (half to even), then scale exactly.
    const bits = mantissa.toString(2).length;
    // Keep subnormals in mind: the lowest bit representable is 2^-1074.
    const lowest = Math.max(bits + exponent - 53, -1074);
    const drop = lowest - exponent;
    if (drop > 0) {
      const big = BigInt(drop);
      const kept = mantissa >> big;
      const rest = mantissa - (kept << big);
      const half = 1n << (big - 1n);
      mantissa = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
      exponent += drop;
    }
    value = Number(mantissa);
    while (exponent > 0 && value !== Infinity) {
      const step = Math.min(exponent, 1000);
      value *= 2 ** step;
      exponent -= step;
    }
    while (exponent < 0) {
      const step = Math.max(exponent, -1000);
      value *= 2 ** step;
      exponent -= step;
    }
  }
  return m[1] === "-" ? -value : value;
}

/**
 * Parses an integer in [start, end): [sign] digits, surrounding whitespace
 * allowed. parseStatus is BAD for non-integers and BIG past 2^53.
 */
export function parseIntBytes(buf: Uint8Array, start: number, end: number): number {
  while (start < end && isSpace(buf[start]!)) start++;
  while (end > start && isSpace(buf[end - 1]!)) end--;
  let i = start;
  let negative = false;
  const first = buf[i];
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  if (i >= end) {
    parseStatus = BAD;
    return NaN;
  }
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) {
      parseStatus = BAD;
      return NaN;
    }
    value = value * 10 + (c - 48);
  }
  if (value > 9007199254740991) {
    parseStatus = BIG;
    return NaN;
  }
  parseStatus = 0;
  return negative ? -value : value;
}

/** An integer of any size (after parseIntBytes said BIG). */
export function parseBigIntBytes(buf: Uint8Array, start: number, end: number): bigint {
  return BigInt(latin1.decode(buf.subarray(start, end)).trim());
}

/** The parsed complex number's parts. */
export const COMPLEX = new Float64Array(2);

/**
 * Parses a complex number as NumPy reads it: `1`, `2j`, `1+2j`, `(1-2.5e3j)`,
 * `nan+infj`. Sets COMPLEX and parseStatus.
 */
export function parseComplexBytes(buf: Uint8Array, start: number, end: number): void {
  while (start < end && isSpace(buf[start]!)) start++;
  while (end > start && isSpace(buf[end - 1]!)) end--;
  if (end - start >= 2 && buf[start] === 40 && buf[end - 1] === 41) {
    start++;
    end--;
  }
  const last = buf[end - 1];
  if (last !== 106 && last !== 74) {
    COMPLEX[0] = parseFloatBytes(buf, start, end);
    COMPLEX[1] = 0;
    return;
  }
  // Find the sign that starts the imaginary part: not the first character,
  // not right after an exponent letter.
  let split = start;
  for (let k = end - 2; k > start; k--) {
    const c = buf[k];
    if ((c === 43 || c === 45) && buf[k - 1] !== 101 && buf[k - 1] !== 69) {
      split = k;
      break;
    }
  }
  if (split === start) {
    COMPLEX[0] = 0;
    COMPLEX[1] = end - 1 === start ? NaN : parseFloatBytes(buf, start, end - 1);
    if (end - 1 === start) parseStatus = BAD;
    return;
  }
  const re = parseFloatBytes(buf, start, split);
  if (parseStatus !== 0) return;
  const im = split + 1 === end - 1 ? NaN : parseFloatBytes(buf, split, end - 1);
  if (split + 1 === end - 1) parseStatus = BAD;
  COMPLEX[0] = re;
  COMPLEX[1] = im;
}
