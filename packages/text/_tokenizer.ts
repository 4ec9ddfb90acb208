// Splitting text lines into fields as NumPy's loadtxt tokenizer does:
// delimiter (or runs of whitespace), comment markers, quote characters with
// doubled-quote escapes, quoted newlines, and \n, \r\n or \r line ends.

import { LimitError, MalformedError } from "@ndio/core";

/** How to split lines. */
export interface TokenizerOptions {
  /** The delimiter's bytes, or null for runs of whitespace. */
  readonly delimiter: Uint8Array | null;
  /** Comment markers' bytes. */
  readonly comments: readonly Uint8Array[];
  /** The quote byte, or -1. */
  readonly quote: number;
  /** The longest line allowed, in bytes. */
  readonly maxLineLength: number;
  /** The most fields a line may have. */
  readonly maxColumns: number;
}

/** Returned by `next` when the buffer ends before the line does. */
export const NEED_MORE = -1;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12;
}

/**
 * Splits one line at a time. After `next`, fields k = 0..count-1 are
 * `source(k)[start[k], end[k])`, where the source is the input buffer or,
 * for quoted fields, the scratch buffer holding their unescaped text.
 */
export class Tokenizer {
  readonly options: TokenizerOptions;
  start: Int32Array = new Int32Array(64);
  end: Int32Array = new Int32Array(64);
  quoted: Uint8Array = new Uint8Array(64);
  count = 0;
  scratch: Uint8Array = new Uint8Array(256);
  scratchLength = 0;
  /** Newlines inside quoted fields of the last line (for line numbering). */
  extraLines = 0;
  #commentFirst: Int16Array;

  constructor(options: TokenizerOptions) {
    this.options = options;
    this.#commentFirst = new Int16Array(256).fill(-1);
    options.comments.forEach((marker, i) => {
      if (this.#commentFirst[marker[0]!] === -1) this.#commentFirst[marker[0]!] = i;
    });
  }

  #isComment(buf: Uint8Array, i: number, limit: number): boolean {
    const c = buf[i]!;
    if (this.#commentFirst[c] === -1) return false;
    for (const marker of this.options.comments) {
      if (marker[0] !== c || i + marker.length > limit) continue;
      let k = 1;
      while (k < marker.length && buf[i + k] === marker[k]) k++;
      if (k === marker.length) return true;
    }
    return false;
  }

  #push(start: number, end: number, quoted: number, line: number): void {
    if (this.count === this.start.length) {
      if (this.count >= this.options.maxColumns) {
        throw new LimitError(
          "maxColumns",
          this.options.maxColumns,
          `line ${line} has more than ${this.options.maxColumns} columns`,
          { format: "text", line },
        );
      }
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start);
      this.end = grow(this.end);
      const q = new Uint8Array(this.quoted.length * 2);
      q.set(this.quoted);
      this.quoted = q;
    }
    if (this.count >= this.options.maxColumns) {
      throw new LimitError(
        "maxColumns",
        this.options.maxColumns,
        `line ${line} has more than ${this.options.maxColumns} columns`,
        { format: "text", line },
      );
    }
    this.start[this.count] = start;
    this.end[this.count] = end;
    this.quoted[this.count] = quoted;
    this.count++;
  }

  #scratchByte(b: number): void {
    if (this.scratchLength === this.scratch.length) {
      const next = new Uint8Array(this.scratch.length * 2);
      next.set(this.scratch);
      this.scratch = next;
    }
    this.scratch[this.scratchLength++] = b;
  }

  /**
   * Splits the line starting at `pos` (of `buf[0..limit)`); returns where the
   * next line starts, or NEED_MORE when the line does not end before `limit`
   * and `final` is false. `line` is the line's number, for errors.
   */
  next(buf: Uint8Array, pos: number, limit: number, final: boolean, line: number): number {
    this.count = 0;
    this.scratchLength = 0;
    this.extraLines = 0;
    const { delimiter, quote, maxLineLength } = this.options;
    const single = delimiter !== null && delimiter.length === 1 ? delimiter[0]! : -1;
    let i = pos;
    const tooLong = () =>
      new LimitError(
        "maxLineLength",
        maxLineLength,
        `line ${line} is longer than ${maxLineLength} bytes`,
        { format: "text", line },
      );
    // Ends the line at i (at a line break, a comment or the end); returns the next line's start.
    const finishLine = (at: number): number => {
      let k = at;
      while (k < limit && buf[k] !== 10 && buf[k] !== 13) k++;
      if (k - pos > maxLineLength) throw tooLong();
      if (k >= limit) return final ? limit : NEED_MORE;
      if (buf[k] === 13 && k + 1 < limit && buf[k + 1] === 10) return k + 2;
      if (buf[k] === 13 && k + 1 >= limit && !final) return NEED_MORE;
      return k + 1;
    };
    if (delimiter === null) {
      for (;;) {
        while (i < limit && isBlank(buf[i]!)) i++;
        if (i >= limit) {
          if (!final) {
            return i - pos > maxLineLength
              ? (() => {
                throw tooLong();
              })()
              : NEED_MORE;
          }
          return limit;
        }
        const c = buf[i]!;
        if (c === 10 || c === 13) return finishLine(i);
        if (this.#isComment(buf, i, limit)) return finishLine(i);
        if (c === quote) {
          const r = this.#quoted(buf, i, limit, final, line, -1);
          if (r === NEED_MORE) return NEED_MORE;
          i = r;
          continue;
        }
        const start = i;
        while (i < limit) {
          const b = buf[i]!;
          if (isBlank(b) || b === 10 || b === 13) break;
          if (this.#isComment(buf, i, limit)) break;
          i++;
        }
        if (i >= limit && !final) {
          if (i - pos > maxLineLength) throw tooLong();
          return NEED_MORE;
        }
        this.#push(start, i, 0, line);
      }
    }
    // A delimiter: an empty line has no fields; otherwise fields may be empty.
    if (i < limit && (buf[i] === 10 || buf[i] === 13)) return finishLine(i);
    if (i < limit && this.#isComment(buf, i, limit)) return finishLine(i);
    if (i >= limit) return final ? limit : NEED_MORE;
    for (;;) {
      if (i < limit && buf[i] === quote) {
        const r = this.#quoted(buf, i, limit, final, line, single);
        if (r === NEED_MORE) return NEED_MORE;
        i = r;
      } else {
        const start = i;
        while (i < limit) {
          const b = buf[i]!;
          if (b === single || b === 10 || b === 13) break;
          if (single === -1 && this.#atDelimiter(buf, i, limit)) break;
          if (this.#isComment(buf, i, limit)) break;
          i++;
        }
        if (i >= limit && !final) {
          if (i - pos > maxLineLength) throw tooLong();
          return NEED_MORE;
        }
        this.#push(start, i, 0, line);
      }
      if (i >= limit) return limit;
      if (buf[i] === single) {
        i++;
        continue;
      }
      if (single === -1 && this.#atDelimiter(buf, i, limit)) {
        i += delimiter.length;
        continue;
      }
      return finishLine(i);
    }
  }

  #atDelimiter(buf: Uint8Array, i: number, limit: number): boolean {
    const d = this.options.delimiter!;
    if (i + d.length > limit) return false;
    for (let k = 0; k < d.length; k++) if (buf[i + k] !== d[k]) return false;
    return true;
  }

  /**
   * A field starting with a quote at i: unescapes into scratch up to the
   * closing quote (a doubled quote is one quote), then takes any unquoted
   * text up to the delimiter. Returns where the field ends.
   */
  #quoted(
    buf: Uint8Array,
    i: number,
    limit: number,
    final: boolean,
    line: number,
    single: number,
  ): number {
    const quote = this.options.quote;
    const from = this.scratchLength;
    const lineStart = i;
    i++;
    let open = true;
    while (i < limit) {
      const b = buf[i]!;
      if (open) {
        if (b === quote) {
          if (i + 1 < limit && buf[i + 1] === quote) {
            this.#scratchByte(quote);
            i += 2;
            continue;
          }
          if (i + 1 >= limit && !final) return NEED_MORE;
          open = false;
          i++;
          continue;
        }
        if (b === 10) this.extraLines++;
        else if (b === 13 && buf[i + 1] !== 10) this.extraLines++;
        this.#scratchByte(b);
        i++;
        if (i - lineStart > this.options.maxLineLength) {
          throw new LimitError(
            "maxLineLength",
            this.options.maxLineLength,
            `line ${line} is longer than ${this.options.maxLineLength} bytes`,
            { format: "text", line },
          );
        }
        continue;
      }
      if (b === 10 || b === 13) break;
      if (single === -1 && this.options.delimiter === null && isBlank(b)) break;
      if (b === single) break;
      if (single === -1 && this.options.delimiter !== null && this.#atDelimiter(buf, i, limit)) {
        break;
      }
      if (this.#isComment(buf, i, limit)) break;
      this.#scratchByte(b);
      i++;
    }
    if (open) {
      if (!final) return NEED_MORE;
      throw new MalformedError(
        "text-unclosed-quote",
        `the quote opened on line ${line} is never closed`,
        { format: "text", line, column: this.count + 1 },
      );
    }
    if (i >= limit && !final) return NEED_MORE;
    this.#push(from, this.scratchLength, 1, line);
    return i;
  }
}
