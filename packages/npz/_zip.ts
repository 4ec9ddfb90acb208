// The ZIP records an .npz is made of (APPNOTE.TXT 6.3): parsing the end of
// central directory records and central directory entries, and building
// the local headers, central entries and end records that NumPy's zipfile
// writes. Pure functions over bytes; no I/O.

import { MalformedError, TruncatedError, UnsupportedError } from "@ndio/core";

export const LOCAL_SIGNATURE = 0x04034b50;
export const CENTRAL_SIGNATURE = 0x02014b50;
export const END_SIGNATURE = 0x06054b50;
export const ZIP64_END_SIGNATURE = 0x06064b50;
export const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
export const DESCRIPTOR_SIGNATURE = 0x08074b50;

export const LOCAL_HEADER_LENGTH = 30;
export const CENTRAL_HEADER_LENGTH = 46;
export const END_LENGTH = 22;
export const ZIP64_END_LENGTH = 56;
export const ZIP64_LOCATOR_LENGTH = 20;
export const MAX_COMMENT = 0xffff;

export const METHOD_STORED = 0;
export const METHOD_DEFLATE = 8;
export const FLAG_ENCRYPTED = 0x1;
export const FLAG_DESCRIPTOR = 0x8;
export const FLAG_UTF8 = 0x800;

/** Python's zipfile uses ZIP64 fields for values over this (not 0xFFFFFFFF). */
export const ZIP64_LIMIT = 0x7fffffff;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
/** The extra field NumPy's zipfile writes: tag 1, sizes as two u64. */
export const ZIP64_EXTRA_TAG = 0x0001;
/** The extra field that pads local headers so data starts aligned (as Android's zipalign does). */
export const PADDING_EXTRA_TAG = 0xd935;

/** One member, as the central directory describes it. */
export interface CentralEntry {
  readonly name: string;
  /** The name's bytes, to compare with the local header's. */
  readonly rawName: Uint8Array;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  /** Where this entry starts in the archive, for messages. */
  readonly entryOffset: number;
}

/** Where the central directory is, from the end records. */
export interface EndRecord {
  readonly entries: number;
  readonly centralOffset: number;
  readonly centralSize: number;
  readonly comment: Uint8Array;
  /** The offset of the (last) end of central directory record. */
  readonly endOffset: number;
  /** Whether a ZIP64 end record gave the values. */
  readonly zip64: boolean;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** A u64 as a number; values past 2^53 cannot be offsets or sizes here. */
function u64(b: Uint8Array, at: number, what: string, offset: number): number {
  const high = u32(b, at + 4);
  if (high >= 0x200000) {
    throw new MalformedError("zip-bad-size", `${what} is larger than 2^53`, {
      format: "npz",
      offset,
    });
  }
  return high * 0x100000000 + u32(b, at);
}

export { u16 as readU16, u32 as readU32 };

/**
 * Finds the end of central directory record in `tail`, the last bytes of an
 * archive that starts `tailOffset` bytes in. Searches backwards, accepting
 * only a record whose comment length reaches exactly the end of the archive.
 */
export function findEnd(tail: Uint8Array, tailOffset: number): number {
  for (let at = tail.length - END_LENGTH; at >= 0; at--) {
    if (u32(tail, at) === END_SIGNATURE && at + END_LENGTH + u16(tail, at + 20) === tail.length) {
      return tailOffset + at;
    }
  }
  return -1;
}

/** Parses the end record at `at` of `tail` (which holds it whole). */
export function parseEnd(tail: Uint8Array, at: number, endOffset: number): EndRecord {
  const disk = u16(tail, at + 4);
  const cdDisk = u16(tail, at + 6);
  const diskEntries = u16(tail, at + 8);
  const entries = u16(tail, at + 10);
  if ((disk !== 0 || cdDisk !== 0 || diskEntries !== entries) && disk !== U16_MAX) {
    throw new UnsupportedError(
      "zip-multi-disk",
      `the archive spans several disks (disk ${disk}), which is not supported`,
      { format: "npz" },
    );
  }
  const commentLength = u16(tail, at + 20);
  return {
    entries,
    centralSize: u32(tail, at + 12),
    centralOffset: u32(tail, at + 16),
    comment: tail.slice(at + END_LENGTH, at + END_LENGTH + commentLength),
    endOffset,
    zip64: false,
  };
}

/** Reads the ZIP64 locator just before the end record, if there is one: the ZIP64 end record's offset. */
export function parseLocator(bytes: Uint8Array, at: number): number | null {
  if (at < 0 || u32(bytes, at) !== ZIP64_LOCATOR_SIGNATURE) return null;
  return u64(bytes, at + 8, "the ZIP64 end record's offset", at);
}

/** Applies the ZIP64 end record (`bytes` at `at`, read from archive offset `offset`). */
export function parseZip64End(
  bytes: Uint8Array,
  at: number,
  offset: number,
  end: EndRecord,
): EndRecord {
  if (bytes.length - at < ZIP64_END_LENGTH || u32(bytes, at) !== ZIP64_END_SIGNATURE) {
    throw new MalformedError(
      "zip-bad-zip64-end",
      `the ZIP64 locator points at offset ${offset}, where there is no ZIP64 end record`,
      { format: "npz", offset },
    );
  }
  return {
    ...end,
    entries: u64(bytes, at + 32, "the member count", offset + 32),
    centralSize: u64(bytes, at + 40, "the central directory's size", offset + 40),
    centralOffset: u64(bytes, at + 48, "the central directory's offset", offset + 48),
    zip64: true,
  };
}

const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A member name: UTF-8 when flag 11 is set, else code page 437 (as Python's zipfile decodes). */
export function decodeName(raw: Uint8Array, flags: number, offset: number): string {
  if (flags & FLAG_UTF8) {
    try {
      return utf8.decode(raw);
    } catch {
      throw new MalformedError(
        "zip-bad-name",
        `the member name at offset ${offset} is flagged UTF-8 but is not`,
        { format: "npz", offset },
      );
    }
  }
  let out = "";
  for (const byte of raw) out += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return out;
}

/** Encodes a member name, and the flag bits that say how (as Python's zipfile does). */
export function encodeName(name: string): { bytes: Uint8Array; flags: number } {
  // deno-lint-ignore no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(name);
  return { bytes: new TextEncoder().encode(name), flags: ascii ? 0 : FLAG_UTF8 };
}

/**
 * Parses the central directory (`bytes`, read from archive offset `base`)
 * into `count` entries, applying ZIP64 extra fields.
 */
export function parseCentral(bytes: Uint8Array, base: number, count: number): CentralEntry[] {
  const out: CentralEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const offset = base + at;
    if (bytes.length - at < CENTRAL_HEADER_LENGTH || u32(bytes, at) !== CENTRAL_SIGNATURE) {
      throw new MalformedError(
        "zip-bad-central-directory",
        `central directory entry ${i} at offset ${offset} is missing or damaged`,
        { format: "npz", offset },
      );
    }
    const flags = u16(bytes, at + 8);
    const method = u16(bytes, at + 10);
    const crc = u32(bytes, at + 16);
    let compressedSize = u32(bytes, at + 20);
    let size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    let localOffset = u32(bytes, at + 42);
    const end = at + CENTRAL_HEADER_LENGTH + nameLength + extraLength + commentLength;
    if (end > bytes.length) {
      throw new MalformedError(
        "zip-bad-central-directory",
        `central directory entry ${i} at offset ${offset} runs past the directory's end`,
        { format: "npz", offset },
      );
    }
    const nameStart = at + CENTRAL_HEADER_LENGTH;
    const rawName = bytes.slice(nameStart, nameStart + nameLength);
    const name = decodeName(rawName, flags, offset + 46);
    // The ZIP64 extra holds, in order, only the fields whose 32-bit value is 0xFFFFFFFF.
    let x = nameStart + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const tag = u16(bytes, x);
      const length = u16(bytes, x + 2);
      const dataEnd = Math.min(x + 4 + length, extraEnd);
      if (tag === ZIP64_EXTRA_TAG) {
        let y = x + 4;
        const take = (what: string): number => {
          if (y + 8 > dataEnd) {
            throw new MalformedError(
              "zip-bad-zip64-extra",
              `the ZIP64 extra field of "${name}" lacks ${what}`,
              { format: "npz", offset: base + x, key: name },
            );
          }
          const value = u64(bytes, y, what, base + y);
          y += 8;
          return value;
        };
        if (size === U32_MAX) size = take("the size");
        if (compressedSize === U32_MAX) compressedSize = take("the compressed size");
        if (localOffset === U32_MAX) localOffset = take("the local header offset");
      }
      x += 4 + length;
    }
    out.push({
      name,
      rawName,
      flags,
      method,
      crc,
      compressedSize,
      size,
      localOffset,
      entryOffset: offset,
    });
    at = end;
  }
  return out;
}

/** Checks that a member can be read at all: not encrypted, stored or deflated. */
export function checkSupported(entry: CentralEntry): void {
  if (entry.flags & FLAG_ENCRYPTED) {
    throw new UnsupportedError("zip-encrypted", `member "${entry.name}" is encrypted`, {
      format: "npz",
      key: entry.name,
    });
  }
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATE) {
    throw new UnsupportedError(
      "zip-method",
      `member "${entry.name}" uses compression method ${entry.method}; only stored (0) and ` +
        `deflate (8) are supported`,
      { format: "npz", key: entry.name },
    );
  }
}

/**
 * Checks the local header of `entry` (the first bytes of `header`, read at
 * its offset) and returns the offset of the member's data.
 */
export function parseLocal(header: Uint8Array, entry: CentralEntry): number {
  const offset = entry.localOffset;
  if (header.length < LOCAL_HEADER_LENGTH) {
    throw new TruncatedError(
      `the local header of "${entry.name}" at offset ${offset} is cut short`,
      { format: "npz", offset, key: entry.name },
    );
  }
  if (u32(header, 0) !== LOCAL_SIGNATURE) {
    throw new MalformedError(
      "zip-bad-local-header",
      `there is no local header for "${entry.name}" at offset ${offset}`,
      { format: "npz", offset, key: entry.name },
    );
  }
  const nameLength = u16(header, 26);
  const extraLength = u16(header, 28);
  return offset + LOCAL_HEADER_LENGTH + nameLength + extraLength;
}

/** The local header's name bytes, to compare with the central directory's. */
export function localNameRange(header: Uint8Array): [number, number] {
  return [LOCAL_HEADER_LENGTH, LOCAL_HEADER_LENGTH + u16(header, 26)];
}

// ---- Writing ----

/** What the writer knows of a member once written. */
export interface WrittenEntry {
  readonly nameBytes: Uint8Array;
  readonly flags: number;
  readonly method: number;
  crc: number;
  compressedSize: number;
  size: number;
  readonly localOffset: number;
}

// 1980-01-01 00:00:00, zipfile's default date, which NumPy's members get.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_ZIP64 = 45;
// Made by: Unix (3), version 4.5, as Python's zipfile on Linux.
const VERSION_MADE_BY = (3 << 8) | VERSION_ZIP64;
const EXTERNAL_ATTRIBUTES = (0o600 << 16) >>> 0;

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

function put64(b: Uint8Array, at: number, v: number): void {
  put32(b, at, v % 0x100000000);
  put32(b, at + 4, Math.floor(v / 0x100000000));
}

/**
 * A local header as NumPy's `force_zip64` members have it: sizes
 * 0xFFFFFFFF with the real ones in a ZIP64 extra field, then, to align the
 * data to `align` bytes, a padding extra field (none when `align` is 1).
 */
export function localHeader(entry: WrittenEntry, align: number): Uint8Array {
  const nameLength = entry.nameBytes.length;
  const fixed = LOCAL_HEADER_LENGTH + nameLength + 20;
  let pad = 0;
  if (align > 1) {
    const misalignment = (entry.localOffset + fixed) % align;
    if (misalignment !== 0) {
      pad = align - misalignment;
      if (pad < 4) pad += align; // The padding field needs 4 bytes of its own.
    }
  }
  const out = new Uint8Array(fixed + pad);
  put32(out, 0, LOCAL_SIGNATURE);
  put16(out, 4, VERSION_ZIP64);
  put16(out, 6, entry.flags);
  put16(out, 8, entry.method);
  put16(out, 10, DOS_TIME);
  put16(out, 12, DOS_DATE);
  const descriptor = (entry.flags & FLAG_DESCRIPTOR) !== 0;
  put32(out, 14, descriptor ? 0 : entry.crc);
  put32(out, 18, U32_MAX);
  put32(out, 22, U32_MAX);
  put16(out, 26, nameLength);
  put16(out, 28, 20 + pad);
  out.set(entry.nameBytes, LOCAL_HEADER_LENGTH);
  let at = LOCAL_HEADER_LENGTH + nameLength;
  put16(out, at, ZIP64_EXTRA_TAG);
  put16(out, at + 2, 16);
  put64(out, at + 4, descriptor ? 0 : entry.size);
  put64(out, at + 12, descriptor ? 0 : entry.compressedSize);
  at += 20;
  if (pad > 0) {
    put16(out, at, PADDING_EXTRA_TAG);
    put16(out, at + 2, pad - 4);
  }
  return out;
}

/** The data descriptor after a streamed member (ZIP64 form: 8-byte sizes, as zipfile writes). */
export function dataDescriptor(entry: WrittenEntry): Uint8Array {
  const out = new Uint8Array(24);
  put32(out, 0, DESCRIPTOR_SIGNATURE);
  put32(out, 4, entry.crc);
  put64(out, 8, entry.compressedSize);
  put64(out, 16, entry.size);
  return out;
}

/** A central directory entry, with a ZIP64 extra field only for values over zipfile's limit. */
export function centralEntry(entry: WrittenEntry): Uint8Array {
  // As zipfile: both sizes go to the extra field when either is large.
  const big: number[] = [];
  const bigSizes = entry.size > ZIP64_LIMIT || entry.compressedSize > ZIP64_LIMIT;
  if (bigSizes) big.push(entry.size, entry.compressedSize);
  const size = bigSizes ? U32_MAX : entry.size;
  const compressed = bigSizes ? U32_MAX : entry.compressedSize;
  const local = entry.localOffset > ZIP64_LIMIT
    ? (big.push(entry.localOffset), U32_MAX)
    : entry.localOffset;
  const extraLength = big.length === 0 ? 0 : 4 + 8 * big.length;
  const nameLength = entry.nameBytes.length;
  const out = new Uint8Array(CENTRAL_HEADER_LENGTH + nameLength + extraLength);
  put32(out, 0, CENTRAL_SIGNATURE);
  put16(out, 4, VERSION_MADE_BY);
  put16(out, 6, VERSION_ZIP64);
  put16(out, 8, entry.flags);
  put16(out, 10, entry.method);
  put16(out, 12, DOS_TIME);
  put16(out, 14, DOS_DATE);
  put32(out, 16, entry.crc);
  put32(out, 20, compressed);
  put32(out, 24, size);
  put16(out, 28, nameLength);
  put16(out, 30, extraLength);
  put32(out, 38, EXTERNAL_ATTRIBUTES);
  put32(out, 42, local);
  out.set(entry.nameBytes, CENTRAL_HEADER_LENGTH);
  if (extraLength > 0) {
    const at = CENTRAL_HEADER_LENGTH + nameLength;
    put16(out, at, ZIP64_EXTRA_TAG);
    put16(out, at + 2, 8 * big.length);
    big.forEach((v, k) => put64(out, at + 4 + 8 * k, v));
  }
  return out;
}

/**
 * The end records after a central directory of `count` entries and `size`
 * bytes at `offset`: a ZIP64 end record and locator first when a value is
 * over zipfile's limits, then the classic record.
 */
export function endRecords(count: number, offset: number, size: number): Uint8Array {
  const zip64 = count >= U16_MAX || offset > ZIP64_LIMIT || size > ZIP64_LIMIT;
  const out = new Uint8Array((zip64 ? ZIP64_END_LENGTH + ZIP64_LOCATOR_LENGTH : 0) + END_LENGTH);
  let at = 0;
  if (zip64) {
    put32(out, 0, ZIP64_END_SIGNATURE);
    put64(out, 4, ZIP64_END_LENGTH - 12);
    put16(out, 12, VERSION_ZIP64);
    put16(out, 14, VERSION_ZIP64);
    put64(out, 24, count);
    put64(out, 32, count);
    put64(out, 40, size);
    put64(out, 48, offset);
    put32(out, 56, ZIP64_LOCATOR_SIGNATURE);
    put64(out, 64, offset + size);
    put32(out, 72, 1);
    at = ZIP64_END_LENGTH + ZIP64_LOCATOR_LENGTH;
  }
  put32(out, at, END_SIGNATURE);
  put16(out, at + 8, Math.min(count, U16_MAX));
  put16(out, at + 10, Math.min(count, U16_MAX));
  put32(out, at + 12, Math.min(size, U32_MAX));
  put32(out, at + 16, Math.min(offset, U32_MAX));
  return out;
}

/** Checks a member's CRC-32. */
export function checkCrc(entry: CentralEntry, crc: number, dataOffset: number): void {
  if (crc !== entry.crc) {
    throw new MalformedError(
      "zip-crc-mismatch",
      `member "${entry.name}" is corrupt: its CRC-32 is ${hex(crc)}, not ${hex(entry.crc)}`,
      { format: "npz", offset: dataOffset, key: entry.name },
    );
  }
}

function hex(n: number): string {
  return "0x" + n.toString(16).padStart(8, "0");
}
