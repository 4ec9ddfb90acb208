/**
 * Writing `.npz` archives as `np.savez` and `np.savez_compressed` do:
 * members `name.npy`, positional arrays named `arr_0`, `arr_1`, …, ZIP64
 * local headers on every member (zipfile's `force_zip64`), so NumPy,
 * Python's zipfile and `unzip` read them. Stored members start 64-byte
 * aligned, so their arrays can be viewed without copying.
 *
 * @module
 */

import { ArgumentError, type ByteSink, DType, NDArray, type SeekableByteSink } from "@ndio/core";
import {
  encodeNpy,
  encodeNpyChunks,
  encodeNpyHeader,
  type NpyHeaderFields,
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
 * What {@linkcode NpzWriter.addBlocks} streams into a member: arrays whose
 * elements come one after another along the axis the file stores
 * outermost (the first axis in C order, the last in Fortran order), or raw
 * data bytes in the file's order. A block's memory must stay unchanged
 * until `addBlocks` settles (yield fresh arrays, as `readNpyBlocks` does).
 */
export type NpzBlocks =
  | AsyncIterable<NDArray | Uint8Array>
  | Iterable<NDArray | Uint8Array>;

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
   * Adds member `name.npy` from blocks of an array whose header is known
   * ahead (as `readNpyHeader` gives it): the dtype, the shape and the
   * order. Only a few blocks and pieces are held at a time, so a member
   * larger than memory can be written, and the archive's bytes are the
   * same as {@linkcode add} writes for the whole array. In C order the
   * blocks run along the first axis, in Fortran order along the last; a
   * 0-d array is one 0-d block; `Uint8Array` blocks are raw data bytes in
   * the file's order, cut anywhere. Blocks that do not add up to the
   * declared shape and dtype are an `ArgumentError` (code
   * `npz-blocks-mismatch`) and the writer fails.
   *
   * @example
   * ```ts
   * import { loadNpz, NpzWriter } from "@ndio/npz";
   * import { arange, bytesSink, DType } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * async function* rows() {
   *   for (let r = 0; r < 6; r += 2) yield arange(r * 3, r * 3 + 6).reshape([2, 3]);
   * }
   * const sink = bytesSink();
   * const writer = new NpzWriter(sink, { compress: true });
   * const header = { dtype: DType.parse("<i8"), shape: [6, 3], fortranOrder: false };
   * await writer.addBlocks("x", header, rows());
   * await writer.close();
   * using npz = await loadNpz(sink.bytes());
   * const x = await npz.array("x");
   * assert.deepEqual(x.shape, [6, 3]);
   * assert.equal(x.get(5, 2), 17n);
   * ```
   *
   * @param name The name, without `.npy`.
   * @param header The dtype, shape and order of the whole array.
   * @param blocks The blocks, in order.
   */
  addBlocks(name: string, header: NpyHeaderFields, blocks: NpzBlocks): Promise<void> {
    let layout: BlockLayout;
    try {
      layout = blockLayout(name, header);
    } catch (error) {
      return Promise.reject(error);
    }
    // The same chunks as add() gives for the whole array (its header, then
    // its data cut at multiples of the chunk size), so the same bytes.
    const chunkBytes = this.#compress ? 4 << 20 : 0;
    return this.#add(
      name + ".npy",
      () => blockChunks(name, layout, blocks, chunkBytes),
      () => layout.header.length + layout.dataLength,
    );
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
    chunks: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
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
      const counted = async function* (): AsyncGenerator<Uint8Array> {
        for await (const chunk of chunks()) {
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
        for await (const chunk of counted()) await this.#write(chunk);
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

/** A member streamed from blocks: its `.npy` header and how its blocks must add up. */
export interface BlockLayout {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** The axis blocks run along: 0 in C order, the last in Fortran order; -1 for 0-d. */
  readonly axis: number;
  readonly fortranOrder: boolean;
  readonly header: Uint8Array;
  readonly dataLength: number;
}

/** Checks a streamed member's header fields; not exported from mod.ts. */
export function blockLayout(name: string, fields: NpyHeaderFields): BlockLayout {
  if (fields === null || typeof fields !== "object") {
    throw new ArgumentError("npz-blocks-header", `member "${name}" needs a dtype and a shape`);
  }
  const dtype = DType.parse(fields.dtype);
  if (dtype.hasObject) {
    throw new ArgumentError(
      "npz-blocks-object",
      `member "${name}": object arrays ("${dtype.str}") are one pickle and cannot be written in blocks`,
    );
  }
  const shape = fields.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ArgumentError(
      "shape-invalid",
      `member "${name}": the shape must be a list of non-negative integers, not ${String(shape)}`,
    );
  }
  const fortranOrder = fields.fortranOrder === true;
  const dataLength = shape.reduce((n, d) => n * d, dtype.itemsize);
  if (!Number.isSafeInteger(dataLength)) {
    throw new ArgumentError("shape-invalid", `member "${name}": the shape [${shape}] is too large`);
  }
  const header = encodeNpyHeader({ dtype, shape: [...shape], fortranOrder });
  const axis = shape.length === 0 ? -1 : fortranOrder ? shape.length - 1 : 0;
  return { dtype, shape: [...shape], axis, fortranOrder, header, dataLength };
}

function blocksMismatch(name: string, message: string): ArgumentError {
  return new ArgumentError("npz-blocks-mismatch", `member "${name}": ${message}`);
}

/**
 * The chunks of a member streamed from blocks: the header, then the data
 * cut at every multiple of `chunkBytes` (views where a block holds a whole
 * chunk, copies where one spans blocks), or as the blocks give it when
 * `chunkBytes` is 0. Blocks are checked against the layout as they come.
 */
async function* blockChunks(
  name: string,
  layout: BlockLayout,
  blocks: NpzBlocks,
  chunkBytes: number,
): AsyncGenerator<Uint8Array> {
  if (
    blocks === null || typeof blocks !== "object" ||
    (!(Symbol.asyncIterator in blocks) && !(Symbol.iterator in blocks))
  ) {
    throw new ArgumentError("npz-blocks-invalid", `member "${name}": blocks must be iterable`);
  }
  const { dtype, shape, axis, dataLength } = layout;
  const order = layout.fortranOrder ? "F" : "C";
  const rows = axis < 0 ? 1 : shape[axis]!;
  yield layout.header;
  let rowsSeen = 0;
  let rawBlocks = 0;
  let bytes = 0;
  let partial: Uint8Array | null = null;
  let filled = 0;
  for await (const block of blocks) {
    let parts: Iterable<Uint8Array>;
    if (block instanceof Uint8Array) {
      rawBlocks++;
      parts = [block];
    } else if (block instanceof NDArray) {
      if (!block.dtype.equals(dtype)) {
        throw blocksMismatch(name, `a block's dtype "${block.dtype.str}" is not "${dtype.str}"`);
      }
      const fits = block.ndim === shape.length &&
        block.shape.every((d, k) => k === axis || d === shape[k]);
      if (!fits) {
        throw blocksMismatch(
          name,
          `a block of shape [${block.shape}] does not fit the shape [${shape}] along axis ${
            Math.max(axis, 0)
          }`,
        );
      }
      rowsSeen += axis < 0 ? 1 : block.shape[axis]!;
      if (rowsSeen > rows) {
        throw blocksMismatch(
          name,
          `the blocks hold more than the ${rows} declared along axis ${Math.max(axis, 0)}`,
        );
      }
      parts = block.chunks({ order, ...(chunkBytes > 0 ? { chunkBytes } : {}) });
    } else {
      throw new ArgumentError(
        "npz-blocks-invalid",
        `member "${name}": a block is neither an NDArray nor a Uint8Array`,
      );
    }
    for (const part of parts) {
      bytes += part.length;
      if (bytes > dataLength) {
        throw blocksMismatch(name, `the blocks hold more than the declared ${dataLength} bytes`);
      }
      if (chunkBytes === 0) {
        yield part;
        continue;
      }
      let at = 0;
      if (partial !== null) {
        const take = Math.min(part.length, chunkBytes - filled);
        partial.set(part.subarray(0, take), filled);
        filled += take;
        at = take;
        if (filled < chunkBytes) continue;
        yield partial;
        partial = null;
      }
      for (; part.length - at >= chunkBytes; at += chunkBytes) {
        yield part.subarray(at, at + chunkBytes);
      }
      if (at < part.length) {
        partial = new Uint8Array(chunkBytes);
        partial.set(part.subarray(at));
        filled = part.length - at;
      }
    }
  }
  if (rawBlocks === 0 && rowsSeen < rows) {
    throw blocksMismatch(
      name,
      `the blocks hold ${rowsSeen} of the declared ${rows} along axis ${Math.max(axis, 0)}`,
    );
  }
  if (bytes < dataLength) {
    throw blocksMismatch(name, `the blocks hold ${bytes} of the declared ${dataLength} bytes`);
  }
  if (partial !== null) yield partial.subarray(0, filled);
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
