// convert of one .npz member to .npy streams it in blocks: the file written
// is the one np.save writes for the member's array, NumPy agrees, members
// that cannot stream are left to the whole read (which keeps Fortran
// order), and a corrupt member leaves no output behind.

import assert from "node:assert/strict";
import { arange, NDArray } from "@ndio/core";
import { openFileSource } from "@ndio/core/fs";
import { encodeNpy } from "@ndio/npy";
import { npzPlugin } from "@ndio/npz";
import { savez } from "@ndio/npz/fs";
import { pythonJson } from "../../testing/python.ts";
import type { InputFile } from "./_files.ts";
import { streamNpzMember } from "./_stream_member.ts";
import { ndio, tempDir } from "./_test_helpers.ts";

function input(path: string): InputFile {
  const source = openFileSource(path);
  return {
    path,
    plugin: npzPlugin,
    source,
    head: new Uint8Array(),
    [Symbol.dispose]: () => source.close(),
  };
}

Deno.test("convert .npz member → .npy streams: np.save's bytes, several blocks, NumPy agrees", async () => {
  await using dir = await tempDir();
  const big = arange(3_000_000, { dtype: "<f8" }).reshape([1_000_000, 3]); // 24 MB: 3 blocks
  const archive = await savez(`${dir.path}/a.npz`, { big, small: arange(5, { dtype: ">i2" }) }, {
    compress: true,
  });
  for (const name of ["big", "small.npy"]) {
    using file = input(archive);
    const out = `${dir.path}/${name}.out.npy`;
    const streamed = await streamNpzMember(file, out, name, {});
    assert.ok(streamed !== null, name);
    const want = name === "big" ? big : arange(5, { dtype: ">i2" });
    assert.deepEqual(await Deno.readFile(out), encodeNpy(want), name);
    assert.equal(streamed.bytes, encodeNpy(want).length);
  }
  const run = await ndio(["convert", archive, `${dir.path}/cli.npy`, "--name", "big"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /wrote ".*cli\.npy": npy, float64 \(1000000, 3\), 24,000,128 bytes/);
  const same = await pythonJson<boolean>(
    `import sys, json, numpy as np
a = np.load(sys.argv[1])
b = np.load(sys.argv[2])['big']
print(json.dumps(a.dtype == b.dtype and a.shape == b.shape and bool((a == b).all())))`,
    { args: [`${dir.path}/cli.npy`, archive] },
  );
  assert.equal(same, true);
});

Deno.test("convert .npz member → .npy: Fortran-order, 0-d and ambiguous members are left to the whole read", async () => {
  await using dir = await tempDir();
  const f = arange(24, { dtype: "<i4" }).reshape([2, 3, 4]).copy("F");
  const scalar = new NDArray("<f8", []);
  const archive = await savez(`${dir.path}/a.npz`, { f, scalar }, { compress: true });
  for (const name of ["f", "scalar", undefined, "missing"]) {
    using file = input(archive);
    assert.equal(await streamNpzMember(file, `${dir.path}/x.npy`, name, {}), null, name);
  }
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["a.npz"]);
  const run = await ndio(["convert", archive, `${dir.path}/f.npy`, "--name", "f"]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await Deno.readFile(`${dir.path}/f.npy`), encodeNpy(f));
});

Deno.test("convert .npz member → .npy: a corrupt member fails and leaves no output", async () => {
  await using dir = await tempDir();
  const archive = await savez(`${dir.path}/a.npz`, { x: arange(100_000, { dtype: "<i8" }) }, {
    compress: true,
  });
  const bytes = await Deno.readFile(archive);
  // The central directory's CRC-32 of the only member, flipped.
  const view = new DataView(bytes.buffer);
  const end = bytes.length - 22;
  const central = view.getUint32(end + 16, true);
  view.setUint32(central + 16, view.getUint32(central + 16, true) ^ 1, true);
  await Deno.writeFile(archive, bytes);
  const run = await ndio(["convert", archive, `${dir.path}/x.npy`]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /member "x\.npy" is corrupt: its CRC-32/);
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["a.npz"]);
});
