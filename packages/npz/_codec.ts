// Deflate, inflate and CRC-32 behind one interface, so the
// runtime-agnostic code uses web streams and fflate while @ndio/npz/fs
// plugs in node:zlib (zlib-ng in Deno: native CRC-32, levels, sync flushes).

import { Deflate, Inflate, inflateSync } from "fflate";
import { MalformedError } from "@ndio/core";
import { type Crc32, crc32 } from "./_crc32.ts";

/** How an archive's members are compressed and checked. */
export interface Codec {
  /** Continues a CRC-32. */
  readonly crc32: Crc32;
  /**
   * Deflates a member given in pieces (raw deflate, no wrapper), yielding
   * the compressed stream in pieces. `level` undefined means the default.
   */
  deflate(
    chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    level: number | undefined,
  ): AsyncIterable<Uint8Array>;
  /**
   * Inflates a member whose declared size is `size`; never produces more:
   * a stream that inflates past it is an error, as is one that falls short.
   */
  inflate(data: Uint8Array, size: number, name: string, offset: number): Promise<Uint8Array>;
  /**
   * Optional: inflates a member from chunks of its compressed bytes
   * straight into `out`, whose length is the declared size, with the same
   * checks as `inflate`; resolves to the CRC-32 of the output. A codec with
   * it never holds a member's compressed bytes whole.
   */
  inflateInto?(
    chunks: AsyncIterable<Uint8Array>,
    out: Uint8Array,
    name: string,
    offset: number,
  ): Promise<number>;
  /** Optional: allocates the buffer a stored member is read into (default `new Uint8Array`). */
  allocate?(size: number): Uint8Array;
}

export function sizeMismatch(name: string, size: number, offset: number, more: boolean): never {
  throw new MalformedError(
    "zip-size-mismatch",
    more
      ? `member "${name}" inflates to more than its declared ${size} bytes`
      : `member "${name}" inflates to fewer than its declared ${size} bytes`,
    { format: "npz", offset, key: name },
  );
}

export function badDeflate(name: string, offset: number, cause: unknown): never {
  throw new MalformedError(
    "zip-bad-deflate",
    `member "${name}" at offset ${offset} is not a valid deflate stream`,
    { format: "npz", offset, key: name, cause },
  );
}

/**
 * Inflates in memory with fflate into a buffer one byte longer than the
 * declared size: fflate stops writing at the buffer's end, so the extra
 * byte tells a stream that inflates past its size without allocating more.
 */
export function inflateSyncBounded(
  data: Uint8Array,
  size: number,
  name: string,
  offset: number,
): Uint8Array {
  const out = new Uint8Array(size + 1);
  let result: Uint8Array;
  try {
    result = inflateSync(data, { out });
  } catch (error) {
    badDeflate(name, offset, error);
  }
  if (result.length !== size) sizeMismatch(name, size, offset, result.length > size);
  return out.subarray(0, size);
}

/**
 * Inflates the start of a deflate stream from its first compressed bytes
 * (`data` may stop anywhere): at most `want` bytes, fewer when `data` ends
 * first. Reads a member's `.npy` header without inflating the member.
 */
export function inflatePrefix(
  data: Uint8Array,
  want: number,
  name: string,
  offset: number,
): Uint8Array {
  const out = new Uint8Array(want);
  let written = 0;
  const inflater = new Inflate((chunk) => {
    const take = Math.min(chunk.length, want - written);
    out.set(chunk.subarray(0, take), written);
    written += take;
  });
  try {
    for (let at = 0; at < data.length && written < want; at += 4096) {
      inflater.push(data.subarray(at, at + 4096), false);
    }
  } catch (error) {
    badDeflate(name, offset, error);
  }
  return out.subarray(0, written);
}

/**
 * What is wrong with a deflate stream, inflated to its end, or null if it
 * is sound. Deno's DecompressionStream ends quietly where its input ends,
 * so a stream cut short looks like a member shorter than it declares; zlib
 * (and fflate) call it a bad stream, and so does ndio: after such a
 * shortfall this tells the two apart, inflating with fflate and dropping
 * the output. The input is pushed in 4 KiB pieces, so a piece expands to
 * at most ~4 MiB. Errors of the chunks' source pass through.
 */
export async function deflateStreamError(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<unknown> {
  const inflater = new Inflate(() => {});
  const push = (piece: Uint8Array, final: boolean): unknown => {
    try {
      inflater.push(piece, final);
      return null;
    } catch (error) {
      return error;
    }
  };
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += 4096) {
      const error = push(chunk.subarray(at, at + 4096), false);
      if (error !== null) return error;
    }
  }
  return push(new Uint8Array(0), true);
}

async function* fflateDeflate(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  level: number | undefined,
): AsyncGenerator<Uint8Array> {
  const pending: Uint8Array[] = [];
  const deflater = new Deflate(
    { level: (level ?? 6) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 },
    (chunk) => {
      pending.push(chunk);
    },
  );
  for await (const chunk of chunks) {
    deflater.push(chunk, false);
    yield* pending.splice(0);
  }
  deflater.push(new Uint8Array(0), true);
  yield* pending.splice(0);
}

async function* streamDeflate(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const stream = new CompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  const writing = (async () => {
    try {
      for await (const chunk of chunks) await writer.write(chunk as Uint8Array<ArrayBuffer>);
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => {});
      throw error;
    }
  })();
  // A failing input aborts the stream, so the read below fails with the
  // same error first; this promise is awaited only when reading succeeds.
  writing.catch(() => {});
  const reader = stream.readable.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
  await writing;
}

const INFLATE_PIECE = 32 << 10;
// Streamed inflation aims at output pieces of about this size.
const INFLATE_OUTPUT = 256 << 10;
const MIN_INFLATE_PIECE = 256;

/**
 * How many compressed bytes to feed next: 32 KiB, less when the stream has
 * expanded so far that 32 KiB would inflate to much more than 256 KiB at
 * once (zeros expand 1032 to 1: 32 MiB), down to 256 bytes; the first
 * piece is 256 bytes, before the expansion is known. Deno's
 * DecompressionStream gives a piece's whole output as one chunk, and large
 * chunks pile up before the collector frees them: a pass over a 256 MiB
 * member of zeros peaked at 345-352 MiB RSS in 32 KiB pieces, 186-210 MiB
 * this way, and no slower (128 MiB of float64: as fast).
 */
function pieceFor(consumed: number, produced: number): number {
  if (produced === 0) return MIN_INFLATE_PIECE;
  const piece = Math.floor(INFLATE_OUTPUT * consumed / produced);
  return Math.max(MIN_INFLATE_PIECE, Math.min(INFLATE_PIECE, piece));
}

async function streamInflate(
  data: Uint8Array,
  size: number,
  name: string,
  offset: number,
): Promise<Uint8Array> {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  // Fed in pieces: the stream inflates one piece at a time as its output is
  // read, so a bomb is caught after at most one piece's expansion (≤ 1032×).
  const writing = (async () => {
    for (let at = 0; at < data.length; at += INFLATE_PIECE) {
      await writer.write(data.subarray(at, at + INFLATE_PIECE) as Uint8Array<ArrayBuffer>);
    }
    await writer.close();
  })().catch(() => {});
  const reader = stream.readable.getReader();
  const out = new Uint8Array(size);
  let written = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (written + value.length > size) {
        await reader.cancel().catch(() => {});
        sizeMismatch(name, size, offset, true);
      }
      out.set(value, written);
      written += value.length;
    }
  } catch (error) {
    if (error instanceof MalformedError) throw error;
    badDeflate(name, offset, error);
  }
  await writing;
  if (written !== size) {
    const error = await deflateStreamError([data]);
    if (error !== null) badDeflate(name, offset, error);
    sizeMismatch(name, size, offset, false);
  }
  return out;
}

/**
 * The runtime-agnostic codec: the web's CompressionStream and
 * DecompressionStream (native zlib in Deno, browsers and Node), fflate when
 * a compression level is asked for (the web streams take none), and a
 * JavaScript CRC-32.
 */
export const webCodec: Codec = {
  crc32,
  deflate: (chunks, level) =>
    level === undefined ? streamDeflate(chunks) : fflateDeflate(chunks, level),
  inflate: streamInflate,
};

/**
 * Inflates a deflate stream given in chunks, yielding its output in pieces
 * as the web's DecompressionStream makes them (native zlib; as fast as
 * node:zlib's stream and four times fflate's on this machine). The input is
 * fed in pieces of at most 32 KiB, smaller as the stream expands more (see
 * pieceFor), and the stream inflates one piece per read of its output, so
 * however the stream expands, the caller sees at most one piece's
 * expansion (≤ 1032 × 32 KiB, about 256 KiB once the expansion is known)
 * before it can stop. Errors of the
 * chunks' source pass through; a corrupt stream is `zip-bad-deflate`.
 */
export async function* inflateChunks(
  chunks: AsyncIterable<Uint8Array>,
  name: string,
  offset: number,
): AsyncGenerator<Uint8Array> {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  // Compressed bytes fed and inflated bytes read so far, for pieceFor.
  let consumed = 0;
  let produced = 0;
  let sourceFailed = false;
  let sourceError: unknown;
  const writing = (async () => {
    const input = chunks[Symbol.asyncIterator]();
    try {
      while (true) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await input.next();
        } catch (error) {
          sourceFailed = true;
          sourceError = error;
          await writer.abort(error).catch(() => {});
          return;
        }
        if (next.done) break;
        const chunk = next.value;
        for (let at = 0; at < chunk.length;) {
          const piece = pieceFor(consumed, produced);
          await writer.write(chunk.subarray(at, at + piece) as Uint8Array<ArrayBuffer>);
          at += piece;
          consumed += piece;
        }
      }
      await writer.close();
    } catch {
      // The stream failed or was cancelled: its reader reports why.
    } finally {
      await input.return?.();
    }
  })();
  const reader = stream.readable.getReader();
  let finished = false;
  try {
    while (true) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (sourceFailed) throw sourceError;
        badDeflate(name, offset, error);
      }
      if (result.done) break;
      produced += result.value.length;
      yield result.value;
    }
    await writing;
    if (sourceFailed) throw sourceError;
    finished = true;
  } finally {
    if (!finished) {
      await reader.cancel().catch(() => {});
      await writing;
    }
  }
}
