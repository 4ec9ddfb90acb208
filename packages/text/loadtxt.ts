/**
 * Reading delimited text into arrays, as `np.loadtxt` does.
 *
 * @module
 */

import { ArgumentError, type Descr, DType, type NDArray } from "@ndio/core";
import { type Converter, type ReaderConfig, TableReader } from "./_table_reader.ts";

/** Options of {@linkcode loadtxt}, named after `np.loadtxt`'s parameters. */
export interface LoadtxtOptions {
  /**
   * The dtype of the result: numeric (including complex and bool), strings
   * (`"U"`/`"S"` without a size take the longest field), or structured (one
   * column per field, subarray fields take several). Without one, the result
   * is int64 when every field is an integer, else float64 (NumPy's loadtxt
   * always defaults to float64: pass `dtype: "float64"` for that).
   */
  readonly dtype?: DType | Descr | null;
  /** The field delimiter; null or absent for runs of whitespace. */
  readonly delimiter?: string | null;
  /** Comment markers (default `"#"`); null for none. */
  readonly comments?: string | readonly string[] | null;
  /** How many lines to skip first, comment lines included (default 0). */
  readonly skiprows?: number;
  /** Which columns to read (negative counts from the end). */
  readonly usecols?: number | readonly number[] | null;
  /** Read at most this many rows of data (comment and empty lines do not count). */
  readonly maxRows?: number | null;
  /** The quote character: delimiters and newlines inside quotes are text; `""` is `"`. */
  readonly quotechar?: string | null;
  /** Return the transpose, so each row of the result is a column of the file. */
  readonly unpack?: boolean;
  /** The result has at least this many dimensions (0, 1 or 2; default 0). */
  readonly ndmin?: 0 | 1 | 2;
  /**
   * Converters of the field text: one for every column, or per column
   * index (as in the file). Their results fill the column: numbers, bigints,
   * booleans or strings (parsed again).
   */
  readonly converters?: Converter | Readonly<Record<number, Converter>> | null;
  /** The text encoding of byte input: `"utf-8"` (default) or `"latin1"`. */
  readonly encoding?: "utf-8" | "latin1";
  /**
   * Restore the shape from a `shape: (...)` or `Original shape: (...)` header
   * comment when its element count matches the table, row-major (default true).
   */
  readonly restoreShape?: boolean;
  /** The longest line accepted, in bytes (default 64 MiB). */
  readonly maxLineLength?: number;
  /** The most columns a line may have (default 1,000,000). */
  readonly maxColumns?: number;
  /** The most bytes of text read (default unlimited: 2^53 - 1). */
  readonly maxBytes?: number;
}

const encoder = new TextEncoder();

/**
 * Reads delimited text into an array, as `np.loadtxt` does (see
 * {@linkcode LoadtxtOptions} for the one deliberate difference: the
 * default dtype). Bad input is a `MalformedError` naming the line and the
 * column (both 1-based) and the text found.
 *
 * A `shape: (...)` header comment, as {@linkcode savetxt} writes for arrays
 * of more than two dimensions (or the seed's `Original shape: (...)`),
 * restores the shape.
 *
 * @example
 * ```ts
 * import { loadtxt } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const a = loadtxt("1\t2\n3\t4\n", { delimiter: "\t" });
 * assert.equal(a.dtype.str, "<i8");
 * assert.deepEqual(a.toNested(), [[1n, 2n], [3n, 4n]]);
 *
 * const b = loadtxt("# shape: (2, 1, 2)\n1.5 2\n3 4\n");
 * assert.deepEqual(b.shape, [2, 1, 2]);
 * assert.equal(b.get(0, 0, 0), 1.5);
 * ```
 *
 * @param input The text, its bytes, or a byte stream's chunks already in memory.
 * @param options dtype, delimiter, comments, skiprows, usecols, ...
 * @returns The array.
 */
export function loadtxt(input: string | Uint8Array, options?: LoadtxtOptions): NDArray {
  const config = readerConfig(options, "loadtxt");
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError("argument-invalid", "loadtxt takes a string or a Uint8Array");
  }
  const reader = new TableReader(config);
  reader.feed(bytes, 0, bytes.length, true);
  return shapeResult(reader, options);
}

/**
 * Reads delimited text from a byte stream with bounded memory: only the
 * unfinished last line is kept between chunks (besides the result).
 *
 * @example
 * ```ts
 * import { loadtxtStream } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const stream = new Blob(["1,2\n", "3,", "4\n"]).stream();
 * const a = await loadtxtStream(stream, { delimiter: ",", dtype: "<f8" });
 * assert.deepEqual(a.toNested(), [[1, 2], [3, 4]]);
 * ```
 *
 * @param stream The bytes.
 * @param options As {@linkcode loadtxt}.
 * @returns The array.
 */
export async function loadtxtStream(
  stream: ReadableStream<Uint8Array>,
  options?: LoadtxtOptions,
): Promise<NDArray> {
  const config = readerConfig(options, "loadtxt");
  const reader = new TableReader(config);
  await feedStream(reader, stream);
  return shapeResult(reader, options);
}

/** Feeds a stream to a reader, carrying unfinished lines between chunks. */
export async function feedStream(
  reader: TableReader,
  stream: ReadableStream<Uint8Array>,
): Promise<void> {
  const source = stream.getReader();
  let carry = new Uint8Array(0);
  try {
    for (;;) {
      const { done, value } = await source.read();
      if (done) break;
      if (reader.done) continue;
      let buf = value;
      if (carry.length > 0) {
        buf = new Uint8Array(carry.length + value.length);
        buf.set(carry);
        buf.set(value, carry.length);
      }
      const used = reader.feed(buf, 0, buf.length, false);
      carry = buf.slice(used);
    }
    reader.feed(carry, 0, carry.length, true);
  } finally {
    source.releaseLock();
  }
}

function bytesOf(text: string, what: string): Uint8Array {
  if (typeof text !== "string" || text.length === 0) {
    throw new ArgumentError("argument-invalid", `${what} must be a non-empty string`);
  }
  return encoder.encode(text);
}

function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new ArgumentError("argument-invalid", `${name} must be a non-negative integer`);
  }
  return value;
}

const DTYPE_ALIASES: Record<string, string> = {
  float: "<f8",
  int: "<i8",
  complex: "<c16",
  bool: "|b1",
  str: "<U0",
  bytes: "|S0",
};

/** Parses loadtxt-style options into the reader's configuration. */
export function readerConfig(options: LoadtxtOptions | undefined, what: string): ReaderConfig {
  const o = options ?? {};
  let dtype: DType | null = null;
  if (o.dtype !== undefined && o.dtype !== null) {
    const d = o.dtype;
    dtype = DType.parse(
      typeof d === "string" && Object.hasOwn(DTYPE_ALIASES, d) ? DTYPE_ALIASES[d]! : d,
    );
  }
  const delimiter = o.delimiter === undefined || o.delimiter === null
    ? null
    : bytesOf(o.delimiter, "delimiter");
  if (delimiter !== null && (delimiter.includes(10) || delimiter.includes(13))) {
    throw new ArgumentError("argument-invalid", "the delimiter cannot contain a line break");
  }
  const markers = o.comments === undefined
    ? ["#"]
    : o.comments === null
    ? []
    : typeof o.comments === "string"
    ? [o.comments]
    : [...o.comments];
  const comments = markers.map((m) => bytesOf(m, "each comment marker"));
  let quote = -1;
  if (o.quotechar !== undefined && o.quotechar !== null) {
    const q = bytesOf(o.quotechar, "quotechar");
    if (q.length !== 1) {
      throw new ArgumentError("argument-invalid", "quotechar must be a single ASCII character");
    }
    quote = q[0]!;
  }
  let usecols: number[] | null = null;
  if (o.usecols !== undefined && o.usecols !== null) {
    usecols = typeof o.usecols === "number" ? [o.usecols] : [...o.usecols];
    if (usecols.some((c) => !Number.isSafeInteger(c))) {
      throw new ArgumentError("argument-invalid", "usecols must be integers");
    }
  }
  const maxRows = o.maxRows === undefined || o.maxRows === null
    ? -1
    : nonNegative(o.maxRows, "maxRows", -1);
  let converters: ReaderConfig["converters"] = null;
  if (typeof o.converters === "function") {
    const f = o.converters;
    converters = () => f;
  } else if (o.converters !== undefined && o.converters !== null) {
    const table = o.converters as Readonly<Record<number, Converter>>;
    const keys = Object.keys(table).map(Number);
    for (const k of keys) {
      if (!Number.isSafeInteger(k) || typeof table[k] !== "function") {
        throw new ArgumentError(
          "argument-invalid",
          "converters must map column numbers to functions",
        );
      }
    }
    if (keys.length > 0) {
      // Negative keys count from the end of each line.
      converters = (column, width) => table[column] ?? table[column - width];
    }
  }
  if (o.encoding !== undefined && o.encoding !== "utf-8" && o.encoding !== "latin1") {
    throw new ArgumentError(
      "argument-invalid",
      `the encoding "${o.encoding}" is not supported (use "utf-8" or "latin1")`,
    );
  }
  if (o.ndmin !== undefined && o.ndmin !== 0 && o.ndmin !== 1 && o.ndmin !== 2) {
    throw new ArgumentError("argument-invalid", `ndmin must be 0, 1 or 2, not ${o.ndmin}`);
  }
  return {
    dtype,
    delimiter,
    comments,
    quote,
    skiprows: nonNegative(o.skiprows, "skiprows", 0),
    usecols,
    maxRows,
    converters,
    latin1: o.encoding === "latin1",
    maxLineLength: nonNegative(o.maxLineLength, "maxLineLength", 64 * 1024 * 1024),
    maxColumns: nonNegative(o.maxColumns, "maxColumns", 1_000_000),
    maxBytes: nonNegative(o.maxBytes, "maxBytes", Number.MAX_SAFE_INTEGER),
    what,
  };
}

/** The header shape, ndmin and unpack applied to the reader's result. */
export function shapeResult(reader: TableReader, options: LoadtxtOptions | undefined): NDArray {
  let array = reader.result();
  const ndmin = options?.ndmin ?? 0;
  const shape = reader.headerShape;
  const restored = options?.restoreShape !== false && shape !== null &&
    array.dtype.fields === null && array.ndim === 2 && shape.length >= 1 &&
    // Row-major like NumPy's reshape: the seed writes (100, 100, 100) as 10 columns.
    shape.reduce((a, b) => a * b, 1) === array.size;
  if (restored) {
    array = array.reshape(shape);
  } else {
    if (array.ndim > ndmin) array = squeeze(array);
    if (array.ndim < ndmin) {
      if (ndmin === 1) array = array.reshape([array.size]);
      else array = array.reshape(array.ndim === 0 ? [1, 1] : [array.size, 1]);
    }
  }
  if (options?.unpack === true) {
    if (array.dtype.fields !== null) {
      throw new ArgumentError(
        "argument-invalid",
        "unpack with a structured dtype: read the fields of the result instead",
      );
    }
    array = array.transpose();
  }
  return array;
}

function squeeze(array: NDArray): NDArray {
  return array.reshape(array.shape.filter((d) => d !== 1));
}
