// Correctly rounded decimal digits of doubles, as CPython's printf-style
// formatting produces them (round half to even on exact ties).
//
// The fast path scales the double by a power of ten held as a double-double
// (about 106 bits), which fixes the rounded integer exactly unless the scaled
// value lies within 2^-30 of a rounding boundary; then, and for results of
// more than 19 digits, an exact BigInt division decides.

/** 10^s as hi + lo, with a 2^scale factor for the extremes (see `scaledRound`). */
const POW_MIN = -350;
const POW_MAX = 360;
let powHi: Float64Array | undefined;
let powLo: Float64Array | undefined;
// Dekker halves of powHi, precomputed.
let powHiHi: Float64Array | undefined;
let powHiLo: Float64Array | undefined;

const SPLITTER = 134217729; // 2^27 + 1
const TWO_200 = 2 ** 200;
const TWO_M200 = 2 ** -200;

function buildPowers(): void {
  const n = POW_MAX - POW_MIN + 1;
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  const hh = new Float64Array(n);
  const hl = new Float64Array(n);
  for (let s = POW_MIN; s <= POW_MAX; s++) {
    // Beyond ±250 the power is stored scaled by 2^∓200 (see scaledRound).
    const shift = s > 250 ? -200 : s < -250 ? 200 : 0;
    const [h, l] = scaledPowerOfTen(s, shift);
    const i = s - POW_MIN;
    hi[i] = h;
    lo[i] = l;
    const t = SPLITTER * h;
    const a = t - (t - h);
    hh[i] = a;
    hl[i] = h - a;
  }
  powHi = hi;
  powLo = lo;
  powHiHi = hh;
  powHiLo = hl;
}

/** 10^s × 2^shift as a double-double [hi, lo], computed exactly with BigInt. */
function scaledPowerOfTen(s: number, shift: number): [number, number] {
  // Exact value num / den.
  let num = 1n;
  let den = 1n;
  if (s >= 0) num = 10n ** BigInt(s);
  else den = 10n ** BigInt(-s);
  if (shift >= 0) num <<= BigInt(shift);
  else den <<= BigInt(-shift);
  const hi = ratioToDouble(num, den);
  // Remainder num/den - hi, as an exact fraction, then rounded.
  const [hm, he] = decompose(hi);
  let rNum: bigint;
  let rDen: bigint;
  if (he >= 0) {
    rNum = num - ((hm * den) << BigInt(he));
    rDen = den;
  } else {
    rNum = (num << BigInt(-he)) - hm * den;
    rDen = den << BigInt(-he);
  }
  const lo = rNum === 0n ? 0 : rNum < 0n ? -ratioToDouble(-rNum, rDen) : ratioToDouble(rNum, rDen);
  return [hi, lo];
}

/** A positive fraction as a double, correct to within an ulp (enough for the low part). */
function ratioToDouble(num: bigint, den: bigint): number {
  const bits = num.toString(2).length - den.toString(2).length;
  // Aim for a 64-bit quotient, then scale back by a power of two.
  const shift = 64 - bits;
  const q = shift >= 0 ? (num << BigInt(shift)) / den : num / (den << BigInt(-shift));
  return scaleByPowerOfTwo(Number(q), -shift);
}

function scaleByPowerOfTwo(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** A finite positive double as mantissa × 2^exponent (BigInt mantissa). */
export function decompose(value: number): [bigint, number] {
  F64[0] = value;
  const lo = U32[LOW_WORD]!;
  const hiWord = U32[1 - LOW_WORD]!;
  const biased = (hiWord >>> 20) & 0x7ff;
  const top = hiWord & 0xfffff;
  let mantissa = BigInt(top) * 4294967296n + BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa += 1n << 52n;
    exponent = biased - 1075;
  }
  return [mantissa, exponent];
}

/** round-half-even(value × 10^s), exactly, for a finite positive value. */
export function exactScaledRound(value: number, s: number): bigint {
  const [m, e] = decompose(value);
  let num = m;
  let den = 1n;
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  if (s >= 0) num *= 10n ** BigInt(s);
  else den *= 10n ** BigInt(-s);
  let q = num / den;
  const twice = (num - q * den) * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) q += 1n;
  return q;
}

/** The high (part 0) or low (part 1) double of 10^s, for |s| ≤ 250. */
export function powerOfTen(s: number, part: 0 | 1): number {
  if (powHi === undefined) buildPowers();
  return part === 0 ? powHi![s - POW_MIN]! : powLo![s - POW_MIN]!;
}

/** The result of the fast path: D = RESULT[0] × 10^9 + RESULT[1] (a typed array: no boxing). */
const RESULT = new Float64Array(2);

/**
 * round-half-even(value × 10^s) into RESULT when the result is
 * below about 1.8e19 and provably correct; false otherwise.
 */
function scaledRound(value: number, s: number): boolean {
  if (s < POW_MIN || s > POW_MAX) return false;
  if (powHi === undefined) buildPowers();
  const i = s - POW_MIN;
  let v = value;
  if (s > 250) v *= TWO_200;
  else if (s < -250) v *= TWO_M200;
  const ph = powHi![i]!;
  // Dekker's exact product v × ph = p + err.
  const p = v * ph;
  if (!(p < 1.8e19)) return false;
  const t = SPLITTER * v;
  const vh = t - (t - v);
  const vl = v - vh;
  const bh = powHiHi![i]!;
  const bl = powHiLo![i]!;
  const err = ((vh * bh - p) + vh * bl + vl * bh) + vl * bl;
  const rest = err + v * powLo![i]!;
  const whole = Math.floor(p);
  const t2 = (p - whole) + rest;
  const adjust = Math.floor(t2);
  const frac = t2 - adjust;
  if (frac > 0.4999999990686774 && frac < 0.5000000009313226) return false; // 0.5 ± 2^-30
  const up = frac > 0.5 ? 1 : 0;
  // whole = q × 10^9 + r exactly: split q so every product is exact.
  let q = Math.floor(whole / 1e9);
  const qh = Math.floor(q / 262144);
  const ql = q - qh * 262144;
  let r = (whole - qh * 1e9 * 262144) - ql * 1e9;
  r += adjust + up;
  while (r < 0) {
    r += 1e9;
    q -= 1;
  }
  while (r >= 1e9) {
    r -= 1e9;
    q += 1;
  }
  if (q < 0) return false;
  RESULT[0] = q;
  RESULT[1] = r;
  return true;
}

/**
 * Scratch output of the digit functions: ASCII digit bytes in `DIGITS[0..n)`.
 * Shared, so callers copy before the next call.
 */
export let DIGITS: Uint8Array = new Uint8Array(64);

function ensureDigits(n: number): void {
  if (DIGITS.length < n) DIGITS = new Uint8Array(Math.max(n, DIGITS.length * 2));
}

/** Writes the fast path's D into DIGITS as exactly n digits (zero-padded on the left). */
function storeScaled(n: number): void {
  ensureDigits(n);
  // D = top × 10^18 + middle × 10^9 + low, each part a small integer, so
  // the digit loops run in int32 arithmetic (fmod on large doubles is slow).
  const q = RESULT[0]!;
  const top = Math.floor(q / 1e9);
  let middle = (q - top * 1e9) | 0;
  let low = RESULT[1]! | 0;
  let k = n - 1;
  for (let j = 0; j < 9 && k >= 0; j++, k--) {
    const next = (low / 10) | 0;
    DIGITS[k] = 48 + low - next * 10;
    low = next;
  }
  for (let j = 0; j < 9 && k >= 0; j++, k--) {
    const next = (middle / 10) | 0;
    DIGITS[k] = 48 + middle - next * 10;
    middle = next;
  }
  let rest = top | 0;
  while (k >= 0) {
    const next = (rest / 10) | 0;
    DIGITS[k--] = 48 + rest - next * 10;
    rest = next;
  }
}

/** The number of digits of the fast path's D (1 for zero). */
function scaledDigitCount(): number {
  let x = RESULT[0]!;
  let digits = 9;
  if (x === 0) {
    x = RESULT[1]!;
    digits = 0;
  }
  let k = 1;
  while (k < 12 && x >= POW10[k]!) k++;
  return digits + k;
}

function storeBig(value: bigint, n: number): void {
  const text = value.toString();
  ensureDigits(n);
  const pad = n - text.length;
  for (let k = 0; k < pad; k++) DIGITS[k] = 48;
  for (let k = 0; k < text.length; k++) DIGITS[pad + k] = text.charCodeAt(k);
}

/** Doubles nearest to 10^k for k in [-330, 310], to place a value between powers of ten. */
const NEAR_POW10 = new Float64Array(641);
for (let k = -330; k <= 310; k++) NEAR_POW10[k + 330] = Number(`1e${k}`);

/** floor(log10(value)), exact except within an ulp of a power of ten (callers correct those). */
function decimalExponent(value: number): number {
  F64[0] = value;
  const biased = (U32[1 - LOW_WORD]! >>> 20) & 0x7ff;
  if (biased === 0) return Math.floor(Math.log10(value));
  const p = Math.floor((biased - 1023) * 0.3010299956639812);
  return value >= NEAR_POW10[p + 331]! ? p + 1 : p;
}

const POW10: number[] = [];
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10.push(p);

/**
 * The first `n` significant digits of a finite positive value, correctly
 * rounded (half to even), into DIGITS[0..n); returns the decimal exponent of
 * the first digit (value ≈ d.ddd × 10^exponent).
 */
export function significantDigits(value: number, n: number): number {
  let exponent = decimalExponent(value);
  if (n <= 19) {
    const low = POW10[n - 1]!;
    const high = n === 19 ? 1e19 : POW10[n]!;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!scaledRound(value, n - 1 - exponent)) break;
      const d = RESULT[0]! * 1e9 + RESULT[1]!; // approximate above 2^53, enough for range checks
      if (d < low * 0.999999) {
        exponent--;
        continue;
      }
      if (d >= high * 1.000001) {
        exponent++;
        continue;
      }
      // Near the range ends, decide exactly on the two parts.
      const hd = Math.floor(high / 1e9);
      const hr = high - hd * 1e9;
      if (RESULT[0]! > hd || (RESULT[0]! === hd && RESULT[1]! >= hr)) {
        if (RESULT[0]! === hd && RESULT[1]! === hr) {
          // Rounded up to 10^n: that is 10^(n-1) one exponent higher.
          storePowerOfTen(n);
          return exponent + 1;
        }
        exponent++;
        continue;
      }
      const ld = Math.floor(low / 1e9);
      const lr = low - ld * 1e9;
      if (RESULT[0]! < ld || (RESULT[0]! === ld && RESULT[1]! < lr)) {
        exponent--;
        continue;
      }
      storeScaled(n);
      return exponent;
    }
  }
  // Exact path.
  const lowBig = 10n ** BigInt(n - 1);
  const highBig = lowBig * 10n;
  for (;;) {
    const d = exactScaledRound(value, n - 1 - exponent);
    if (d >= highBig) {
      if (d === highBig) {
        storePowerOfTen(n);
        return exponent + 1;
      }
      exponent++;
    } else if (d < lowBig) {
      exponent--;
    } else {
      storeBig(d, n);
      return exponent;
    }
  }
}

function storePowerOfTen(n: number): void {
  ensureDigits(n);
  DIGITS[0] = 49;
  for (let k = 1; k < n; k++) DIGITS[k] = 48;
}

/**
 * round-half-even(value × 10^fraction) for a finite non-negative value, as
 * decimal digits in DIGITS (at least fraction + 1 of them, zero-padded);
 * returns the number of digits.
 */
export function fixedDigits(value: number, fraction: number): number {
  if (value === 0) {
    ensureDigits(fraction + 1);
    DIGITS.fill(48, 0, fraction + 1);
    return fraction + 1;
  }
  const estimate = value * 10 ** Math.min(fraction, 308);
  if (estimate < 1e18 && fraction <= POW_MAX && scaledRound(value, fraction)) {
    const n = Math.max(scaledDigitCount(), fraction + 1);
    storeScaled(n);
    return n;
  }
  const d = exactScaledRound(value, fraction);
  const n = Math.max(d.toString().length, fraction + 1);
  storeBig(d, n);
  return n;
}
