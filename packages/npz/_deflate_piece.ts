// Deflating one independent piece of a member with node:zlib (zlib-ng);
// imported by the deflate threads, so it imports little (they start faster).

import { constants, deflateRawSync, type ZlibOptions } from "node:zlib";
import { deflateSync as estimateDeflate } from "fflate";

// Pieces at least this large are sampled to choose how to deflate them.
const SAMPLED_PIECE = 1 << 20;
// The sample: slices spread over the piece, each long enough for string
// matching to find the repeats it would find in the whole piece.
const SAMPLE_SLICES = 4;
const SAMPLE_SLICE = 16 << 10;

/** The cheaper ways to deflate at `level`, fastest first. */
function cheaperWays(level: number): ZlibOptions[] {
  return [
    // Random floats: string matching finds nothing; the gain is all in
    // the Huffman coding of the exponent bytes.
    { level, strategy: constants.Z_HUFFMAN_ONLY },
    // Repeats at short distances (small integers in wide types): an 8 KiB
    // window finds them at half the cost of a 32 KiB one.
    { level, windowBits: 13 },
  ];
}

function sampleOf(piece: Uint8Array): Uint8Array {
  const sample = new Uint8Array(SAMPLE_SLICES * SAMPLE_SLICE);
  const step = Math.floor((piece.length - SAMPLE_SLICE) / (SAMPLE_SLICES - 1));
  for (let k = 0; k < SAMPLE_SLICES; k++) {
    sample.set(piece.subarray(k * step, k * step + SAMPLE_SLICE), k * SAMPLE_SLICE);
  }
  return sample;
}

/**
 * How to deflate a piece at `level`: the fastest way whose output on a
 * sample of the piece is no larger than classic zlib's at that level
 * (NumPy's compressor, estimated by fflate, which sizes within about 1% of
 * it), else zlib-ng's own `level`. Decided from the piece's bytes alone, so
 * the output is the same whichever thread deflates it.
 */
function wayFor(piece: Uint8Array, level: number): ZlibOptions {
  const plain = { level };
  if (level < 1 || level > 9 || piece.length < SAMPLED_PIECE) return plain;
  const sample = sampleOf(piece);
  const zlibSize = estimateDeflate(sample, { level: level as 1 }).length;
  for (const way of cheaperWays(level)) {
    if (deflateRawSync(sample, way).length <= zlibSize) return way;
  }
  return plain;
}

/**
 * Deflates one piece; `last` ends the stream, otherwise a sync flush ends
 * the piece. Large pieces are deflated the cheapest way that stays as small
 * as zlib's `level` on a sample of them (see `wayFor`).
 */
export function deflatePiece(piece: Uint8Array, level: number, last: boolean): Uint8Array {
  const out = deflateRawSync(piece, {
    ...wayFor(piece, level),
    finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
