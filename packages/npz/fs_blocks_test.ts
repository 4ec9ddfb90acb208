// Streamed members through @ndio/npz/fs: createNpzWriter().addBlocks and
// savezFromNpy write the bytes savez writes for the whole arrays (node:zlib
// pieces, with and without deflate threads), NumPy loads them, and a
// failure midway leaves no file behind.

import assert from "node:assert/strict";
import {
  ArgumentError,
  bytesSource,
  DType,
  NDArray,
  slice,
  TruncatedError,
  UnsupportedError,
} from "@ndio/core";
import { npyHeaderFields } from "@ndio/npy";
import { load, save } from "@ndio/npy/fs";
import { python, pythonJson } from "../../testing/python.ts";
import { createNpzWriter, savez, savezFromNpy } from "./fs.ts";
import { assertSameBytes } from "./_test_helpers.ts";

/** Pseudo-random float64s in a few distinct values: deflate has work to do. */
function noise(shape: number[]): NDArray {
  const a = new NDArray("<f8", shape);
  const view = new Float64Array(a.data.buffer, a.data.byteOffset, a.size);
  let x = 99;
  for (let i = 0; i < view.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    view[i] = ((x >>> 8) % 5000) / 8;
  }
  return a;
}

function* rowBlocks(a: NDArray, rows: number): Generator<NDArray> {
  const n = a.shape[0]!;
  for (let r = 0; r < n; r += rows) yield a.index([slice(r, Math.min(n, r + rows))]).copy("C");
}

function entries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("fs addBlocks: the bytes of savez for the whole arrays, threads or not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const big = noise([1100, 1000]); // 8.8 MB: three 4 MiB pieces, blocks straddle them
    const f = noise([30, 20]).T;
    for (const compress of [false, true]) {
      const expected = await Deno.readFile(
        await savez(`${dir}/whole.npz`, { big, f }, { compress, workers: 0 }),
      );
      for (const workers of compress ? [0, 2] : [0]) {
        const writer = createNpzWriter(`${dir}/streamed.npz`, { compress, workers });
        await writer.addBlocks("big", npyHeaderFields(big), rowBlocks(big, 333));
        await writer.addBlocks(
          "f",
          npyHeaderFields(f),
          [...rowBlocks(noise([30, 20]), 7)].map((b) => b.T),
        );
        await writer.close();
        assertSameBytes(
          await Deno.readFile(writer.path),
          expected,
          `compress ${compress}, workers ${workers}`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fs savezFromNpy: NumPy's .npy files packed as savez packs the loaded arrays; NumPy loads them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await python(
      `import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
np.save(d + "/c.npy", rng.integers(0, 300, size=(1_200_000,)).astype("<i8"))
np.save(d + "/f.npy", np.asfortranarray(rng.random((50, 40))))
np.save(d + "/be.npy", np.arange(7, dtype=">u2"))
np.save(d + "/empty.npy", np.zeros((0, 4), dtype="<f4"))
np.save(d + "/scalar.npy", np.float32(2.5))`,
      { args: [dir] },
    );
    const names = ["c", "f", "be", "empty", "scalar"];
    const files = Object.fromEntries(names.map((n) => [n, `${dir}/${n}.npy`]));
    const arrays = Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, await load(files[n]!)] as const)),
    );
    for (const compress of [false, true]) {
      const packed = await savezFromNpy(`${dir}/packed`, files, { compress });
      assert.equal(packed, `${dir}/packed.npz`);
      const whole = await savez(`${dir}/whole`, arrays, { compress });
      assertSameBytes(
        await Deno.readFile(packed),
        await Deno.readFile(whole),
        `compress ${compress}`,
      );
      const same = await pythonJson<boolean[]>(
        `import sys, json, numpy as np
d = sys.argv[1]
z = np.load(d + "/packed.npz")
out = []
for n in ${JSON.stringify(names)}:
    a = np.load(d + "/" + n + ".npy")
    b = z[n]
    out.append(a.dtype == b.dtype and a.dtype.str == b.dtype.str and a.shape == b.shape and bool(np.array_equal(a, b)) and a.flags.f_contiguous == b.flags.f_contiguous)
print(json.dumps(out))`,
        { args: [dir] },
      );
      assert.deepEqual(same, names.map(() => true));
    }
    // Byte sources as well as paths; anything else is an argument error.
    await savezFromNpy(`${dir}/sources.npz`, {
      c: files.c!,
      be: bytesSource(await Deno.readFile(files.be!)),
    });
    assertSameBytes(
      await Deno.readFile(`${dir}/sources.npz`),
      await Deno.readFile(
        await savez(`${dir}/sources_whole.npz`, { c: arrays.c!, be: arrays.be! }),
      ),
      "sources",
    );
    await assert.rejects(
      savezFromNpy(`${dir}/bad.npz`, [files.c!, 3 as unknown as string]),
      (e: unknown) => e instanceof ArgumentError && /file 1 is neither/.test(e.message),
    );
    // One path is arr_0, a list arr_0, arr_1, … as np.savez names positional arrays.
    await savezFromNpy(`${dir}/one.npz`, files.be!);
    await savezFromNpy(`${dir}/two.npz`, [files.be!, files.scalar!]);
    assertSameBytes(
      await Deno.readFile(`${dir}/two.npz`),
      await Deno.readFile(await savez(`${dir}/two_whole.npz`, [arrays.be!, arrays.scalar!])),
      "two paths",
    );
    assertSameBytes(
      await Deno.readFile(`${dir}/one.npz`),
      await Deno.readFile(await savez(`${dir}/one_whole.npz`, arrays.be!)),
      "one path",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fs: a stream failing midway leaves the target as it was and no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const target = `${dir}/keep.npz`;
    await Deno.writeTextFile(target, "old");
    const header = { dtype: DType.parse("<f8"), shape: [4000, 1000], fortranOrder: false };
    const failing = async function* (): AsyncGenerator<NDArray> {
      yield noise([1000, 1000]);
      yield noise([1000, 1000]);
      throw new Error("the source broke");
    };
    for (const compress of [false, true]) {
      const writer = createNpzWriter(target, { compress, workers: 2 });
      await writer.add("first", noise([3]));
      await assert.rejects(writer.addBlocks("x", header, failing()), /the source broke/);
      await assert.rejects(writer.close());
      assert.equal(await Deno.readTextFile(target), "old");
      assert.deepEqual(entries(dir), ["keep.npz"]);
      // Blocks that do not add up fail the same way.
      const short = createNpzWriter(target, { compress });
      await assert.rejects(
        short.addBlocks("x", header, [noise([1000, 1000])]),
        (e: unknown) => e instanceof ArgumentError && e.code === "npz-blocks-mismatch",
      );
      assert.deepEqual(entries(dir), ["keep.npz"]);
    }
    // savezFromNpy: a truncated .npy, an object array.
    await save(`${dir}/t.npy`, noise([100, 10]));
    const bytes = await Deno.readFile(`${dir}/t.npy`);
    await Deno.writeFile(`${dir}/t.npy`, bytes.subarray(0, bytes.length - 8));
    await assert.rejects(savezFromNpy(target, { t: `${dir}/t.npy` }), TruncatedError);
    await python(
      `import sys, numpy as np; np.save(sys.argv[1], np.array([1, "a"], dtype=object), allow_pickle=True)`,
      { args: [`${dir}/o.npy`] },
    );
    await assert.rejects(
      savezFromNpy(target, [`${dir}/t.npy`.replace("t.npy", "o.npy")]),
      UnsupportedError,
    );
    await assert.rejects(savezFromNpy(target, [`${dir}/missing.npy`]), Deno.errors.NotFound);
    assert.equal(await Deno.readTextFile(target), "old");
    assert.deepEqual(entries(dir), ["keep.npz", "o.npy", "t.npy"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
