// The engine of loadtxt: lines in, typed values out. Fed whole inputs or
// stream chunks; keeps only the unfinished last line between chunks.

import {
  ArgumentError,
  Complex,
  DType,
  LimitError,
  MalformedError,
  NDArray,
  UnsupportedError,
} from "@ndio/core";
import {
  BIG,
  COMPLEX,
  DECIMAL,
  parseBigIntBytes,
  parseComplexBytes,
  parseDecimalPrefix,
  parseFloatBytes,
  parseIntBytes,
  parseStatus,
} from "./_parse_number.ts";
import { NEED_MORE, Tokenizer } from "./_tokenizer.ts";
import { parseShapeLine } from "./_shape_header.ts";

/** A converter: the field's text in, the value out. */
export type Converter = (text: string) => unknown;

/** Everything the reader needs, validated. */
export interface ReaderConfig {
  /** The requested dtype, or null to infer int64 or float64. */
  readonly dtype: DType | null;
  readonly delimiter: Uint8Array | null;
  readonly comments: readonly Uint8Array[];
  readonly quote: number;
  readonly skiprows: number;
  readonly usecols: readonly number[] | null;
  readonly maxRows: number;
  readonly converters: ((column: number, width: number) => Converter | undefined) | null;
  readonly latin1: boolean;
  readonly maxLineLength: number;
  readonly maxColumns: number;
  readonly maxBytes: number;
  /** Name used in messages: "loadtxt" or "genfromtxt". */
  readonly what: string;
  /** The fields per line that earlier text fixed (blocks after the first), if any. */
  readonly fileColumns?: number;
  /**
   * Allocates the store of numbers (zeroed), for a caller that can get
   * memory cheaper to fill than `new ArrayBuffer` (huge pages, in fs.ts).
   */
  readonly allocate?: (bytes: number) => Uint8Array;
  /** The input's total length when it comes in chunks, to size the store once. */
  readonly sizeHint?: number;
}

type Kind = "infer" | "float" | "int" | "bool" | "complex" | "string" | "struct";

/** What one output slot parses into. */
interface Slot {
  readonly kind: Kind;
  readonly dtype: DType;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });
const latin1Decoder = new TextDecoder("latin1");

function intRange(dtype: DType): [number, number] {
  const bits = dtype.itemsize * 8;
  return dtype.kind === "u" ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
}

// Where a fast loop stopped, with its counters, handed back through module
// variables: handing them back through `this` at the loop's exit made V8
// throw the loop's optimized code away on every call after a garbage
// collection (the collection drops the reader's map and with it the exit's
// feedback, and the exit is reached only from the optimized loop).
let stoppedRows = 0;
let stoppedLength = 0;
/** Whether the loop stopped because the store was full. */
let stoppedForSpace = false;

function stop(at: number, rows: number, length: number, forSpace = false): number {
  stoppedRows = rows;
  stoppedLength = length;
  stoppedForSpace = forSpace;
  return at;
}

/** Reads delimited text into an array, line by line. */
export class TableReader {
  readonly config: ReaderConfig;
  readonly tokenizer: Tokenizer;
  /** The next line's number (1-based). */
  line = 1;
  rows = 0;
  /** Values per row in the output (complex counts once). */
  columns = -1;
  /** Fields per line in the file, fixed by the first data line when usecols is not given. */
  fileColumns = -1;
  /** The shape a leading comment announced. */
  headerShape: number[] | null = null;
  #skip: number;
  #kind: Kind;
  #slots: Slot[] | null = null;
  #values: Float64Array = new Float64Array(0);
  /** 64-bit integers (and inferred columns until a float shows up) as 32-bit halves, low first. */
  #words: Int32Array = new Int32Array(0);
  #wide = false;
  /**
   * Whether the fast loops check each integer against the dtype's range: not
   * for int64, which holds every integer they take (at most 2^53; larger ones
   * go to the general path), and the check on double bounds halved the loop's speed.
   */
  #checkRange = false;
  #length = 0;
  #sized = false;
  #strings: unknown[] = [];
  #records: unknown[][] = [];
  #lo = 0;
  #hi = 0;
  #totalBytes = 0;
  #sawData = false;

  constructor(config: ReaderConfig) {
    this.config = config;
    this.tokenizer = new Tokenizer({
      delimiter: config.delimiter,
      comments: config.comments,
      quote: config.quote,
      maxLineLength: config.maxLineLength,
      maxColumns: config.maxColumns,
    });
    this.#skip = config.skiprows;
    const dtype = config.dtype;
    if (dtype === null) this.#kind = "infer";
    else if (dtype.fields !== null) this.#kind = "struct";
    else this.#kind = kindOf(dtype);
    if (dtype !== null && (dtype.kind === "i" || dtype.kind === "u")) {
      [this.#lo, this.#hi] = intRange(dtype);
    }
    this.#checkRange = this.#kind === "int" && !(dtype!.kind === "i" && dtype!.itemsize === 8);
    this.#wide = this.#kind === "infer" ||
      (this.#kind === "int" && dtype!.itemsize === 8);
    if (this.#wide) this.#words = new Int32Array(2048);
    else this.#values = new Float64Array(1024);
  }

  /** Whether maxRows rows have been read. */
  get done(): boolean {
    return this.config.maxRows >= 0 && this.rows >= this.config.maxRows;
  }

  /**
   * Reads the complete lines of buf[from, limit); returns where the first
   * unread line starts (everything, when final).
   */
  feed(buf: Uint8Array, from: number, limit: number, final: boolean): number {
    this.#totalBytes += limit - from;
    if (this.#totalBytes > this.config.maxBytes) {
      throw new LimitError(
        "maxBytes",
        this.config.maxBytes,
        `the text is longer than ${this.config.maxBytes} bytes`,
        { format: "text", line: this.line },
      );
    }
    let pos = from;
    while (pos < limit && !this.done) {
      if (this.#skip > 0) {
        const next = skipLine(buf, pos, limit, final);
        if (next === NEED_MORE) break;
        this.#skip--;
        this.line++;
        pos = next;
        continue;
      }
      if (this.#canFastPath()) {
        const next = this.#fastLines(buf, pos, limit, final);
        if (next !== pos) {
          pos = next;
          continue;
        }
      }
      const tok = this.tokenizer;
      const next = tok.next(buf, pos, limit, final, this.line);
      if (next === NEED_MORE) break;
      if (tok.count === 0) {
        if (!this.#sawData && this.headerShape === null) this.#headerLine(buf, pos, next);
      } else {
        this.#row(buf, this.line);
      }
      this.line += 1 + tok.extraLines;
      pos = next;
    }
    if (final || this.done) return limit;
    if (limit - pos > this.config.maxLineLength) {
      throw new LimitError(
        "maxLineLength",
        this.config.maxLineLength,
        `line ${this.line} is longer than ${this.config.maxLineLength} bytes`,
        { format: "text", line: this.line },
      );
    }
    this.#totalBytes -= limit - pos;
    return pos;
  }

  #headerLine(buf: Uint8Array, from: number, to: number): void {
    const text = utf8.decode(buf.subarray(from, Math.min(to, from + 4096))).trim();
    for (const marker of this.config.comments) {
      const m = latin1Decoder.decode(marker);
      if (text.startsWith(m)) {
        const shape = parseShapeLine(text.slice(m.length));
        if (shape !== null) this.headerShape = shape;
        return;
      }
    }
  }

  #fail(text: string, what: string, line: number, column: number): MalformedError {
    return new MalformedError(
      "text-bad-value",
      `could not convert "${text}" to ${what} at line ${line}, column ${column}`,
      { format: "text", line, column },
    );
  }

  #setup(count: number, line: number): void {
    const usecols = this.config.usecols;
    this.fileColumns = this.config.fileColumns ?? count;
    this.columns = usecols === null ? count : usecols.length;
    const dtype = this.config.dtype;
    if (this.#kind === "struct") {
      const slots: Slot[] = [];
      for (const field of dtype!.fields!) {
        const base = field.dtype.subarray?.base ?? field.dtype;
        const n = field.dtype.subarray === null
          ? 1
          : field.dtype.subarray.shape.reduce((a, b) => a * b, 1);
        if (base.fields !== null) {
          throw new UnsupportedError("text-dtype", "nested structured dtypes are not supported");
        }
        for (let k = 0; k < n; k++) slots.push({ kind: kindOf(base), dtype: base });
      }
      if (slots.length !== this.columns) {
        throw new MalformedError(
          "text-column-count",
          `the dtype has ${slots.length} fields but line ${line} has ${this.columns} columns`,
          { format: "text", line, column: Math.min(slots.length, this.columns) + 1 },
        );
      }
      this.#slots = slots;
    }
  }

  #ragged(count: number, line: number): MalformedError {
    return new MalformedError(
      "text-ragged",
      `line ${line} has ${count} columns but the rows before it have ${this.fileColumns}`,
      { format: "text", line, column: Math.min(count, this.fileColumns) + 1 },
    );
  }

  #row(buf: Uint8Array, line: number): void {
    const tok = this.tokenizer;
    const count = tok.count;
    if (this.columns < 0) this.#setup(count, line);
    this.#sawData = true;
    const usecols = this.config.usecols;
    if (usecols === null && count !== this.fileColumns) throw this.#ragged(count, line);
    const n = this.columns;
    const kind = this.#kind;
    const record: unknown[] | null = kind === "struct" ? [] : null;
    for (let j = 0; j < n; j++) {
      let c = usecols === null ? j : usecols[j]!;
      if (c < 0) c += count;
      if (c < 0 || c >= count) {
        throw new MalformedError(
          "text-bad-column",
          `line ${line} has ${count} columns, so it has no column ${
            usecols![j]! < 0 ? usecols![j] : usecols![j]! + 1
          }`,
          { format: "text", line, column: count + 1 },
        );
      }
      const src = tok.quoted[c] === 1 ? tok.scratch : buf;
      const s = tok.start[c]!;
      const e = tok.end[c]!;
      const converter = this.config.converters?.(c, count);
      if (converter !== undefined) {
        const text = this.#text(src, s, e);
        let value: unknown;
        try {
          value = converter(text);
        } catch (error) {
          throw new MalformedError(
            "text-converter-failed",
            `the converter of column ${c + 1} failed on "${text}" at line ${line}: ${
              error instanceof Error ? error.message : String(error)
            }`,
            { format: "text", line, column: c + 1, cause: error },
          );
        }
        if (record !== null) record.push(value);
        else this.#storeConverted(value, line, c + 1, text);
        continue;
      }
      if (record !== null) {
        const slot = this.#slots![j]!;
        record.push(this.#parseSlot(slot, src, s, e, line, c + 1));
      } else {
        this.#parseInto(kind, src, s, e, line, c + 1);
      }
    }
    if (record !== null) this.#records.push(record);
    this.rows++;
  }

  #text(src: Uint8Array, s: number, e: number): string {
    return (this.config.latin1 ? latin1Decoder : utf8).decode(src.subarray(s, e));
  }

  #ensure(n: number): void {
    const capacity = this.#wide ? this.#words.length / 2 : this.#values.length;
    if (this.#length + n <= capacity) return;
    let size = Math.max(capacity * 2, 1024);
    while (size < this.#length + n) size *= 2;
    this.#resize(size);
  }

  #resize(size: number): void {
    const bytes = this.config.allocate?.(size * 8) ?? new Uint8Array(size * 8);
    const { buffer, byteOffset } = bytes;
    if (this.#wide) {
      const next = new Int32Array(buffer, byteOffset, size * 2);
      next.set(this.#words.subarray(0, this.#length * 2));
      this.#words = next;
    } else {
      const next = new Float64Array(buffer, byteOffset, size);
      next.set(this.#values.subarray(0, this.#length));
      this.#values = next;
    }
  }

  #push(x: number): void {
    this.#ensure(1);
    if (this.#wide) {
      const i = 2 * this.#length++;
      if (x >= -2147483648 && x < 2147483648) {
        this.#words[i] = x | 0;
        this.#words[i + 1] = x < 0 ? -1 : 0;
      } else {
        const hi = Math.floor(x / 4294967296);
        this.#words[i] = (x - hi * 4294967296) | 0;
        this.#words[i + 1] = hi | 0;
      }
    } else {
      this.#values[this.#length++] = x;
    }
  }

  #pushBig(x: bigint): void {
    if (!this.#wide) {
      this.#push(Number(x));
      return;
    }
    this.#ensure(1);
    const i = 2 * this.#length++;
    const u = BigInt.asUintN(64, x);
    this.#words[i] = Number(u & 0xffffffffn) | 0;
    this.#words[i + 1] = Number(u >> 32n) | 0;
  }

  /** An inferred column turned out to hold floats: the integers so far become doubles. */
  #becomeFloat(): void {
    this.#kind = "float";
    if (!this.#wide) return;
    const words = this.#words;
    const n = this.#length;
    const values = new Float64Array(Math.max(1024, words.length / 2));
    for (let i = 0; i < n; i++) {
      const lo = words[2 * i]! >>> 0;
      const hi = words[2 * i + 1]!;
      values[i] = hi >= -0x200000 && hi < 0x200000
        ? hi * 4294967296 + lo
        : Number(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo)));
    }
    this.#values = values;
    this.#words = new Int32Array(0);
    this.#wide = false;
  }

  #parseInto(kind: Kind, src: Uint8Array, s: number, e: number, line: number, column: number) {
    switch (kind) {
      case "infer": {
        const x = parseIntBytes(src, s, e);
        if (parseStatus === 0) {
          this.#push(x === 0 ? 0 : x);
          return;
        }
        if (parseStatus === BIG) {
          const big = parseBigIntBytes(src, s, e);
          if (big >= -(2n ** 63n) && big < 2n ** 63n) {
            this.#pushBig(big);
            return;
          }
        }
        const f = parseFloatBytes(src, s, e);
        if (parseStatus !== 0) throw this.#fail(this.#text(src, s, e), "a number", line, column);
        this.#becomeFloat();
        this.#push(f);
        return;
      }
      case "float": {
        const f = parseFloatBytes(src, s, e);
        if (parseStatus !== 0) {
          throw this.#fail(this.#text(src, s, e), this.#typeName(), line, column);
        }
        this.#push(f);
        return;
      }
      case "int":
      case "bool": {
        const x = this.#parseInteger(src, s, e, line, column);
        if (typeof x === "bigint") this.#pushBig(x);
        else this.#push(kind === "bool" ? (x !== 0 ? 1 : 0) : x);
        return;
      }
      case "complex": {
        parseComplexBytes(src, s, e);
        if (parseStatus !== 0) {
          throw this.#fail(this.#text(src, s, e), this.#typeName(), line, column);
        }
        this.#ensure(2);
        this.#values[this.#length++] = COMPLEX[0]!;
        this.#values[this.#length++] = COMPLEX[1]!;
        return;
      }
      case "string":
        this.#strings.push(this.#stringValue(src, s, e));
        return;
      default:
        throw new ArgumentError("argument-invalid", `unexpected kind ${kind}`);
    }
  }

  #stringValue(src: Uint8Array, s: number, e: number): string {
    if (this.config.dtype?.kind === "S") return latin1Decoder.decode(src.subarray(s, e));
    return this.#text(src, s, e);
  }

  #typeName(): string {
    const d = this.config.dtype;
    return d === null ? "a number" : d.name;
  }

  #parseInteger(
    src: Uint8Array,
    s: number,
    e: number,
    line: number,
    column: number,
    dtype: DType | null = this.config.dtype,
  ): number | bigint {
    const x = parseIntBytes(src, s, e);
    const [lo, hi] = dtype === this.config.dtype ? [this.#lo, this.#hi] : intRange(dtype!);
    const name = dtype!.name;
    if (parseStatus === 0) {
      if (dtype!.kind === "b" || (x >= lo && x <= hi)) return x === 0 ? 0 : x;
    } else if (parseStatus === BIG && dtype!.itemsize === 8 && dtype!.kind !== "b") {
      const big = parseBigIntBytes(src, s, e);
      const ok = dtype!.kind === "u"
        ? big >= 0n && big < 2n ** 64n
        : big >= -(2n ** 63n) && big < 2n ** 63n;
      if (ok) return big;
    } else if (parseStatus === BIG && dtype!.kind === "b") {
      return 1;
    }
    throw this.#fail(this.#text(src, s, e), name, line, column);
  }

  #parseSlot(
    slot: Slot,
    src: Uint8Array,
    s: number,
    e: number,
    line: number,
    column: number,
  ): unknown {
    switch (slot.kind) {
      case "float": {
        const f = parseFloatBytes(src, s, e);
        if (parseStatus !== 0) {
          throw this.#fail(this.#text(src, s, e), slot.dtype.name, line, column);
        }
        return f;
      }
      case "int":
        return this.#parseInteger(src, s, e, line, column, slot.dtype);
      case "bool":
        return this.#parseInteger(src, s, e, line, column, slot.dtype) !== 0;
      case "complex":
        parseComplexBytes(src, s, e);
        if (parseStatus !== 0) {
          throw this.#fail(this.#text(src, s, e), slot.dtype.name, line, column);
        }
        return { re: COMPLEX[0]!, im: COMPLEX[1]! };
      default:
        return slot.dtype.kind === "S"
          ? latin1Decoder.decode(src.subarray(s, e))
          : this.#text(src, s, e);
    }
  }

  #storeConverted(value: unknown, line: number, column: number, text: string): void {
    const kind = this.#kind;
    if (kind === "string") {
      this.#strings.push(typeof value === "string" ? value : String(value));
      return;
    }
    if (kind === "complex") {
      const v = value as { re?: number; im?: number };
      this.#ensure(2);
      if (typeof value === "number") {
        this.#values[this.#length++] = value;
        this.#values[this.#length++] = 0;
      } else if (typeof v?.re === "number" && typeof v?.im === "number") {
        this.#values[this.#length++] = v.re;
        this.#values[this.#length++] = v.im;
      } else throw this.#fail(text, this.#typeName(), line, column);
      return;
    }
    if (typeof value === "bigint") {
      if (kind === "float") this.#push(Number(value));
      else this.#pushBig(value);
      return;
    }
    if (typeof value === "boolean") {
      this.#push(value ? 1 : 0);
      return;
    }
    if (typeof value === "string") {
      const bytes = new TextEncoder().encode(value);
      this.#parseInto(kind, bytes, 0, bytes.length, line, column);
      return;
    }
    if (typeof value !== "number") throw this.#fail(text, this.#typeName(), line, column);
    if (kind === "infer") this.#becomeFloat();
    if ((kind === "int" || kind === "bool") && !Number.isInteger(value)) {
      throw this.#fail(text, this.#typeName(), line, column);
    }
    this.#push(kind === "bool" ? (value !== 0 ? 1 : 0) : value);
  }

  #canFastPath(): boolean {
    const c = this.config;
    const kind = this.#kind;
    return this.columns > 0 && c.usecols === null && c.quote === -1 && c.converters === null &&
      (kind === "infer" || kind === "float" || kind === "int") &&
      (c.delimiter === null || c.delimiter.length === 1) &&
      c.comments.every((m) => m.length === 1) && c.comments.length <= 2;
  }

  /**
   * The common case in one loop: numbers between single-byte delimiters (or
   * whitespace), one-byte comment markers. Returns where it stopped: at a
   * line it leaves to the general path (or the buffer's unfinished end).
   * Floats and integers have loops of their own, so that each is compiled
   * for one kind of field (a shared loop, run on floats and then on
   * integers in one process, ran integers at a third of the speed).
   */
  #fastLines(buf: Uint8Array, from: number, limit: number, final: boolean): number {
    // Only complete lines (a final \r may yet be followed by \n).
    let end = limit;
    if (!final) {
      while (end > from && buf[end - 1] !== 10 && buf[end - 1] !== 13) end--;
      if (end > 0 && buf[end - 1] === 13 && end === limit) end--;
      while (end > from && buf[end - 1] !== 10 && buf[end - 1] !== 13) end--;
    }
    const n = this.columns;
    const hint = this.config.sizeHint;
    if (!this.#sized && (final || hint !== undefined)) {
      // The whole input is here (or its length is known): size the store
      // once from the first line's length.
      this.#sized = true;
      const remaining = final ? end - from : hint! - (this.#totalBytes - (limit - from));
      let k = from;
      while (k < end && buf[k] !== 10) k++;
      const rows = Math.ceil(remaining / Math.max(1, k - from + 1) * 1.15) + 16;
      this.#ensure(Math.min(rows * n, 1 << 27));
    }
    const c = this.config;
    const whitespace = c.delimiter === null;
    const delim = whitespace ? -1 : c.delimiter![0]!;
    const c1 = c.comments.length > 0 ? c.comments[0]![0]! : -1;
    const c2 = c.comments.length > 1 ? c.comments[1]![0]! : -1;
    const maxRows = c.maxRows < 0 ? Infinity : c.maxRows;
    const startRows = this.rows;
    const kind = this.#kind;
    let at = from;
    for (;;) {
      stoppedForSpace = false;
      if (kind === "float") {
        at = floatLoop(
          buf,
          at,
          end,
          limit,
          final,
          whitespace,
          delim,
          c1,
          c2,
          n,
          maxRows,
          c.maxLineLength,
          this.rows,
          this.#length,
          this.#values,
        );
      } else if (!whitespace) {
        at = delimitedIntLoop(
          buf,
          at,
          end,
          limit,
          final,
          delim,
          c1,
          c2,
          n,
          this.#checkRange,
          this.#lo,
          this.#hi,
          maxRows,
          c.maxLineLength,
          this.rows,
          this.#length,
          this.#values,
          this.#wide ? this.#words : null,
        );
      } else {
        at = intLoop(
          buf,
          at,
          end,
          limit,
          final,
          whitespace,
          delim,
          c1,
          c2,
          n,
          this.#checkRange,
          this.#lo,
          this.#hi,
          maxRows,
          c.maxLineLength,
          this.rows,
          this.#length,
          this.#values,
          this.#wide ? this.#words : null,
        );
      }
      this.#length = stoppedLength;
      this.line += stoppedRows - this.rows;
      this.rows = stoppedRows;
      if (!stoppedForSpace) return at;
      // Grow to what the rest of the input needs at the rate seen so far
      // (doubling a large store would copy it and touch twice the memory).
      const length = this.#length;
      const capacity = this.#wide ? this.#words.length >> 1 : this.#values.length;
      const perByte = ((this.rows - startRows) * n + n) / (at - from + 1);
      const projected = length + Math.ceil((end - at) * perByte * 1.1) + 4 * n;
      this.#resize(Math.max(projected, Math.ceil(capacity * 1.25), length + n, 1024));
    }
  }

  /** The array read so far (call once, at the end). */
  result(): NDArray {
    const rows = this.rows;
    const columns = Math.max(this.columns, rows === 0 ? 1 : 0);
    const kind = this.#kind;
    const dtype = this.config.dtype;
    if (kind === "struct") {
      const out = new NDArray(dtype!, [rows]);
      const fields = dtype!.fields!;
      this.#records.forEach((values, r) => {
        let k = 0;
        const record: Record<string, unknown> = {};
        for (const field of fields) {
          const sub = field.dtype.subarray;
          if (sub === null) {
            record[field.name] = toElement(values[k++], field.dtype);
          } else {
            const n = sub.shape.reduce((a, b) => a * b, 1);
            record[field.name] = nest(
              values.slice(k, k + n).map((v) => toElement(v, sub.base)),
              sub.shape,
            );
            k += n;
          }
        }
        out.set([r], record);
      });
      return out;
    }
    const shape = [rows, columns];
    if (kind === "string") {
      let target = dtype!;
      if (target.itemsize === 0) {
        let longest = 1;
        for (const s of this.#strings as string[]) {
          const n = target.kind === "U" ? [...s].length : s.length;
          if (n > longest) longest = n;
        }
        target = DType.parse(
          `${
            target.byteOrder === ">" ? ">" : target.byteOrder === "|" ? "|" : "<"
          }${target.kind}${longest}`,
        );
      }
      const out = new NDArray(target, shape);
      const strings = this.#strings;
      for (let i = 0; i < strings.length; i++) {
        out.set([Math.floor(i / columns), i % columns], strings[i]);
      }
      return out;
    }
    const count = rows * columns;
    const values = this.#values;
    if (kind === "infer" && rows === 0) {
      return new NDArray("<f8", shape);
    }
    if (this.#wide) {
      const words = this.#words;
      const bytes = count * 8 < words.byteLength * 0.5
        ? new Uint8Array(words.buffer.slice(words.byteOffset, words.byteOffset + count * 8))
        : new Uint8Array(words.buffer, words.byteOffset, count * 8);
      return finish(
        new NDArray(kind === "infer" ? "<i8" : dtype!.toNative(), shape, { data: bytes }),
        dtype,
      );
    }
    if (kind === "float" && (dtype === null || (dtype.itemsize === 8 && dtype.kind === "f"))) {
      const bytes = count * 8 < values.byteLength * 0.5
        ? new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + count * 8))
        : new Uint8Array(values.buffer, values.byteOffset, count * 8);
      return finish(new NDArray("<f8", shape, { data: bytes }), dtype);
    }
    const target = dtype!.toNative();
    const out = new NDArray(target, shape);
    if (kind === "complex") {
      const typed = out.toTypedArray() as Float64Array | Float32Array;
      typed.set(values.subarray(0, 2 * count));
      return finish(out, dtype);
    }
    if (target.kind === "b") {
      for (let i = 0; i < count; i++) out.data[i] = values[i]! !== 0 ? 1 : 0;
      return finish(out, dtype);
    }
    if (target.kind === "f" && target.itemsize === 2) {
      // No Float16Array everywhere: element by element through core.
      for (let i = 0; i < count; i++) out.set([Math.floor(i / columns), i % columns], values[i]!);
      return finish(out, dtype);
    }
    const typed = out.toTypedArray() as Float64Array;
    typed.set(values.subarray(0, count));
    return finish(out, dtype);
  }
}

/**
 * Integers between single-byte delimiters, as np.savetxt writes them: the
 * tightest loop (no whitespace mode; digits read until a byte that is not
 * one, reads past `end` giving undefined). A plain function of numbers and
 * typed arrays, so that its optimized code holds nothing a garbage
 * collection can take away (code that held the reader's map was thrown
 * away after every collection). Stops, with `stoppedForSpace`, when the
 * store is full.
 */
function delimitedIntLoop(
  buf: Uint8Array,
  from: number,
  end: number,
  limit: number,
  final: boolean,
  delim: number,
  c1: number,
  c2: number,
  n: number,
  isInt: boolean,
  lo: number,
  hi: number,
  maxRows: number,
  maxLine: number,
  rows: number,
  length: number,
  values: Float64Array,
  words: Int32Array | null,
): number {
  const wide = words !== null;
  const capacity = wide ? words.length >> 1 : values.length;
  const text = end === buf.length ? buf : buf.subarray(0, end);
  let pos = from;
  while (pos < end) {
    if (rows >= maxRows) return stop(pos, rows, length);
    const lineStart = pos;
    if (length + n > capacity) return stop(pos, rows, length, true);
    let i = pos;
    let k = 0;
    let b = 0;
    for (;;) {
      const fieldStart = i;
      b = text[i]!;
      let negative = false;
      if (b === 45) {
        negative = true;
        b = text[++i]!;
      }
      const digitsStart = i;
      let value = 0;
      while (b >= 48 && b <= 57) {
        value = value * 10 + (b - 48);
        b = text[++i]!;
      }
      let x = negative ? 0 - value : value;
      const digits = i - digitsStart;
      if (
        digits === 0 || digits > 15 ||
        !(b === delim || b === 10 || b === 13 || i >= end || b === c1 || b === c2)
      ) {
        // Not a plain integer ("+5", " 5", "1e3"): find the field's end
        // and let the full parser decide.
        i = fieldStart;
        while (i < end) {
          b = buf[i]!;
          if (b === delim || b === 10 || b === 13 || b === c1 || b === c2) break;
          i++;
        }
        if (i === fieldStart) return stop(lineStart, rows, length);
        x = parseIntBytes(buf, fieldStart, i);
        // Failures, big integers and (when inferring) floats: the general path decides.
        if (parseStatus !== 0) return stop(lineStart, rows, length);
      }
      if (k >= n || (isInt && (x < lo || x > hi))) {
        return stop(lineStart, rows, length);
      }
      if (wide) {
        const at = 2 * (length + k);
        if (x < 2147483648 && x >= -2147483648) {
          words![at] = x | 0;
          words![at + 1] = x < 0 ? -1 : 0;
        } else {
          const high = Math.floor(x / 4294967296);
          words![at] = (x - high * 4294967296) | 0;
          words![at + 1] = high | 0;
        }
      } else {
        values[length + k] = x;
      }
      k++;
      if (i >= end || b !== delim) break;
      i++;
    }
    if (k !== n) return stop(lineStart, rows, length);
    // The line ends here: a line break, the input's end, or a comment.
    let j = i;
    if (j < end && b !== 10 && b !== 13) {
      while (j < end && buf[j] !== 10 && buf[j] !== 13) j++;
    }
    if (j - lineStart > maxLine) return stop(lineStart, rows, length);
    if (j < end && buf[j] === 13) {
      if (j + 1 < limit && buf[j + 1] === 10) j++;
      else if (j + 1 >= limit && !final) return stop(lineStart, rows, length);
    }
    pos = j < end ? j + 1 : end;
    length += n;
    rows++;
  }
  return stop(pos, rows, length);
}

/** The fast loop for float columns (a plain function, as {@linkcode delimitedIntLoop}). */
/** The fast loop for integer columns (and inferred ones until a float shows up), as {@linkcode delimitedIntLoop} but any delimiter or whitespace. */
function intLoop(
  buf: Uint8Array,
  from: number,
  end: number,
  limit: number,
  final: boolean,
  whitespace: boolean,
  delim: number,
  c1: number,
  c2: number,
  n: number,
  isInt: boolean,
  lo: number,
  hi: number,
  maxRows: number,
  maxLine: number,
  rows: number,
  length: number,
  values: Float64Array,
  words: Int32Array | null,
): number {
  const wide = words !== null;
  const capacity = wide ? words.length >> 1 : values.length;
  let pos = from;
  while (pos < end) {
    if (rows >= maxRows) return stop(pos, rows, length);
    const lineStart = pos;
    if (length + n > capacity) return stop(pos, rows, length, true);
    let i = pos;
    let k = 0;
    let b = -1;
    for (;;) {
      if (whitespace) { while (i < end && ((b = buf[i]!) === 32 || b === 9)) i++; }
      const fieldStart = i;
      let x: number;
      // Digits accumulate on the way: a plain integer needs no second pass.
      let value = 0;
      let negative = false;
      if (i < end && buf[i] === 45) {
        negative = true;
        i++;
      }
      const digitsStart = i;
      b = -1;
      while (i < end) {
        b = buf[i]!;
        if (b >= 48 && b <= 57) {
          value = value * 10 + (b - 48);
          i++;
        } else break;
      }
      const digits = i - digitsStart;
      let plain = true;
      if (i < end) {
        // Anything but a field end makes the field non-plain: find its end.
        if (
          !(b === delim || b === 10 || b === 13 || b === c1 || b === c2 ||
            (whitespace && (b === 32 || b === 9)))
        ) {
          plain = false;
          while (++i < end) {
            b = buf[i]!;
            if (b === delim || b === 10 || b === 13 || b === c1 || b === c2) break;
            if (whitespace && (b === 32 || b === 9)) break;
          }
        }
      }
      if (i >= end) b = -1;
      const fieldEnd = i;
      if (fieldEnd === fieldStart) {
        // An empty or comment line goes to the general path; in whitespace
        // mode an empty field after blanks just ends the line.
        if (k === 0 || !whitespace) return stop(lineStart, rows, length);
        break;
      }
      if (k >= n) return stop(lineStart, rows, length); // ragged: the general path reports it
      if (plain && digits > 0 && digits <= 15) {
        x = negative ? 0 - value : value;
        if (isInt && (x < lo || x > hi)) return stop(lineStart, rows, length);
      } else {
        x = parseIntBytes(buf, fieldStart, fieldEnd);
        // Failures, big integers and (when inferring) floats: the general path decides.
        if (parseStatus !== 0 || (isInt && (x < lo || x > hi))) {
          return stop(lineStart, rows, length);
        }
      }
      if (wide) {
        const at = 2 * (length + k);
        if (x < 2147483648 && x >= -2147483648) {
          words![at] = x | 0;
          words![at + 1] = x < 0 ? -1 : 0;
        } else {
          const high = Math.floor(x / 4294967296);
          words![at] = (x - high * 4294967296) | 0;
          words![at + 1] = high | 0;
        }
      } else {
        values[length + k] = x;
      }
      k++;
      if (b === delim && delim !== -1) {
        i++;
        continue;
      }
      if (whitespace && (b === 32 || b === 9)) continue;
      break;
    }
    if (k !== n) return stop(lineStart, rows, length);
    // Skip a comment to the line's end, then the line break.
    let j = i;
    while (j < end && buf[j] !== 10 && buf[j] !== 13) j++;
    if (j - lineStart > maxLine) return stop(lineStart, rows, length);
    if (j < end && buf[j] === 13) {
      if (j + 1 < limit && buf[j + 1] === 10) j++;
      else if (j + 1 >= limit && !final) return stop(lineStart, rows, length);
    }
    pos = j < end ? j + 1 : end;
    length += n;
    rows++;
  }
  return stop(pos, rows, length);
}

function floatLoop(
  buf: Uint8Array,
  from: number,
  end: number,
  limit: number,
  final: boolean,
  whitespace: boolean,
  delim: number,
  c1: number,
  c2: number,
  n: number,
  maxRows: number,
  maxLine: number,
  rows: number,
  length: number,
  values: Float64Array,
): number {
  const capacity = values.length;
  let pos = from;
  while (pos < end) {
    if (rows >= maxRows) return stop(pos, rows, length);
    const lineStart = pos;
    if (length + n > capacity) return stop(pos, rows, length, true);
    let i = pos;
    let k = 0;
    let b = -1;
    for (;;) {
      if (whitespace) { while (i < end && ((b = buf[i]!) === 32 || b === 9)) i++; }
      const fieldStart = i;
      // One pass: the number, then what follows it must end the field.
      i = parseDecimalPrefix(buf, i, end);
      let x = DECIMAL[0]!;
      b = i < end ? buf[i]! : -1;
      if (
        parseStatus !== 0 ||
        !(b === delim || b === 10 || b === 13 || b === -1 || b === c1 || b === c2 ||
          (whitespace && (b === 32 || b === 9)))
      ) {
        // Not a plain decimal (inf, nan, a hex float, junk): find the
        // field's end and let the full parser decide.
        i = fieldStart;
        while (i < end) {
          b = buf[i]!;
          if (b === delim || b === 10 || b === 13 || b === c1 || b === c2) break;
          if (whitespace && (b === 32 || b === 9)) break;
          i++;
        }
        if (i >= end) b = -1;
        if (i === fieldStart) {
          if (k === 0 || !whitespace) return stop(lineStart, rows, length);
          break;
        }
        x = parseFloatBytes(buf, fieldStart, i);
        if (parseStatus !== 0) return stop(lineStart, rows, length);
      }
      if (k >= n) return stop(lineStart, rows, length); // ragged: the general path reports it
      values[length + k] = x;
      k++;
      if (b === delim && delim !== -1) {
        i++;
        continue;
      }
      if (whitespace && (b === 32 || b === 9)) continue;
      break;
    }
    if (k !== n) return stop(lineStart, rows, length);
    // Skip a comment to the line's end, then the line break.
    let j = i;
    while (j < end && buf[j] !== 10 && buf[j] !== 13) j++;
    if (j - lineStart > maxLine) return stop(lineStart, rows, length);
    if (j < end && buf[j] === 13) {
      if (j + 1 < limit && buf[j + 1] === 10) j++;
      else if (j + 1 >= limit && !final) return stop(lineStart, rows, length);
    }
    pos = j < end ? j + 1 : end;
    length += n;
    rows++;
  }
  return stop(pos, rows, length);
}

function finish(array: NDArray, dtype: DType | null): NDArray {
  if (dtype === null || dtype.isNative || dtype.byteOrder === "|") return array;
  return array.withByteOrder(dtype.byteOrder as "<" | ">");
}

function toElement(value: unknown, dtype: DType): unknown {
  if (dtype.kind === "c" && typeof value === "object" && value !== null) {
    const v = value as { re: number; im: number };
    return new Complex(v.re, v.im);
  }
  if (
    (dtype.kind === "i" || dtype.kind === "u") && dtype.itemsize === 8 && typeof value === "number"
  ) {
    return BigInt(value);
  }
  return value;
}

function nest(values: unknown[], shape: readonly number[]): unknown {
  if (shape.length <= 1) return values;
  const step = values.length / shape[0]!;
  const out: unknown[] = [];
  for (let i = 0; i < shape[0]!; i++) {
    out.push(nest(values.slice(i * step, (i + 1) * step), shape.slice(1)));
  }
  return out;
}

function kindOf(dtype: DType): Kind {
  switch (dtype.kind) {
    case "f":
      if (dtype.itemsize > 8) break;
      return "float";
    case "i":
    case "u":
      return "int";
    case "b":
      return "bool";
    case "c":
      if (dtype.itemsize > 16) break;
      return "complex";
    case "U":
    case "S":
      return "string";
  }
  throw new UnsupportedError("text-dtype", `text cannot be read as dtype "${dtype.str}"`);
}

/** Skips one raw line; returns the next line's start or NEED_MORE. */
function skipLine(buf: Uint8Array, pos: number, limit: number, final: boolean): number {
  let k = pos;
  while (k < limit && buf[k] !== 10 && buf[k] !== 13) k++;
  if (k >= limit) return final ? limit : NEED_MORE;
  if (buf[k] === 13) {
    if (k + 1 < limit) return buf[k + 1] === 10 ? k + 2 : k + 1;
    return final ? limit : NEED_MORE;
  }
  return k + 1;
}
