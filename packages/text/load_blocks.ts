/**
 * Reading delimited text from a byte stream as consecutive blocks of rows,
 * in memory bounded by the block size: text files larger than memory
 * convert to `.npy` block by block (with `@ndio/npy`'s stream writer).
 *
 * @module
 */

import { ArgumentError, LimitError, type NDArray } from "@ndio/core";
import { type LoadtxtOptions, readerConfig } from "./loadtxt.ts";
import { TableReader } from "./_table_reader.ts";

/** Options of {@linkcode loadtxtBlocks}. */
export interface LoadtxtBlocksOptions extends LoadtxtOptions {
  /**
   * About how many bytes of text make one block (default 16 MiB): a block
   * ends at the first line break after that many bytes.
   */
  readonly blockBytes?: number;
}

const LF = 10;
const CR = 13;

/** The index after the last line break in buf[0, end), or -1. */
function lastLineEnd(buf: Uint8Array, end: number): number {
  for (let i = end - 1; i >= 0; i--) {
    if (buf[i] === LF) return i + 1;
    // A CR at the very end may be the first half of CRLF: wait for more.
    if (buf[i] === CR && i < end - 1) return i + 1;
  }
  return -1;
}

/** The index after the first line break at or after `from`, or -1 (also for a CR that may precede an LF). */
function lineEndFrom(buf: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i < buf.length; i++) {
    if (buf[i] === LF) return i + 1;
    if (buf[i] === CR) {
      if (i + 1 >= buf.length) return -1;
      return buf[i + 1] === LF ? i + 2 : i + 1;
    }
  }
  return -1;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads delimited text from a byte stream as blocks of rows: each block is
 * a 2-d array `[rows, columns]` (1-d `[rows]` for a structured dtype), all
 * with the first block's dtype and column count, so that writing them one
 * after another gives the array `loadtxt` would read. Only one block and
 * the unfinished line after it are held in memory.
 *
 * Without a `dtype`, the first block decides between int64 and float64;
 * a later block with a float in an int64 column is then an error naming
 * its line: pass a `dtype` for such files (and a size with `"U"` or
 * `"S"`: the first block's longest string sets it otherwise). Quoted fields (`quotechar`),
 * whose line breaks would cross blocks, and the options that shape the
 * whole result (`unpack`, `ndmin`, the shape header) are not available.
 *
 * @example Text to .npy block by block
 * ```ts
 * import { loadtxtBlocks } from "@ndio/text";
 * import { NpyStreamWriter, decodeNpy } from "@ndio/npy";
 * import { bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const text = "1 2\n3 4\n5 6\n";
 * const sink = bytesSink();
 * let writer: NpyStreamWriter | undefined;
 * for await (const block of loadtxtBlocks(new Blob([text]).stream(), { blockBytes: 4 })) {
 *   assert.equal(block.shape[0], 1); // one 4-byte line a block
 *   writer ??= new NpyStreamWriter(sink, { dtype: block.dtype, rowShape: [block.shape[1]!] });
 *   await writer.append(block);
 * }
 * await writer!.close();
 * assert.deepEqual(decodeNpy(sink.bytes()).toNested(), [[1n, 2n], [3n, 4n], [5n, 6n]]);
 * ```
 *
 * @param stream The text's bytes.
 * @param options As {@linkcode loadtxt}'s, and the block size.
 * @returns The blocks, in order.
 */
export async function* loadtxtBlocks(
  stream: ReadableStream<Uint8Array>,
  options?: LoadtxtBlocksOptions,
): AsyncGenerator<NDArray> {
  const o = options ?? {};
  for (const name of ["quotechar", "unpack", "ndmin", "restoreShape"] as const) {
    if (o[name] !== undefined && o[name] !== null) {
      throw new ArgumentError(
        "option-invalid",
        `loadtxtBlocks does not take ${name} (use loadtxt or loadtxtStream)`,
      );
    }
  }
  const blockBytes = o.blockBytes ?? 16 * 1024 * 1024;
  if (!Number.isSafeInteger(blockBytes) || blockBytes < 1) {
    throw new ArgumentError(
      "option-invalid",
      `blockBytes must be a positive integer, not ${String(blockBytes)}`,
    );
  }
  const base = readerConfig(o, "loadtxt");
  let dtype = base.dtype;
  let line = 1;
  let rowsLeft = base.maxRows;
  let skip = base.skiprows;
  let total = 0;

  let fileColumns = -1;

  /** Parses complete lines into one block; null when they hold no rows. */
  const parse = (bytes: Uint8Array): NDArray | null => {
    const reader = new TableReader({
      ...base,
      dtype,
      skiprows: skip,
      maxRows: rowsLeft,
      ...(fileColumns < 0 ? {} : { fileColumns }),
    });
    reader.line = line;
    reader.feed(bytes, 0, bytes.length, true);
    skip = Math.max(0, skip - (reader.line - line));
    line = reader.line;
    if (reader.rows === 0) return null;
    const block = reader.result();
    if (rowsLeft >= 0) rowsLeft -= reader.rows;
    // Later blocks are read as the first was: same dtype (string sizes
    // included) and fields per line, so a ragged line names itself.
    dtype = block.dtype;
    fileColumns = reader.fileColumns;
    return block;
  };

  const source = stream.getReader();
  let parts: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await source.read();
      if (done) break;
      total += value.length;
      if (total > base.maxBytes) {
        throw new LimitError(
          "maxBytes",
          base.maxBytes,
          `the text is longer than ${base.maxBytes} bytes`,
          {
            format: "text",
            line,
          },
        );
      }
      parts.push(value);
      length += value.length;
      if (length < blockBytes) continue;
      const buf = concat(parts, length);
      // Cut blocks at the first line break past blockBytes bytes.
      let start = 0;
      for (;;) {
        const end = lineEndFrom(buf, start + blockBytes - 1);
        if (end === -1) break;
        const block = parse(buf.subarray(start, end));
        start = end;
        if (block !== null) yield block;
        if (rowsLeft === 0) return;
      }
      const lineStart = Math.max(start, lastLineEnd(buf, buf.length));
      if (buf.length - lineStart > base.maxLineLength) {
        throw new LimitError(
          "maxLineLength",
          base.maxLineLength,
          `line ${line} is longer than ${base.maxLineLength} bytes`,
          { format: "text", line },
        );
      }
      const rest = start === 0 ? buf : buf.slice(start);
      parts = rest.length === 0 ? [] : [rest];
      length = rest.length;
    }
    const block = parse(concat(parts, length));
    if (block !== null) yield block;
  } finally {
    source.releaseLock();
  }
}
