/**
 * File-system helpers for Deno: files as random-access byte sources, fast
 * whole-file reads, and atomic writes (a temporary file in the same
 * directory, renamed over the target only when complete). The only module of
 * @ndio/core that uses Deno APIs; format packages import it from their own
 * file-helper modules, never from their runtime-agnostic code.
 *
 * @module
 */

import type { ByteSource, SeekableByteSink } from "./byte_source.ts";
import { ArgumentError, NdioError, TruncatedError } from "./errors.ts";

/** A byte source over an open file; close it (or use `using`) when done. */
export interface FileSource extends ByteSource, Disposable {
  /** The file's path. */
  readonly path: string;
  /** Closes the file. */
  close(): void;
}

function readFully(file: Deno.FsFile, into: Uint8Array, position: number, path: string): void {
  file.seekSync(position, Deno.SeekMode.Start);
  let done = 0;
  while (done < into.length) {
    const n = file.readSync(into.subarray(done));
    if (n === null || n === 0) {
      throw new TruncatedError(`"${path}" ended after ${position + done} bytes`, {
        offset: position + done,
      });
    }
    done += n;
  }
}

// Sizes from a seek are taken below this; from it up, and where a seek
// fails, the stat gives the size.
const SEEK_SIZE_LIMIT = 64 << 20;

/**
 * The size in bytes of an open file, its position left at the start. A seek
 * to the end costs a fraction of `statSync`, which builds a whole `FileInfo`
 * (about 0.1 ms right after a garbage collection, against 0.01 ms). Where a
 * seek does not give the size (a pipe cannot seek, a directory's end is
 * 2**63 - 1, a block device's end is its capacity while its stat says 0),
 * and from 64 MiB up, where the stat's cost does not matter, `statSync`
 * gives it.
 *
 * @example
 * ```ts
 * import { fileSizeOf } from "@ndio/core/fs";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
 * using file = Deno.openSync(path, { read: true });
 * assert.equal(fileSizeOf(file), 3);
 * ```
 *
 * @param file An open file.
 * @returns Its size in bytes.
 */
export function fileSizeOf(file: Deno.FsFile): number {
  let end: number;
  try {
    end = file.seekSync(0, Deno.SeekMode.End);
    file.seekSync(0, Deno.SeekMode.Start);
  } catch {
    return file.statSync().size;
  }
  return end < SEEK_SIZE_LIMIT ? end : file.statSync().size;
}

/**
 * Opens a file as a random-access byte source.
 *
 * @example
 * ```ts
 * import { openFileSource } from "@ndio/core/fs";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
 * using source = openFileSource(path);
 * assert.deepEqual(await source.read(1, 2), new Uint8Array([2, 3]));
 * ```
 *
 * @param path The file.
 * @returns The source.
 */
export function openFileSource(path: string): FileSource {
  const file = Deno.openSync(path, { read: true });
  let byteLength: number;
  try {
    byteLength = fileSizeOf(file);
  } catch (error) {
    file.close();
    throw error;
  }
  let open = true;
  const close = () => {
    if (open) {
      open = false;
      file.close();
    }
  };
  const check = (offset: number, length: number): void => {
    if (
      !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0
    ) {
      throw new ArgumentError("range-invalid", `cannot read ${length} bytes at offset ${offset}`);
    }
    if (offset + length > byteLength) {
      throw new TruncatedError(
        `"${path}" has ${byteLength} bytes, so ${length} bytes at offset ${offset} cannot be read`,
        { offset: byteLength },
      );
    }
  };
  return {
    path,
    byteLength,
    read(offset: number, length: number): Promise<Uint8Array> {
      try {
        check(offset, length);
        const out = new Uint8Array(length);
        readFully(file, out, offset, path);
        return Promise.resolve(out);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    readInto(offset: number, into: Uint8Array): Promise<void> {
      try {
        if (!(into instanceof Uint8Array)) {
          throw new ArgumentError("range-invalid", "readInto needs a Uint8Array to fill");
        }
        check(offset, into.length);
        readFully(file, into, offset, path);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    close,
    [Symbol.dispose]: close,
  };
}

// Linux's MADV_HUGEPAGE, and the size from which buffers get huge pages:
// glibc's largest mmap threshold on 64-bit systems. Smaller buffers may
// come from glibc's heap, where memory freed by an earlier buffer is reused
// without a page fault; asking for huge pages there made loads slower
// (8 MB: 2.1 ms against 1.2 ms, one garbage collection between loads).
// From 32 MiB glibc always maps fresh memory, and huge pages make filling
// it 2 to 3 times faster (40 MB: 12.5 ms against 27 ms).
const MADV_HUGEPAGE = 14;
const HUGE_PAGE_THRESHOLD = 32 << 20;

const LIBC_SYMBOLS = {
  madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  fallocate: { parameters: ["i32", "i32", "i64", "i64"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
} as const;

let libc: Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"] | null | undefined;

/** libc through FFI, when the process may already use FFI on Linux (it never prompts); else null. */
function libcSymbols(): Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"] | null {
  if (libc !== undefined) return libc;
  libc = null;
  try {
    if (Deno.build.os !== "linux") return null;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
    libc = Deno.dlopen("libc.so.6", LIBC_SYMBOLS).symbols;
  } catch {
    libc = null;
  }
  return libc;
}

/** libc's madvise(MADV_HUGEPAGE), when FFI may be used; else null. */
function hugePageAdvisor(): ((address: bigint, length: bigint) => void) | null {
  const symbols = libcSymbols();
  if (symbols === null) return null;
  return (address, length) => {
    symbols.madvise(Deno.UnsafePointer.create(address), length, MADV_HUGEPAGE);
  };
}

// open(2) flags: O_WRONLY | O_NOFOLLOW | O_CLOEXEC; fallocate(2)'s
// FALLOC_FL_KEEP_SIZE. Files from this size up get their blocks reserved.
const O_WRONLY_NOFOLLOW_CLOEXEC = 0o1 | 0o400000 | 0o2000000;
const FALLOC_FL_KEEP_SIZE = 1;
const RESERVE_FROM = 1 << 20;

/**
 * Reserves `size` bytes of blocks for the file at `path` (fallocate with
 * FALLOC_FL_KEEP_SIZE, as NumPy's `tofile` does), so that writing it need
 * not allocate blocks as it goes: a third less CPU for an 800 MB write on
 * ext4. Best effort: without FFI, or where the file system cannot, nothing
 * happens, and a write that does not fit fails as it would have.
 */
function reserveBlocks(path: string, size: number): void {
  const symbols = libcSymbols();
  if (symbols === null || size < RESERVE_FROM) return;
  const fd = symbols.open(new TextEncoder().encode(path + "\0"), O_WRONLY_NOFOLLOW_CLOEXEC);
  if (fd < 0) return;
  symbols.fallocate(fd, FALLOC_FL_KEEP_SIZE, 0n, BigInt(size));
  symbols.close(fd);
}

/** Options of {@linkcode allocateBuffer}. */
export interface AllocateOptions {
  /**
   * Ask Linux for transparent huge pages for buffers of 32 MiB or more
   * (default true), as NumPy does for its large arrays. Takes effect only
   * when the process already has FFI permission (it never prompts);
   * otherwise nothing happens.
   */
  readonly hugePages?: boolean;
}

/**
 * A zeroed buffer for data about to be filled, with transparent huge pages
 * requested (`madvise(MADV_HUGEPAGE)`) for 32 MiB or more when the process
 * may use FFI. Filling fresh memory costs one page fault per 4 KiB page,
 * which on some machines costs more than the copy itself; NumPy asks for
 * huge pages on its large arrays for the same reason. Smaller buffers are
 * left to the allocator, which can hand back memory freed earlier without
 * faults.
 *
 * @example
 * ```ts
 * import { allocateBuffer } from "@ndio/core/fs";
 * import assert from "node:assert/strict";
 *
 * const buffer = allocateBuffer(8 << 20);
 * assert.equal(buffer.length, 8 << 20);
 * assert.equal(buffer[0], 0);
 * ```
 *
 * @param size Its length in bytes.
 * @param options Whether to ask for huge pages.
 * @returns The buffer.
 */
export function allocateBuffer(size: number, options?: AllocateOptions): Uint8Array {
  const out = new Uint8Array(size);
  if ((options?.hugePages ?? true) && size >= HUGE_PAGE_THRESHOLD) {
    const advise = hugePageAdvisor();
    if (advise !== null) {
      // The whole pages inside the buffer, before any of them is touched.
      const address = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(out)));
      const start = (address + 4095n) & ~4095n;
      const end = (address + BigInt(size)) & ~4095n;
      if (end > start) advise(start, end - start);
    }
  }
  return out;
}

/**
 * Reads a whole file into one freshly allocated buffer, with a single copy
 * from the kernel (faster than `Deno.readFile` for large files).
 *
 * @example
 * ```ts
 * import { readFileBytes } from "@ndio/core/fs";
 * import assert from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeFile(path, new Uint8Array([7, 8]));
 * assert.deepEqual(readFileBytes(path), new Uint8Array([7, 8]));
 * ```
 *
 * @param path The file.
 * @returns Its bytes.
 */
export function readFileBytes(path: string): Uint8Array {
  using file = Deno.openSync(path, { read: true });
  const size = fileSizeOf(file);
  const out = new Uint8Array(size);
  readFully(file, out, 0, path);
  return out;
}

/** A sink writing to a temporary file that becomes the target on `commit()`. */
export interface AtomicFileSink extends SeekableByteSink, AsyncDisposable {
  /** The target path. */
  readonly path: string;
  /** Flushes, closes and renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file, leaving the target untouched. */
  abort(): Promise<void>;
}

/** Options of the atomic writers. */
export interface AtomicWriteOptions {
  /** Flush the data to disk before the rename (default true). */
  readonly fsync?: boolean;
  /**
   * The number of bytes about to be written, when known: from 1 MiB, their
   * blocks are reserved up front (`fallocate`, as NumPy's `tofile` does),
   * which makes writing them cheaper. Linux only, and only when the process
   * already has FFI permission; otherwise ignored. `writeFileAtomic` of one
   * `Uint8Array` sets it itself.
   */
  readonly size?: number;
}

const TEMP_SUFFIX = ".ndio-tmp";
// Concurrent writers of one target each hold a slot; more than this many at
// once is refused rather than probed for ever.
const MAX_SLOTS = 256;

function splitPath(path: string): { dir: string; base: string } {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return { dir: path.slice(0, slash + 1), base: path.slice(slash + 1) };
}

/** A temporary file with a random name, where file locks cannot tell debris from a live write. */
function openRandomTemp(path: string): { file: Deno.FsFile; temp: string } {
  const { dir, base } = splitPath(path);
  const random = crypto.getRandomValues(new Uint32Array(2)).reduce(
    (s, n) => s + n.toString(36),
    "",
  );
  const temp = `${dir}.${base}.${random}${TEMP_SUFFIX}`;
  return { file: Deno.openSync(temp, { write: true, createNew: true, mode: 0o644 }), temp };
}

/**
 * Takes `temp` if no live writer holds it: creates it, or opens the one
 * there, takes an exclusive lock without waiting, and checks that the name
 * still leads to the locked file, a plain file with one name (not one
 * renamed over its target meanwhile, nor a link planted there). A writer
 * holds its lock until its file is renamed or removed, and the kernel drops
 * the lock of a killed process, so a file that can be taken is new or a
 * killed writer's debris (emptied and reused). Null when a live writer
 * holds it (or, with `create` false, when there is none).
 */
function takeTemp(temp: string, create: boolean): { file: Deno.FsFile; created: boolean } | null {
  // Another writer renaming its file away meanwhile makes us look again; a
  // name that keeps changing is left as busy.
  for (let attempt = 0; attempt < 16; attempt++) {
    let file: Deno.FsFile | null = null;
    let created = false;
    if (create) {
      try {
        // O_EXCL: never follows a link planted at the name.
        file = Deno.openSync(temp, { write: true, createNew: true, mode: 0o644 });
        created = true;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
    }
    if (file === null) {
      try {
        file = Deno.openSync(temp, { write: true });
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        if (!create) return null;
        continue;
      }
    }
    let taken = false;
    try {
      if (!file.tryLockSync(true)) return null;
      const held = file.statSync();
      let named: Deno.FileInfo | null = null;
      try {
        named = Deno.lstatSync(temp);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      if (named !== null && (!named.isFile || named.nlink !== 1)) {
        throw new NdioError(
          "temp-invalid",
          `"${temp}" is in the way of the atomic write and is not a temporary file of it`,
        );
      }
      if (named === null || named.ino !== held.ino || named.dev !== held.dev) {
        if (!create) return null;
        continue;
      }
      // Nothing is changed before these checks.
      if (held.size > 0) file.truncateSync(0);
      taken = true;
      return { file, created };
    } finally {
      if (!taken) file.close();
    }
  }
  return null;
}

// Targets whose later slots this process has looked through, so that a
// process pays for the look (a failed lstat costs as much as a write of a
// small file) once per target, not once per write. Bounded: a process
// writing many targets starts the set over.
const probedTargets = new Set<string>();
const MAX_PROBED_TARGETS = 1024;

/**
 * The temporary file of a write of `path`: the first free slot
 * `.NAME.SLOT.ndio-tmp` in its directory, locked while the write runs. A
 * killed writer's slot is taken over by the next write of the same target.
 * Debris in the slots after it (left by killed writers that ran beside
 * another) is removed by the first write of the target in each process, and
 * by any write that found a slot busy or took one over. A few system calls a
 * write, whatever the directory holds.
 */
function openSlotTemp(path: string): { file: Deno.FsFile; temp: string } {
  const { dir, base } = splitPath(path);
  const slotPath = (slot: number) => `${dir}.${base}.${slot}${TEMP_SUFFIX}`;
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const taken = takeTemp(slotPath(slot), true);
    if (taken === null) continue;
    if (slot === 0 && taken.created && probedTargets.has(path)) {
      return { file: taken.file, temp: slotPath(slot) };
    }
    if (probedTargets.size >= MAX_PROBED_TARGETS) probedTargets.clear();
    probedTargets.add(path);
    for (let later = slot + 1; later < MAX_SLOTS; later++) {
      const name = slotPath(later);
      try {
        Deno.lstatSync(name);
      } catch {
        break;
      }
      try {
        const debris = takeTemp(name, false);
        if (debris !== null) {
          Deno.removeSync(name);
          debris.file.close();
        }
      } catch {
        // Not ours to remove.
      }
    }
    return { file: taken.file, temp: slotPath(slot) };
  }
  throw new NdioError(
    "too-many-writers",
    `"${path}" already has ${MAX_SLOTS} writes in progress`,
  );
}

/**
 * Opens an atomic writer for `path`: bytes go to a temporary file in the
 * same directory; `commit()` renames it over `path`, `abort()` (or disposal
 * without commit) deletes it. A crash leaves the previous file intact;
 * the temporary file a killed process leaves (`.NAME.SLOT.ndio-tmp`, locked
 * while its writer runs) is taken over or removed by the next write of the
 * same target (not on Windows, where temporary names are random).
 *
 * @example
 * ```ts
 * import { createAtomicFileSink } from "@ndio/core/fs";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/out.bin";
 * const sink = createAtomicFileSink(path);
 * await sink.write(new Uint8Array([1, 2]));
 * await sink.commit();
 * assert.deepEqual(await Deno.readFile(path), new Uint8Array([1, 2]));
 * ```
 *
 * @param path The target file.
 * @param options Whether to fsync.
 * @returns The sink.
 */
export function createAtomicFileSink(path: string, options?: AtomicWriteOptions): AtomicFileSink {
  if (typeof path !== "string" || path === "") {
    throw new ArgumentError("path-invalid", "a file path is needed");
  }
  const size = options?.size;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
    throw new ArgumentError("option-invalid", `size must be a whole number of bytes, not ${size}`);
  }
  const closeFirst = Deno.build.os === "windows";
  const { file, temp } = closeFirst ? openRandomTemp(path) : openSlotTemp(path);
  if (size !== undefined) reserveBlocks(temp, size);
  let position = 0;
  let state: "open" | "committed" | "aborted" = "open";
  const writeAll = (chunk: Uint8Array) => {
    let done = 0;
    while (done < chunk.length) done += file.writeSync(chunk.subarray(done));
  };
  const abort = (): Promise<void> => {
    if (state !== "open") return Promise.resolve();
    state = "aborted";
    // Removed before it is closed: its lock keeps the name ours until gone.
    if (!closeFirst) {
      try {
        Deno.removeSync(temp);
      } catch {
        // Nothing to remove.
      }
    }
    try {
      file.close();
    } catch {
      // Already closed.
    }
    if (closeFirst) {
      try {
        Deno.removeSync(temp);
      } catch {
        // Nothing to remove.
      }
    }
    return Promise.resolve();
  };
  const guard = <T>(fn: () => T): Promise<T> => {
    if (state !== "open") {
      return Promise.reject(
        new NdioError("sink-closed", `the writer of "${path}" is already ${state}`),
      );
    }
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return abort().then(() => Promise.reject(error));
    }
  };
  return {
    path,
    get position(): number {
      return position;
    },
    write: (chunk: Uint8Array) =>
      guard(() => {
        writeAll(chunk);
        position += chunk.length;
      }),
    writeAt: (offset: number, chunk: Uint8Array) =>
      guard(() => {
        if (offset < 0 || offset + chunk.length > position) {
          throw new ArgumentError(
            "range-invalid",
            `cannot overwrite ${chunk.length} bytes at ${offset} of ${position}`,
          );
        }
        file.seekSync(offset, Deno.SeekMode.Start);
        writeAll(chunk);
        file.seekSync(position, Deno.SeekMode.Start);
      }),
    commit: () =>
      guard(() => {
        if (options?.fsync ?? true) file.syncSync();
        // Renamed while still locked, so no other writer can take the file
        // between the rename and the close (Windows: closed first).
        if (closeFirst) file.close();
        Deno.renameSync(temp, path);
        state = "committed";
        if (!closeFirst) file.close();
      }),
    abort,
    [Symbol.asyncDispose]: abort,
  };
}

/**
 * Writes bytes (or chunks) to `path` atomically.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "@ndio/core/fs";
 * import assert from "node:assert/strict";
 *
 * const path = (await Deno.makeTempDir()) + "/a.bin";
 * await writeFileAtomic(path, [new Uint8Array([1]), new Uint8Array([2])]);
 * assert.deepEqual(await Deno.readFile(path), new Uint8Array([1, 2]));
 * ```
 *
 * @param path The target file.
 * @param data The bytes, or chunks of them (sync or async iterable).
 * @param options Whether to fsync.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options?: AtomicWriteOptions,
): Promise<void> {
  const sink = createAtomicFileSink(
    path,
    data instanceof Uint8Array && options?.size === undefined
      ? { ...options, size: data.length }
      : options,
  );
  try {
    if (data instanceof Uint8Array) await sink.write(data);
    else for await (const chunk of data) await sink.write(chunk);
    await sink.commit();
  } finally {
    await sink.abort();
  }
}
