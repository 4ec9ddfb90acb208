// A growable byte buffer that text writers append ASCII and UTF-8 to.

import { ArgumentError } from "@ndio/core";

const encoder = new TextEncoder();

/**
 * Appends bytes to a buffer; when it fills, the buffer is set aside as a
 * chunk and a fresh one started, so nothing is copied until `take()`.
 */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;
  readonly latin1: boolean;
  readonly chunkSize: number;
  #full: Uint8Array[] = [];
  #fullBytes = 0;

  /**
   * @param chunkSize The size of each fresh buffer.
   * @param latin1 Encode text as Latin-1 instead of UTF-8.
   * @param firstSize The size of the first buffer, when the output size can be estimated.
   */
  constructor(chunkSize = 1 << 18, latin1 = false, firstSize = chunkSize) {
    this.chunkSize = chunkSize;
    this.buf = new Uint8Array(firstSize);
    this.latin1 = latin1;
  }

  /** Bytes written so far, over all chunks. */
  get length(): number {
    return this.#fullBytes + this.pos;
  }

  /** Makes room for n more contiguous bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > 0) {
      this.#full.push(this.buf.subarray(0, this.pos));
      this.#fullBytes += this.pos;
    }
    this.buf = new Uint8Array(Math.max(this.chunkSize, n));
    this.pos = 0;
  }

  /** Appends bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Appends text in the writer's encoding (UTF-8, or Latin-1). */
  text(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = pos;
        this.#slowText(s, i);
        return;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
  }

  #slowText(s: string, from: number): void {
    const rest = s.slice(from);
    if (this.latin1) {
      this.ensure(rest.length);
      for (let i = 0; i < rest.length; i++) {
        const c = rest.charCodeAt(i);
        if (c > 0xff) {
          throw new ArgumentError(
            "text-encoding",
            `the character "${rest[i]}" cannot be written in latin1`,
          );
        }
        this.buf[this.pos++] = c;
      }
      return;
    }
    this.ensure(rest.length * 3);
    const { written } = encoder.encodeInto(rest, this.buf.subarray(this.pos));
    this.pos += written;
  }

  /** Everything written so far, in one array, and resets the writer. */
  take(): Uint8Array {
    let out: Uint8Array;
    if (this.#full.length === 0) {
      // Hand out the buffer itself when little of it would be wasted.
      out = this.pos >= this.buf.length * 0.5
        ? this.buf.subarray(0, this.pos)
        : this.buf.slice(0, this.pos);
      this.buf = new Uint8Array(this.chunkSize);
    } else {
      out = new Uint8Array(this.#fullBytes + this.pos);
      let at = 0;
      for (const chunk of this.#full) {
        out.set(chunk, at);
        at += chunk.length;
      }
      out.set(this.buf.subarray(0, this.pos), at);
      this.#full = [];
      this.#fullBytes = 0;
    }
    this.pos = 0;
    return out;
  }
}

/** Encodes text for a writer's encoding once, for repeated use. */
export function encodeText(s: string, latin1: boolean): Uint8Array {
  const w = new ByteWriter(s.length + 8, latin1);
  w.text(s);
  return w.take();
}
