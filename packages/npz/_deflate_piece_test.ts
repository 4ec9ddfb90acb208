// How pieces are deflated: Huffman coding alone where string matching
// gains nothing (random floats), an 8 KiB window for small ints, zlib-ng's
// level 9 where its faster levels miss repeats; the choice depends on the
// piece's bytes alone, and the archive stays within NumPy's size + 1%, read
// by NumPy (more data in size_corpus_test.ts).

import assert from "node:assert/strict";
import { constants, deflateRawSync, inflateRawSync, type ZlibOptions } from "node:zlib";
import { NDArray } from "@ndio/core";
import { python } from "../../testing/python.ts";
import { deflatePiece } from "./_deflate_piece.ts";
import { loadNpz, savezCompressed } from "./fs.ts";

/** Normally distributed float64s from a fixed seed (Box–Muller over an LCG). */
function randomNormals(n: number): NDArray {
  const a = new NDArray("<f8", [n]);
  const view = new Float64Array(a.data.buffer, a.data.byteOffset, n);
  let x = 12345;
  const uniform = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x + 1) / 4294967297;
  };
  for (let i = 0; i < n; i++) {
    view[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return a;
}

/** Int64s from 0 to 99: string matching finds the seven zero bytes of each. */
function smallInts(n: number): NDArray {
  const a = new NDArray("<i8", [n]);
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    a.data[i * 8] = (x >>> 16) % 100;
  }
  return a;
}

/** A gradient image: rows 2048 bytes apart repeat with a shift, which zlib-ng's cheaper ways miss. */
function gradient(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i >> 11) + (i & 2047)) & 255;
  return out;
}

const deflate = (piece: Uint8Array, last: boolean, way: ZlibOptions) =>
  new Uint8Array(deflateRawSync(piece, {
    ...way,
    finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
  }));
const WAYS: Record<string, ZlibOptions> = {
  huffman: { level: 6, strategy: constants.Z_HUFFMAN_ONLY },
  window8k: { level: 6, windowBits: 13 },
  level6: { level: 6 },
  level7: { level: 7 },
  level9: { level: 9 },
};

/** Which of the ways at level 6 deflatePiece took, by its bytes. */
async function wayTaken(piece: Uint8Array, last: boolean): Promise<string | undefined> {
  const out = await deflatePiece(piece, 6, last);
  assert.deepEqual(
    new Uint8Array(inflateRawSync(out, { finishFlush: constants.Z_SYNC_FLUSH })),
    piece,
  );
  return Object.keys(WAYS).find((name) => {
    const expected = deflate(piece, last, WAYS[name]!);
    return expected.length === out.length && expected.every((byte, i) => byte === out[i]);
  });
}

Deno.test("deflatePiece: the fastest way within 0.5% of the classic-zlib reference on a sample", async () => {
  const floats = randomNormals(1 << 18).data; // 2 MiB
  const ints = smallInts(1 << 18).data;
  const image = gradient(2 << 20);
  for (const last of [false, true]) {
    assert.equal(await wayTaken(floats, last), "huffman");
    assert.equal(await wayTaken(ints, last), "window8k");
    // zlib-ng's level 6 and 7 miss the shifted rows; level 9 finds them.
    assert.equal(await wayTaken(image, last), "level9");
    assert.ok(
      (await deflatePiece(image, 6, last)).length < deflate(image, last, WAYS.level6!).length,
    );
    // Small pieces are sampled too.
    assert.equal(await wayTaken(floats.subarray(0, 40_000), last), "huffman");
    assert.equal(await wayTaken(ints.subarray(0, 40_000), last), "window8k");
  }
  // Floats with a run of zeros in the middle: the sample sees the run.
  const mixed = floats.slice();
  mixed.fill(0, 1 << 19, 3 << 19);
  assert.notEqual(await wayTaken(mixed, true), "huffman");
  // A 1 MiB run of zeros between the slices of a 4 MiB piece of floats:
  // the sample sees random floats, Huffman coding alone does better on the
  // piece than on the sample, and a closer look finds the run.
  const gap = randomNormals(1 << 19).data;
  gap.fill(0, 1400 << 10, 2400 << 10);
  const huffmanOnly = deflate(gap, true, WAYS.huffman!).length;
  const deflated = await deflatePiece(gap, 6, true);
  assert.ok(deflated.length < huffmanOnly - 100_000, `${deflated.length} against ${huffmanOnly}`);
  assert.deepEqual(new Uint8Array(inflateRawSync(deflated)), gap);
  // Below level 6 the asked level is the slowest way: not level 9 for the image.
  const fast = await deflatePiece(image, 1, true);
  assert.ok(
    [{ level: 1 }, { level: 1, windowBits: 13 }].some((way) => {
      const expected = deflate(image, true, way);
      return expected.length === fast.length && expected.every((byte, i) => byte === fast[i]);
    }),
  );
  // Level 0 stores, whatever the data; other levels are kept.
  assert.deepEqual(await deflatePiece(floats, 0, true), deflate(floats, true, { level: 0 }));
  assert.deepEqual(
    await deflatePiece(ints, 9, true),
    deflate(ints, true, { level: 9, windowBits: 13 }),
  );
});

Deno.test("deflatePiece: a piece refers back into its history, one stream with it", async () => {
  // A random 20 000-byte block repeated: without the 32 KiB before it, a
  // piece spells out one block again; after it, the piece is all matches.
  const block = randomNormals(2500).data;
  const data = new Uint8Array(3 << 20);
  for (let at = 0; at < data.length; at += block.length) {
    data.set(block.subarray(0, data.length - at), at);
  }
  const history = data.subarray(0, 1 << 20);
  const piece = data.subarray(1 << 20);
  for (const last of [false, true]) {
    const alone = await deflatePiece(piece, 6, last);
    const after = await deflatePiece(piece, 6, last, history.subarray(history.length - (32 << 10)));
    assert.ok(
      after.length < alone.length - 15_000,
      `${after.length} after history, ${alone.length} alone`,
    );
    // The history's stream and the piece's join into one stream of both.
    const head = await deflatePiece(history, 6, false);
    const joined = new Uint8Array(head.length + after.length);
    joined.set(head);
    joined.set(after, head.length);
    assert.deepEqual(
      new Uint8Array(inflateRawSync(joined, { finishFlush: constants.Z_SYNC_FLUSH })),
      data,
    );
  }
  // Huffman coding alone has no use for history: random floats ignore it.
  const floats = randomNormals(1 << 17).data;
  assert.deepEqual(
    await deflatePiece(floats, 6, true, floats.subarray(0, 32 << 10)),
    await deflatePiece(floats, 6, true),
  );
});

for (
  const [label, make] of [["random floats", randomNormals], ["small ints", smallInts]] as const
) {
  Deno.test(`savezCompressed of ${label}: NumPy's values, within NumPy's size + 1%, same bytes on threads`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const a = make(1_200_000); // 9.6 MB: pieces of 4, 4 and 1.6 MiB
      const path = await savezCompressed(`${dir}/f.npz`, [a], { workers: 0 });
      const parallel = await savezCompressed(`${dir}/p.npz`, [a], { workers: 2 });
      assert.deepEqual(await Deno.readFile(parallel), await Deno.readFile(path));
      {
        using npz = await loadNpz(path);
        assert.deepEqual((await npz.array("arr_0")).data, a.data);
      }
      await Deno.writeFile(`${dir}/raw.bin`, a.data);
      const out = await python(
        `import sys, os, numpy as np
d = sys.argv[1]
raw = np.fromfile(d + "/raw.bin", dtype=sys.argv[2])
ours = np.load(d + "/f.npz")["arr_0"]
np.savez_compressed(d + "/numpy.npz", raw)
print(ours.dtype, ours.shape, np.array_equal(ours, raw), os.path.getsize(d + "/numpy.npz"))`,
        { args: [dir, a.dtype.str] },
      );
      const [dtype, shape, equal, numpySize] = new TextDecoder().decode(out).trim().split(" ");
      assert.deepEqual([dtype, shape, equal], [a.dtype.name, "(1200000,)", "True"]);
      const ours = (await Deno.stat(path)).size;
      assert.ok(ours <= Number(numpySize) * 1.01, `${ours} bytes against NumPy's ${numpySize}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
