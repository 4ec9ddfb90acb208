// Archives written by NumPy and Python's zipfile (testdata/make_fixtures.py):
// positional, named, compressed, empty, object arrays, streamed with data
// descriptors, ZIP64 end records and extra fields, comments, non-.npy
// members. Each member must come back byte for byte as np.save wrote it
// (good/<archive>/<member>), through both the lazy and the in-memory reader.

import assert from "node:assert/strict";
import { bytesSource, DType, ForbiddenError, NDArray, type PickleCodec } from "@ndio/core";
import { decodeNpy, encodeNpy } from "@ndio/npy";
import { decodeNpz, loadNpz, NpzFile } from "./mod.ts";

const here = new URL("./testdata/", import.meta.url);
const manifest: Record<string, { members: string[]; features: string[] }> = JSON.parse(
  await Deno.readTextFile(new URL("good.json", here)),
);

async function expected(archive: string, member: string): Promise<Uint8Array> {
  const path = new URL(`good/${archive}/${member}${member.endsWith(".npy") ? "" : ".raw"}`, here);
  return await Deno.readFile(path);
}

for (const [archive, { members, features }] of Object.entries(manifest)) {
  Deno.test(`golden ${archive}.npz (${features.join(", ")})`, async () => {
    const bytes = await Deno.readFile(new URL(`good/${archive}.npz`, here));
    using npz = await loadNpz(bytes);
    assert.deepEqual(npz.names, members);
    assert.deepEqual(npz.files, members.map((m) => m.replace(/\.npy$/, "")));
    assert.deepEqual([...npz], npz.files);
    const hasObject = archive === "object";
    const eager = hasObject ? new Map() : decodeNpz(bytes);
    for (const member of members) {
      const want = await expected(archive, member);
      // The member's bytes are the .npy np.save writes, exactly.
      assert.deepEqual(await npz.bytes(member), want, member);
      if (!member.endsWith(".npy")) {
        assert.deepEqual(await npz.get(member), want);
        assert.deepEqual(eager.get(member), want);
        continue;
      }
      const short = member.slice(0, -4);
      if (hasObject && short === "obj") {
        await assert.rejects(npz.get(short), ForbiddenError);
        continue;
      }
      const array = await npz.get(short);
      assert.ok(array instanceof NDArray);
      assert.deepEqual(encodeNpy(array), want, member);
      const header = await npz.header(member);
      assert.equal(header.dtype.str, decodeNpy(want).dtype.str);
      assert.deepEqual(header.shape, decodeNpy(want).shape);
      if (!hasObject) assert.deepEqual(encodeNpy(eager.get(short) as NDArray), want);
    }
  });
}

Deno.test("golden object.npz: pickled members need allowPickle and a codec, which gets the pickle", async () => {
  const bytes = await Deno.readFile(new URL("good/object.npz", here));
  assert.throws(() => decodeNpz(bytes), ForbiddenError);
  const seen: Uint8Array[] = [];
  const pickle: PickleCodec = {
    loads: (data) => {
      seen.push(data);
      return new NDArray(DType.parse("|O"), [3]);
    },
    dumps: () => new Uint8Array(),
  };
  using npz = await loadNpz(bytes, { allowPickle: true, pickle });
  const obj = await npz.get("obj");
  assert.ok(obj instanceof NDArray && obj.dtype.str === "|O");
  const want = await expected("object", "obj.npy");
  assert.deepEqual(seen[0], want.subarray(decodeNpyHeaderLength(want)));
  assert.equal(decodeNpz(bytes, { allowPickle: true, pickle }).size, 2);
});

function decodeNpyHeaderLength(npy: Uint8Array): number {
  return 10 + (npy[8]! | (npy[9]! << 8));
}

Deno.test("golden comment.npz keeps the archive comment", async () => {
  const bytes = await Deno.readFile(new URL("good/comment.npz", here));
  using npz = await NpzFile.open(bytesSource(bytes));
  assert.equal(new TextDecoder().decode(npz.comment), "an archive comment ".repeat(20));
  assert.deepEqual(npz.member("notes.txt").compressed, true);
  assert.deepEqual(npz.member("x").compressed, false);
});

Deno.test("golden seed.npz: the seed's savez example, shapes and dtypes as NumPy prints them", async () => {
  using npz = await loadNpz(await Deno.readFile(new URL("good/seed.npz", here)));
  const lines = [];
  for (const name of npz) {
    const a = await npz.array(name);
    const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`;
    lines.push(`${name} ${shape} ${a.dtype.name}`);
  }
  assert.deepEqual(lines, ["arr_0 (20, 20, 20) int64", "arr_1 (5,) float64"]);
  assert.equal((await npz.array("arr_1")).toString(), "array([0., 1., 2., 3., 4.])");
});
