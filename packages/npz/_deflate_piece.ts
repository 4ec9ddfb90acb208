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

import { constants, createDeflateRaw, deflateRawSync, type ZlibOptions } from "node:zlib";
import { deflateSync as fflateDeflate } from "fflate";

// The sample: slices spread over the piece, each long enough for string
// matching to find the repeats it would find in the whole piece; a
// sixteenth of smaller pieces, so that sampling costs little on them too.
// Pieces no longer than the sample are their own sample.
const SAMPLE_SLICES = 4;
// Slices of the second look at a piece the first sample misjudged.
const DENSE_SAMPLE_SLICES = 16;
const SAMPLE_SLICE = 16 << 10;
const MIN_SAMPLE_SLICE = 4 << 10;
// Pieces this small, when they are a whole member, are deflated both ways
// (zlib-ng and fflate) rather than tried.
const SMALL_PIECE = 16 << 10;
// How much larger than the reference a faster way may be on the sample.
const TOLERANCE = 0.005;

function sampleOf(piece: Uint8Array, slices: number): Uint8Array {
  const slice = Math.min(SAMPLE_SLICE, Math.max(MIN_SAMPLE_SLICE, piece.length >> 4));
  if (piece.length <= slices * slice) return piece;
  const sample = new Uint8Array(slices * slice);
  const step = Math.floor((piece.length - slice) / (slices - 1));
  for (let k = 0; k < slices; k++) {
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

/**
 * A way to deflate a piece, the piece so deflated when it is its own
 * sample, and for Huffman coding alone chosen from a sample, the output's
 * size per input byte on the sample.
 */
interface Choice {
  way: ZlibOptions;
  out: Uint8Array | null;
  huffmanRatio: number | null;
}

/**
 * How to deflate a piece at `level`: Huffman coding alone when it is no
 * larger than fflate's `level` on the piece's sample (random floats:
 * string matching finds nothing); else the first of, fastest first, an
 * 8 KiB window (repeats at short distances, as in small ints in wide types,
 * found at half the cost), zlib-ng's `level` and its lazy level 7 whose
 * output on the sample is within 0.5% of the smaller of zlib-ng's level 7
 * and fflate's `level`; else zlib-ng's level 9. Below NumPy's level 6 the
 * asked level is the slowest way taken: it was asked for speed. Decided
 * from the piece's bytes alone, so the output is the same whichever thread
 * deflates it. A piece that is its own sample is deflated as it is tried
 * (small pieces pay for the trials, not for one more deflate).
 */
function choose(piece: Uint8Array, level: number, last: boolean, slices: number): Choice {
  if (level < 1 || level > 9 || piece.length === 0) {
    return { way: { level }, out: null, huffmanRatio: null };
  }
  const sample = sampleOf(piece, slices);
  const whole = sample === piece;
  let out: Uint8Array | null = null;
  const sizeOn = (way: ZlibOptions): number => {
    out = deflateWay(sample, way, whole ? last : true);
    return out.length;
  };
  const chosen = (way: ZlibOptions): Choice => ({
    way,
    out: whole ? out : null,
    huffmanRatio: null,
  });
  const classicSize = fflateDeflate(sample, { level: level as 1 }).length;
  const huffman = { level, strategy: constants.Z_HUFFMAN_ONLY };
  const huffmanSize = sizeOn(huffman);
  if (huffmanSize <= classicSize) {
    return { ...chosen(huffman), huffmanRatio: whole ? null : huffmanSize / sample.length };
  }
  const lazy = { level: level < 6 ? level : Math.max(level, 7) };
  const lazySize = sizeOn(lazy);
  const lazyOut = out;
  const limit = Math.min(lazySize, classicSize) * (1 + TOLERANCE);
  // An 8 KiB window saves time on large pieces only.
  const faster: ZlibOptions[] = whole ? [] : [{ level, windowBits: 13 }];
  if (level === 6) faster.push({ level });
  for (const way of faster) {
    if (sizeOn(way) <= limit) return chosen(way);
  }
  if (lazySize <= limit || level < 6) {
    return { way: lazy, out: whole ? lazyOut : null, huffmanRatio: null };
  }
  return { way: { level: 9 }, out: null, huffmanRatio: null };
}

/** The most history deflate can refer to. */
export const HISTORY = 32 << 10;

/**
 * Deflates `piece` after `history` (the bytes before it in the member,
 * already deflated) in one zlib stream, and returns the output after the
 * history's: the piece's matches may reach back into the history, as they
 * would in one stream (pigz does the same). node:zlib ignores a deflate
 * dictionary, so the history is deflated and its output, which ends with a
 * sync flush, cut off; null if that output is not where it must be.
 */
function deflateAfter(
  history: Uint8Array,
  piece: Uint8Array,
  way: ZlibOptions,
  last: boolean,
): Promise<Uint8Array | null> {
  const historyOut = deflateWay(history, way, false);
  const stream = createDeflateRaw({
    ...way,
    finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
    chunkSize: Math.min(piece.length + (piece.length >> 3) + historyOut.length + 1024, 8 << 20),
  });
  const parts: Uint8Array[] = [];
  stream.on("data", (part: Uint8Array) => parts.push(part));
  const ended = new Promise<Uint8Array | null>((resolve, reject) => {
    stream.on("error", reject);
    stream.on("end", () => {
      const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      const cut = historyOut.length;
      resolve(
        out.subarray(0, cut).every((byte, i) => byte === historyOut[i]) ? out.subarray(cut) : null,
      );
    });
  });
  stream.write(history);
  stream.flush(constants.Z_SYNC_FLUSH);
  stream.end(piece);
  return ended;
}

/** Deflates a piece the chosen way, after its history when that way uses one. */
async function deflateChosen(
  piece: Uint8Array,
  choice: Choice,
  last: boolean,
  history: Uint8Array,
): Promise<Uint8Array> {
  const { way, out } = choice;
  const usable = way.level === 0 || way.strategy === constants.Z_HUFFMAN_ONLY || piece.length === 0
    ? 0
    : Math.min(history.length, 1 << (way.windowBits ?? 15));
  if (usable > 0) {
    const after = await deflateAfter(history.subarray(history.length - usable), piece, way, last);
    if (after !== null) return after;
  }
  return out ?? deflateWay(piece, way, last);
}

// Huffman coding alone compresses random-looking data as its sample
// predicts, within a fraction of a percent; a piece that comes out this
// much smaller holds something the sample missed.
const MISSED = 0.02;

/**
 * Deflates one piece; `last` ends the stream, otherwise a sync flush ends
 * the piece. Each piece is deflated the fastest way that stays within
 * 0.5% of a classic-zlib reference on a sample of it (see `choose`), after
 * `history`, the up to 32 KiB before it (unless Huffman coding alone is the
 * way). When Huffman coding alone does better on the piece than on the
 * sample, the sample missed something (a run of zeros between its slices,
 * which Huffman coding takes at a bit a byte and string matching at almost
 * nothing): the piece is looked at again through four times as many slices
 * and the smaller output kept. A member of one piece up to 16 KiB is
 * deflated by zlib-ng and fflate and the smaller kept. The output depends
 * on the bytes of the piece and its history alone.
 */
export async function deflatePiece(
  piece: Uint8Array,
  level: number,
  last: boolean,
  history: Uint8Array = new Uint8Array(0),
): Promise<Uint8Array> {
  // A small member (one last piece with nothing before it): zlib-ng's
  // level or fflate, whichever is smaller, costs two deflates, not trials.
  if (last && history.length === 0 && piece.length > 0 && piece.length <= SMALL_PIECE) {
    if (level >= 1 && level <= 9) {
      const zlibOut = deflateWay(piece, { level }, true);
      const classicOut = fflateDeflate(piece, { level: level as 1 });
      return classicOut.length < zlibOut.length ? classicOut : zlibOut;
    }
  }
  const first = choose(piece, level, last, SAMPLE_SLICES);
  const out = await deflateChosen(piece, first, last, history);
  const ratio = first.huffmanRatio;
  if (ratio === null || out.length >= ratio * piece.length * (1 - MISSED)) return out;
  const second = choose(piece, level, last, DENSE_SAMPLE_SLICES);
  if (second.way.strategy === constants.Z_HUFFMAN_ONLY) return out;
  const again = await deflateChosen(piece, second, last, history);
  return again.length < out.length ? again : out;
}
