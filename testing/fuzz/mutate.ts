/**
 * Seeded mutations of corpus files for the fuzzer: bit flips, interesting
 * bytes, inserts and deletes, little-endian length-field tweaks, ASCII
 * number swaps, truncation, chunk duplication and splices between corpus
 * files. The same seed gives the same inputs, so a crasher is reproducible
 * from its seed and iteration as well as from its saved bytes. Not published.
 *
 * @module
 */

/** A small, fast, seeded PRNG (mulberry32): the fuzzer must be reproducible. */
export class Prng {
  #state: number;

  /**
   * Creates a generator.
   *
   * @param seed Any 32-bit integer.
   */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in `[0, n)`; 0 when `n <= 0`. */
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/** Bytes that often sit at boundaries: zero, sign bits, all ones, ASCII structure. */
const INTERESTING_BYTES = [
  0x00,
  0x01,
  0x7f,
  0x80,
  0xff,
  0x0a,
  0x0d,
  0x20,
  0x09,
  0x22,
  0x27,
  0x28,
  0x29,
  0x2c,
  0x2d,
  0x2e,
  0x30,
  0x31,
  0x39,
  0x3a,
  0x5b,
  0x5d,
  0x7b,
  0x7d,
  0x23,
  0x3c,
  0x3e,
  0x7c,
];

/** Length-field values at the edges of 16- and 32-bit fields. */
const INTERESTING_LENGTHS = [
  0,
  1,
  2,
  7,
  8,
  63,
  64,
  127,
  128,
  255,
  256,
  0x7fff,
  0x8000,
  0xfffe,
  0xffff,
  0x10000,
  0x7fffffff,
  0x80000000,
  0xfffffffe,
  0xffffffff,
];

/** Numbers to put in place of a number in text: zero, signs, limits of every width. */
const INTERESTING_NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "2",
  "127",
  "128",
  "255",
  "256",
  "-129",
  "65536",
  "2147483647",
  "2147483648",
  "-2147483649",
  "4294967296",
  "9007199254740992",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775809",
  "18446744073709551616",
  "99999999999999999999999999999999",
  "1e308",
  "1e309",
  "-1e400",
  "1e-400",
  "0x10",
  "nan",
  "inf",
  "",
  "1_000",
  "١",
];

/** The mutation operators, each named for reports. */
export type MutationKind =
  | "flip-bit"
  | "set-byte"
  | "insert"
  | "delete"
  | "length-field"
  | "number"
  | "token"
  | "truncate"
  | "duplicate"
  | "splice";

const KINDS: readonly MutationKind[] = [
  "flip-bit",
  "flip-bit",
  "set-byte",
  "set-byte",
  "insert",
  "delete",
  "length-field",
  "length-field",
  "number",
  "number",
  "token",
  "truncate",
  "duplicate",
  "splice",
];

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Options of {@linkcode mutate}. */
export interface MutateOptions {
  /** The other corpus files, for splices. */
  readonly corpus: readonly Uint8Array[];
  /** Tokens of the input language to insert (such as `"'descr':"` or `"..."`). */
  readonly dictionary?: readonly string[];
  /** Offsets of known binary length fields, tweaked more often than random offsets. */
  readonly lengthFields?: readonly number[];
  /** The largest input to produce (default 1 MiB). */
  readonly maxLength?: number;
}

/**
 * Applies one mutation to `input` (which is not modified).
 *
 * @param input The bytes to mutate.
 * @param rng The generator.
 * @param options Corpus, dictionary, length-field offsets.
 * @returns The mutated bytes and the operator used.
 */
export function mutateOnce(
  input: Uint8Array,
  rng: Prng,
  options: MutateOptions,
): { bytes: Uint8Array; kind: MutationKind } {
  const kind = rng.pick(KINDS);
  const n = input.length;
  const at = rng.below(n + 1);
  switch (kind) {
    case "flip-bit": {
      if (n === 0) return { bytes: Uint8Array.of(rng.below(256)), kind };
      const out = input.slice();
      out[rng.below(n)]! ^= 1 << rng.below(8);
      return { bytes: out, kind };
    }
    case "set-byte": {
      if (n === 0) return { bytes: Uint8Array.of(rng.pick(INTERESTING_BYTES)), kind };
      const out = input.slice();
      out[rng.below(n)] = rng.chance(0.6) ? rng.pick(INTERESTING_BYTES) : rng.below(256);
      return { bytes: out, kind };
    }
    case "insert": {
      const count = rng.chance(0.8) ? 1 + rng.below(4) : 1 + rng.below(256);
      const bytes = Uint8Array.from({ length: count }, () => rng.pick(INTERESTING_BYTES));
      return { bytes: concat(input.subarray(0, at), bytes, input.subarray(at)), kind };
    }
    case "delete": {
      const count = Math.min(n - at, rng.chance(0.8) ? 1 + rng.below(4) : rng.below(n + 1));
      return { bytes: concat(input.subarray(0, at), input.subarray(at + count)), kind };
    }
    case "length-field": {
      if (n < 2) return { bytes: input.slice(), kind };
      const hints = options.lengthFields ?? [];
      const where = hints.length > 0 && rng.chance(0.7) ? rng.pick(hints) : rng.below(n - 1);
      const width = where + 4 <= n && rng.chance(0.5) ? 4 : 2;
      if (where + width > n) return { bytes: input.slice(), kind };
      const out = input.slice();
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      const old = width === 2 ? view.getUint16(where, true) : view.getUint32(where, true);
      const value = rng.chance(0.5) ? rng.pick(INTERESTING_LENGTHS) : old + rng.below(33) - 16;
      if (width === 2) view.setUint16(where, value & 0xffff, true);
      else view.setUint32(where, value >>> 0, true);
      return { bytes: out, kind };
    }
    case "number": {
      // Replace a run of ASCII digits (a shape, a length, a field) with an edge value.
      const starts: number[] = [];
      for (let i = 0; i < n; i++) {
        const digit = input[i]! >= 0x30 && input[i]! <= 0x39;
        const before = i > 0 && input[i - 1]! >= 0x30 && input[i - 1]! <= 0x39;
        if (digit && !before) starts.push(i);
      }
      if (starts.length === 0) {
        return {
          bytes: concat(input.subarray(0, at), encoder.encode("-1"), input.subarray(at)),
          kind,
        };
      }
      const start = rng.pick(starts);
      let end = start;
      while (end < n && input[end]! >= 0x30 && input[end]! <= 0x39) end++;
      const number = encoder.encode(rng.pick(INTERESTING_NUMBERS));
      return { bytes: concat(input.subarray(0, start), number, input.subarray(end)), kind };
    }
    case "token": {
      const words = options.dictionary ?? [];
      if (words.length === 0) return mutateOnce(input, rng, options);
      const token = encoder.encode(rng.pick(words));
      const replace = rng.chance(0.3) ? Math.min(n - at, token.length) : 0;
      return {
        bytes: concat(input.subarray(0, at), token, input.subarray(at + replace)),
        kind,
      };
    }
    case "truncate":
      return { bytes: input.slice(0, rng.below(n + 1)), kind };
    case "duplicate": {
      if (n === 0) return { bytes: input.slice(), kind };
      const from = rng.below(n);
      const count = 1 + rng.below(Math.min(n - from, 512));
      const chunk = input.subarray(from, from + count);
      return { bytes: concat(input.subarray(0, at), chunk, input.subarray(at)), kind };
    }
    case "splice": {
      const other = options.corpus.length > 0 ? rng.pick(options.corpus) : input;
      const cut = rng.below(other.length + 1);
      return { bytes: concat(input.subarray(0, at), other.subarray(cut)), kind };
    }
  }
}

/**
 * Applies one to `maxStack` mutations in a row, keeping the result under
 * the maximum length.
 *
 * @param input The bytes to mutate.
 * @param rng The generator.
 * @param options Corpus, dictionary, length-field offsets, maximum length.
 * @param maxStack The most mutations stacked (default 4).
 * @returns The mutated bytes and the operators applied, in order.
 */
export function mutate(
  input: Uint8Array,
  rng: Prng,
  options: MutateOptions,
  maxStack = 4,
): { bytes: Uint8Array; kinds: MutationKind[] } {
  const maxLength = options.maxLength ?? 1 << 20;
  const count = 1 + rng.below(maxStack);
  let bytes = input;
  const kinds: MutationKind[] = [];
  for (let i = 0; i < count; i++) {
    const step = mutateOnce(bytes, rng, options);
    bytes = step.bytes.length > maxLength ? step.bytes.subarray(0, maxLength) : step.bytes;
    kinds.push(step.kind);
  }
  return { bytes, kinds };
}
