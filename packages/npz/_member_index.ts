// The part of a `.npy` member that a NumPy index selects, read in one
// forward pass over the member's bytes: `readNpyIndex` asks for the header
// and then for byte runs in increasing file order (in C and Fortran order
// alike), so a member that is inflated as it streams serves those reads by
// skipping what lies between them. Memory is the selection plus one read
// (at most 8 MiB, or one run) and the inflater's chunks, whatever the
// member's size. Without `verify` the pass stops after the last byte
// needed; with it, it reads on to the end and checks size and CRC-32.

import { type ByteSource, type IndexItem, type NDArray, NdioError } from "@ndio/core";
import { readNpyIndex, type ReadNpyIndexOptions } from "@ndio/npy";
import { type MemberAccess, MemberReader } from "./_member_reader.ts";

/**
 * A source over a member's bytes that serves reads at non-decreasing
 * offsets (a read may repeat the end of the one before it, as the header's
 * first read overlaps the data) from a reader that only goes forward.
 */
function forwardSource(reader: MemberReader, size: number): ByteSource {
  let last = new Uint8Array(0);
  let lastStart = 0;
  return {
    byteLength: size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      // The reader stands at the end of the last read.
      const lastEnd = lastStart + last.length;
      if (!(offset >= lastStart && length >= 0 && offset + length <= size)) {
        throw new RangeError(
          `cannot read ${length} bytes at ${offset} of a ${size}-byte member read forward from ` +
            `${lastStart}`,
        );
      }
      if (offset + length <= lastEnd) {
        return last.subarray(offset - lastStart, offset - lastStart + length);
      }
      const out = new Uint8Array(length);
      let at = 0;
      if (offset < lastEnd) {
        at = lastEnd - offset;
        out.set(last.subarray(offset - lastStart));
      } else await reader.skip(offset - lastEnd);
      await reader.fill(out.subarray(at));
      last = out;
      lastStart = offset;
      return out;
    },
  };
}

/**
 * Reads the selection of a `.npy` member in one forward pass. When the
 * `.npy` itself is bad, the rest of the member is read first: a member that
 * is corrupt or lies about its size reports that (as a whole read would),
 * not the `.npy` error it causes.
 */
export async function memberIndex(
  access: MemberAccess,
  index: string | readonly IndexItem[],
  options: ReadNpyIndexOptions | undefined,
): Promise<NDArray> {
  const reader = new MemberReader(access);
  try {
    let selection: NDArray;
    try {
      selection = await readNpyIndex(forwardSource(reader, access.entry.size), index, options);
    } catch (error) {
      if (error instanceof NdioError && error.format === "npy") await reader.finish();
      throw error;
    }
    if (access.verify) await reader.finish();
    return selection;
  } finally {
    await reader.close();
  }
}
