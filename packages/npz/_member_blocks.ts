// A `.npy` member read as blocks of rows, in memory bounded by the block
// and read sizes: the header from the member's first bytes, then one block
// at a time from the stored bytes or the streaming inflater. The last block
// is handed out only after the member's size and CRC-32 have been checked.

import { type ByteSource, NDArray, NdioError, slice, UnsupportedError } from "@ndio/core";
import {
  arrayFromData,
  checkDataLength,
  NPY_PREFIX_LENGTH,
  type NpyHeader,
  type NpyHeaderOptions,
  parseNpyHeader,
  parseNpyPrefix,
  readNpyIndex,
} from "@ndio/npy";
import { type MemberAccess, MemberReader } from "./_member_reader.ts";
import { METHOD_STORED } from "./_zip.ts";

/** How many bytes of rows one inflation of a Fortran-order member gathers, by default. */
export const FORTRAN_PASS_BYTES = 64 << 20;

/** Errors from the member's `.npy` say which member they are in. */
async function inMember<T>(access: MemberAccess, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NdioError && !error.message.startsWith("member")) {
      error.message = `member "${access.entry.name}": ${error.message}`;
    }
    throw error;
  }
}

/**
 * Reads the `.npy` header from the start of a member. When the header is
 * bad, the rest of the member is read first: a member that is corrupt or
 * lies about its size reports that (as a whole read would), not the
 * header's error it causes.
 */
async function readHeader(
  reader: MemberReader,
  access: MemberAccess,
  options: NpyHeaderOptions | undefined,
): Promise<NpyHeader> {
  try {
    return await parseHeader(reader, access, options);
  } catch (error) {
    // Errors of the archive itself (from reading the member) stand as they are.
    if (error instanceof NdioError && error.format === "npy") {
      await inMember(access, () => reader.finish());
    }
    throw error;
  }
}

function parseHeader(
  reader: MemberReader,
  access: MemberAccess,
  options: NpyHeaderOptions | undefined,
): Promise<NpyHeader> {
  return inMember(access, async () => {
    const size = access.entry.size;
    // The fixed prefix is 10 bytes in version 1 (its version byte says so), 12 after.
    const start = (await reader.take(Math.min(8, size))).slice();
    const prefixLength = start.length === 8 && start[6] === 1 ? 10 : NPY_PREFIX_LENGTH;
    const prefix = new Uint8Array(Math.min(prefixLength, size));
    prefix.set(start);
    await reader.fill(prefix.subarray(start.length));
    const { dataOffset } = parseNpyPrefix(prefix, options, 0);
    const head = new Uint8Array(Math.min(dataOffset, size));
    head.set(prefix);
    await reader.fill(head.subarray(prefix.length));
    const header = parseNpyHeader(head, options);
    if (header.dataLength === null) {
      throw new UnsupportedError(
        "npy-partial-object",
        `an object array ("${header.dtype.str}") cannot be read in blocks: its data is one pickle`,
        { format: "npy" },
      );
    }
    checkDataLength(header, size - header.dataOffset, 0, "member");
    return header;
  });
}

/**
 * The blocks of a `.npy` member along its first axis. C order (and any
 * array of at most one dimension) streams once through the member. A
 * Fortran-order member's rows are spread through all of its data: a stored
 * one is read in part for each block (then once more, whole, for the
 * CRC-32); a deflated one is inflated once per `passBytes` of rows (or per
 * block, when blocks are larger), keeping only those rows' elements.
 */
export async function* memberBlocks(
  access: MemberAccess,
  blockBytes: number,
  options: NpyHeaderOptions | undefined,
  passBytes: number,
): AsyncGenerator<NDArray> {
  let reader = new MemberReader(access);
  try {
    const header = await readHeader(reader, access, options);
    const dataLength = header.dataLength!;
    if (header.shape.length === 0) {
      const data = await reader.take(dataLength);
      await inMember(access, () => reader.finish());
      yield arrayFromData(header, data);
      return;
    }
    const rows = header.shape[0]!;
    const rest = header.shape.slice(1);
    const rowBytes = rows === 0 ? 0 : dataLength / rows;
    if (rowBytes === 0) {
      await inMember(access, () => reader.finish());
      yield new NDArray(header.dtype, header.shape);
      return;
    }
    const blockRows = Math.max(1, Math.floor(blockBytes / rowBytes));
    const blockShape = (n: number) => ({ ...header, shape: [n, ...rest] });
    if (!header.fortranOrder || rest.length === 0) {
      for (let r = 0; r < rows; r += blockRows) {
        const n = Math.min(blockRows, rows - r);
        const data = await reader.take(n * rowBytes);
        if (r + n === rows) await inMember(access, () => reader.finish());
        yield arrayFromData(blockShape(n), data);
      }
      return;
    }
    if (access.entry.method === METHOD_STORED) {
      await reader.close();
      const member = memberSource(access);
      for (let r = 0; r < rows; r += blockRows) {
        const n = Math.min(blockRows, rows - r);
        const block = await inMember(
          access,
          () => readNpyIndex(member, [slice(r, r + n)], options),
        );
        if (r + n === rows) {
          reader = new MemberReader(access);
          await inMember(access, () => reader.finish());
        }
        yield block;
      }
      return;
    }
    // Deflated, Fortran order: the data is columns of `rows` elements (one
    // per index of the other axes). Each inflation pass keeps rows
    // [r, r + m) of every column, which in Fortran order of its own are
    // consecutive, and gathering up to `passBytes` of rows per pass saves
    // passes; the pass is then cut into blocks.
    const itemsize = header.dtype.itemsize;
    const columnBytes = rows * itemsize;
    const columns = rowBytes / itemsize;
    const passRows = Math.max(blockRows, Math.floor(passBytes / rowBytes));
    for (let r = 0; r < rows; r += passRows) {
      const m = Math.min(passRows, rows - r);
      if (r > 0) {
        await reader.close();
        reader = new MemberReader({ ...access, verify: false });
        await reader.take(header.dataOffset);
      }
      const pass = new Uint8Array(m * rowBytes);
      const first = r * itemsize, last = (r + m) * itemsize, runBytes = m * itemsize;
      for await (const [piece, offset] of inMemberPieces(access, reader)) {
        const start = offset - header.dataOffset;
        const end = Math.min(start + piece.length, dataLength);
        if (end <= 0) continue;
        for (let column = Math.floor(Math.max(0, start) / columnBytes);; column++) {
          const lo = column * columnBytes + first;
          if (lo >= end) break;
          const from = Math.max(lo, start);
          const to = Math.min(column * columnBytes + last, end);
          if (from < to) {
            pass.set(piece.subarray(from - start, to - start), column * runBytes + from - lo);
          }
        }
      }
      for (let i = 0; i < m; i += blockRows) {
        const n = Math.min(blockRows, m - i);
        if (n === m) {
          yield arrayFromData(blockShape(n), pass);
          continue;
        }
        const out = new Uint8Array(n * rowBytes);
        for (let column = 0; column < columns; column++) {
          const at = column * runBytes + i * itemsize;
          out.set(pass.subarray(at, at + n * itemsize), column * n * itemsize);
        }
        yield arrayFromData(blockShape(n), out);
      }
    }
  } finally {
    await reader.close();
  }
}

/** The reader's remaining pieces, with errors naming the member. */
async function* inMemberPieces(
  access: MemberAccess,
  reader: MemberReader,
): AsyncGenerator<[Uint8Array, number]> {
  const pieces = reader.pieces();
  while (true) {
    const next = await inMember(access, () => pieces.next());
    if (next.done) return;
    yield next.value;
  }
}

/** A stored member's bytes as a source of their own. */
function memberSource(access: MemberAccess): ByteSource {
  const { source, dataOffset, entry } = access;
  return {
    byteLength: entry.size,
    read: (at: number, length: number) => source.read(dataOffset + at, length),
  };
}
