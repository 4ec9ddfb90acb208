// The codec of @ndio/npz/fs: node:zlib (zlib-ng inside Deno) for deflate,
// inflate and CRC-32. Members are deflated in independent 4 MiB pieces,
// each ended with a sync flush and the last with the final block, and each
// deflated after the 32 KiB before it, which its matches may refer to (as
// pigz does), so the pieces can be deflated on threads in parallel and still
// join into one valid deflate stream — the same bytes with or without them.

import { crc32, inflateRawSync } from "node:zlib";
import { allocateBuffer } from "@ndio/core/fs";
import { badDeflate, type Codec, sizeMismatch } from "./_codec.ts";
import type { DeflatePool } from "./_deflate_pool.ts";
import { deflatePiece, HISTORY } from "./_deflate_piece.ts";
import { hasRawInflater, openRawInflater } from "./_raw_inflater.ts";

/** The largest independently deflated piece. */
export const DEFLATE_PIECE = 4 << 20;
// Chunks smaller than this are gathered into one piece (the .npy header,
// small gathered rows); larger ones are deflated in place, without a copy.
const SMALL_CHUNK = 64 << 10;

/**
 * Cuts a member's chunks into the pieces deflated independently: a chunk of
 * at least 64 KiB becomes pieces of at most `size` bytes (views, no copy);
 * smaller chunks are gathered until they reach 64 KiB or a large chunk
 * comes. The cuts depend only on the chunks, so threads or not, the
 * deflated bytes are the same.
 */
export async function* pieces(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  let gathered: Uint8Array[] = [];
  let gatheredLength = 0;
  const flush = function* (): Generator<Uint8Array> {
    if (gatheredLength === 0) return;
    const piece = new Uint8Array(gatheredLength);
    let at = 0;
    for (const part of gathered) {
      piece.set(part, at);
      at += part.length;
    }
    gathered = [];
    gatheredLength = 0;
    yield piece;
  };
  for await (const chunk of chunks) {
    if (chunk.length < SMALL_CHUNK) {
      gathered.push(chunk.slice());
      gatheredLength += chunk.length;
      if (gatheredLength >= SMALL_CHUNK) yield* flush();
      continue;
    }
    yield* flush();
    for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
  }
  yield* flush();
}

async function* deflatePieces(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  level: number,
  pool: DeflatePool | null,
): AsyncGenerator<Uint8Array> {
  // One piece of lookahead tells which piece is the last. Pieces may be
  // views of the array; the pool copies them into buffers it reuses. Each
  // piece goes with the last 32 KiB before it (copied: the caller may
  // reuse its chunks), which its matches may refer to.
  let previous: Uint8Array | null = null;
  let history: Uint8Array = new Uint8Array(0);
  const pending: Promise<Uint8Array>[] = [];
  // A piece a thread fails on (one could not start, e.g. from a remote
  // module URL) is deflated here instead: the same bytes either way.
  const submit = (piece: Uint8Array, last: boolean) => {
    const before = history;
    history = historyAfter(before, piece);
    return pool === null || pool.size === 0
      ? deflatePiece(piece, level, last, before)
      : pool.deflate(piece, before, level, last).catch(() =>
        deflatePiece(piece, level, last, before)
      );
  };
  for await (const piece of pieces(chunks, DEFLATE_PIECE)) {
    if (previous !== null) {
      pending.push(submit(previous, false));
      if (pending.length >= (pool?.size ?? 0) * 2 + 1) yield await pending.shift()!;
    }
    previous = piece;
  }
  pending.push(submit(previous ?? new Uint8Array(0), true));
  while (pending.length > 0) yield await pending.shift()!;
}

/** The last 32 KiB of `history` followed by `piece`, copied. */
function historyAfter(history: Uint8Array, piece: Uint8Array): Uint8Array {
  if (piece.length >= HISTORY) return piece.slice(piece.length - HISTORY);
  const keep = Math.min(history.length, HISTORY - piece.length);
  const out = new Uint8Array(keep + piece.length);
  out.set(history.subarray(history.length - keep));
  out.set(piece, keep);
  return out;
}

function inflateWhole(data: Uint8Array, size: number, name: string, offset: number): Uint8Array {
  let out: Uint8Array;
  try {
    // maxOutputLength bounds the allocation: a bomb stops there.
    // One output chunk of the whole size: zlib inflates straight into it.
    out = inflateRawSync(data, {
      maxOutputLength: Math.max(1, size),
      chunkSize: Math.max(64, Math.min(size, 2 ** 31 - 1)),
    });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      sizeMismatch(name, size, offset, true);
    }
    badDeflate(name, offset, error);
  }
  if (out.length !== size) sizeMismatch(name, size, offset, out.length > size);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * Inflates chunks of a member's compressed bytes into `out` (its declared
 * size) and returns the output's CRC-32, computed span by span while each
 * is still in cache. Once `out` is full, input goes on into a one-byte
 * scratch buffer: a byte landing there means the stream inflates past its
 * declared size. Bytes after the end of the stream are ignored, as Python's
 * zipfile does.
 */
async function inflateInto(
  chunks: AsyncIterable<Uint8Array>,
  out: Uint8Array,
  name: string,
  offset: number,
): Promise<number> {
  const inflater = openRawInflater();
  if (inflater === null) throw new Error("node:zlib has no inflate handle here");
  const scratch = new Uint8Array(1);
  let at = 0;
  let crc = 0;
  let ended = false;
  const step = (input: Uint8Array, finish: boolean): number => {
    const full = at === out.length;
    let result;
    try {
      result = inflater.write(input, full ? scratch : out, full ? 0 : at, finish);
    } catch (error) {
      badDeflate(name, offset, error);
    }
    if (result.written > 0) {
      if (full) sizeMismatch(name, out.length, offset, true);
      crc = crc32(out.subarray(at, at + result.written), crc);
      at += result.written;
    }
    ended = result.ended;
    return result.consumed;
  };
  try {
    for await (const chunk of chunks) {
      let used = 0;
      while (used < chunk.length && !ended) used += step(chunk.subarray(used), false);
    }
    if (!ended) step(new Uint8Array(0), true);
  } finally {
    inflater.close();
  }
  if (at !== out.length) sizeMismatch(name, out.length, offset, false);
  return crc;
}

/**
 * The node:zlib codec. With a pool, members larger than one piece are
 * deflated on its workers.
 */
export function nodeCodec(pool: DeflatePool | null): Codec {
  return {
    crc32: (data, crc = 0) => crc32(data, crc),
    deflate: (chunks, level) => deflatePieces(chunks, level ?? 6, pool),
    inflate: (data, size, name, offset) => Promise.resolve(inflateWhole(data, size, name, offset)),
    // Offered only where node:zlib has the handle; otherwise members are
    // inflated whole with inflateRawSync.
    ...(hasRawInflater() ? { inflateInto } : {}),
    // Huge pages for large members, as NumPy's arrays get (see allocateBuffer).
    allocate: (size) => allocateBuffer(size),
  };
}
