// Deflating one independent piece of a member with node:zlib (zlib-ng);
// imported by the deflate threads, so it imports little (they start faster).
//
// NumPy deflates with classic zlib at level 6. zlib-ng's level 6 is faster
// and mostly smaller, but not always: it hashes 4 bytes, so it misses the
// 3-byte matches of smooth floats and noisy images (linspace: +19%), and
// its level 6 (deflate_medium) misses repeats that lazy matching finds (a
// wrapping gradient image: +20%). The smaller of zlib-ng's lazy level 7
// and fflate (a classic-style encoder with a 3-byte hash) has been within
// 0.5% of classic zlib or smaller on everything measured
// (testdata/make_size_corpus.py), and zlib-ng's level 9 (lazy, with a
// classic 3-byte hash and long chains) as small as the smaller of the two.
// So each piece is deflated the fastest way whose output on a sample of the
// piece is within 0.5% of that reference, else at zlib-ng's level 9.

import { constants, deflateRawSync, type ZlibOptions } from "node:zlib";
import { deflateSync as fflateDeflate } from "fflate";

// The sample: slices spread over the piece, each long enough for string
// matching to find the repeats it would find in the whole piece; a
// sixteenth of smaller pieces, so that sampling costs little on them too.
// Pieces no longer than the sample are their own sample.
const SAMPLE_SLICES = 4;
const SAMPLE_SLICE = 16 << 10;
const MIN_SAMPLE_SLICE = 4 << 10;
// How much larger than the reference a faster way may be on the sample.
const TOLERANCE = 0.005;

function sampleOf(piece: Uint8Array): Uint8Array {
  const slice = Math.min(SAMPLE_SLICE, Math.max(MIN_SAMPLE_SLICE, piece.length >> 4));
  if (piece.length <= SAMPLE_SLICES * slice) return piece;
  const sample = new Uint8Array(SAMPLE_SLICES * slice);
  const step = Math.floor((piece.length - slice) / (SAMPLE_SLICES - 1));
  for (let k = 0; k < SAMPLE_SLICES; k++) {
    sample.set(piece.subarray(k * step, k * step + slice), k * slice);
  }
  return sample;
}

function deflateWay(data: Uint8Array, way: ZlibOptions, last: boolean): Uint8Array {
  const out = deflateRawSync(data, {
    ...way,
    finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

const sizeOn = (sample: Uint8Array, way: ZlibOptions): number =>
  deflateWay(sample, way, true).length;

/**
 * How to deflate a piece at `level`: Huffman coding alone when it is no
 * larger than fflate's `level` on the piece's sample (random floats:
 * string matching finds nothing); else the first of, fastest first, an
 * 8 KiB window (repeats at short distances, as in small ints in wide types,
 * found at half the cost), zlib-ng's `level` and its lazy level 7 whose
 * output on the sample is within 0.5% of the smaller of zlib-ng's level 7
 * and fflate's `level`; else zlib-ng's level 9. Decided from the piece's
 * bytes alone, so the output is the same whichever thread deflates it.
 */
function wayFor(piece: Uint8Array, level: number): ZlibOptions {
  if (level < 1 || level > 9 || piece.length === 0) return { level };
  const sample = sampleOf(piece);
  const classicSize = fflateDeflate(sample, { level: level as 1 }).length;
  const huffman = { level, strategy: constants.Z_HUFFMAN_ONLY };
  if (sizeOn(sample, huffman) <= classicSize) return huffman;
  const lazy = { level: Math.max(level, 7) };
  const lazySize = sizeOn(sample, lazy);
  const limit = Math.min(lazySize, classicSize) * (1 + TOLERANCE);
  const faster: ZlibOptions[] = [{ level, windowBits: 13 }];
  if (level < 7) faster.push({ level });
  for (const way of faster) {
    if (sizeOn(sample, way) <= limit) return way;
  }
  return lazySize <= limit ? lazy : { level: 9 };
}

/**
 * Deflates one piece; `last` ends the stream, otherwise a sync flush ends
 * the piece. Each piece is deflated the fastest way that stays within
 * 0.5% of a classic-zlib reference on a sample of it (see `wayFor`).
 */
export function deflatePiece(piece: Uint8Array, level: number, last: boolean): Uint8Array {
  return deflateWay(piece, wayFor(piece, level), last);
}
