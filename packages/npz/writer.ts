/**
 * Writing `.npz` archives as `np.savez` and `np.savez_compressed` do:
 * members `name.npy`, positional arrays named `arr_0`, `arr_1`, …, ZIP64
 * local headers on every member (zipfile's `force_zip64`), so NumPy,
 * Python's zipfile and `unzip` read them. Stored members start 64-byte
 * aligned, so their arrays can be viewed without copying.
 *
 * @module
 */

import { ArgumentError, type ByteSink, NDArray, type SeekableByteSink } from "@ndio/core";
import {
  encodeNpy,
  encodeNpyChunks,
  encodeNpyHeader,
  npyHeaderFields,
  type NpyPickleOptions,
} from "@ndio/npy";
import { deflateSync } from "fflate";
import {
  centralEntry,
  dataDescriptor,
  encodeName,
  endRecords,
  FLAG_DESCRIPTOR,
  localHeader,
  METHOD_DEFLATE,
  METHOD_STORED,
  type WrittenEntry,
} from "./_zip.ts";
import { type Codec, webCodec } from "./_codec.ts";
import { crc32 } from "./_crc32.ts";

/**
 * Arrays to save: one array, a list of arrays (named `arr_0`, `arr_1`, …)
 * that may hold objects of named arrays, an object of named arrays, or a
 * map. As in `np.savez(file, *args, **kwds)`, named arrays come first in
 * the archive, then the positional ones.
 */
export type NpzArrays =
  | NDArray
  | readonly (NDArray | Readonly<Record<string, NDArray>>)[]
  | Readonly<Record<string, NDArray>>
  | ReadonlyMap<string, NDArray>;

/** Options of {@linkcode savez}, {@linkcode encodeNpz} and {@linkcode NpzWriter}. */
export interface SavezOptions extends NpyPickleOptions {
  /** Deflate the members (`np.savez_compressed`); default false. */
  readonly compress?: boolean;
  /**
   * The deflate level, 0–9. Unset, compression uses the runtime's native
   * zlib at its default level (6) where there is one.
   */
  readonly level?: number;
  /**
   * Start stored members' data at a multiple of this many bytes (a power
   * of two; default 64; 1 lays members out exactly as NumPy does). The
   * padding goes in the local header's extra field, which readers skip.
   */
  readonly align?: number;
}

/**
 * The members an {@linkcode NpzArrays} value names, in NumPy's order:
 * named arrays first, then `arr_0`, `arr_1`, ….
 *
 * @example
 * ```ts
 * import { npzMembers } from "@ndio/npz";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const members = npzMembers([zeros([2]), { x: zeros([3]) }, zeros([1])]);
 * assert.deepEqual(members.map(([name]) => name), ["x", "arr_0", "arr_1"]);
 * ```
 *
 * @param arrays The arrays.
 * @returns Pairs of name (without `.npy`) and array.
 */
export function npzMembers(arrays: NpzArrays): [string, NDArray][] {
  const named: [string, NDArray][] = [];
  const positional: NDArray[] = [];
  const addNamed = (name: string, value: unknown) => {
    if (!(value instanceof NDArray)) {
      throw new ArgumentError("npz-not-an-array", `the value named "${name}" is not an NDArray`);
    }
    if (named.some(([n]) => n === name)) {
      throw new ArgumentError("npz-duplicate-name", `the name "${name}" is given twice`);
    }
    named.push([name, value]);
  };
  if (arrays instanceof NDArray) positional.push(arrays);
  else if (Array.isArray(arrays)) {
    for (const item of arrays as readonly unknown[]) {
      if (item instanceof NDArray) positional.push(item);
      else if (item !== null && typeof item === "object" && !Array.isArray(item)) {
        for (const [name, value] of Object.entries(item)) addNamed(name, value);
      } else {
        throw new ArgumentError(
          "npz-not-an-array",
          `item ${positional.length + named.length} is neither an NDArray nor named arrays`,
        );
      }
    }
  } else if (arrays instanceof Map) {
    for (const [name, value] of arrays) {
      if (typeof name !== "string") {
        throw new ArgumentError("npz-bad-name", `array names must be strings, not ${name}`);
      }
      addNamed(name, value);
    }
  } else if (arrays !== null && typeof arrays === "object") {
    for (const [name, value] of Object.entries(arrays)) addNamed(name, value);
  } else {
    throw new ArgumentError("npz-not-an-array", "the arrays to save must be NDArrays");
  }
  positional.forEach((array, i) => {
    const name = `arr_${i}`;
    if (named.some(([n]) => n === name)) {
      throw new ArgumentError(
        "npz-name-clash",
        `cannot use un-named arrays and the name "${name}" together`,
      );
    }
    named.push([name, array]);
  });
  return named;
}

function checkOptions(options: SavezOptions | undefined): { compress: boolean; align: number } {
  const compress = options?.compress ?? false;
  if (typeof compress !== "boolean") {
    throw new ArgumentError("option-invalid", `compress must be true or false, not ${compress}`);
  }
  const level = options?.level;
  if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > 9)) {
    throw new ArgumentError("option-invalid", `level must be an integer 0–9, not ${level}`);
  }
  const align = options?.align ?? 64;
  if (!Number.isInteger(align) || align < 1 || align > 4096 || (align & (align - 1)) !== 0) {
    throw new ArgumentError(
      "option-invalid",
      `align must be a power of two from 1 to 4096, not ${align}`,
    );
  }
  return { compress, align: compress ? 1 : align };
}

function isSeekable(sink: ByteSink): sink is SeekableByteSink {
  return typeof (sink as Partial<SeekableByteSink>).writeAt === "function";
}

/** Makes a writer use another codec (for @ndio/npz/fs: node:zlib). Not exported from mod.ts. */
export let useCodec: (writer: NpzWriter, codec: Codec) => void;

/**
 * Writes an archive member by member to a {@linkcode ByteSink}, holding
 * only one piece of one member in memory at a time, so archives larger
 * than memory can be written. With a seekable sink the local headers are
 * patched with each member's CRC-32 and sizes afterwards (as zipfile does
 * on files); otherwise each member is followed by a data descriptor (as
 * zipfile does on streams).
 *
 * @example
 * ```ts
 * import { loadNpz, NpzWriter } from "@ndio/npz";
 * import { arange, bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const sink = bytesSink();
 * const writer = new NpzWriter(sink, { compress: true });
 * await writer.add("a", arange(10));
 * await writer.add("b", arange(5, { dtype: "<f4" }));
 * await writer.close();
 * using npz = await loadNpz(sink.bytes());
 * assert.deepEqual(npz.files, ["a", "b"]);
 * ```
 */
export class NpzWriter implements AsyncDisposable {
  #sink: ByteSink;
  #options: SavezOptions;
  #codec: Codec;
  #compress: boolean;
  #align: number;
  #position = 0;
  #entries: WrittenEntry[] = [];
  #names = new Set<string>();
  #state: "open" | "busy" | "closed" | "failed" = "open";

  /**
   * Starts an archive.
   *
   * @param sink Where the bytes go; seekable sinks avoid data descriptors.
   * @param options Compression, level, alignment, pickle codec.
   */
  constructor(sink: ByteSink, options?: SavezOptions) {
    if (sink === null || typeof sink !== "object" || typeof sink.write !== "function") {
      throw new ArgumentError("sink-invalid", "the sink must be a ByteSink with write()");
    }
    const checked = checkOptions(options);
    this.#sink = sink;
    this.#options = options ?? {};
    this.#codec = webCodec;
    this.#compress = checked.compress;
    this.#align = checked.align;
  }

  static {
    useCodec = (writer, codec) => {
      writer.#codec = codec;
    };
  }

  /** Bytes written so far. */
  get position(): number {
    return this.#position;
  }

  /**
   * Adds an array as member `name.npy`.
   *
   * @example
   * ```ts
   * import { loadNpz, NpzWriter } from "@ndio/npz";
   * import { arange, bytesSink } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const sink = bytesSink();
   * const writer = new NpzWriter(sink);
   * await writer.add("x", arange(3));
   * await writer.close();
   * assert.deepEqual((await loadNpz(sink.bytes())).names, ["x.npy"]);
   * ```
   *
   * @param name The name, without `.npy`.
   * @param array The array.
   */
  add(name: string, array: NDArray): Promise<void> {
    if (!(array instanceof NDArray)) {
      return Promise.reject(
        new ArgumentError("npz-not-an-array", `the value named "${name}" is not an NDArray`),
      );
    }
    // Deflated members go in 4 MiB chunks: @ndio/npz/fs deflates each chunk
    // as an independent piece (on threads), and fewer, larger pieces cost
    // less per piece and compress a little better.
    const chunkBytes = this.#compress ? 4 << 20 : 1 << 20;
    const chunks = () => encodeNpyChunks(array, { ...this.#options, chunkBytes });
    return this.#add(name + ".npy", chunks, () => {
      if (array.dtype.hasObject) return null;
      return encodedLength(array);
    });
  }

  /**
   * Adds a member holding `bytes` as they are (NumPy reads such members
   * back as bytes).
   *
   * @example
   * ```ts
   * import { loadNpz, NpzWriter } from "@ndio/npz";
   * import { arange, bytesSink } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const sink = bytesSink();
   * const writer = new NpzWriter(sink);
   * await writer.addBytes("README.txt", new TextEncoder().encode("hi"));
   * await writer.close();
   * const npz = await loadNpz(sink.bytes());
   * assert.deepEqual(await npz.get("README.txt"), new TextEncoder().encode("hi"));
   * ```
   *
   * @param name The full member name.
   * @param bytes The content.
   */
  addBytes(name: string, bytes: Uint8Array): Promise<void> {
    return this.#add(name, () => [bytes], () => bytes.length);
  }

  /**
   * Writes the central directory and end records. The sink is not closed.
   *
   * @example
   * ```ts
   * import { NpzWriter } from "@ndio/npz";
   * import { bytesSink } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const sink = bytesSink();
   * await new NpzWriter(sink).close();
   * assert.equal(sink.bytes().length, 22); // an empty archive, as np.savez(f) writes
   * ```
   */
  async close(): Promise<void> {
    this.#begin("close");
    try {
      const start = this.#position;
      for (const entry of this.#entries) await this.#write(centralEntry(entry));
      await this.#write(
        endRecords(this.#entries.length, start, this.#position - start),
      );
      this.#state = "closed";
    } catch (error) {
      this.#state = "failed";
      throw error;
    }
  }

  /** Closes the archive if it is still open, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#state === "open") await this.close();
  }

  #begin(what: string): void {
    if (this.#state !== "open") {
      throw new ArgumentError(
        "npz-writer-state",
        this.#state === "busy"
          ? `cannot ${what} while a member is being written (await each add)`
          : `cannot ${what}: the writer is ${this.#state}`,
      );
    }
  }

  async #write(chunk: Uint8Array): Promise<void> {
    await this.#sink.write(chunk);
    this.#position += chunk.length;
  }

  async #add(
    memberName: string,
    chunks: () => Iterable<Uint8Array>,
    storedSize: () => number | null,
  ): Promise<void> {
    this.#begin("add a member");
    if (typeof memberName !== "string" || memberName === ".npy" || memberName === "") {
      throw new ArgumentError("npz-bad-name", `the member name must be a non-empty string`);
    }
    if (this.#names.has(memberName)) {
      throw new ArgumentError("npz-duplicate-name", `member "${memberName}" was already added`);
    }
    this.#state = "busy";
    try {
      const { bytes, flags } = encodeName(memberName);
      const seekable = isSeekable(this.#sink);
      const entry: WrittenEntry = {
        nameBytes: bytes,
        flags: flags | (seekable ? 0 : FLAG_DESCRIPTOR),
        method: this.#compress ? METHOD_DEFLATE : METHOD_STORED,
        crc: 0,
        compressedSize: 0,
        size: 0,
        localOffset: this.#position,
      };
      if (!this.#compress) {
        // The sizes are known before the data; only the CRC comes after.
        const size = storedSize() ?? -1;
        if (size >= 0) entry.size = entry.compressedSize = size;
      }
      const align = this.#compress ? 1 : this.#align;
      const header = localHeader(entry, align);
      await this.#write(header);
      let crc = 0;
      let size = 0;
      const codec = this.#codec;
      const counted = function* (): Generator<Uint8Array> {
        for (const chunk of chunks()) {
          crc = codec.crc32(chunk, crc);
          size += chunk.length;
          yield chunk;
        }
      };
      let compressedSize = 0;
      if (this.#compress) {
        for await (const piece of codec.deflate(counted(), this.#options.level)) {
          await this.#write(piece);
          compressedSize += piece.length;
        }
      } else {
        for (const chunk of counted()) await this.#write(chunk);
        compressedSize = size;
      }
      entry.crc = crc;
      entry.size = size;
      entry.compressedSize = compressedSize;
      if (seekable) {
        await (this.#sink as SeekableByteSink).writeAt(
          entry.localOffset,
          localHeader(entry, align),
        );
      } else {
        await this.#write(dataDescriptor(entry));
      }
      this.#entries.push(entry);
      this.#names.add(memberName);
      this.#state = "open";
    } catch (error) {
      this.#state = "failed";
      throw error;
    }
  }
}

function encodedLength(array: NDArray): number {
  return encodeNpyHeader(npyHeaderFields(array)).length + array.nbytes;
}

/** {@linkcode savez} with a given codec. Not exported from mod.ts. */
export async function savezWith(
  sink: ByteSink,
  arrays: NpzArrays,
  options: SavezOptions | undefined,
  codec: Codec,
): Promise<void> {
  const members = npzMembers(arrays);
  const writer = new NpzWriter(sink, options);
  useCodec(writer, codec);
  for (const [name, array] of members) await writer.add(name, array);
  await writer.close();
}

/**
 * Writes arrays as an `.npz` archive to a sink, as `np.savez` does (or
 * `np.savez_compressed`, with `compress: true`). For files, use `savez`
 * from `@ndio/npz/fs`.
 *
 * @example
 * ```ts
 * import { loadNpz, savez } from "@ndio/npz";
 * import { arange, bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const sink = bytesSink();
 * await savez(sink, [arange(3), { label: arange(2) }]);
 * using npz = await loadNpz(sink.bytes());
 * assert.deepEqual(npz.files, ["label", "arr_0"]);
 * ```
 *
 * @param sink Where the archive goes.
 * @param arrays The arrays: positional, named, or both.
 * @param options Compression, level, alignment, pickle codec.
 */
export async function savez(
  sink: ByteSink,
  arrays: NpzArrays,
  options?: SavezOptions,
): Promise<void> {
  await savezWith(sink, arrays, options, webCodec);
}

/**
 * {@linkcode savez} with deflated members, as `np.savez_compressed`.
 *
 * @example
 * ```ts
 * import { loadNpz, savezCompressed } from "@ndio/npz";
 * import { bytesSink, zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const sink = bytesSink();
 * await savezCompressed(sink, { big: zeros([100_000]) }, { level: 9 });
 * assert.ok(sink.bytes().length < 2000);
 * using npz = await loadNpz(sink.bytes());
 * assert.equal(npz.member("big").compressed, true);
 * ```
 *
 * @param sink Where the archive goes.
 * @param arrays The arrays: positional, named, or both.
 * @param options The deflate level, pickle codec.
 */
export function savezCompressed(
  sink: ByteSink,
  arrays: NpzArrays,
  options?: Omit<SavezOptions, "compress">,
): Promise<void> {
  return savez(sink, arrays, { ...options, compress: true });
}

/**
 * Encodes arrays as `.npz` bytes in memory, synchronously (deflating with
 * fflate when `compress` is true).
 *
 * @example
 * ```ts
 * import { encodeNpz, decodeNpz } from "@ndio/npz";
 * import { arange, type NDArray } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpz([arange(3)], { compress: true });
 * assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 3, 4]);
 * const a = decodeNpz(bytes).get("arr_0") as NDArray;
 * assert.deepEqual(a.toNested(), [0n, 1n, 2n]);
 * ```
 *
 * @param arrays The arrays: positional, named, or both.
 * @param options Compression, level, alignment, pickle codec.
 * @returns The archive's bytes.
 */
export function encodeNpz(arrays: NpzArrays, options?: SavezOptions): Uint8Array {
  const { compress, align } = checkOptions(options);
  const parts: Uint8Array[] = [];
  const entries: WrittenEntry[] = [];
  let position = 0;
  const push = (part: Uint8Array) => {
    parts.push(part);
    position += part.length;
  };
  for (const [name, array] of npzMembers(arrays)) {
    const npy = encodeNpy(array, options);
    const data = compress ? deflateSync(npy, { level: (options?.level ?? 6) as 6 }) : npy;
    const { bytes: nameBytes, flags } = encodeName(name + ".npy");
    const entry: WrittenEntry = {
      nameBytes,
      flags,
      method: compress ? METHOD_DEFLATE : METHOD_STORED,
      crc: crc32(npy),
      compressedSize: data.length,
      size: npy.length,
      localOffset: position,
    };
    push(localHeader(entry, align));
    push(data);
    entries.push(entry);
  }
  const start = position;
  for (const entry of entries) push(centralEntry(entry));
  push(endRecords(entries.length, start, position - start));
  const out = new Uint8Array(position);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
