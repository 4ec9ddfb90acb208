/**
 * `convert` of one `.npz` member to `.npy` without holding the array: the
 * member is read in blocks of rows (inflated as it streams, its CRC-32
 * checked before the last block) and written as it comes, so a member far
 * larger than memory converts in memory bounded by the block size. A
 * Fortran-order member's rows are spread through its data, so it is copied
 * as it is instead: the header `np.save` writes for the array (Fortran
 * order too), then the member's data bytes as they inflate.
 *
 * @module
 */

import type { ByteSink, PluginOptions } from "@ndio/core";
import { createAtomicFileSink } from "@ndio/core/fs";
import { checkDataLength, encodeNpyHeader, type NpyHeader, NpyStreamWriter } from "@ndio/npy";
import { type LoadNpzOptions, NpzFile } from "@ndio/npz";
import type { InputFile } from "./_files.ts";
import { withContext } from "./_errors.ts";
import { type Progress, sinkWithProgress } from "./_progress.ts";

/** What {@linkcode streamNpzMember} wrote. */
export interface StreamedMember {
  /** The member's name without `.npy`. */
  readonly name: string;
  /** Its dtype's NumPy name and its shape, for the note. */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Bytes written. */
  readonly bytes: number;
}

/**
 * Streams the member `name` (or the only member) of an `.npz` input into a
 * `.npy` at `path`, atomically. Returns null, having written nothing, when
 * the member cannot stream and the whole read must do: no such member or
 * several without a name (the whole read says why), not a `.npy`, an
 * object array, a 0-d array, or a subarray dtype in Fortran order (which
 * only hand-made files have).
 */
export async function streamNpzMember(
  input: InputFile,
  path: string,
  name: string | undefined,
  options: PluginOptions,
  progress?: Progress,
): Promise<StreamedMember | null> {
  const npz = await withContext(
    `cannot read "${input.path}"`,
    () => NpzFile.open(input.source, options as LoadNpzOptions),
  );
  using _ = npz;
  const member = name === undefined
    ? (npz.files.length === 1 ? npz.names[0]! : undefined)
    : (npz.has(name) ? npz.member(name).name : undefined);
  if (member === undefined || !member.endsWith(".npy")) return null;
  const header = await withContext(`cannot read "${input.path}"`, () => npz.header(member));
  const fortran = header.fortranOrder && header.shape.length > 1;
  if (
    header.dataLength === null || header.shape.length === 0 ||
    (fortran && header.dtype.subarray !== null)
  ) {
    return null;
  }
  return await withContext(`cannot convert "${input.path}" to npy`, async () => {
    const sink = createAtomicFileSink(path, { fsync: true });
    try {
      progress?.phase(`converting ${input.path}`, header.dataLength!);
      const out = progress === undefined ? sink : sinkWithProgress(sink, progress);
      if (fortran) {
        await copyFortranMember(npz, member, header, out);
      } else {
        const writer = new NpyStreamWriter(
          out,
          { dtype: header.dtype, rowShape: header.shape.slice(1) },
          { rows: header.shape[0]! },
        );
        for await (const block of npz.blocks(member)) await writer.append(block);
        await writer.close();
      }
      const bytes = sink.position;
      await sink.commit();
      return { name: member.slice(0, -4), dtype: header.dtype.name, shape: header.shape, bytes };
    } finally {
      await sink.abort();
    }
  });
}

/**
 * Writes a Fortran-order member as `np.save` writes its array: the header
 * (Fortran order, unless the array is C-contiguous too: empty, or at most
 * one axis longer than 1, as NumPy's flags say), then the data bytes as they
 * inflate, in the member's order. Bytes after the data (none in NumPy's
 * files) are read for the CRC-32 but not written, as a whole read drops them.
 */
async function copyFortranMember(
  npz: NpzFile,
  member: string,
  header: NpyHeader,
  out: ByteSink,
): Promise<void> {
  const { shape, dtype } = header;
  const cToo = shape.includes(0) || shape.filter((d) => d !== 1).length <= 1 ||
    dtype.itemsize === 0;
  checkDataLength(header, npz.member(member).size - header.dataOffset, 0, "member");
  await out.write(encodeNpyHeader({ dtype, shape, fortranOrder: !cToo }));
  let skip = header.dataOffset;
  let left = header.dataLength!;
  for await (const chunk of npz.chunks(member)) {
    const start = Math.min(skip, chunk.length);
    skip -= start;
    const piece = chunk.subarray(start, start + Math.min(left, chunk.length - start));
    left -= piece.length;
    if (piece.length > 0) await out.write(piece);
  }
}
