/**
 * File helpers for Deno: `loadtxtFile` reads a text file as `np.loadtxt(path)`
 * does, in chunks through one reused buffer, into a store allocated with
 * huge pages when the process may use FFI; `savetxtFile` writes
 * `np.savetxt`'s bytes atomically. The only module of @ndio/text that uses
 * Deno APIs.
 *
 * @example
 * ```ts
 * import { loadtxtFile, savetxtFile } from "@ndio/text/fs";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/a.txt";
 * await savetxtFile(path, arange(6, { dtype: "<i8" }).reshape([2, 3]), { fmt: "%d" });
 * const a = await loadtxtFile(path);
 * assert.deepEqual(a.toNested(), [[0n, 1n, 2n], [3n, 4n, 5n]]);
 * ```
 *
 * @module
 */

import { ArgumentError, type NDArray, NdioError } from "@ndio/core";
import { allocateBuffer, writeFileAtomic } from "@ndio/core/fs";
import { type LoadtxtOptions, readerConfig, shapeResult } from "./loadtxt.ts";
import { savetxtBytes, type SavetxtOptions } from "./savetxt.ts";
import { TableReader } from "./_table_reader.ts";

/** Options of {@linkcode loadtxtFile}. */
export interface LoadtxtFileOptions extends LoadtxtOptions {
  /**
   * Ask Linux for transparent huge pages for the result's store, as NumPy
   * does for its arrays (default true; only when the process already has
   * FFI permission).
   */
  readonly hugePages?: boolean;
}

// The file is read in pieces this large, through one buffer.
const CHUNK = 1 << 20;

function withPath(path: string, error: unknown): unknown {
  if (error instanceof NdioError && !(error as Error).message.startsWith(`"${path}"`)) {
    (error as Error).message = `"${path}": ${(error as Error).message}`;
  }
  return error;
}

/**
 * Reads a text file into an array, as `np.loadtxt(path)` does (the same
 * options as `loadtxt`). The file is read in 1 MiB pieces through
 * one buffer, never whole; errors name the file.
 *
 * @example
 * ```ts
 * import { loadtxtFile } from "@ndio/text/fs";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/t.tsv";
 * await Deno.writeTextFile(path, "1.5\t2\n3\t4\n");
 * const a = await loadtxtFile(path, { delimiter: "\t" });
 * assert.deepEqual(a.toNested(), [[1.5, 2], [3, 4]]);
 * ```
 *
 * @param path The file.
 * @param options As `loadtxt`, and huge pages.
 * @returns The array.
 */
export function loadtxtFile(path: string, options?: LoadtxtFileOptions): Promise<NDArray> {
  try {
    return Promise.resolve(loadFile(path, options));
  } catch (error) {
    return Promise.reject(withPath(path, error));
  }
}

function loadFile(path: string, options: LoadtxtFileOptions | undefined): NDArray {
  if (typeof path !== "string" || path === "") {
    throw new ArgumentError("path-invalid", "a file path is needed");
  }
  const hugePages = options?.hugePages ?? true;
  using file = Deno.openSync(path, { read: true });
  const size = file.statSync().size;
  const reader = new TableReader({
    ...readerConfig(options, "loadtxt"),
    allocate: (bytes) => allocateBuffer(bytes, { hugePages }),
    sizeHint: size,
  });
  let buf = new Uint8Array(Math.max(1, Math.min(size, CHUNK)));
  let filled = 0;
  for (;;) {
    if (filled === buf.length) {
      // A line longer than the buffer: make room (the reader bounds it).
      const next = new Uint8Array(buf.length * 2);
      next.set(buf);
      buf = next;
    }
    const n = file.readSync(buf.subarray(filled));
    if (n === null) {
      reader.feed(buf, 0, filled, true);
      break;
    }
    filled += n;
    const used = reader.feed(buf, 0, filled, false);
    if (reader.done) break;
    buf.copyWithin(0, used, filled);
    filled -= used;
  }
  return shapeResult(reader, options);
}

/** Options of {@linkcode savetxtFile}. */
export interface SavetxtFileOptions extends SavetxtOptions {
  /** Flush the file to disk before renaming it over the target (default false). */
  readonly fsync?: boolean;
}

/**
 * Writes an array as text, byte for byte as `np.savetxt(path, array, ...)`,
 * atomically (a temporary file renamed over `path`).
 *
 * @example
 * ```ts
 * import { savetxtFile } from "@ndio/text/fs";
 * import { array } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/b.txt";
 * await savetxtFile(path, array([[1, 2]], { dtype: "<i4" }), { fmt: "%d", delimiter: "," });
 * assert.equal(await Deno.readTextFile(path), "1,2\n");
 * ```
 *
 * @param path The file to write.
 * @param array The array.
 * @param options As `savetxt`, and fsync.
 */
export async function savetxtFile(
  path: string,
  array: NDArray,
  options?: SavetxtFileOptions,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = savetxtBytes(array, options);
  } catch (error) {
    throw withPath(path, error);
  }
  await writeFileAtomic(path, bytes, { fsync: options?.fsync ?? false });
}
