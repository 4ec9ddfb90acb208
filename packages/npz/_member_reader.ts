// Reading one member's bytes in order, in memory bounded by the read size:
// a stored member straight from the source, a deflated one through a
// streaming inflater fed bounded chunks of its compressed bytes. The
// central directory's sizes are held to (an inflater that produces more is
// stopped: a bomb is an error, never an allocation of its inflated size),
// and the CRC-32 is checked once the last byte has been read.

import type { ByteSource } from "@ndio/core";
import { type CentralEntry, checkCrc, METHOD_STORED } from "./_zip.ts";
import {
  badDeflate,
  type Codec,
  deflateStreamError,
  inflateChunks,
  sizeMismatch,
} from "./_codec.ts";

/** The default size of each read of a member's bytes from the source. */
export const DEFAULT_READ_BYTES = 4 << 20;

/** Where a member's data is and how to read and check it. */
export interface MemberAccess {
  readonly source: ByteSource;
  readonly entry: CentralEntry;
  /** The offset of the member's data in the source. */
  readonly dataOffset: number;
  readonly codec: Codec;
  /** The most bytes read from the source at once. */
  readonly readBytes: number;
  /** Whether to check the CRC-32 (sizes are always checked). */
  readonly verify: boolean;
}

/** Reads `length` bytes from `offset` in chunks of at most `chunk`, one read ahead. */
async function* sourceChunks(
  source: ByteSource,
  offset: number,
  length: number,
  chunk: number,
): AsyncGenerator<Uint8Array> {
  const end = offset + length;
  let pending = offset < end ? source.read(offset, Math.min(chunk, end - offset)) : null;
  for (let at = offset; pending !== null;) {
    const current = pending;
    const next = at + Math.min(chunk, end - at);
    pending = next < end ? source.read(next, Math.min(chunk, end - next)) : null;
    // A read ahead that fails after this one is reported when it is awaited.
    pending?.catch(() => {});
    yield await current;
    at = next;
  }
}

/**
 * A member's uncompressed bytes, read in order: `take` and `fill` for the
 * parts the caller wants whole, `pieces` to stream the rest; `finish` reads
 * to the end and checks size and CRC-32.
 */
export class MemberReader {
  #access: MemberAccess;
  #inflated: AsyncIterator<Uint8Array> | null;
  #pending: Uint8Array | null = null;
  /** Bytes of the member that came from the source or inflater so far. */
  #produced = 0;
  /** Bytes of the member handed to the caller so far. */
  #position = 0;
  #crc = 0;
  #closed = false;

  constructor(access: MemberAccess) {
    this.#access = access;
    const { entry, source, dataOffset, readBytes } = access;
    this.#inflated = entry.method === METHOD_STORED ? null : inflateChunks(
      sourceChunks(source, dataOffset, entry.compressedSize, readBytes),
      entry.name,
      dataOffset,
    )[Symbol.asyncIterator]();
  }

  /** Bytes of the member read so far. */
  get position(): number {
    return this.#position;
  }

  /** The next bytes from the source or inflater (at most `want` from a stored member), or null at the end. */
  async #next(want: number): Promise<Uint8Array | null> {
    const { entry, source, dataOffset, codec, verify } = this.#access;
    let piece: Uint8Array | null;
    if (this.#closed) return null;
    if (this.#inflated === null) {
      const left = entry.size - this.#produced;
      piece = left === 0
        ? null
        : await source.read(dataOffset + this.#produced, Math.min(want, left));
    } else {
      const next = await this.#inflated.next();
      piece = next.done ? null : next.value;
    }
    if (piece === null) return null;
    if (this.#produced + piece.length > entry.size) {
      sizeMismatch(entry.name, entry.size, dataOffset, true);
    }
    this.#produced += piece.length;
    if (verify) this.#crc = codec.crc32(piece, this.#crc);
    return piece;
  }

  /**
   * The member ended before its declared size. For a deflated one, that is
   * a stream cut short (the web's inflater ends quietly where its input
   * does) or one that is whole but shorter: the compressed bytes are read
   * again to tell which, so the error is the one a whole read gives.
   */
  async #short(): Promise<never> {
    const { entry, source, dataOffset, readBytes } = this.#access;
    if (this.#inflated !== null) {
      const error = await deflateStreamError(
        sourceChunks(source, dataOffset, entry.compressedSize, readBytes),
      );
      if (error !== null) badDeflate(entry.name, dataOffset, error);
    }
    sizeMismatch(entry.name, entry.size, dataOffset, false);
  }

  /**
   * The next `length` bytes. A stored member's come in one read (shared
   * with the source's buffer when it gives views); otherwise a fresh copy
   * unless one piece holds them.
   */
  async take(length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    if (this.#pending === null && this.#inflated === null) {
      if (this.#produced + length > this.#access.entry.size) return await this.#short();
      const bytes = await this.#next(length);
      if (bytes === null || bytes.length !== length) return await this.#short();
      this.#position += length;
      return bytes;
    }
    if (this.#pending !== null && this.#pending.length >= length) {
      const bytes = this.#pending.subarray(0, length);
      this.#pending = this.#pending.length > length ? this.#pending.subarray(length) : null;
      this.#position += length;
      return bytes;
    }
    const out = new Uint8Array(length);
    await this.fill(out);
    return out;
  }

  /** Fills `target` with the next bytes. */
  async fill(target: Uint8Array): Promise<void> {
    let at = 0;
    while (at < target.length) {
      const piece = this.#pending ?? await this.#next(target.length - at);
      if (piece === null) return await this.#short();
      const n = Math.min(piece.length, target.length - at);
      target.set(piece.subarray(0, n), at);
      this.#pending = n < piece.length ? piece.subarray(n) : null;
      at += n;
      this.#position += n;
    }
  }

  /** The next bytes as they come (at most `readBytes` of a stored member), or null at the end. */
  async next(): Promise<Uint8Array | null> {
    const piece = this.#pending ?? await this.#next(this.#access.readBytes);
    this.#pending = null;
    if (piece !== null) this.#position += piece.length;
    return piece;
  }

  /** Passes over the next `length` bytes (they still count towards the size and CRC-32). */
  async skip(length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      const piece = this.#pending ?? await this.#next(Math.min(left, this.#access.readBytes));
      if (piece === null) return await this.#short();
      const n = Math.min(piece.length, left);
      this.#pending = n < piece.length ? piece.subarray(n) : null;
      left -= n;
      this.#position += n;
    }
  }

  /** The remaining bytes in pieces, each with its offset in the member; then `finish`es. */
  async *pieces(): AsyncGenerator<[piece: Uint8Array, offset: number]> {
    while (true) {
      const piece = this.#pending ?? await this.#next(this.#access.readBytes);
      this.#pending = null;
      if (piece === null) break;
      const offset = this.#position;
      this.#position += piece.length;
      yield [piece, offset];
    }
    await this.finish();
  }

  /** Reads what is left, then checks that the member had its declared size and CRC-32. */
  async finish(): Promise<void> {
    this.#pending = null;
    while (await this.#next(this.#access.readBytes) !== null) {
      // Trailing bytes after the array count towards the size and CRC.
    }
    const { entry, dataOffset, verify } = this.#access;
    if (this.#produced !== entry.size) await this.#short();
    this.#position = entry.size;
    if (verify) checkCrc(entry, this.#crc, dataOffset);
  }

  /** Stops the inflater early (after an error, or when the caller stops reading). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#pending = null;
    await this.#inflated?.return?.();
  }
}
