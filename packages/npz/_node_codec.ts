// The codec of @ndio/npz/fs: node:zlib (zlib-ng inside Deno) for deflate,
// inflate and CRC-32. Members are deflated in independent 4 MiB pieces,
// each ended with a sync flush and the last with the final block (as pigz
// does), so the pieces can be deflated on Web Workers in parallel and still
// join into one valid deflate stream — the same bytes with or without workers.

import { crc32, inflateRawSync } from "node:zlib";
import { badDeflate, type Codec, sizeMismatch } from "./_codec.ts";
import type { DeflatePool } from "./_deflate_pool.ts";
import { deflatePiece } from "./_deflate_piece.ts";

/** The size of the independently deflated pieces. */
export const DEFLATE_PIECE = 2 << 20;

/** Regroups chunks of any size into pieces of `size` bytes (the last may be shorter). */
export async function* pieces(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array> {
  let buffer: Uint8Array | null = null;
  let filled = 0;
  for await (const chunk of chunks) {
    let at = 0;
    if (filled === 0 && chunk.length >= size) {
      // Whole pieces straight from the chunk, without copying.
      while (chunk.length - at >= size) {
        yield chunk.subarray(at, at + size);
        at += size;
      }
    }
    while (at < chunk.length) {
      buffer ??= new Uint8Array(size);
      const take = Math.min(size - filled, chunk.length - at);
      buffer.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield buffer;
        buffer = null;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer!.subarray(0, filled);
}

async function* deflatePieces(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  level: number,
  pool: DeflatePool | null,
): AsyncGenerator<Uint8Array> {
  // One piece of lookahead tells which piece is the last.
  let previous: Uint8Array | null = null;
  const pending: Promise<Uint8Array>[] = [];
  const submit = (piece: Uint8Array, last: boolean) =>
    pool === null
      ? Promise.resolve(deflatePiece(piece, level, last))
      : pool.deflate(piece.slice(), level, last);
  for await (const piece of pieces(chunks, DEFLATE_PIECE)) {
    if (previous !== null) {
      pending.push(submit(previous, false));
      if (pending.length >= (pool?.size ?? 0) * 2 + 1) yield await pending.shift()!;
    }
    previous = pool === null ? piece : piece.slice();
  }
  pending.push(submit(previous ?? new Uint8Array(0), true));
  while (pending.length > 0) yield await pending.shift()!;
}

/**
 * The node:zlib codec. With a pool, members larger than one piece are
 * deflated on its workers.
 */
export function nodeCodec(pool: DeflatePool | null): Codec {
  return {
    crc32: (data, crc = 0) => crc32(data, crc),
    deflate: (chunks, level) => deflatePieces(chunks, level ?? 6, pool),
    inflate(data, size, name, offset): Promise<Uint8Array> {
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
      return Promise.resolve(new Uint8Array(out.buffer, out.byteOffset, out.length));
    },
  };
}
