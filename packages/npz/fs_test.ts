// @ndio/npz/fs: paths (".npz" appended as NumPy does, atomic writes),
// node:zlib and parallel deflate on workers (same bytes as one thread),
// loading from a URL with HTTP Range requests that fetch only the central
// directory and the member asked for, and the broken fixtures through the
// node:zlib codec.

import assert from "node:assert/strict";
import * as core from "@ndio/core";
import { arange, NDArray } from "@ndio/core";
import { encodeNpy } from "@ndio/npy";
import { python } from "../../testing/python.ts";
import { createNpzWriter, loadNpz, savez, savezCompressed } from "./fs.ts";
import { serveRanges } from "./_test_helpers.ts";

const here = new URL("./testdata/", import.meta.url);

function randomInts(n: number): NDArray {
  const a = new NDArray(core.DType.parse("<i8"), [n]);
  const view = new BigInt64Array(a.data.buffer, a.data.byteOffset, n);
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    view[i] = BigInt((x >>> 16) % 100);
  }
  return a;
}

Deno.test("fs: savez and savezCompressed to paths, loaded by NumPy (and unzip -t when installed)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const arrays = [randomInts(1_500_000), { f: arange(10, { dtype: ">f4" }) }];
    const plain = await savez(`${dir}/plain`, arrays);
    assert.equal(plain, `${dir}/plain.npz`);
    const compressed = await savezCompressed(`${dir}/small.npz`, arrays, { workers: 0 });
    const parallel = await savezCompressed(`${dir}/parallel.npz`, arrays, { workers: 2 });
    assert.deepEqual(await Deno.readFile(parallel), await Deno.readFile(compressed));
    assert.ok((await Deno.stat(compressed)).size < (await Deno.stat(plain)).size / 3);
    for (const path of [plain, compressed]) {
      using npz = await loadNpz(path);
      assert.deepEqual(npz.files, ["f", "arr_0"]);
      assert.deepEqual(encodeNpy(await npz.array("arr_0")), encodeNpy(arrays[0] as NDArray));
      const out = await python(
        `import sys, numpy as np
f = np.load(sys.argv[1])
rng = f['arr_0']
print(f.files, rng.dtype, rng.shape, int(rng.sum()), f['f'].dtype, f['f'].tolist()[-1])`,
        { args: [path] },
      );
      const a = arrays[0] as NDArray;
      const sum = new BigInt64Array(a.data.buffer, a.data.byteOffset, a.size).reduce(
        (s, v) => s + v,
        0n,
      );
      assert.equal(
        new TextDecoder().decode(out).trim(),
        `['f', 'arr_0'] int64 (1500000,) ${sum} >f4 9.0`,
      );
    }
    const unzip = await new Deno.Command("sh", { args: ["-c", "command -v unzip"] }).output();
    if (unzip.success) {
      for (const path of [plain, compressed]) {
        const test = await new Deno.Command("unzip", { args: ["-t", path] }).output();
        assert.ok(test.success, new TextDecoder().decode(test.stdout));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fs: a failed write leaves the target as it was and no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/keep.npz`, "old");
    const bad = { a: arange(3), b: "not an array" as unknown as NDArray };
    await assert.rejects(savez(`${dir}/keep.npz`, bad), core.ArgumentError);
    const writer = createNpzWriter(`${dir}/keep.npz`);
    await writer.add("a", arange(3));
    await assert.rejects(writer.add("a", arange(3)), core.ArgumentError);
    assert.equal(await Deno.readTextFile(`${dir}/keep.npz`), "old");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["keep.npz"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fs: loadNpz over HTTP fetches only the central directory and the member asked for", async () => {
  const dir = await Deno.makeTempDir();
  const path = await savez(`${dir}/big.npz`, {
    first: randomInts(500_000),
    wanted: arange(1000, { dtype: "<f8" }),
    last: randomInts(500_000),
  });
  const file = await Deno.readFile(path);
  let served = 0;
  const server = serveRanges(file, (n) => (served += n));
  try {
    const url = `${server.url}big.npz`;
    using npz = await loadNpz(url);
    const afterOpen = served;
    assert.ok(afterOpen <= 1 + 1024, `opening read ${afterOpen} bytes`);
    assert.deepEqual((await npz.array("wanted")).get(999), 999);
    const member = npz.member("wanted").compressedSize;
    assert.ok(served - afterOpen < member + 200, `the member read ${served - afterOpen} bytes`);
    assert.ok(served < file.length / 100, `${served} of ${file.length} bytes served`);
  } finally {
    await server[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fs: broken archives fail the same way through node:zlib", async () => {
  const manifest: Record<string, { error: string; code: string; member: string | null }> = JSON
    .parse(await Deno.readTextFile(new URL("bad.json", here)));
  for (const [name, { error, code }] of Object.entries(manifest)) {
    const errorClass = (core as unknown as Record<string, new (...a: never[]) => Error>)[error]!;
    await assert.rejects(
      (async () => {
        using npz = await loadNpz(new URL(`bad/${name}.npz`, here).pathname);
        for (const member of npz.names) await npz.bytes(member);
      })(),
      (e) => {
        assert.ok(e instanceof errorClass, `${name}: ${e}`);
        assert.equal((e as unknown as { code: string }).code, code, name);
        return true;
      },
    );
  }
});

Deno.test("fs: a deflated member of several read chunks inflates whole and right", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Noise deflates to about its own size: 12 MB is three 4 MiB reads.
    const noise = new NDArray(core.DType.parse("|u1"), [12_000_000]);
    let x = 1;
    for (let i = 0; i < noise.data.length; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      noise.data[i] = x >>> 24;
    }
    const path = await savezCompressed(`${dir}/noise.npz`, { noise }, { workers: 0 });
    assert.ok((await Deno.stat(path)).size > 8 << 20);
    using npz = await loadNpz(path);
    assert.deepEqual((await npz.array("noise")).data, noise.data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fs: a stored member read from a file is 64-byte aligned in its buffer", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await savez(`${dir}/a.npz`, { a: arange(7, { dtype: "<f8" }), bb: arange(3) });
    using npz = await loadNpz(path);
    for (const name of npz.files) {
      const array = await npz.array(name);
      assert.equal(array.data.byteOffset % 64, 0, name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
