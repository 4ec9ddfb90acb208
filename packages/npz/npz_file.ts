/**
 * Reading `.npz` archives lazily: {@linkcode loadNpz} reads the central
 * directory only; each member is read, checked and decoded when asked for.
 *
 * @module
 */

import {
  ArgumentError,
  type ArrayInfo,
  type ByteSource,
  bytesSource,
  type IndexItem,
  LimitError,
  MalformedError,
  NDArray,
  NdioError,
  TruncatedError,
  urlSource,
  type UrlSourceOptions,
} from "@ndio/core";
import {
  decodeNpy,
  type DecodeNpyOptions,
  NPY_PREFIX_LENGTH,
  type NpyHeader,
  parseNpyHeader,
  parseNpyPrefix,
  readNpyHeader,
  readNpyIndex,
  type ReadNpyIndexOptions,
} from "@ndio/npy";
import {
  type CentralEntry,
  checkCrc,
  checkSupported,
  END_LENGTH,
  findEnd,
  LOCAL_HEADER_LENGTH,
  localNameRange,
  MAX_COMMENT,
  METHOD_STORED,
  parseCentral,
  parseEnd,
  parseLocal,
  parseLocator,
  parseZip64End,
  ZIP64_END_LENGTH,
  ZIP64_LOCATOR_LENGTH,
} from "./_zip.ts";
import { type Codec, inflatePrefix, webCodec } from "./_codec.ts";
import {
  DEFAULT_READ_BYTES,
  type MemberAccess,
  MemberReader,
  sourceChunks,
} from "./_member_reader.ts";
import { FORTRAN_PASS_BYTES, memberBlocks } from "./_member_blocks.ts";
import { memberIndex } from "./_member_index.ts";

/** Limits that keep a hostile archive from costing unbounded memory or time. */
export interface NpzLimits {
  /** The most members an archive may have (default 100 000). */
  readonly maxMembers?: number;
  /** The largest uncompressed member that is read (default 16 GiB). */
  readonly maxMemberSize?: number;
  /** The largest total of the members' uncompressed sizes (default 1 TiB). */
  readonly maxTotalSize?: number;
}

/**
 * The default {@linkcode NpzLimits}.
 *
 * @example
 * ```ts
 * import { DEFAULT_NPZ_LIMITS } from "@ndio/npz";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_NPZ_LIMITS.maxMembers, 100_000);
 * ```
 */
export const DEFAULT_NPZ_LIMITS: Required<NpzLimits> = {
  maxMembers: 100_000,
  maxMemberSize: 2 ** 34,
  maxTotalSize: 2 ** 40,
};

/** Options of {@linkcode loadNpz}. */
export interface LoadNpzOptions extends NpzLimits, DecodeNpyOptions, ReadNpyIndexOptions {
  /** For URLs: the fetch function and request headers. */
  readonly url?: UrlSourceOptions;
  /**
   * A deflated member with more compressed bytes than this (default 1 GiB)
   * is read whole by inflating chunks of the archive into its buffer,
   * instead of reading its compressed bytes whole first: the peak is the
   * member's size, not its size plus its compressed size, for about a fifth
   * more time (measured on an 800 MB float64 member: 903 MB peak RSS
   * against 1573 MB). Archives opened with `loadNpz` from `@ndio/npz/fs`
   * always read that way, at full speed (node:zlib inflates straight into
   * the buffer), so this applies to bytes, byte sources and URLs opened
   * here. `NpzFile.blocks` streams whatever the size.
   */
  readonly streamAbove?: number;
}

const DEFAULT_STREAM_ABOVE = 2 ** 30;

/** Options of {@linkcode NpzFile.blocks}. */
export interface NpzBlocksOptions {
  /** About how many bytes of data one block holds (default 8 MiB; at least one row). */
  readonly blockBytes?: number;
  /**
   * The most bytes of the archive read at once (default 4 MiB): a deflated
   * member is read and inflated in chunks of this size.
   */
  readonly readBytes?: number;
  /**
   * Whether to check the member's CRC-32 (default true). It is checked once
   * the whole member has been read, before the last block is given out; a
   * mismatch is an error after the earlier blocks were given out, so a
   * consumer writing blocks somewhere should discard them on error.
   */
  readonly verify?: boolean;
  /**
   * For a deflated Fortran-order member, whose rows are spread through all
   * of its data: about how many bytes of rows one inflation of the member
   * gathers before they are cut into blocks (default 64 MiB; at least one
   * block). Fewer passes cost more memory.
   */
  readonly passBytes?: number;
}

/** Options of {@linkcode NpzFile.chunks}. */
export interface NpzChunksOptions {
  /**
   * The most bytes of the archive read at once (default 4 MiB): a stored
   * member comes in chunks of this size, a deflated one is read in chunks
   * of this size and comes in pieces as they inflate.
   */
  readonly readBytes?: number;
  /**
   * Whether to check the member's CRC-32 (default true), before the last
   * chunk is given out; a mismatch is an error after the earlier chunks
   * were given out.
   */
  readonly verify?: boolean;
}

/** Options of {@linkcode NpzFile.index}. */
export interface NpzIndexOptions {
  /**
   * Whether to read the whole member and check its size and CRC-32 as well
   * (default false). Without it, a stored member's partial read takes only
   * the byte runs the index selects, and a deflated member is inflated only
   * up to the last byte the index needs, so neither is checked. With it,
   * the member is read to its end in one pass (in chunks, in bounded
   * memory) and the selection is returned only once it has been checked.
   */
  readonly verify?: boolean;
}

/** A member of an archive, as its central directory describes it. */
export interface NpzMember {
  /** The member's name in the archive (`x.npy`). */
  readonly name: string;
  /** Whether it is deflated (false: stored). */
  readonly compressed: boolean;
  /** Its uncompressed size in bytes. */
  readonly size: number;
  /** Its size in the archive. */
  readonly compressedSize: number;
  /** Its CRC-32. */
  readonly crc32: number;
}

// The most a deflate stream can expand: 258 bytes from one bit and a bit,
// so about 1032 to 1. A declared size past this cannot be honest.
const MAX_DEFLATE_RATIO = 1032;
// The local header's extra field is read with the header when it is at
// most this long (NumPy's is 20 bytes; ndio's aligned members' up to 88).
const LOCAL_EXTRA_GUESS = 96;
// The first read of the archive's end: the end record with a short comment.
const FIRST_TAIL = 1024;

function checkLimit(options: NpzLimits | undefined, name: keyof NpzLimits): number {
  const value = options?.[name] ?? DEFAULT_NPZ_LIMITS[name];
  if (typeof value !== "number" || !(value >= 0)) {
    throw new ArgumentError(
      "option-invalid",
      `${name} must be a non-negative number, not ${String(value)}`,
    );
  }
  return value;
}

/**
 * No end record: an input that starts with a zip's local header was cut
 * short (or lost its central directory); anything else is not a zip.
 */
function noEnd(byteLength: number, head: Uint8Array): never {
  const zipStart = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 &&
    head[3] === 4;
  if (zipStart) {
    throw new TruncatedError(
      `the archive is cut short or lacks its central directory: it starts with a zip local ` +
        `header but has no end of central directory record in its last ` +
        `${Math.min(byteLength, END_LENGTH + MAX_COMMENT)} bytes`,
      { format: "npz", offset: byteLength },
    );
  }
  throw new MalformedError(
    "zip-not-a-zip",
    byteLength < END_LENGTH
      ? `the input has ${byteLength} bytes, too few for a zip archive`
      : `the input is not a zip archive: it has no end of central directory record and does ` +
        `not start with a zip local header`,
    { format: "npz", offset: 0 },
  );
}

/** A read the archive logic asks for: `length` bytes at `offset`. */
export type ReadRequest = readonly [offset: number, length: number];

/** What the archive's end records and central directory say. */
export interface Directory {
  readonly entries: CentralEntry[];
  readonly comment: Uint8Array;
  /** How far the archive was moved by data prepended to it (added to local offsets). */
  readonly shift: number;
}

/**
 * Runs archive logic written as a generator of read requests over a byte
 * source, so the same code serves async sources and sync bytes.
 */
export async function drive<T>(
  steps: Generator<ReadRequest, T, Uint8Array>,
  source: ByteSource,
  allocate?: (size: number) => Uint8Array,
): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    const [offset, length] = next.value;
    if (allocate !== undefined && source.readInto !== undefined) {
      const into = allocate(length);
      await source.readInto(offset, into);
      next = steps.next(into);
    } else next = steps.next(await source.read(offset, length));
  }
  return next.value;
}

/** {@linkcode drive} over bytes in memory, synchronously. */
export function driveSync<T>(steps: Generator<ReadRequest, T, Uint8Array>, bytes: Uint8Array): T {
  let next = steps.next();
  while (!next.done) {
    const [offset, length] = next.value;
    if (offset < 0 || offset + length > bytes.length) {
      throw new TruncatedError(
        `the input has ${bytes.length} bytes, so ${length} bytes at offset ${offset} cannot be read`,
        { format: "npz", offset: bytes.length },
      );
    }
    next = steps.next(bytes.subarray(offset, offset + length));
  }
  return next.value;
}

/** Reads the end records and the central directory. */
export function* readDirectory(
  length: number,
  options: LoadNpzOptions | undefined,
): Generator<ReadRequest, Directory, Uint8Array> {
  if (length < END_LENGTH) noEnd(length, yield [0, length]);
  let tailStart = Math.max(0, length - FIRST_TAIL);
  let tail = yield [tailStart, length - tailStart];
  let end = findEnd(tail, tailStart);
  if (end === -1 && tailStart > 0) {
    tailStart = Math.max(0, length - (END_LENGTH + MAX_COMMENT + ZIP64_LOCATOR_LENGTH));
    tail = yield [tailStart, length - tailStart];
    end = findEnd(tail, tailStart);
  }
  if (end === -1) noEnd(length, tailStart === 0 ? tail : yield [0, 4]);
  let record = parseEnd(tail, end - tailStart, end);
  // The directory ends where the end records begin (the ZIP64 ones, if any).
  let directoryEnd = end;
  const locatorAt = end - ZIP64_LOCATOR_LENGTH;
  if (locatorAt >= 0) {
    const locator = locatorAt >= tailStart
      ? tail.subarray(locatorAt - tailStart, end - tailStart)
      : yield [locatorAt, ZIP64_LOCATOR_LENGTH];
    const zip64At = parseLocator(locator, 0);
    if (zip64At !== null) {
      // As zipfile: the ZIP64 end record sits just before the locator.
      const recordAt = locatorAt - ZIP64_END_LENGTH;
      if (recordAt < 0) {
        throw new MalformedError(
          "zip-bad-zip64-end",
          `the ZIP64 locator at offset ${locatorAt} has no ZIP64 end record before it`,
          { format: "npz", offset: locatorAt },
        );
      }
      const bytes = recordAt >= tailStart
        ? tail.subarray(recordAt - tailStart, locatorAt - tailStart)
        : yield [recordAt, ZIP64_END_LENGTH];
      record = parseZip64End(bytes, 0, recordAt, record);
      directoryEnd = recordAt;
    }
  }
  const maxMembers = checkLimit(options, "maxMembers");
  if (record.entries > maxMembers) {
    throw new LimitError(
      "maxMembers",
      maxMembers,
      `the archive has ${record.entries} members`,
      { format: "npz", offset: end },
    );
  }
  // Like zipfile, find the directory from the end record and its size, and
  // shift every offset by the difference (data prepended to the archive).
  const start = directoryEnd - record.centralSize;
  if (start < 0 || record.entries * 46 > record.centralSize) {
    throw new MalformedError(
      "zip-bad-central-directory",
      `the end record gives a central directory of ${record.centralSize} bytes for ` +
        `${record.entries} members, which does not fit before offset ${directoryEnd}`,
      { format: "npz", offset: end },
    );
  }
  const shift = start - record.centralOffset;
  const directory = start >= tailStart && directoryEnd <= tailStart + tail.length
    ? tail.subarray(start - tailStart, directoryEnd - tailStart)
    : yield [start, record.centralSize];
  const entries = parseCentral(directory, start, record.entries);
  return { entries, comment: record.comment, shift };
}

/**
 * Reads and checks a member's local header; with `withData`, its data too
 * (in the same read when the header is short, as it always is).
 */
export function* locateMember(
  entry: CentralEntry,
  shift: number,
  length: number,
  withData: boolean,
): Generator<ReadRequest, { dataOffset: number; data: Uint8Array | null }, Uint8Array> {
  checkSupported(entry);
  const localOffset = entry.localOffset + shift;
  if (localOffset < 0 || localOffset + LOCAL_HEADER_LENGTH > length) {
    throw new TruncatedError(
      `the local header of "${entry.name}" at offset ${localOffset} lies outside the ` +
        `${length}-byte archive`,
      { format: "npz", offset: localOffset, key: entry.name },
    );
  }
  // The read starts at a multiple of 64, so that when the source returns a
  // fresh buffer, a member stored 64-byte aligned in the archive is aligned
  // in the buffer too (typed-array views of its data need no copy).
  const readStart = localOffset - (localOffset % 64);
  const guess = localOffset - readStart + LOCAL_HEADER_LENGTH + entry.rawName.length +
    LOCAL_EXTRA_GUESS + (withData ? entry.compressedSize : 0);
  const read = yield [readStart, Math.min(guess, length - readStart)];
  const head = read.subarray(localOffset - readStart);
  const dataOffset = parseLocal(head, { ...entry, localOffset });
  const [nameStart, nameEnd] = localNameRange(head);
  const localName = head.subarray(nameStart, Math.min(nameEnd, head.length));
  if (
    localName.length !== entry.rawName.length ||
    !localName.every((b, i) => b === entry.rawName[i])
  ) {
    throw new MalformedError(
      "zip-local-mismatch",
      `the local header at offset ${localOffset} names a different member than "${entry.name}"`,
      { format: "npz", offset: localOffset, key: entry.name },
    );
  }
  if (dataOffset + entry.compressedSize > length) {
    throw new TruncatedError(
      `member "${entry.name}" needs ${entry.compressedSize} bytes from offset ${dataOffset}, ` +
        `past the end of the ${length}-byte archive`,
      { format: "npz", offset: length, key: entry.name },
    );
  }
  if (!withData) return { dataOffset, data: null };
  const start = dataOffset - readStart;
  const data = start + entry.compressedSize <= read.length
    ? read.subarray(start, start + entry.compressedSize)
    : yield [dataOffset, entry.compressedSize];
  return { dataOffset, data };
}

/** Checks a member's declared sizes against the limits and against what its compression allows. */
export function checkMember(entry: CentralEntry, options: NpzLimits | undefined): void {
  const maxSize = checkLimit(options, "maxMemberSize");
  if (entry.size > maxSize) {
    throw new LimitError(
      "maxMemberSize",
      maxSize,
      `member "${entry.name}" is ${entry.size} bytes uncompressed`,
      { format: "npz", key: entry.name },
    );
  }
  checkSupported(entry);
  const stored = entry.method === METHOD_STORED;
  if (
    stored
      ? entry.size !== entry.compressedSize
      : entry.size > entry.compressedSize * MAX_DEFLATE_RATIO + 1024
  ) {
    throw new MalformedError(
      "zip-size-mismatch",
      `member "${entry.name}" declares ${entry.size} bytes from ${entry.compressedSize} ` +
        `${stored ? "stored" : "compressed"} bytes, which cannot be`,
      { format: "npz", offset: entry.entryOffset, key: entry.name },
    );
  }
}

/** Decodes a `.npy` member, saying which member an error is in. */
export function withMember<T>(entry: CentralEntry, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (
      error instanceof Error && error instanceof NdioError && !error.message.startsWith("member")
    ) {
      error.message = `member "${entry.name}": ${error.message}`;
    }
    throw error;
  }
}

/** Checks the members' total size against the limit. */
export function checkTotal(entries: readonly CentralEntry[], options: NpzLimits | undefined): void {
  const maxTotal = checkLimit(options, "maxTotalSize");
  let total = 0;
  for (const entry of entries) total += entry.size;
  if (total > maxTotal) {
    throw new LimitError(
      "maxTotalSize",
      maxTotal,
      `the archive's members hold ${total} bytes uncompressed`,
      { format: "npz" },
    );
  }
}

/** Checks that no two members share a name. */
export function checkDuplicates(entries: readonly CentralEntry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) {
      throw new MalformedError(
        "zip-duplicate-member",
        `the archive has two members named "${entry.name}"`,
        { format: "npz", offset: entry.entryOffset, key: entry.name },
      );
    }
    seen.add(entry.name);
  }
}

type SizeOption = "blockBytes" | "readBytes" | "passBytes";

function positiveOption(
  options: { readonly [K in SizeOption]?: number } | undefined,
  name: SizeOption,
  fallback: number,
): number {
  const value = options?.[name] ?? fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ArgumentError(
      "option-invalid",
      `${name} must be a positive integer, not ${String(value)}`,
    );
  }
  return value;
}

function lookupError(name: string, files: readonly string[]): never {
  const shown = files.slice(0, 10).map((f) => `"${f}"`).join(", ");
  throw new NdioError(
    "npz-no-member",
    `the archive has no member "${name}" (it has ${files.length === 0 ? "none" : shown}${
      files.length > 10 ? ", …" : ""
    })`,
    { format: "npz", key: name },
  );
}

/** A byte source over `length` bytes of `source` at `offset`. */
function subSource(source: ByteSource, offset: number, length: number): ByteSource {
  return {
    byteLength: length,
    read(at: number, count: number): Promise<Uint8Array> {
      if (at < 0 || count < 0 || at + count > length) {
        return Promise.reject(
          new TruncatedError(`cannot read ${count} bytes at ${at} of a ${length}-byte member`, {
            format: "npz",
            offset: offset + at,
          }),
        );
      }
      return source.read(offset + at, count);
    },
  };
}

/**
 * Opens an archive with a given codec, and a function to call on close
 * (for @ndio/npz/fs, which passes node:zlib and closes its file). Not
 * exported from mod.ts.
 */
export let openNpzFile: (
  source: ByteSource,
  options: LoadNpzOptions | undefined,
  codec: Codec,
  onClose: (() => void) | undefined,
) => Promise<NpzFile>;

/**
 * An open `.npz` archive, read lazily like NumPy's `NpzFile`: `files` lists
 * the member names without `.npy`; {@linkcode NpzFile.get} reads, checks
 * (CRC-32, sizes) and decodes one member, by name with or without `.npy`.
 * Members that are not `.npy` files come back as their bytes. Release it
 * with `close()` or `using`.
 *
 * @example
 * ```ts
 * import { encodeNpz, loadNpz } from "@ndio/npz";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpz({ x: arange(3), y: arange(2, { dtype: "<f4" }) });
 * using npz = await loadNpz(bytes);
 * assert.deepEqual(npz.files, ["x", "y"]);
 * const y = await npz.get("y");
 * assert.ok(y instanceof Object && "dtype" in y);
 * assert.deepEqual((await npz.array("x.npy")).toNested(), [0n, 1n, 2n]);
 * ```
 */
export class NpzFile implements Disposable, Iterable<string> {
  /** The member names with `.npy` removed, in archive order. */
  readonly files: readonly string[];
  /** The archive's comment (often empty). */
  readonly comment: Uint8Array;
  #source: ByteSource;
  #entries: Map<string, CentralEntry>;
  #options: LoadNpzOptions;
  #codec: Codec;
  #shift: number;
  #onClose: (() => void) | undefined;
  #closed = false;

  private constructor(
    source: ByteSource,
    directory: { entries: CentralEntry[]; comment: Uint8Array; shift: number },
    options: LoadNpzOptions,
    codec: Codec,
    onClose: (() => void) | undefined,
  ) {
    this.#source = source;
    this.#options = options;
    this.#codec = codec;
    this.#shift = directory.shift;
    this.#onClose = onClose;
    this.comment = directory.comment;
    checkDuplicates(directory.entries);
    this.#entries = new Map(directory.entries.map((e) => [e.name, e]));
    this.files = directory.entries.map((e) =>
      e.name.endsWith(".npy") ? e.name.slice(0, -4) : e.name
    );
  }

  /**
   * Opens an archive over a byte source: reads only its end records and
   * central directory. Most callers use {@linkcode loadNpz}.
   *
   * @example
   * ```ts
   * import { encodeNpz, NpzFile } from "@ndio/npz";
   * import { bytesSource, zeros } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const npz = await NpzFile.open(bytesSource(encodeNpz([zeros([2])])));
   * assert.deepEqual(npz.files, ["arr_0"]);
   * ```
   *
   * @param source The archive's bytes.
   * @param options Limits, and options for decoding members.
   * @returns The open archive.
   */
  static open(source: ByteSource, options?: LoadNpzOptions): Promise<NpzFile> {
    return openNpzFile(source, options, webCodec, undefined);
  }

  static {
    openNpzFile = async (source, options, codec, onClose) => {
      if (
        source === null || typeof source !== "object" || typeof source.read !== "function" ||
        !Number.isSafeInteger(source.byteLength)
      ) {
        throw new ArgumentError(
          "source-invalid",
          "the source must be a ByteSource with byteLength and read()",
        );
      }
      const streamAbove = options?.streamAbove ?? DEFAULT_STREAM_ABOVE;
      if (typeof streamAbove !== "number" || !(streamAbove >= 0)) {
        throw new ArgumentError(
          "option-invalid",
          `streamAbove must be a non-negative number, not ${String(streamAbove)}`,
        );
      }
      const directory = await drive(readDirectory(source.byteLength, options), source);
      checkTotal(directory.entries, options);
      return new NpzFile(source, directory, options ?? {}, codec, onClose);
    };
  }

  /** The member names as stored (with `.npy`), in archive order. */
  get names(): string[] {
    return [...this.#entries.keys()];
  }

  /** The number of members. */
  get size(): number {
    return this.#entries.size;
  }

  /** Iterates over {@linkcode NpzFile.files}, as NumPy's `NpzFile` iterates over its keys. */
  [Symbol.iterator](): Iterator<string> {
    return this.files[Symbol.iterator]();
  }

  /**
   * Whether the archive has a member `name` (with or without `.npy`).
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ x: arange(2) }));
   * assert.ok(npz.has("x") && npz.has("x.npy") && !npz.has("y"));
   * ```
   *
   * @param name The name.
   * @returns True if it does.
   */
  has(name: string): boolean {
    return this.#lookup(name) !== undefined;
  }

  /**
   * Describes a member from the central directory, without reading it.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ x: arange(100) }, { compress: true }));
   * const member = npz.member("x");
   * assert.equal(member.name, "x.npy");
   * assert.ok(member.compressed && member.compressedSize < member.size);
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @returns Its name, compression, sizes and CRC-32.
   */
  member(name: string): NpzMember {
    const entry = this.#entry(name);
    return {
      name: entry.name,
      compressed: entry.method !== METHOD_STORED,
      size: entry.size,
      compressedSize: entry.compressedSize,
      crc32: entry.crc,
    };
  }

  /**
   * Reads a member: an array for `.npy` members, the bytes otherwise (as
   * NumPy returns). Checks its CRC-32 and sizes.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ x: arange(3) }));
   * const x = await npz.get("x");
   * assert.ok(!(x instanceof Uint8Array));
   * assert.deepEqual(x.toNested(), [0n, 1n, 2n]);
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @returns The array or the bytes.
   */
  async get(name: string): Promise<NDArray | Uint8Array> {
    const entry = this.#entry(name);
    const bytes = await this.#read(entry);
    if (!entry.name.endsWith(".npy")) return bytes;
    return this.#decode(entry, bytes);
  }

  /**
   * Reads a `.npy` member as an array.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz([arange(4).reshape([2, 2])]));
   * assert.deepEqual((await npz.array("arr_0")).shape, [2, 2]);
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @returns The array.
   */
  async array(name: string): Promise<NDArray> {
    const value = await this.get(name);
    if (value instanceof NDArray) return value;
    throw new ArgumentError(
      "npz-not-an-array",
      `member "${this.#entry(name).name}" is not a .npy file`,
    );
  }

  /**
   * Reads a member's bytes, uncompressed and checked, without decoding them.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ x: arange(3) }, { compress: true }));
   * const npy = await npz.bytes("x");
   * assert.equal(npy.length, 128 + 24); // the .npy file np.save would write
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @returns Its bytes.
   */
  bytes(name: string): Promise<Uint8Array> {
    return this.#read(this.#entry(name));
  }

  /**
   * Reads a `.npy` member as blocks of rows along its first axis, in memory
   * bounded by the block and read sizes whatever the member's size: each
   * block is an array `[rows, ...shape.slice(1)]`, and writing them one
   * after another (with `NpyStreamWriter`) gives the whole array, as
   * `readNpyBlocks` does for a `.npy`. A deflated member is read in chunks
   * and inflated as it streams; inflation stops at the declared size (a zip
   * bomb is an error, never an allocation of its inflated size); the CRC-32
   * is checked before the last block is given out. A 0-d array is one block
   * of shape `[]`; an array with no rows, one empty block.
   *
   * A C-order member (or one of at most one dimension) is read once. A
   * Fortran-order member's rows are spread through all its data: a stored
   * one is read in part for each block, then once more for its CRC-32; a
   * deflated one is inflated once per `passBytes` (64 MiB) of rows (or per
   * block, when blocks are larger), which is also the memory it takes. Object arrays
   * (one pickle) cannot be read in blocks.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ x: arange(10).reshape([5, 2]) }, { compress: true }));
   * const shapes = [];
   * for await (const block of npz.blocks("x", { blockBytes: 32 })) shapes.push(block.shape);
   * assert.deepEqual(shapes, [[2, 2], [2, 2], [1, 2]]);
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @param options The block size, the read size, and whether to check the CRC-32.
   * @returns The blocks, in order.
   */
  async *blocks(name: string, options?: NpzBlocksOptions): AsyncGenerator<NDArray> {
    const entry = this.#entry(name);
    const blockBytes = positiveOption(options, "blockBytes", 8 << 20);
    const readBytes = positiveOption(options, "readBytes", DEFAULT_READ_BYTES);
    const passBytes = positiveOption(options, "passBytes", FORTRAN_PASS_BYTES);
    const verify = options?.verify ?? true;
    if (typeof verify !== "boolean") {
      throw new ArgumentError("option-invalid", `verify must be a boolean, not ${String(verify)}`);
    }
    if (!entry.name.endsWith(".npy")) {
      throw new ArgumentError("npz-not-an-array", `member "${entry.name}" is not a .npy file`);
    }
    const access = await this.#access(entry, readBytes, verify);
    yield* memberBlocks(access, blockBytes, this.#options, passBytes);
  }

  /**
   * Reads a member's bytes, uncompressed, as they stream: what
   * {@linkcode NpzFile.bytes} returns, in chunks, in memory bounded by the
   * read size whatever the member's size. Inflation stops at the declared
   * size (a zip bomb is an error, never an allocation of its inflated
   * size), and the size and CRC-32 are checked before the last chunk is
   * given out. Copies a member somewhere else without holding it: a `.npy`
   * member is a `.npy` file.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ x: arange(1000) }, { compress: true }));
   * let length = 0;
   * for await (const chunk of npz.chunks("x", { readBytes: 100 })) length += chunk.length;
   * assert.equal(length, 128 + 8000);
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @param options The read size, and whether to check the CRC-32.
   * @returns The member's bytes, in order.
   */
  async *chunks(name: string, options?: NpzChunksOptions): AsyncGenerator<Uint8Array> {
    const entry = this.#entry(name);
    const readBytes = positiveOption(options, "readBytes", DEFAULT_READ_BYTES);
    const verify = options?.verify ?? true;
    if (typeof verify !== "boolean") {
      throw new ArgumentError("option-invalid", `verify must be a boolean, not ${String(verify)}`);
    }
    const reader = new MemberReader(await this.#access(entry, readBytes, verify));
    try {
      // One piece is held back until the next comes, so the last is given
      // out only after the size and CRC-32 have been checked.
      let held: Uint8Array | null = null;
      while (true) {
        const piece = await reader.next();
        if (piece === null) break;
        if (held !== null) yield held;
        held = piece;
      }
      await reader.finish();
      if (held !== null) yield held;
    } finally {
      await reader.close();
    }
  }

  /**
   * Reads only the `.npy` header of a member: a stored member's first bytes,
   * or as little of a deflated member as holds its header.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ big: arange(1_000_000) }, { compress: true }));
   * const header = await npz.header("big");
   * assert.deepEqual(header.shape, [1_000_000]);
   * assert.equal(header.dtype.str, "<i8");
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @returns The header.
   */
  async header(name: string): Promise<NpyHeader> {
    const entry = this.#entry(name);
    const { dataOffset } = await this.#locate(entry, false);
    if (entry.method === METHOD_STORED) {
      return readNpyHeader(subSource(this.#source, dataOffset, entry.size), this.#options);
    }
    // Inflate a growing prefix until it holds the header.
    let want = 256;
    while (true) {
      const take = Math.min(entry.compressedSize, want);
      const compressed = await this.#source.read(dataOffset, take);
      const head = inflatePrefix(compressed, want, entry.name, dataOffset);
      if (head.length >= NPY_PREFIX_LENGTH) {
        const prefix = parseNpyPrefix(head.subarray(0, NPY_PREFIX_LENGTH), this.#options, 0);
        if (head.length >= prefix.dataOffset || take === entry.compressedSize) {
          return withMember(entry, () => parseNpyHeader(head, this.#options));
        }
        want = Math.max(want * 2, prefix.dataOffset + 64);
      } else if (take === entry.compressedSize) {
        return withMember(entry, () => parseNpyHeader(head, this.#options));
      } else want *= 2;
    }
  }

  /**
   * Describes every `.npy` member from its header alone.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ a: arange(3), b: arange(6).reshape([2, 3]) }));
   * const infos = await npz.inspect();
   * assert.deepEqual(infos.map((i) => [i.name, i.shape]), [["a", [3]], ["b", [2, 3]]]);
   * ```
   *
   * @returns Name, dtype, shape and order of each array.
   */
  async inspect(): Promise<ArrayInfo[]> {
    const out: ArrayInfo[] = [];
    for (const [i, name] of this.names.entries()) {
      if (!name.endsWith(".npy")) continue;
      const header = await this.header(name);
      out.push({
        name: this.files[i]!,
        dtype: header.dtype,
        shape: header.shape,
        fortranOrder: header.fortranOrder,
      });
    }
    return out;
  }

  /**
   * Reads the part of a `.npy` member that a NumPy index selects, in memory
   * bounded by the selection and the read size, whatever the member's size.
   * A stored member is read in part: only the byte runs needed. A deflated
   * one is inflated in chunks as it streams, keeping only the bytes the
   * index selects (in C and Fortran order alike), and stops after the last
   * byte needed. Neither is checked against its CRC-32 unless `verify` is
   * set, which reads the member to its end in the same pass.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ m: arange(12).reshape([3, 4]) }));
   * assert.deepEqual((await npz.index("m", "1:, ::2")).toNested(), [[4n, 6n], [8n, 10n]]);
   * const checked = await npz.index("m", "-1", { verify: true });
   * assert.deepEqual(checked.toNested(), [8n, 9n, 10n, 11n]);
   * ```
   *
   * @param name The member, with or without `.npy`.
   * @param index NumPy index syntax, or index items.
   * @param options Whether to read the whole member and check its CRC-32 too.
   * @returns The selected elements.
   */
  async index(
    name: string,
    index: string | readonly IndexItem[],
    options?: NpzIndexOptions,
  ): Promise<NDArray> {
    const entry = this.#entry(name);
    const verify = options?.verify ?? false;
    if (typeof verify !== "boolean") {
      throw new ArgumentError("option-invalid", `verify must be a boolean, not ${String(verify)}`);
    }
    if (entry.method === METHOD_STORED && !verify) {
      const { dataOffset } = await this.#locate(entry, false);
      return readNpyIndex(subSource(this.#source, dataOffset, entry.size), index, this.#options);
    }
    return memberIndex(await this.#access(entry, DEFAULT_READ_BYTES, verify), index, this.#options);
  }

  /**
   * Reads every member, in archive order.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * using npz = await loadNpz(encodeNpz({ a: arange(1), b: arange(2) }));
   * const names = [];
   * for await (const [name, value] of npz.entries()) {
   *   names.push([name, value instanceof Uint8Array ? -1 : value.size]);
   * }
   * assert.deepEqual(names, [["a", 1], ["b", 2]]);
   * ```
   *
   * @returns Pairs of name (without `.npy`) and array or bytes.
   */
  async *entries(): AsyncGenerator<[string, NDArray | Uint8Array]> {
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      yield [this.files[i]!, await this.get(names[i]!)];
    }
  }

  /**
   * Releases the archive (and closes the file it was opened from, if any);
   * reading a member afterwards is an error.
   *
   * @example
   * ```ts
   * import { encodeNpz, loadNpz } from "@ndio/npz";
   * import { arange } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const npz = await loadNpz(encodeNpz({ x: arange(3) }));
   * npz.close();
   * await assert.rejects(npz.get("x"), /closed/);
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose?.();
  }

  /** Closes the archive, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #lookup(name: string): CentralEntry | undefined {
    return this.#entries.get(name) ?? this.#entries.get(name + ".npy");
  }

  #entry(name: string): CentralEntry {
    if (typeof name !== "string") {
      throw new ArgumentError("npz-bad-name", `a member name must be a string, not ${name}`);
    }
    if (this.#closed) {
      throw new NdioError("npz-closed", `the archive is closed, so "${name}" cannot be read`, {
        format: "npz",
        key: name,
      });
    }
    return this.#lookup(name) ?? lookupError(name, this.files);
  }

  async #read(entry: CentralEntry): Promise<Uint8Array> {
    checkMember(entry, this.#options);
    const codec = this.#codec;
    if (entry.method !== METHOD_STORED && codec.inflateInto !== undefined) {
      // Chunks of the compressed bytes inflate straight into the output;
      // inflateInto is done with each chunk before it asks for the next,
      // so two read buffers taking turns serve the whole member.
      const { dataOffset } = await this.#locate(entry, false);
      // A plain buffer, not the codec's huge-page one: inflate fills it at a
      // few hundred MB/s, so small page faults cost little, and on the
      // 800 MB member huge pages were slower (3149 against 2806 ms).
      const out = new Uint8Array(entry.size);
      const size = entry.compressedSize;
      const chunks = sourceChunks(this.#source, dataOffset, size, DEFAULT_READ_BYTES, true);
      checkCrc(entry, await codec.inflateInto(chunks, out, entry.name, dataOffset), dataOffset);
      return out;
    }
    const streamAbove = this.#options.streamAbove ?? DEFAULT_STREAM_ABOVE;
    if (entry.method !== METHOD_STORED && entry.compressedSize > streamAbove) {
      // The compressed bytes are read in chunks and inflated into the output.
      const { dataOffset } = await this.#locate(entry, false);
      const out = new Uint8Array(entry.size);
      const reader = new MemberReader({
        source: this.#source,
        entry,
        dataOffset,
        codec: this.#codec,
        readBytes: DEFAULT_READ_BYTES,
        verify: true,
      });
      try {
        await reader.fill(out);
        await reader.finish();
      } finally {
        await reader.close();
      }
      return out;
    }
    const { dataOffset, data } = await this.#locate(entry, true);
    const bytes = entry.method === METHOD_STORED
      ? data!
      : await this.#codec.inflate(data!, entry.size, entry.name, dataOffset);
    checkCrc(entry, this.#codec.crc32(bytes), dataOffset);
    return bytes;
  }

  /** Checks a member against the limits and finds its data, for reading it in order. */
  async #access(entry: CentralEntry, readBytes: number, verify: boolean): Promise<MemberAccess> {
    checkMember(entry, this.#options);
    const { dataOffset } = await this.#locate(entry, false);
    return { source: this.#source, entry, dataOffset, codec: this.#codec, readBytes, verify };
  }

  #locate(
    entry: CentralEntry,
    withData: boolean,
  ): Promise<{ dataOffset: number; data: Uint8Array | null }> {
    // A member's data goes into a buffer from the codec (huge pages for
    // large ones with @ndio/npz/fs: a stored 800 MB member 634 -> 244 ms).
    const steps = locateMember(entry, this.#shift, this.#source.byteLength, withData);
    return drive(steps, this.#source, withData ? this.#codec.allocate : undefined);
  }

  #decode(entry: CentralEntry, bytes: Uint8Array): NDArray {
    return withMember(entry, () => decodeNpy(bytes, this.#options));
  }
}

/**
 * Opens an `.npz` archive lazily, like `np.load` does: from bytes in
 * memory, a {@linkcode ByteSource}, or an `http(s)` URL (read with HTTP
 * Range requests: only the central directory and the members asked for
 * travel). Files on disk: `loadNpz` from `@ndio/npz/fs`.
 *
 * Object arrays hold pickles and are refused unless `allowPickle` is true
 * and a `pickle` codec is given (as for `@ndio/npy`).
 *
 * @example
 * ```ts
 * import { encodeNpz, loadNpz } from "@ndio/npz";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpz([arange(4)], { compress: true });
 * using npz = await loadNpz(bytes);
 * for (const name of npz) assert.equal(name, "arr_0");
 * assert.equal((await npz.array("arr_0")).get(3), 3n);
 * ```
 *
 * @param input The archive: bytes, a byte source, or a URL.
 * @param options Limits, pickle handling, and fetch options for URLs.
 * @returns The open archive.
 */
export async function loadNpz(
  input: Uint8Array | ByteSource | string | URL,
  options?: LoadNpzOptions,
): Promise<NpzFile> {
  let source: ByteSource;
  if (input instanceof Uint8Array) source = bytesSource(input);
  else if (typeof input === "string" || input instanceof URL) {
    const url = String(input);
    if (!/^https?:/i.test(url)) {
      throw new ArgumentError(
        "npz-not-a-url",
        `"${url}" is not an http(s) URL; open files with loadNpz from @ndio/npz/fs`,
      );
    }
    source = await urlSource(url, options?.url);
  } else source = input;
  return openNpzFile(source, options, webCodec, undefined);
}
