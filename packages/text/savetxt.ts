/**
 * Writing arrays as delimited text, byte for byte as `np.savetxt` does.
 *
 * @module
 */

import { ArgumentError, type DType, NDArray, UnsupportedError } from "@ndio/core";
import { ByteWriter, encodeText } from "./_byte_writer.ts";
import {
  type FloatType,
  parseFormat,
  pyBytesRepr,
  pyFloatStr,
  pyStrRepr,
  type Spec,
  writeFloat,
  writeInteger,
  writeString,
} from "./_printf.ts";
import { formatShape } from "./_shape_header.ts";

/** Options of {@linkcode savetxt}, named after `np.savetxt`'s parameters. */
export interface SavetxtOptions {
  /**
   * A printf-style format: one spec for every column (default `"%.18e"`), a
   * list with one spec per column, or a string with a spec for every column
   * (two per column for complex input).
   */
  readonly fmt?: string | readonly string[];
  /** Between columns (default `" "`). */
  readonly delimiter?: string;
  /** After every line (default `"\n"`). */
  readonly newline?: string;
  /** Text written first, each line prefixed with `comments` (default none). */
  readonly header?: string;
  /** Text written last, each line prefixed with `comments` (default none). */
  readonly footer?: string;
  /** Prefix of header and footer lines (default `"# "`). */
  readonly comments?: string;
  /** The byte encoding of {@linkcode savetxtBytes} and streams: `"utf-8"` (default) or `"latin1"`. */
  readonly encoding?: "utf-8" | "latin1";
  /** For arrays of more than two dimensions: write the `shape: (...)` header line (default true). */
  readonly shapeHeader?: boolean;
}

/** Options of {@linkcode savetxtChunks} and {@linkcode savetxtStream}. */
export interface SavetxtStreamOptions extends SavetxtOptions {
  /** About how many bytes each chunk holds (default 1 MiB). */
  readonly chunkBytes?: number;
}

type ValueWriter = (w: ByteWriter, spec: Spec, row: number) => void;

interface Plan {
  readonly rows: number;
  readonly writers: ValueWriter[];
  readonly specs: Spec[];
  readonly literals: Uint8Array[];
  readonly newline: Uint8Array;
  readonly complex: boolean;
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
  readonly latin1: boolean;
  /** Set when every value is an integer printed with a plain %d: the fast path's data. */
  readonly plainInts: PlainInts | null;
}

interface PlainInts {
  /** The elements, or for 64-bit integers their 32-bit halves. */
  readonly values: Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
  readonly wide: boolean;
  readonly signed: boolean;
}

const decoder = new TextDecoder();

/**
 * Formats an array as `np.savetxt` writes it, and returns the text.
 *
 * 1-D arrays are written one value per line, 2-D arrays one row per line,
 * 1-D structured arrays one record per line. Arrays of more than two
 * dimensions (which NumPy refuses) are written as rows of their last axis
 * under a `shape: (...)` header line that {@linkcode loadtxt} reads back.
 *
 * @example
 * ```ts
 * import { array } from "@ndio/core";
 * import { savetxt } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const a = array([[1, 2], [3, 4]], { dtype: "<i8" });
 * assert.equal(savetxt(a, { fmt: "%d", delimiter: "," }), "1,2\n3,4\n");
 * assert.equal(savetxt(array([0.5], { dtype: "<f8" })), "5.000000000000000000e-01\n");
 * ```
 *
 * @param array The array.
 * @param options Format, delimiter, newline, header, footer, comments.
 * @returns The text.
 */
export function savetxt(array: NDArray, options?: SavetxtOptions): string {
  return decoder.decode(savetxtBytes(array, { ...options, encoding: "utf-8" }));
}

/**
 * Formats an array as `np.savetxt` writes it, as bytes (UTF-8 by default).
 *
 * @example
 * ```ts
 * import { array } from "@ndio/core";
 * import { savetxtBytes } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const bytes = savetxtBytes(array([1.5, -2], { dtype: "<f8" }), { fmt: "%g" });
 * assert.equal(new TextDecoder().decode(bytes), "1.5\n-2\n");
 * ```
 *
 * @param array The array.
 * @param options Format, delimiter, newline, header, footer, comments, encoding.
 * @returns The encoded text.
 */
export function savetxtBytes(array: NDArray, options?: SavetxtOptions): Uint8Array {
  const plan = makePlan(array, options);
  const w = new ByteWriter(1 << 20, plan.latin1, estimateBytes(plan));
  w.bytes(plan.head);
  writeRows(w, plan, 0, plan.rows);
  w.bytes(plan.tail);
  return w.take();
}

/**
 * The text in chunks of about `chunkBytes`, for arrays too large to format
 * in one piece.
 *
 * @example
 * ```ts
 * import { arange } from "@ndio/core";
 * import { savetxtChunks } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const chunks = [...savetxtChunks(arange(1000), { fmt: "%d", chunkBytes: 100 })];
 * assert.ok(chunks.length > 10);
 * ```
 *
 * @param array The array.
 * @param options As {@linkcode savetxtBytes}, plus the chunk size.
 * @returns A generator of byte chunks.
 */
export function* savetxtChunks(
  array: NDArray,
  options?: SavetxtStreamOptions,
): Generator<Uint8Array, void, undefined> {
  const plan = makePlan(array, options);
  const chunkBytes = Math.max(1, options?.chunkBytes ?? 1 << 20);
  const w = new ByteWriter(Math.min(chunkBytes, 1 << 20), plan.latin1);
  w.bytes(plan.head);
  const step = Math.max(1, Math.floor(chunkBytes / Math.max(1, plan.writers.length * 8)));
  for (let row = 0; row < plan.rows;) {
    const end = Math.min(plan.rows, row + step);
    writeRows(w, plan, row, end);
    row = end;
    if (w.length >= chunkBytes) yield w.take();
  }
  w.bytes(plan.tail);
  if (w.length > 0) yield w.take();
}

/**
 * The text as a byte stream, formatted as the consumer pulls.
 *
 * @example
 * ```ts
 * import { arange } from "@ndio/core";
 * import { savetxtStream } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const text = await new Response(savetxtStream(arange(3), { fmt: "%d" })).text();
 * assert.equal(text, "0\n1\n2\n");
 * ```
 *
 * @param array The array.
 * @param options As {@linkcode savetxtChunks}.
 * @returns A stream of byte chunks.
 */
export function savetxtStream(
  array: NDArray,
  options?: SavetxtStreamOptions,
): ReadableStream<Uint8Array> {
  const chunks = savetxtChunks(array, options);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

const LOW_HALF = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** The %d fast path: integers straight from their typed array into the buffer. */
function writeIntRows(
  w: ByteWriter,
  plan: Plan,
  ints: PlainInts,
  from: number,
  to: number,
): void {
  const { literals, newline } = plan;
  const n = plan.writers.length;
  const values = ints.values;
  const wide = ints.wide;
  const signed = ints.signed;
  let maxLiteral = newline.length;
  for (const lit of literals) maxLiteral = Math.max(maxLiteral, lit.length);
  const rowBytes = n * (21 + maxLiteral) + maxLiteral + newline.length;
  for (let row = from; row < to; row++) {
    w.ensure(rowBytes);
    const buf = w.buf;
    let pos = w.pos;
    for (let k = 0; k < n; k++) {
      const lit = literals[k]!;
      for (let j = 0; j < lit.length; j++) buf[pos++] = lit[j]!;
      const i = row * n + k;
      let x: number;
      if (wide) {
        const lo = values[2 * i + LOW_HALF]! >>> 0;
        const hi = values[2 * i + 1 - LOW_HALF]!;
        if (hi === 0 && lo < 0x80000000) {
          x = lo;
        } else if (hi === -1 && signed && lo >= 0x80000000) {
          x = lo - 4294967296;
        } else if (signed ? hi >= -0x200000 && hi < 0x200000 : hi >= 0 && hi < 0x200000) {
          x = hi * 4294967296 + lo;
        } else {
          const big = (BigInt(hi >>> 0) << 32n) | BigInt(lo);
          const text = (signed ? BigInt.asIntN(64, big) : big).toString();
          for (let j = 0; j < text.length; j++) buf[pos++] = text.charCodeAt(j);
          continue;
        }
      } else {
        x = values[i]!;
      }
      pos = putInt(buf, pos, x);
    }
    const last = literals[n]!;
    for (let j = 0; j < last.length; j++) buf[pos++] = last[j]!;
    for (let j = 0; j < newline.length; j++) buf[pos++] = newline[j]!;
    w.pos = pos;
  }
}

/** Writes a safe integer in decimal at pos; returns the new position. */
function putInt(buf: Uint8Array, pos: number, x: number): number {
  if (x < 0) {
    buf[pos++] = 45;
    x = -x;
  }
  if (x < 10) {
    buf[pos] = 48 + x;
    return pos + 1;
  }
  if (x < 100) {
    buf[pos] = PAIRS[2 * x]!;
    buf[pos + 1] = PAIRS[2 * x + 1]!;
    return pos + 2;
  }
  let len = 3;
  if (x < 2147483648) {
    if (x >= 1000) {
      len = x < 10000
        ? 4
        : x < 100000
        ? 5
        : x < 1000000
        ? 6
        : x < 1e7
        ? 7
        : x < 1e8
        ? 8
        : x < 1e9
        ? 9
        : 10;
    }
    let v = x | 0;
    let end = pos + len;
    const stop = end;
    while (v >= 100) {
      const q = (v / 100) | 0;
      const r = (v - q * 100) << 1;
      buf[--end] = PAIRS[r + 1]!;
      buf[--end] = PAIRS[r]!;
      v = q;
    }
    if (v >= 10) {
      buf[--end] = PAIRS[2 * v + 1]!;
      buf[--end] = PAIRS[2 * v]!;
    } else {
      buf[--end] = 48 + v;
    }
    return stop;
  }
  const text = String(x);
  for (let j = 0; j < text.length; j++) buf[pos++] = text.charCodeAt(j);
  return pos;
}

/** About how many bytes the text takes, to size the output buffer once. */
function estimateBytes(plan: Plan): number {
  let perRow = plan.newline.length;
  for (const lit of plan.literals) perRow += lit.length;
  for (const spec of plan.specs) {
    const precision = spec.precision < 0 ? 6 : spec.precision;
    const body = spec.conv === "e" || spec.conv === "E"
      ? precision + 7
      : spec.conv === "f" || spec.conv === "F"
      ? precision + 4
      : spec.conv === "g" || spec.conv === "G"
      ? Math.min(precision, 17) + 5
      : 4;
    perRow += Math.max(spec.width, body);
  }
  const total = plan.head.length + plan.tail.length + plan.rows * perRow * 1.02 + 64;
  return Math.min(Math.ceil(total), 1 << 30);
}

function writeRows(out: ByteWriter, plan: Plan, from: number, to: number): void {
  if (plan.plainInts !== null) {
    writeIntRows(out, plan, plan.plainInts, from, to);
    return;
  }
  const { writers, specs, literals, newline, complex } = plan;
  const n = writers.length;
  // Complex rows are built apart so the '+-' fix-up sees the whole row in one buffer.
  const w = complex ? new ByteWriter(1 << 12, plan.latin1) : out;
  for (let row = from; row < to; row++) {
    for (let k = 0; k < n; k++) {
      const lit = literals[k]!;
      if (lit.length > 0) writeSmall(w, lit);
      writers[k]!(w, specs[k]!, row);
    }
    const last = literals[n]!;
    if (last.length > 0) writeSmall(w, last);
    writeSmall(w, newline);
    if (complex) out.bytes(collapsePlusMinus(w.take()));
  }
}

function writeSmall(w: ByteWriter, bytes: Uint8Array): void {
  const n = bytes.length;
  if (n > 8) {
    w.bytes(bytes);
    return;
  }
  w.ensure(n);
  const buf = w.buf;
  let pos = w.pos;
  for (let i = 0; i < n; i++) buf[pos++] = bytes[i]!;
  w.pos = pos;
}

/** NumPy writes complex rows with `.replace('+-', '-')`: one left-to-right pass. */
function collapsePlusMinus(row: Uint8Array): Uint8Array {
  let out = 0;
  const end = row.length;
  for (let i = 0; i < end; i++) {
    if (row[i] === 43 && i + 1 < end && row[i + 1] === 45) {
      row[out++] = 45;
      i++;
    } else {
      row[out++] = row[i]!;
    }
  }
  return row.subarray(0, out);
}

function makePlan(input: NDArray, options: SavetxtOptions | undefined): Plan {
  if (!(input instanceof NDArray)) {
    throw new ArgumentError("argument-invalid", "savetxt needs an NDArray");
  }
  const fmt = options?.fmt ?? "%.18e";
  const delimiter = options?.delimiter ?? " ";
  const newline = options?.newline ?? "\n";
  const comments = options?.comments ?? "# ";
  let header = options?.header ?? "";
  const footer = options?.footer ?? "";
  const latin1 = options?.encoding === "latin1";
  for (const [name, value] of Object.entries({ delimiter, newline, comments, header, footer })) {
    if (typeof value !== "string") {
      throw new ArgumentError("argument-invalid", `the option ${name} must be a string`);
    }
  }
  if (options?.encoding !== undefined && options.encoding !== "utf-8" && !latin1) {
    throw new ArgumentError(
      "argument-invalid",
      `the encoding "${options.encoding}" is not supported (use "utf-8" or "latin1")`,
    );
  }
  let array = input;
  if (array.ndim === 0) {
    throw new ArgumentError("text-ndim", "expected a 1-D or 2-D array, got a 0-D array");
  }
  if (array.ndim > 2) {
    if (array.dtype.fields !== null) {
      throw new UnsupportedError(
        "text-structured-nd",
        "structured arrays of more than one dimension cannot be written as text",
      );
    }
    const shapeLine = `shape: ${formatShape(array.shape)}`;
    if (options?.shapeHeader !== false && !header.split("\n").some((l) => l.endsWith(shapeLine))) {
      header = header.length > 0 ? `${shapeLine}\n${header}` : shapeLine;
    }
    const last = array.shape[array.ndim - 1]!;
    array = array.reshape([last === 0 ? 0 : array.size / last, last]);
  }
  const structured = array.dtype.fields !== null;
  if (structured && array.ndim !== 1) {
    throw new UnsupportedError(
      "text-structured-nd",
      "structured arrays of more than one dimension cannot be written as text",
    );
  }
  let data = array.toNative();
  if (!data.isCContiguous) data = data.copy("C");
  const rows = data.shape[0]!;
  const columns = structured ? data.dtype.fields!.length : data.ndim === 1 ? 1 : data.shape[1]!;
  const isComplex = structured
    ? data.dtype.fields!.some((f) => f.dtype.kind === "c")
    : data.dtype.kind === "c";

  const head = header.length > 0
    ? encodeText(comments + header.replaceAll("\n", "\n" + comments) + newline, latin1)
    : new Uint8Array(0);
  const tail = footer.length > 0
    ? encodeText(comments + footer.replaceAll("\n", "\n" + comments) + newline, latin1)
    : new Uint8Array(0);
  if (rows === 0 && typeof fmt === "string") {
    // No row to format: only the header and footer are written, and the
    // columns of an empty array may be more than a format line could hold.
    return {
      rows,
      writers: [],
      specs: [],
      literals: [],
      newline: encodeText(newline, latin1),
      complex: isComplex,
      head,
      tail,
      latin1,
      plainInts: null,
    };
  }

  let format: string;
  if (typeof fmt !== "string") {
    if (!Array.isArray(fmt) || fmt.some((f) => typeof f !== "string")) {
      throw new ArgumentError("argument-invalid", "fmt must be a string or a list of strings");
    }
    if (fmt.length !== columns) {
      throw new ArgumentError(
        "text-format-count",
        `fmt has ${fmt.length} formats for ${columns} columns`,
      );
    }
    format = fmt.join(delimiter);
  } else {
    const percents = fmt.split("%").length - 1;
    if (percents === 1) {
      format = new Array<string>(columns).fill(isComplex ? ` (${fmt}+${fmt}j)` : fmt).join(
        delimiter,
      );
    } else if (percents !== (isComplex ? 2 * columns : columns)) {
      throw new ArgumentError(
        "text-format-count",
        `fmt has the wrong number of % formats for ${columns} ${
          isComplex ? "complex " : ""
        }columns: "${fmt}"`,
      );
    } else {
      format = fmt;
    }
  }
  const parsed = parseFormat(format);
  const writers = valueWriters(data, structured, columns);
  if (parsed.specs.length !== writers.length) {
    throw new ArgumentError(
      "text-format-count",
      parsed.specs.length < writers.length
        ? `not enough arguments for the format "${format}"`
        : `not all values are used by the format "${format}"`,
    );
  }
  const dtypes = valueDTypes(data, structured, columns);
  const checked = writers.map((write, k) => checkSpec(write, parsed.specs[k]!, dtypes[k]!));
  return {
    rows,
    writers: checked,
    specs: parsed.specs,
    literals: parsed.literals.map((l) => encodeText(l, latin1)),
    newline: encodeText(newline, latin1),
    complex: isComplex,
    head,
    tail,
    latin1,
    plainInts: plainIntsOf(data, structured, parsed.specs),
  };
}

function plainIntsOf(data: NDArray, structured: boolean, specs: Spec[]): PlainInts | null {
  const kind = data.dtype.kind;
  if (structured || (kind !== "i" && kind !== "u") || !data.isCContiguous) return null;
  if (!specs.every((s) => isPlain(s) && (s.conv === "d" || s.conv === "i" || s.conv === "u"))) {
    return null;
  }
  if (data.dtype.itemsize !== 8) {
    return { values: data.toTypedArray() as Int32Array, wide: false, signed: kind === "i" };
  }
  const start = data.data.byteOffset + data.offset;
  const values = start % 4 === 0
    ? new Int32Array(data.data.buffer, start, data.size * 2)
    : new Int32Array(data.data.slice(data.offset, data.offset + data.size * 8).buffer);
  return { values, wide: true, signed: kind === "i" };
}

function valueDTypes(data: NDArray, structured: boolean, columns: number): DType[] {
  const out: DType[] = [];
  const fields = structured ? data.dtype.fields!.map((f) => f.dtype) : [];
  for (let c = 0; c < columns; c++) {
    const dtype = structured ? fields[c]! : data.dtype;
    out.push(dtype);
    if (dtype.kind === "c") out.push(dtype);
  }
  return out;
}

type ScalarClass = "float" | "int" | "bool" | "str" | "bytes";

function scalarClass(dtype: DType): ScalarClass {
  switch (dtype.kind) {
    case "f":
    case "c":
      return "float";
    case "i":
    case "u":
      return "int";
    case "b":
      return "bool";
    case "U":
      return "str";
    case "S":
      return "bytes";
    default:
      throw new UnsupportedError(
        "text-dtype",
        `arrays of dtype "${dtype.str}" cannot be written as text`,
      );
  }
}

const ALLOWED: Record<ScalarClass, string> = {
  float: "diueEfFgGsr",
  int: "diuoxXceEfFgGsr",
  bool: "diueEfFgGsr",
  str: "sr",
  bytes: "sr",
};

function checkSpec(write: ValueWriter, spec: Spec, dtype: DType): ValueWriter {
  const cls = scalarClass(dtype);
  if (!ALLOWED[cls].includes(spec.conv) && !(cls === "str" && spec.conv === "c")) {
    throw new ArgumentError(
      "text-format-mismatch",
      `the format "${spec.text}" cannot write values of dtype "${dtype.str}"`,
    );
  }
  return write;
}

// Two ASCII digits for each of 0..99.
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** Writes a safe integer in decimal with no padding. */
function writePlainInt(w: ByteWriter, x: number): void {
  w.ensure(24);
  const buf = w.buf;
  let pos = w.pos;
  if (x < 0) {
    buf[pos++] = 45;
    x = -x;
  }
  let len = 1;
  for (let p = 10; len < 16 && x >= p; p *= 10) len++;
  if (len === 16) len = String(x).length;
  let end = pos + len;
  w.pos = end;
  while (x >= 100) {
    const q = Math.floor(x / 100);
    const r = (x - q * 100) * 2;
    buf[--end] = PAIRS[r + 1]!;
    buf[--end] = PAIRS[r]!;
    x = q;
  }
  if (x >= 10) {
    buf[--end] = PAIRS[2 * x + 1]!;
    buf[--end] = PAIRS[2 * x]!;
  } else {
    buf[--end] = 48 + x;
  }
}

function isPlain(spec: Spec): boolean {
  return spec.width === 0 && spec.precision < 0 && !spec.plus && !spec.space;
}

function floatToInteger(x: number): number | bigint {
  if (x !== x) throw new ArgumentError("text-format-value", "cannot convert float NaN to integer");
  if (x === Infinity || x === -Infinity) {
    throw new ArgumentError("text-format-value", "cannot convert float infinity to integer");
  }
  const t = Math.trunc(x);
  return Number.isSafeInteger(t) ? (t === 0 ? 0 : t) : BigInt(t);
}

function floatType(dtype: DType): FloatType {
  const size = dtype.kind === "c" ? dtype.itemsize / 2 : dtype.itemsize;
  return size === 2 ? "float16" : size === 4 ? "float32" : "float64";
}

function writeFloatValue(w: ByteWriter, spec: Spec, x: number, type: FloatType): void {
  switch (spec.conv) {
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G":
      writeFloat(w, spec, x);
      return;
    case "s":
      writeString(w, spec, pyFloatStr(x, type));
      return;
    case "r":
      writeString(w, spec, `np.${type}(${pyFloatStr(x, type)})`);
      return;
    default: {
      const i = floatToInteger(x);
      if (typeof i === "number" && isPlain(spec)) writePlainInt(w, i);
      else writeInteger(w, spec, i);
    }
  }
}

function writeIntValue(w: ByteWriter, spec: Spec, x: number | bigint, type: string): void {
  switch (spec.conv) {
    case "d":
    case "i":
    case "u":
      if (typeof x === "number" && isPlain(spec)) writePlainInt(w, x);
      else writeInteger(w, spec, x);
      return;
    case "o":
    case "x":
    case "X":
      writeInteger(w, spec, x);
      return;
    case "c": {
      const code = Number(x);
      if (code < 0 || code > 0x10ffff) {
        throw new ArgumentError("text-format-value", `%c arg not in range(0x110000): ${x}`);
      }
      writeString(w, spec, String.fromCodePoint(code));
      return;
    }
    case "s":
      writeString(w, spec, String(x));
      return;
    case "r":
      writeString(w, spec, `np.${type}(${x})`);
      return;
    default:
      writeFloat(w, spec, Number(x));
  }
}

function writeBoolValue(w: ByteWriter, spec: Spec, x: boolean): void {
  if (spec.conv === "s") writeString(w, spec, x ? "True" : "False");
  else if (spec.conv === "r") writeString(w, spec, x ? "np.True_" : "np.False_");
  else writeIntValue(w, spec, x ? 1 : 0, "bool");
}

function writeTextValue(w: ByteWriter, spec: Spec, x: string, bytes: boolean): void {
  if (spec.conv === "c") {
    if ([...x].length !== 1) {
      throw new ArgumentError("text-format-value", "%c requires an int or a unicode character");
    }
    writeString(w, spec, x);
  } else if (spec.conv === "r") {
    writeString(w, spec, bytes ? `np.bytes_(${pyBytesRepr(x)})` : `np.str_(${pyStrRepr(x)})`);
  } else {
    writeString(w, spec, bytes ? pyBytesRepr(x) : x);
  }
}

/** One writer per printed value (two per complex element), reading row `r`. */
function valueWriters(data: NDArray, structured: boolean, columns: number): ValueWriter[] {
  const writers: ValueWriter[] = [];
  if (structured) {
    const view = new DataView(data.data.buffer, data.data.byteOffset, data.data.byteLength);
    const itemsize = data.dtype.itemsize;
    for (const field of data.dtype.fields!) {
      if (field.dtype.subarray !== null || field.dtype.fields !== null) {
        throw new UnsupportedError(
          "text-dtype",
          `the field "${field.name}" holds a subarray or record, which cannot be written as text`,
        );
      }
      const base = data.offset + field.offset;
      const probe = new NDArray(field.dtype, [data.shape[0]!], {
        data: data.data,
        offset: base,
        strides: [itemsize],
      });
      writers.push(...elementWriters(probe, 1, 0, field.dtype, view));
    }
    return writers;
  }
  const view = new DataView(data.data.buffer, data.data.byteOffset, data.data.byteLength);
  for (let c = 0; c < columns; c++) {
    writers.push(...elementWriters(data, columns, c, data.dtype, view));
  }
  return writers;
}

/** Writers for column `c` of `data` (C-contiguous with `columns` per row, or a strided field). */
function elementWriters(
  data: NDArray,
  columns: number,
  c: number,
  dtype: DType,
  _view: DataView,
): ValueWriter[] {
  const kind = dtype.kind;
  const name = dtype.name;
  const contiguous = data.isCContiguous;
  if (kind === "f" && contiguous && dtype.itemsize !== 2) {
    const typed = data.toTypedArray() as Float64Array | Float32Array;
    const type = floatType(dtype);
    return [(w, spec, r) => writeFloatValue(w, spec, typed[r * columns + c]!, type)];
  }
  if (kind === "c" && contiguous) {
    const typed = data.toTypedArray() as Float64Array | Float32Array;
    const type = floatType(dtype);
    return [
      (w, spec, r) => writeFloatValue(w, spec, typed[2 * (r * columns + c)]!, type),
      (w, spec, r) => writeFloatValue(w, spec, typed[2 * (r * columns + c) + 1]!, type),
    ];
  }
  if ((kind === "i" || kind === "u") && dtype.itemsize === 8 && contiguous) {
    const bytes = data.data;
    const start = bytes.byteOffset + data.offset;
    const aligned = start % 4 === 0;
    const words = aligned
      ? new Int32Array(bytes.buffer, start, data.size * 2)
      : new Int32Array(bytes.slice(data.offset, data.offset + data.size * 8).buffer);
    const signed = kind === "i";
    const lowIndex = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
    return [(w, spec, r) => {
      const i = 2 * (r * columns + c);
      const lo = words[i + lowIndex]! >>> 0;
      const hi = words[i + 1 - lowIndex]!;
      let x: number | bigint;
      if (signed ? hi >= -0x200000 && hi < 0x200000 : hi >= 0 && hi < 0x200000) {
        x = hi * 4294967296 + lo;
      } else {
        const big = (BigInt(hi >>> 0) << 32n) | BigInt(lo);
        x = signed ? BigInt.asIntN(64, big) : big;
      }
      if (typeof x === "number" && isPlain(spec) && (spec.conv === "d" || spec.conv === "i")) {
        writePlainInt(w, x);
      } else {
        writeIntValue(w, spec, x, name);
      }
    }];
  }
  if ((kind === "i" || kind === "u") && contiguous) {
    const typed = data.toTypedArray() as Int32Array;
    return [(w, spec, r) => writeIntValue(w, spec, typed[r * columns + c]!, name)];
  }
  // Everything else reads elements one by one.
  const get = data.ndim === 1 ? (r: number) => data.get(r) : (r: number) => data.get(r, c);
  switch (kind) {
    case "b":
      return [(w, spec, r) => writeBoolValue(w, spec, get(r) as boolean)];
    case "f": {
      const type = floatType(dtype);
      return [(w, spec, r) => writeFloatValue(w, spec, get(r) as number, type)];
    }
    case "c": {
      const type = floatType(dtype);
      return [
        (w, spec, r) => writeFloatValue(w, spec, (get(r) as { re: number }).re, type),
        (w, spec, r) => writeFloatValue(w, spec, (get(r) as { im: number }).im, type),
      ];
    }
    case "i":
    case "u":
      return [(w, spec, r) => writeIntValue(w, spec, get(r) as number | bigint, name)];
    case "U":
      return [(w, spec, r) => writeTextValue(w, spec, get(r) as string, false)];
    case "S":
      return [(w, spec, r) => writeTextValue(w, spec, get(r) as string, true)];
    default:
      throw new UnsupportedError(
        "text-dtype",
        `arrays of dtype "${dtype.str}" cannot be written as text`,
      );
  }
}
