/**
 * The delimited-text format plugin for ndio's registry and CLI.
 *
 * @module
 */

import {
  ArgumentError,
  type ByteSink,
  type ByteSource,
  type Content,
  convertContent,
  type Descr,
  type FormatPlugin,
  type NDArray,
  type PluginOptions,
} from "@ndio/core";
import { type LoadtxtOptions, readerConfig, shapeResult } from "./loadtxt.ts";
import { savetxtBytes, savetxtChunks, type SavetxtStreamOptions } from "./savetxt.ts";
import { TableReader } from "./_table_reader.ts";

function fail(name: string, expected: string, value: unknown): ArgumentError {
  return new ArgumentError(
    "option-invalid",
    `the option ${name} must be ${expected}, not ${JSON.stringify(value) ?? String(value)}`,
  );
}

function stringOption(o: PluginOptions, name: string, nullable = false): string | null | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (v === null && nullable) return null;
  if (typeof v !== "string") throw fail(name, nullable ? "a string or null" : "a string", v);
  return v;
}

function integerOption(o: PluginOptions, name: string): number | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) throw fail(name, "an integer", v);
  return n;
}

function booleanOption(o: PluginOptions, name: string): boolean | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw fail(name, "a boolean", v);
}

function listOption(o: PluginOptions, name: string): string[] | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return [...v];
  throw fail(name, "a string or a list of strings", v);
}

/** Plugin options as loadtxt options. */
function loadOptions(o: PluginOptions): LoadtxtOptions {
  const out: Record<string, unknown> = {};
  const dtype = o.dtype;
  if (dtype !== undefined && dtype !== null) {
    if (typeof dtype !== "string" && !Array.isArray(dtype) && typeof dtype !== "object") {
      throw fail("dtype", "a dtype", dtype);
    }
    out.dtype = dtype as Descr;
  }
  const delimiter = stringOption(o, "delimiter", true);
  if (delimiter !== undefined) out.delimiter = delimiter;
  if (o.comments === null) out.comments = null;
  else {
    const comments = listOption(o, "comments");
    if (comments !== undefined) out.comments = comments;
  }
  for (const name of ["skiprows", "maxRows", "ndmin", "maxLineLength", "maxColumns", "maxBytes"]) {
    const n = integerOption(o, name);
    if (n !== undefined) out[name] = n;
  }
  const usecols = o.usecols;
  if (usecols !== undefined && usecols !== null) {
    const list = typeof usecols === "string"
      ? usecols.split(",").map((s) => Number(s.trim()))
      : typeof usecols === "number"
      ? [usecols]
      : usecols;
    if (!Array.isArray(list) || !list.every((c) => Number.isSafeInteger(c))) {
      throw fail("usecols", "column numbers", usecols);
    }
    out.usecols = list;
  }
  const quotechar = stringOption(o, "quotechar", true);
  if (quotechar !== undefined) out.quotechar = quotechar;
  for (const name of ["unpack", "restoreShape"]) {
    const b = booleanOption(o, name);
    if (b !== undefined) out[name] = b;
  }
  const encoding = stringOption(o, "encoding");
  if (encoding !== undefined) out.encoding = encoding;
  if (o.converters !== undefined) out.converters = o.converters;
  return out as LoadtxtOptions;
}

/** Plugin options as savetxt options. */
function saveOptions(o: PluginOptions): SavetxtStreamOptions {
  const out: Record<string, unknown> = {};
  const fmt = listOption(o, "fmt");
  if (fmt !== undefined) out.fmt = fmt.length === 1 ? fmt[0] : fmt;
  for (const name of ["delimiter", "newline", "header", "footer", "comments", "encoding"]) {
    const s = stringOption(o, name);
    if (s !== undefined) out[name] = s;
  }
  const shapeHeader = booleanOption(o, "shapeHeader");
  if (shapeHeader !== undefined) out.shapeHeader = shapeHeader;
  const chunkBytes = integerOption(o, "chunkBytes");
  if (chunkBytes !== undefined) out.chunkBytes = chunkBytes;
  return out as SavetxtStreamOptions;
}

function arrayOf(content: Content, options: PluginOptions | undefined): NDArray {
  const name = options?.name;
  if (name !== undefined && typeof name !== "string") throw fail("name", "a string", name);
  const converted = convertContent(content, "array", name === undefined ? {} : { name });
  return (converted as { array: NDArray }).array;
}

/**
 * The delimiter of the first data line when none is given: a tab, else a
 * comma, else runs of whitespace (NumPy's default).
 */
function guessDelimiter(head: Uint8Array, comments: readonly string[]): string | null {
  const text = new TextDecoder("latin1").decode(head.subarray(0, 65536));
  for (const line of text.split(/\r\n|\n|\r/)) {
    const trimmed = line.trim();
    if (trimmed === "" || comments.some((c) => trimmed.startsWith(c))) continue;
    if (line.includes("\t")) return "\t";
    if (line.includes(",")) return ",";
    if (line.includes(";")) return ";";
    return null;
  }
  return null;
}

function withDelimiter(options: LoadtxtOptions, head: Uint8Array): LoadtxtOptions {
  if (options.delimiter !== undefined) return options;
  const comments = options.comments === null
    ? []
    : typeof options.comments === "string"
    ? [options.comments]
    : options.comments ?? ["#"];
  return { ...options, delimiter: guessDelimiter(head, comments) };
}

const NUMBER =
  /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan|0[xX][0-9a-fA-F.]+(?:[pP][+-]?\d+)?|\(?[+-]?[\d.eE+-]*[+-][\d.eE+-]*[jJ]\)?)$/i;

/** How plausible it is that head is numeric text: 0 (not) to 0.35. */
function sniffText(head: Uint8Array, fileName: string | undefined): number {
  if (head.length === 0) return 0;
  for (const b of head) {
    // Control bytes other than tab, newline, carriage return: binary.
    if (b < 9 || (b > 13 && b < 32) || b === 127) return 0;
  }
  const extension = fileName !== undefined &&
    /\.(txt|csv|tsv|dat)$/i.test(fileName);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(head);
  } catch {
    // A chunk may end inside a multi-byte character; anything else is not UTF-8.
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.length - 3));
    } catch {
      return 0;
    }
  }
  const lines = text.split(/\r\n|\n|\r/);
  if (head.length >= 512 && lines.length > 1) lines.pop(); // maybe cut short
  let numeric = 0;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const fields = trimmed.split(/[\s,;]+/).filter((f) => f !== "");
    if (!fields.every((f) => NUMBER.test(f.replace(/^"|"$/g, "")))) {
      return extension ? 0.05 : 0;
    }
    numeric++;
  }
  if (numeric === 0) return extension ? 0.05 : 0;
  return extension ? 0.35 : 0.25;
}

async function readSource(source: ByteSource, options: LoadtxtOptions): Promise<NDArray> {
  const chunkSize = 1 << 22;
  const head = await source.read(0, Math.min(source.byteLength, 65536));
  const resolved = withDelimiter(options, head);
  const reader = new TableReader(readerConfig(resolved, "loadtxt"));
  let carry = new Uint8Array(0);
  for (let offset = 0; offset < source.byteLength && !reader.done; offset += chunkSize) {
    const chunk = await source.read(offset, Math.min(chunkSize, source.byteLength - offset));
    let buf = chunk;
    if (carry.length > 0) {
      buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry);
      buf.set(chunk, carry.length);
    }
    const used = reader.feed(buf, 0, buf.length, false);
    carry = buf.slice(used);
  }
  if (!reader.done) reader.feed(carry, 0, carry.length, true);
  return shapeResult(reader, resolved);
}

/**
 * The delimited-text plugin (`np.savetxt` / `np.loadtxt`). Its sniff is
 * cautious: it claims only text whose lines are numbers and comments, with
 * a low score (at most 0.35), and never binary input.
 *
 * Reading options mirror {@linkcode loadtxt}: `dtype`, `delimiter`,
 * `comments`, `skiprows`, `usecols` (a list, or `"0,2"`), `maxRows`,
 * `quotechar`, `unpack`, `ndmin`, `encoding`, `restoreShape`,
 * `maxLineLength`, `maxColumns`, `maxBytes`. Without a `delimiter`, the
 * first data line decides: a tab, else a comma, else a semicolon, else runs
 * of whitespace. Writing options mirror {@linkcode savetxt}: `fmt`,
 * `delimiter`, `newline`, `header`, `footer`, `comments`, `encoding`,
 * `shapeHeader`, `chunkBytes`, and `name` (which array of several).
 *
 * @example
 * ```ts
 * import { textPlugin } from "@ndio/text";
 * import { array, createRegistry } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const a = array([[1, 2], [3, 4]], { dtype: "<i8" });
 * const bytes = textPlugin.encode!({ kind: "array", array: a }, { fmt: "%d", delimiter: "," });
 * assert.equal(new TextDecoder().decode(bytes), "1,2\n3,4\n");
 * assert.equal(createRegistry([textPlugin]).detect(bytes, { fileName: "a.csv" }).id, "text");
 * const back = textPlugin.decode!(bytes);
 * assert.deepEqual(back.kind === "array" && back.array.toNested(), [[1n, 2n], [3n, 4n]]);
 * ```
 */
export const textPlugin: FormatPlugin = {
  id: "text",
  label: "Delimited text (np.savetxt / np.loadtxt)",
  extensions: [".txt", ".csv", ".tsv", ".dat"],
  mediaTypes: ["text/plain", "text/csv", "text/tab-separated-values"],
  content: "array",
  sniff(head: Uint8Array, hint?: { readonly fileName?: string }): number {
    try {
      return sniffText(head, hint?.fileName);
    } catch {
      return 0;
    }
  },
  decode(bytes: Uint8Array, options?: PluginOptions): Content {
    const o = withDelimiter(loadOptions(options ?? {}), bytes);
    const reader = new TableReader(readerConfig(o, "loadtxt"));
    reader.feed(bytes, 0, bytes.length, true);
    return { kind: "array", array: shapeResult(reader, o) };
  },
  async read(source: ByteSource, options?: PluginOptions): Promise<Content> {
    return { kind: "array", array: await readSource(source, loadOptions(options ?? {})) };
  },
  encode(content: Content, options?: PluginOptions): Uint8Array {
    return savetxtBytes(arrayOf(content, options), saveOptions(options ?? {}));
  },
  async write(content: Content, sink: ByteSink, options?: PluginOptions): Promise<void> {
    for (const chunk of savetxtChunks(arrayOf(content, options), saveOptions(options ?? {}))) {
      await sink.write(chunk);
    }
  },
};
