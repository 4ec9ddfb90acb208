/**
 * A subset of `np.genfromtxt`: missing values and their fillers, column
 * names from a header line, per-column type inference, header and footer
 * lines to skip, fixed-width fields, and invalid rows reported or skipped.
 *
 * @module
 */

import {
  ArgumentError,
  Complex,
  type Descr,
  DType,
  LimitError,
  MalformedError,
  NDArray,
} from "@ndio/core";
import { Tokenizer } from "./_tokenizer.ts";
import {
  BIG,
  COMPLEX,
  parseComplexBytes,
  parseFloatBytes,
  parseIntBytes,
  parseStatus,
} from "./_parse_number.ts";

/** Options of {@linkcode genfromtxt}, named after `np.genfromtxt`'s parameters. */
export interface GenfromtxtOptions {
  /**
   * The dtype: numeric or string for every column, or structured. `null`
   * infers each column's type (bool, int64, float64, complex128, then
   * strings), as `dtype=None`. Default: float64.
   */
  readonly dtype?: DType | Descr | null;
  /** A delimiter string, a field width, or a list of field widths (fixed-width columns). */
  readonly delimiter?: string | number | readonly number[] | null;
  /** The comment marker (default `"#"`); null for none. */
  readonly comments?: string | null;
  /** Lines to skip at the start (default 0). */
  readonly skipHeader?: number;
  /** Data lines to drop at the end (default 0). */
  readonly skipFooter?: number;
  /**
   * Column names: `true` reads them from the first line after `skipHeader`
   * (a comment marker before them is allowed), or a list. With names the
   * result is a structured array.
   */
  readonly names?: true | readonly string[] | null;
  /** Texts that mean "missing" (besides an empty field), for every column or per column index. */
  readonly missingValues?:
    | string
    | readonly string[]
    | Readonly<Record<number, string | readonly string[]>>;
  /**
   * What missing values become, for every column or per column index.
   * Defaults: NaN for floats, -1 for integers, false for bools, `"???"` for strings.
   */
  readonly fillingValues?: unknown | Readonly<Record<number, unknown>>;
  /** Which columns to read (negative counts from the end). */
  readonly usecols?: readonly number[] | null;
  /** Rows whose number of columns is wrong: raise (default true) or skip. */
  readonly invalidRaise?: boolean;
  /** Told about each skipped invalid row when `invalidRaise` is false. */
  readonly onInvalid?: (line: number, columns: number) => void;
  /** Read at most this many rows. */
  readonly maxRows?: number | null;
  /** Leading and trailing whitespace of string fields is removed (default true for fixed widths). */
  readonly autostrip?: boolean;
  /** The most columns a line may have (default 1,000,000). */
  readonly maxColumns?: number;
  /** The longest line accepted, in bytes (default 64 MiB). */
  readonly maxLineLength?: number;
}

type ColumnKind = "bool" | "int" | "float" | "complex" | "string";
const ORDER: readonly ColumnKind[] = ["bool", "int", "float", "complex", "string"];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Row {
  readonly line: number;
  readonly fields: (string | null)[];
}

/**
 * Reads delimited text with missing values, as a subset of `np.genfromtxt`.
 *
 * @example Missing values, names and inferred types
 * ```ts
 * import { genfromtxt } from "@ndio/text";
 * import assert from "node:assert/strict";
 *
 * const a = genfromtxt("# x,y,label\n1,2.5,a\n3,,b\n", {
 *   delimiter: ",",
 *   names: true,
 *   dtype: null,
 * });
 * assert.equal(a.dtype.descrRepr(), "[('x', '<i8'), ('y', '<f8'), ('label', '<U1')]");
 * assert.ok(Number.isNaN((a.get(1) as { y: number }).y));
 * ```
 *
 * @param input The text or its UTF-8 bytes.
 * @param options As `np.genfromtxt`'s, in camelCase.
 * @returns The array.
 */
export function genfromtxt(input: string | Uint8Array, options?: GenfromtxtOptions): NDArray {
  const o = options ?? {};
  const text = typeof input === "string" ? encoder.encode(input) : input;
  if (!(text instanceof Uint8Array)) {
    throw new ArgumentError("argument-invalid", "genfromtxt takes a string or a Uint8Array");
  }
  const widths = typeof o.delimiter === "number"
    ? [o.delimiter]
    : Array.isArray(o.delimiter)
    ? [...o.delimiter as readonly number[]]
    : null;
  if (widths !== null && widths.some((w) => !Number.isSafeInteger(w) || w <= 0)) {
    throw new ArgumentError("argument-invalid", "field widths must be positive integers");
  }
  const delimiter = typeof o.delimiter === "string" ? o.delimiter : null;
  const comment = o.comments === undefined ? "#" : o.comments;
  const autostrip = o.autostrip ?? widths !== null;
  const maxLineLength = o.maxLineLength ?? 64 * 1024 * 1024;
  const tokenizer = new Tokenizer({
    delimiter: delimiter === null ? null : encoder.encode(delimiter),
    comments: comment === null ? [] : [encoder.encode(comment)],
    quote: -1,
    maxLineLength,
    maxColumns: o.maxColumns ?? 1_000_000,
  });

  // Lines: skip the header lines, take names, split the rest.
  let pos = 0;
  let line = 1;
  for (let k = 0; k < (o.skipHeader ?? 0) && pos < text.length; k++) {
    pos = nextLine(text, pos);
    line++;
  }
  let names: string[] | null = o.names === true ? null : o.names ? [...o.names] : null;
  const rows: Row[] = [];
  let wantNames = o.names === true;
  while (pos < text.length) {
    const start = pos;
    const end = lineEnd(text, pos);
    pos = nextLine(text, pos);
    const lineNo = line++;
    // Checked here for every line: names and fixed-width lines skip the tokenizer.
    if (end - start > maxLineLength) {
      throw new LimitError(
        "maxLineLength",
        maxLineLength,
        `line ${lineNo} is longer than ${maxLineLength} bytes`,
        { format: "text", line: lineNo },
      );
    }
    let raw = decoder.decode(text.subarray(start, end));
    if (wantNames) {
      let header = raw.trim();
      if (comment !== null && header.startsWith(comment)) header = header.slice(comment.length);
      if (header.trim() === "") continue;
      names = (delimiter === null ? header.trim().split(/\s+/) : header.split(delimiter))
        .map((n) => n.trim());
      wantNames = false;
      continue;
    }
    let fields: string[];
    if (widths !== null) {
      if (comment !== null) {
        const at = raw.indexOf(comment);
        if (at >= 0) raw = raw.slice(0, at);
      }
      if (raw.trim() === "") continue;
      fields = [];
      if (widths.length === 1) {
        for (let i = 0; i < raw.length; i += widths[0]!) fields.push(raw.slice(i, i + widths[0]!));
      } else {
        let at = 0;
        for (const w of widths) {
          fields.push(raw.slice(at, at + w));
          at += w;
        }
      }
    } else {
      const bytes = text.subarray(start, end);
      tokenizer.next(bytes, 0, bytes.length, true, lineNo);
      if (tokenizer.count === 0) continue;
      fields = [];
      for (let k = 0; k < tokenizer.count; k++) {
        fields.push(decoder.decode(bytes.subarray(tokenizer.start[k]!, tokenizer.end[k]!)));
      }
    }
    rows.push({ line: lineNo, fields: autostrip ? fields.map((f) => f.trim()) : fields });
    if (
      o.maxRows !== undefined && o.maxRows !== null &&
      rows.length >= o.maxRows + (o.skipFooter ?? 0)
    ) break;
  }
  if ((o.skipFooter ?? 0) > 0) rows.splice(Math.max(0, rows.length - o.skipFooter!));
  if (o.maxRows !== undefined && o.maxRows !== null) rows.splice(o.maxRows);

  // Column count: the names, else the first row.
  const fileColumns = rows.length > 0 ? rows[0]!.fields.length : names?.length ?? 0;
  const usecols = o.usecols === undefined || o.usecols === null
    ? null
    : o.usecols.map((c) => (c < 0 ? c + fileColumns : c));
  const columns = usecols === null ? fileColumns : usecols.length;
  const kept: Row[] = [];
  const invalid: [number, number][] = [];
  for (const row of rows) {
    if (row.fields.length !== fileColumns) {
      invalid.push([row.line, row.fields.length]);
      continue;
    }
    kept.push(
      usecols === null ? row : { line: row.line, fields: usecols.map((c) => row.fields[c] ?? "") },
    );
  }
  if (invalid.length > 0) {
    if (o.invalidRaise ?? true) {
      const [first, count] = invalid[0]!;
      throw new MalformedError(
        "text-ragged",
        `${invalid.length} rows have the wrong number of columns (expected ${fileColumns}): ${
          invalid.slice(0, 10).map(([l, n]) => `line ${l} has ${n}`).join(", ")
        }${invalid.length > 10 ? ", ..." : ""}`,
        { format: "text", line: first, column: Math.min(count, fileColumns) + 1 },
      );
    }
    for (const [l, n] of invalid) o.onInvalid?.(l, n);
  }

  // Missing values: empty fields and the listed texts.
  const missingFor = (c: number): Set<string> => {
    const m = o.missingValues;
    const set = new Set<string>([""]);
    if (m === undefined) return set;
    const add = (v: string | readonly string[]) =>
      (typeof v === "string" ? v.split(",") : v).forEach((s) => set.add(s));
    if (typeof m === "string" || Array.isArray(m)) add(m as string | readonly string[]);
    else {
      const per = (m as Record<number, string | readonly string[]>)[c];
      if (per !== undefined) add(per);
    }
    return set;
  };
  const fileIndex = (j: number) => (usecols === null ? j : usecols[j]!);
  for (let j = 0; j < columns; j++) {
    const missing = missingFor(fileIndex(j));
    for (const row of kept) {
      const f = row.fields[j]!;
      if (f !== null && missing.has(f.trim())) row.fields[j] = null;
    }
  }

  // Column types.
  const requested = o.dtype === undefined
    ? DType.parse("<f8")
    : o.dtype === null
    ? null
    : DType.parse(o.dtype);
  let columnTypes: DType[];
  if (requested !== null && requested.fields !== null) {
    if (requested.fields.length !== columns) {
      throw new MalformedError(
        "text-column-count",
        `the dtype has ${requested.fields.length} fields but the rows have ${columns} columns`,
        {
          format: "text",
          line: kept[0]?.line ?? 1,
          column: Math.min(requested.fields.length, columns) + 1,
        },
      );
    }
    columnTypes = requested.fields.map((f) => f.dtype);
    names ??= requested.fields.map((f) => f.name);
  } else if (requested !== null) {
    columnTypes = new Array<DType>(columns).fill(requested);
  } else {
    columnTypes = [];
    for (let j = 0; j < columns; j++) columnTypes.push(inferColumn(kept, j));
  }

  // Values.
  const fillFor = (j: number, dtype: DType): unknown => {
    const f = o.fillingValues;
    const c = fileIndex(j);
    if (f !== undefined && f !== null && typeof f === "object" && !Array.isArray(f)) {
      const per = (f as Record<number, unknown>)[c];
      if (per !== undefined) return per;
    } else if (f !== undefined) return f;
    switch (dtype.kind) {
      case "b":
        return false;
      case "i":
      case "u":
        return -1;
      case "U":
      case "S":
        return "???";
      default:
        return NaN;
    }
  };
  const values: unknown[][] = kept.map(() => []);
  for (let j = 0; j < columns; j++) {
    const dtype = columnTypes[j]!;
    const fill = fillFor(j, dtype);
    kept.forEach((row, r) => {
      const f = row.fields[j];
      values[r]!.push(
        f === null || f === undefined ? fill : convert(f, dtype, row.line, fileIndex(j) + 1),
      );
    });
  }

  // Assemble: structured when there are names (or the types differ), else 2-D.
  const uniform = columnTypes.every((t) => t.equals(columnTypes[0]!));
  if (names === null && uniform && (requested === null || requested.fields === null)) {
    const dtype = columnTypes[0] ?? DType.parse("<f8");
    const sized = sizeStrings(dtype, values.flat());
    const out = new NDArray(sized, [kept.length, columns]);
    values.forEach((row, r) => row.forEach((v, j) => out.set([r, j], element(v, sized))));
    return squeeze(out);
  }
  const fieldNames = names ?? columnTypes.map((_, j) => `f${j}`);
  const specs = columnTypes.map((t, j) => ({
    name: fieldNames[j] ?? `f${j}`,
    dtype: sizeStrings(t, values.map((row) => row[j])),
  }));
  const dtype = requested !== null && requested.fields !== null
    ? requested
    : DType.structured(specs);
  const out = new NDArray(dtype, [kept.length]);
  values.forEach((row, r) => {
    const record: Record<string, unknown> = {};
    dtype.fields!.forEach((field, j) => {
      record[field.name] = element(row[j], field.dtype);
    });
    out.set([r], record);
  });
  return out;
}

function lineEnd(text: Uint8Array, pos: number): number {
  let k = pos;
  while (k < text.length && text[k] !== 10 && text[k] !== 13) k++;
  return k;
}

function nextLine(text: Uint8Array, pos: number): number {
  const k = lineEnd(text, pos);
  if (k >= text.length) return text.length;
  return text[k] === 13 && text[k + 1] === 10 ? k + 2 : k + 1;
}

function kindOfText(s: string): ColumnKind {
  const t = s.trim();
  if (t === "True" || t === "False") return "bool";
  const bytes = encoder.encode(t);
  parseIntBytes(bytes, 0, bytes.length);
  if (parseStatus === 0) return "int";
  if (parseStatus === BIG && /^[+-]?\d+$/.test(t)) {
    const big = BigInt(t);
    return big >= -(2n ** 63n) && big < 2n ** 63n ? "int" : "float";
  }
  parseFloatBytes(bytes, 0, bytes.length);
  if (parseStatus === 0) return "float";
  parseComplexBytes(bytes, 0, bytes.length);
  if (parseStatus === 0) return "complex";
  return "string";
}

function inferColumn(rows: readonly Row[], j: number): DType {
  let kind = 0;
  for (const row of rows) {
    const f = row.fields[j];
    if (f === null || f === undefined) continue;
    let k = ORDER.indexOf(kindOfText(f));
    // bool does not widen to numbers: a mix of the two is strings.
    if ((kind === 0 && k > 0 && k < 4 && anyBool(rows, j)) || (k === 0 && kind > 0 && kind < 4)) {
      k = 4;
    }
    if (k > kind) kind = k;
  }
  switch (ORDER[kind]) {
    case "bool":
      return rows.some((r) => r.fields[j] !== null) ? DType.parse("|b1") : DType.parse("<f8");
    case "int":
      return DType.parse("<i8");
    case "float":
      return DType.parse("<f8");
    case "complex":
      return DType.parse("<c16");
    default:
      return DType.parse("<U0");
  }
}

function anyBool(rows: readonly Row[], j: number): boolean {
  return rows.some((r) => {
    const f = r.fields[j]?.trim();
    return f === "True" || f === "False";
  });
}

function sizeStrings(dtype: DType, values: readonly unknown[]): DType {
  if ((dtype.kind !== "U" && dtype.kind !== "S") || dtype.itemsize !== 0) return dtype;
  let longest = 1;
  for (const v of values) longest = Math.max(longest, [...String(v)].length);
  return DType.parse(`${dtype.kind === "U" ? "<U" : "|S"}${longest}`);
}

function fail(text: string, dtype: DType, line: number, column: number): MalformedError {
  return new MalformedError(
    "text-bad-value",
    `could not convert "${text}" to ${dtype.name} at line ${line}, column ${column}`,
    { format: "text", line, column },
  );
}

function convert(text: string, dtype: DType, line: number, column: number): unknown {
  const bytes = encoder.encode(text);
  switch (dtype.kind) {
    case "b": {
      const t = text.trim();
      if (t === "True") return true;
      if (t === "False") return false;
      const x = parseIntBytes(bytes, 0, bytes.length);
      if (parseStatus === 0) return x !== 0;
      throw fail(text, dtype, line, column);
    }
    case "i":
    case "u": {
      const x = parseIntBytes(bytes, 0, bytes.length);
      if (parseStatus === 0) return x;
      if (parseStatus === BIG) return BigInt(text.trim());
      throw fail(text, dtype, line, column);
    }
    case "f": {
      const x = parseFloatBytes(bytes, 0, bytes.length);
      if (parseStatus !== 0) throw fail(text, dtype, line, column);
      return x;
    }
    case "c":
      parseComplexBytes(bytes, 0, bytes.length);
      if (parseStatus !== 0) throw fail(text, dtype, line, column);
      return new Complex(COMPLEX[0]!, COMPLEX[1]!);
    default:
      return text;
  }
}

function element(value: unknown, dtype: DType): unknown {
  if (
    (dtype.kind === "i" || dtype.kind === "u") && dtype.itemsize === 8 && typeof value === "number"
  ) {
    return BigInt(value);
  }
  if (dtype.kind === "c" && typeof value === "number") return new Complex(value, 0);
  if ((dtype.kind === "U" || dtype.kind === "S") && typeof value !== "string") return String(value);
  return value;
}

function squeeze(array: NDArray): NDArray {
  return array.reshape(array.shape.filter((d) => d !== 1));
}
