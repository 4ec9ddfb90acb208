/**
 * File helpers for Deno: `save` (atomic: a temporary file renamed over the
 * target), `load` (the whole file read into one preallocated buffer, the
 * array a zero-copy view of it), and partial and streaming access to files.
 * The only module of @ndio/npy that uses Deno APIs.
 *
 * Speed: `load` reads straight into one buffer (`Deno.readFileSync` copies
 * twice); files of 64 MiB or more in parallel parts, one per CPU (up to 4),
 * so the kernel's work of filling fresh pages runs on every core. Large buffers are slow to touch
 * the first time with 4 KiB pages; NumPy asks Linux for transparent huge
 * pages (`madvise(MADV_HUGEPAGE)`) on its large allocations, and so does
 * `load` for files of 32 MiB or more when the process already has FFI
 * permission (`--allow-ffi` or `-A`; it never prompts); smaller buffers
 * reuse memory the allocator kept from freed ones. Without FFI, running Deno with
 * `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` gives the same effect.
 * See BENCHMARKS.md.
 *
 * @example
 * ```ts
 * import { load, save } from "@ndio/npy/fs";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/a.npy";
 * await save(path, arange(6, { dtype: "<i8" }).reshape([2, 3]));
 * const a = await load(path);
 * assert.deepEqual(a.shape, [2, 3]);
 * assert.equal(a.get(1, 2), 5n);
 * ```
 *
 * @module
 */

import { ArgumentError, type IndexItem, type NDArray, NdioError, TruncatedError } from "@ndio/core";
import { allocateBuffer, createAtomicFileSink, fileSizeOf, openFileSource } from "@ndio/core/fs";
import type { NpyHeader, NpyHeaderOptions } from "./header.ts";
import { decodeNpy, type DecodeNpyOptions, decodeNpyStream } from "./decode.ts";
import { encodeNpyChunks, type WriteNpyOptions } from "./encode.ts";
import { readNpyHeader, readNpyIndex, type ReadNpyIndexOptions } from "./read.ts";
import {
  type NpyStreamFields,
  NpyStreamWriter,
  type NpyStreamWriterOptions,
} from "./stream_writer.ts";

/** Prefixes the path to the message of ndio errors thrown by `fn`. */
function naming<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw withPath(path, error);
  }
}

async function namingAsync<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw withPath(path, error);
  }
}

function withPath(path: string, error: unknown): unknown {
  if (error instanceof NdioError && !(error as Error).message.startsWith(`"${path}"`)) {
    (error as Error).message = `"${path}": ${(error as Error).message}`;
  }
  return error;
}

/** Options of {@linkcode save}. */
export interface SaveOptions extends WriteNpyOptions {
  /**
   * Flush the file to disk before renaming it over the target (default
   * false, like `np.save`). The write is atomic either way: readers see the
   * old file or the new one, never a part.
   */
  readonly fsync?: boolean;
}

// Contiguous data is written straight from the array's buffer in pieces
// this large (views, not copies); strided views are copied 1 MiB at a time.
const CONTIGUOUS_WRITE = 64 << 20;
// Smaller arrays are written with their header in one system call, which
// costs more than copying them.
const GATHERED_SAVE = 256 << 10;

function gather(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Saves an array as `.npy`, byte for byte as `np.save` would, atomically:
 * the bytes go to a temporary file in the same directory, renamed over
 * `path` when complete. A strided view is written without a full copy.
 *
 * @example
 * ```ts
 * import { save } from "@ndio/npy/fs";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/z.npy";
 * await save(path, zeros([10, 10]).T);
 * assert.equal((await Deno.stat(path)).size, 128 + 800);
 * ```
 *
 * @param path The file to write.
 * @param array The array.
 * @param options Version, pickle codec, fsync.
 */
export async function save(path: string, array: NDArray, options?: SaveOptions): Promise<void> {
  const contiguous = array.isCContiguous || array.isFContiguous;
  const chunks = encodeNpyChunks(array, {
    ...options,
    chunkBytes: options?.chunkBytes ?? (contiguous ? CONTIGUOUS_WRITE : 1 << 20),
  });
  // Encoding errors (an object array without a codec) surface before the file is created.
  const first = chunks.next();
  const sink = createAtomicFileSink(path, {
    fsync: options?.fsync ?? false,
    ...(first.done !== true && !array.dtype.hasObject
      ? { size: first.value.length + array.nbytes }
      : {}),
  });
  try {
    if (first.done !== true && array.nbytes < GATHERED_SAVE) {
      await sink.write(gather([first.value, ...chunks]));
    } else {
      if (first.done !== true) await sink.write(first.value);
      for (const chunk of chunks) await sink.write(chunk);
    }
    await sink.commit();
  } finally {
    await sink.abort();
  }
}

/** Options of {@linkcode load}. */
export interface LoadOptions extends DecodeNpyOptions {
  /**
   * Ask Linux for transparent huge pages for files of 32 MiB or more
   * (default true; see `allocateBuffer` in `@ndio/core/fs`). Takes effect
   * only when the process already has FFI permission; otherwise nothing
   * happens.
   */
  readonly hugePages?: boolean;
  /**
   * Read the file into this buffer (at least the file's size) instead of a
   * new one: the array views it. Reusing one buffer across loads avoids
   * the cost of touching fresh memory (see BENCHMARKS.md).
   */
  readonly buffer?: Uint8Array;
}

/**
 * Loads a `.npy` file synchronously: one buffer of the file's size, filled
 * by `readSync`; the array views it (zero-copy). Errors name the file.
 *
 * @example
 * ```ts
 * import { loadSync, save } from "@ndio/npy/fs";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/a.npy";
 * await save(path, arange(3, { dtype: ">f4" }));
 * assert.deepEqual(loadSync(path).toNested(), [0, 1, 2]);
 * ```
 *
 * @param path The file.
 * @param options Header limit, pickle handling, huge pages.
 * @returns The array.
 */
export function loadSync(path: string, options?: LoadOptions): NDArray {
  const bytes = readWholeFile(path, options?.hugePages ?? true, options?.buffer);
  return naming(path, () => decodeNpy(bytes, options));
}

/**
 * Loads a `.npy` file (see {@linkcode loadSync}): the fast path for whole
 * files, as `np.load`.
 *
 * @example
 * ```ts
 * import { load, save } from "@ndio/npy/fs";
 * import { array } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/s.npy";
 * await save(path, array(["a", "bc"]));
 * assert.deepEqual((await load(path)).toNested(), ["a", "bc"]);
 * ```
 *
 * @param path The file.
 * @param options Header limit, pickle handling, huge pages.
 * @returns The array.
 */
export async function load(path: string, options?: LoadOptions): Promise<NDArray> {
  const bytes = await readWholeFileAsync(path, options?.hugePages ?? true, options?.buffer);
  return naming(path, () => decodeNpy(bytes, options));
}

/**
 * Loads every array of a file written by calling `np.save` repeatedly on
 * one handle.
 *
 * @example
 * ```ts
 * import { loadStream } from "@ndio/npy/fs";
 * import { encodeNpy } from "@ndio/npy";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/many.npy";
 * const one = encodeNpy(arange(2, { dtype: "<i2" }));
 * await Deno.writeFile(path, new Uint8Array([...one, ...one, ...one]));
 * assert.equal((await loadStream(path)).length, 3);
 * ```
 *
 * @param path The file.
 * @param options Header limit, pickle handling.
 * @returns The arrays, in order.
 */
export function loadStream(path: string, options?: LoadOptions): Promise<NDArray[]> {
  try {
    const bytes = readWholeFile(path, options?.hugePages ?? true, options?.buffer);
    return Promise.resolve(naming(path, () => decodeNpyStream(bytes, options)));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Reads the header of a `.npy` file alone (its first 128 bytes, usually).
 *
 * @example
 * ```ts
 * import { loadHeader, save } from "@ndio/npy/fs";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/h.npy";
 * await save(path, zeros([5, 2], { dtype: "<u2" }));
 * const header = await loadHeader(path);
 * assert.deepEqual([header.dtype.str, header.shape], ["<u2", [5, 2]]);
 * ```
 *
 * @param path The file.
 * @param options The header size limit.
 * @returns The header.
 */
export function loadHeader(path: string, options?: NpyHeaderOptions): Promise<NpyHeader> {
  return namingAsync(path, async () => {
    using source = openFileSource(path);
    return await readNpyHeader(source, options);
  });
}

/**
 * Reads the part of a `.npy` file that a NumPy index selects, reading only
 * the bytes it needs (see `readNpyIndex`).
 *
 * @example
 * ```ts
 * import { loadIndex, save } from "@ndio/npy/fs";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/big.npy";
 * await save(path, arange(10000, { dtype: "<i4" }).reshape([100, 100]));
 * const part = await loadIndex(path, "2:4, ::50");
 * assert.deepEqual(part.toNested(), [[200, 250], [300, 350]]);
 * ```
 *
 * @param path The file.
 * @param index NumPy index syntax, or index items.
 * @param options Header limit, read coalescing.
 * @returns The selected elements.
 */
export function loadIndex(
  path: string,
  index: string | readonly IndexItem[],
  options?: ReadNpyIndexOptions,
): Promise<NDArray> {
  return namingAsync(path, async () => {
    using source = openFileSource(path);
    return await readNpyIndex(source, index, options);
  });
}

/** Options of {@linkcode createNpyWriter}. */
export interface NpyFileWriterOptions extends NpyStreamWriterOptions {
  /** Flush the file to disk before renaming it over the target (default false). */
  readonly fsync?: boolean;
}

/**
 * A `.npy` file written in chunks along its first axis, atomically: the
 * target appears, complete, when `close()` succeeds; `abort()` (or
 * disposal before `close()`) leaves it untouched.
 */
export interface NpyFileWriter extends AsyncDisposable {
  /** The target path. */
  readonly path: string;
  /** The rows appended so far. */
  readonly rows: number;
  /** Appends rows (see `NpyStreamWriter.append`). */
  append(chunk: NDArray): Promise<void>;
  /** Fixes the header, then renames the file over the target; returns the final header. */
  close(): Promise<NpyHeader>;
  /** Deletes the temporary file. */
  abort(): Promise<void>;
}

/**
 * Opens a `.npy` file to be written in chunks along its first axis, with
 * memory bounded by the chunk size: for arrays larger than memory.
 *
 * @example
 * ```ts
 * import { createNpyWriter, loadSync } from "@ndio/npy/fs";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/rows.npy";
 * await using writer = createNpyWriter(path, { dtype: "<i8", rowShape: [2] });
 * await writer.append(arange(4).reshape([2, 2]));
 * await writer.append(arange(4, 6).reshape([1, 2]));
 * await writer.close();
 * assert.deepEqual(loadSync(path).shape, [3, 2]);
 * ```
 *
 * @param path The file to write.
 * @param fields The dtype and the shape of one row.
 * @param options fsync; a version to force.
 * @returns The writer.
 */
export function createNpyWriter(
  path: string,
  fields: NpyStreamFields,
  options?: NpyFileWriterOptions,
): NpyFileWriter {
  if (typeof path !== "string" || path === "") {
    throw new ArgumentError("path-invalid", "a file path is needed");
  }
  const sink = createAtomicFileSink(path, { fsync: options?.fsync ?? false });
  let writer: NpyStreamWriter;
  try {
    writer = new NpyStreamWriter(sink, fields, options);
  } catch (error) {
    void sink.abort();
    throw error;
  }
  const fail = async (error: unknown): Promise<never> => {
    await sink.abort();
    throw withPath(path, error);
  };
  return {
    path,
    get rows(): number {
      return writer.rows;
    },
    append: (chunk: NDArray) => writer.append(chunk).catch(fail),
    close: async () => {
      try {
        const header = await writer.close();
        await sink.commit();
        return header;
      } catch (error) {
        return fail(error);
      }
    },
    abort: () => sink.abort(),
    [Symbol.asyncDispose]: () => sink.abort(),
  };
}

/** Opens `path` and sizes the buffer its bytes go to. */
function openWhole(
  path: string,
  hugePages: boolean,
  buffer: Uint8Array | undefined,
): { file: Deno.FsFile; out: Uint8Array } {
  if (typeof path !== "string" || path === "") {
    throw new ArgumentError("path-invalid", "a file path is needed");
  }
  if (buffer !== undefined && !(buffer instanceof Uint8Array)) {
    throw new ArgumentError("option-invalid", "buffer must be a Uint8Array");
  }
  const file = Deno.openSync(path, { read: true });
  try {
    const size = fileSizeOf(file);
    if (buffer !== undefined && buffer.length < size) {
      throw new ArgumentError(
        "option-invalid",
        `"${path}" has ${size} bytes but the buffer given holds ${buffer.length}`,
      );
    }
    const out = buffer === undefined
      ? allocateBuffer(size, { hugePages })
      : buffer.subarray(0, size);
    return { file, out };
  } catch (error) {
    file.close();
    throw error;
  }
}

function truncated(path: string, at: number, size: number): TruncatedError {
  return new TruncatedError(`"${path}" ended after ${at} of its ${size} bytes`, {
    format: "npy",
    offset: at,
  });
}

function readAllSync(file: Deno.FsFile, out: Uint8Array, path: string): Uint8Array {
  let done = 0;
  while (done < out.length) {
    const n = file.readSync(out.subarray(done));
    if (n === null || n === 0) throw truncated(path, done, out.length);
    done += n;
  }
  return out;
}

function readWholeFile(path: string, hugePages: boolean, buffer?: Uint8Array): Uint8Array {
  const { file, out } = openWhole(path, hugePages, buffer);
  using _ = file;
  return readAllSync(file, out, path);
}

// Files this large are read by several threads at once, each through its
// own handle into its own part of the buffer: most of a large read is the
// kernel faulting in, zeroing and filling fresh pages, which then runs on
// every core instead of one. Parts are whole huge pages.
const PARALLEL_READ = 64 << 20;
const PART_ALIGN = 2 << 20;

/** Reads `out` from `file` at `start`, through Deno's async reads (its thread pool). */
async function readPart(
  file: Deno.FsFile,
  out: Uint8Array,
  start: number,
  path: string,
  size: number,
): Promise<void> {
  await file.seek(start, Deno.SeekMode.Start);
  let done = 0;
  while (done < out.length) {
    const n = await file.read(out.subarray(done));
    if (n === null || n === 0) throw truncated(path, start + done, size);
    done += n;
  }
}

/**
 * Reads a whole file as `readWholeFile` does, large ones in parallel parts
 * (`parallelFrom` bytes or more; at most one part per CPU, up to 4). Every
 * extra handle must lead to the same file as the first (a file renamed over
 * `path` meanwhile is read through the first handle alone).
 */
async function readWholeFileAsync(
  path: string,
  hugePages: boolean,
  buffer?: Uint8Array,
  parallelFrom: number = PARALLEL_READ,
): Promise<Uint8Array> {
  const parts = Math.min(4, navigator.hardwareConcurrency ?? 1);
  const { file, out } = openWhole(path, hugePages, buffer);
  const size = out.length;
  const files = [file];
  try {
    // Smaller files in one synchronous read: an async read costs a round
    // trip through the thread pool, more than a small file takes to read.
    if (size < parallelFrom || parts < 2) return readAllSync(file, out, path);
    const info = file.statSync();
    for (let k = 1; k < parts; k++) {
      const other = await Deno.open(path, { read: true });
      files.push(other);
      const same = other.statSync();
      if (same.ino !== info.ino || same.dev !== info.dev) {
        files.splice(1).forEach((f) => f.close());
        break;
      }
    }
    const step = Math.ceil(size / files.length / PART_ALIGN) * PART_ALIGN;
    await Promise.all(
      files.map((f, k) => {
        const start = Math.min(size, k * step);
        return readPart(f, out.subarray(start, Math.min(size, start + step)), start, path, size);
      }),
    );
    return out;
  } finally {
    for (const f of files) f.close();
  }
}
