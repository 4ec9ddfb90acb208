/**
 * Random-access byte sources and byte sinks: how plugins read large inputs
 * without loading them whole, and write outputs in pieces.
 *
 * @module
 */

import { ArgumentError, NdioError, OutOfRangeError, TruncatedError } from "./errors.ts";

/**
 * Bytes that can be read at any offset: a file, a buffer, a URL served with
 * HTTP range requests.
 */
export interface ByteSource {
  /** The total length in bytes. */
  readonly byteLength: number;
  /**
   * Reads `length` bytes at `offset`. Resolves to exactly that many bytes,
   * or rejects with a `TruncatedError` when the source is shorter.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: fills `into` with the `into.length` bytes at `offset`, so a
   * reader going through a large source can reuse its buffers instead of
   * getting a new one per read. Rejects as `read` does.
   */
  readInto?(offset: number, into: Uint8Array): Promise<void>;
}

/** Where written bytes go, in order. */
export interface ByteSink {
  /** Appends bytes. The sink may keep a reference until the promise settles. */
  write(chunk: Uint8Array): Promise<void>;
}

/** A sink that can also overwrite bytes already written (to patch a header). */
export interface SeekableByteSink extends ByteSink {
  /** Bytes written so far. */
  readonly position: number;
  /** Overwrites bytes at `offset`, which must lie within what was written. */
  writeAt(offset: number, chunk: Uint8Array): Promise<void>;
}

function checkRange(offset: number, length: number, byteLength: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new ArgumentError("range-invalid", `cannot read ${length} bytes at offset ${offset}`);
  }
  if (offset + length > byteLength) {
    throw new TruncatedError(
      `the input has ${byteLength} bytes, so ${length} bytes at offset ${offset} cannot be read`,
      { offset: byteLength },
    );
  }
}

/**
 * A byte source over bytes in memory. Reads return views, not copies.
 *
 * @example
 * ```ts
 * import { bytesSource } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const source = bytesSource(new Uint8Array([1, 2, 3, 4]));
 * assert.deepEqual(await source.read(1, 2), new Uint8Array([2, 3]));
 * ```
 *
 * @param bytes The bytes.
 * @returns The source.
 */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    byteLength: bytes.length,
    read(offset: number, length: number): Promise<Uint8Array> {
      try {
        checkRange(offset, length, bytes.length);
      } catch (error) {
        return Promise.reject(error);
      }
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
}

/**
 * Reads the whole of a source.
 *
 * @example
 * ```ts
 * import { bytesSource, readAll } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal((await readAll(bytesSource(new Uint8Array(3)))).length, 3);
 * ```
 *
 * @param source The source.
 * @returns Its bytes.
 */
export function readAll(source: ByteSource): Promise<Uint8Array> {
  return source.read(0, source.byteLength);
}

/** Options of {@linkcode urlSource}. */
export interface UrlSourceOptions {
  /** The fetch function to use (default: the global `fetch`). */
  readonly fetch?: typeof fetch;
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A byte source over a URL, read with HTTP Range requests: only the bytes
 * asked for travel. The server must answer ranges with 206.
 *
 * @example
 * ```ts ignore
 * import { urlSource } from "@ndio/core";
 *
 * const source = await urlSource("https://example.com/data.npz");
 * const tail = await source.read(source.byteLength - 22, 22);
 * ```
 *
 * @param url The resource.
 * @param options A custom fetch and headers.
 * @returns The source.
 */
export async function urlSource(
  url: string | URL,
  options?: UrlSourceOptions,
): Promise<ByteSource> {
  const get = options?.fetch ?? fetch;
  const headers = options?.headers ?? {};
  const probe = await get(url, { headers: { ...headers, Range: "bytes=0-0" } });
  await probe.body?.cancel();
  let byteLength: number | undefined;
  if (probe.status === 206) {
    const range = probe.headers.get("content-range") ?? "";
    const total = /\/(\d+)\s*$/.exec(range);
    if (total !== null) byteLength = Number(total[1]);
  } else if (probe.ok) {
    throw new NdioError("http-no-ranges", `the server of "${url}" does not answer range requests`);
  } else if (probe.status === 416) {
    byteLength = 0;
  } else {
    throw new NdioError("http-error", `fetching "${url}" failed with HTTP ${probe.status}`);
  }
  if (byteLength === undefined || !Number.isSafeInteger(byteLength)) {
    throw new NdioError(
      "http-no-length",
      `the server of "${url}" did not say how long the resource is`,
    );
  }
  const length = byteLength;
  return {
    byteLength: length,
    async read(offset: number, count: number): Promise<Uint8Array> {
      checkRange(offset, count, length);
      if (count === 0) return new Uint8Array(0);
      const response = await get(url, {
        headers: { ...headers, Range: `bytes=${offset}-${offset + count - 1}` },
      });
      if (response.status !== 206) {
        await response.body?.cancel();
        throw new NdioError(
          "http-error",
          `a range request to "${url}" answered HTTP ${response.status}`,
        );
      }
      const body = new Uint8Array(await response.arrayBuffer());
      if (body.length !== count) {
        throw new OutOfRangeError(
          "http-short-read",
          `a range request to "${url}" returned ${body.length} bytes instead of ${count}`,
          { offset },
        );
      }
      return body;
    },
  };
}

/** An in-memory sink that collects what is written. */
export interface BytesSink extends SeekableByteSink {
  /** Everything written, as one array. */
  bytes(): Uint8Array;
}

/**
 * A seekable sink that collects bytes in memory.
 *
 * @example
 * ```ts
 * import { bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const sink = bytesSink();
 * await sink.write(new Uint8Array([1, 2, 3]));
 * await sink.writeAt(0, new Uint8Array([9]));
 * assert.deepEqual(sink.bytes(), new Uint8Array([9, 2, 3]));
 * ```
 *
 * @returns The sink.
 */
export function bytesSink(): BytesSink {
  let buffer = new Uint8Array(1024);
  let length = 0;
  return {
    get position(): number {
      return length;
    },
    write(chunk: Uint8Array): Promise<void> {
      if (length + chunk.length > buffer.length) {
        const grown = new Uint8Array(Math.max(buffer.length * 2, length + chunk.length));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(chunk, length);
      length += chunk.length;
      return Promise.resolve();
    },
    writeAt(offset: number, chunk: Uint8Array): Promise<void> {
      if (offset < 0 || offset + chunk.length > length) {
        return Promise.reject(
          new ArgumentError(
            "range-invalid",
            `cannot overwrite ${chunk.length} bytes at ${offset} of ${length}`,
          ),
        );
      }
      buffer.set(chunk, offset);
      return Promise.resolve();
    },
    bytes(): Uint8Array {
      return buffer.slice(0, length);
    },
  };
}
