// convert of one .npz member to .npy streams it, in blocks of rows or, in
// Fortran order, as its bytes: the file written is the one np.save writes
// for the member's array, NumPy agrees, memory stays far below the member's
// size, members that cannot stream are left to the whole read, and a
// corrupt member leaves no output behind.

import assert from "node:assert/strict";
import { arange, NDArray } from "@ndio/core";
import { openFileSource } from "@ndio/core/fs";
import { encodeNpy } from "@ndio/npy";
import { npzPlugin } from "@ndio/npz";
import { savez } from "@ndio/npz/fs";
import { pythonJson } from "../../testing/python.ts";
import type { InputFile } from "./_files.ts";
import { streamNpzMember } from "./_stream_member.ts";
import { MAIN, ndio, tempDir } from "./_test_helpers.ts";

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

Deno.test("convert .npz member → .npy: Fortran-order members stream as np.save writes them; 0-d and ambiguous members are left to the whole read", async () => {
  await using dir = await tempDir();
  const f = arange(24, { dtype: "<i4" }).reshape([2, 3, 4]).copy("F");
  const scalar = new NDArray("<f8", []);
  const archive = await savez(`${dir.path}/a.npz`, { f, scalar }, { compress: true });
  for (const name of ["scalar", undefined, "missing"]) {
    using file = input(archive);
    assert.equal(await streamNpzMember(file, `${dir.path}/x.npy`, name, {}), null, name);
  }
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["a.npz"]);
  using file = input(archive);
  const streamed = await streamNpzMember(file, `${dir.path}/f.npy`, "f", {});
  assert.ok(streamed !== null);
  assert.deepEqual(await Deno.readFile(`${dir.path}/f.npy`), encodeNpy(f));
  const run = await ndio(["convert", archive, `${dir.path}/cli.npy`, "--name", "f"]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await Deno.readFile(`${dir.path}/cli.npy`), encodeNpy(f));
  // NumPy's own Fortran-order members (one of several chunks, shapes
  // whose arrays are C-contiguous too, empty ones, other dtypes), stored
  // and deflated: ours are the bytes np.save writes for np.load's array.
  const names = await pythonJson<string[]>(
    `import sys, json, numpy as np
rng = np.random.default_rng(5)
arrays = {
    'big': np.asfortranarray(rng.standard_normal((700, 900))),
    'i3': np.asfortranarray(np.arange(2 * 3 * 4, dtype='>i2').reshape(2, 3, 4)),
    'col': np.asfortranarray(np.arange(5.0).reshape(5, 1)),
    'row': np.asfortranarray(np.arange(5, dtype='<u4').reshape(1, 5)),
    'one': np.asfortranarray(np.arange(7, dtype='<i8').reshape(1, 7, 1)),
    'empty': np.asfortranarray(np.zeros((0, 3), dtype='<f4')),
    'empty2': np.asfortranarray(np.zeros((3, 0, 2), dtype='<f4')),
    'text': np.asfortranarray(np.array([['a', 'bc', 'def']] * 4)),
    'rec': np.asfortranarray(np.zeros((3, 4), dtype=[('x', '<i4'), ('y', '<f8', (2,))])),
}
np.savez_compressed(sys.argv[1] + '/np_deflated.npz', **arrays)
np.savez(sys.argv[1] + '/np_stored.npz', **arrays)
# NumPy writes C order for arrays that are C-contiguous too; a hand-made
# member may still say Fortran order, and np.save of what np.load makes
# of it says C order.
import io, zipfile
for kind, method in (('deflated', zipfile.ZIP_DEFLATED), ('stored', zipfile.ZIP_STORED)):
    with zipfile.ZipFile(sys.argv[1] + '/np_' + kind + '.npz', 'a', compression=method) as z:
        for name, shape in (('col_f', (5, 1)), ('empty_f', (0, 3)), ('one_f', (1, 7, 1))):
            member = io.BytesIO()
            size = int(np.prod(shape))
            np.lib.format.write_array_header_1_0(member, {'descr': '<f8', 'fortran_order': True, 'shape': shape})
            member.write(np.arange(size, dtype='<f8').tobytes())
            z.writestr(name + '.npy', member.getvalue())
z = np.load(sys.argv[1] + '/np_deflated.npz')
for name in z.files:
    np.save(sys.argv[1] + '/want_' + name + '.npy', z[name])
print(json.dumps(z.files))`,
    { args: [dir.path] },
  );
  for (const kind of ["deflated", "stored"]) {
    for (const name of names) {
      using file = input(`${dir.path}/np_${kind}.npz`);
      const out = `${dir.path}/${kind}_${name}.npy`;
      const done = await streamNpzMember(file, out, name, {});
      assert.ok(done !== null, name);
      const want = await Deno.readFile(`${dir.path}/want_${name}.npy`);
      assert.deepEqual(await Deno.readFile(out), want, `${kind} ${name}`);
      assert.equal(done.bytes, want.length);
    }
  }
  const same = await pythonJson<boolean[]>(
    `import sys, json, numpy as np
z = np.load(sys.argv[1] + '/np_deflated.npz')
out = []
for name in z.files:
    a, b = z[name], np.load(sys.argv[1] + '/deflated_' + name + '.npy')
    out.append(a.dtype == b.dtype and a.shape == b.shape and a.flags.f_contiguous == b.flags.f_contiguous and bool((a == b).all()))
print(json.dumps(out))`,
    { args: [dir.path] },
  );
  assert.deepEqual(same, names.map(() => true));
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

Deno.test({
  name:
    "convert .npz member → .npy: a 256 MiB Fortran-order member converts without holding it (peak RSS)",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using dir = await tempDir();
    const archive = `${dir.path}/f.npz`;
    const out = `${dir.path}/f.npy`;
    // Python runs ndio and reports the peak RSS of its child (ru_maxrss: KiB on Linux, bytes on macOS).
    const result = await pythonJson<{ code: number; stderr: string; peak: number; same: boolean }>(
      `import sys, json, subprocess, resource, numpy as np
archive, out = sys.argv[1], sys.argv[2]
np.savez_compressed(archive, a=np.asfortranarray(np.zeros((4096, 8192))))
run = subprocess.run(sys.argv[3:] + ['convert', archive, out], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
peak *= 1 if sys.platform == 'darwin' else 1024
same = False
if run.returncode == 0:
    ours = np.load(out, mmap_mode='r')
    want = __import__('io').BytesIO()
    np.lib.format.write_array_header_1_0(want, np.lib.format.header_data_from_array_1_0(np.load(archive)['a']))
    with open(out, 'rb') as f:
        head = f.read(len(want.getvalue()))
    same = head == want.getvalue() and ours.flags.f_contiguous and ours.shape == (4096, 8192) and not ours.any()
print(json.dumps({'code': run.returncode, 'stderr': run.stderr.decode(), 'peak': peak, 'same': bool(same)}))`,
      {
        args: [
          archive,
          out,
          Deno.execPath(),
          "run",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          MAIN,
        ],
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.same, "the .npy np.save writes");
    // Read whole, the member took 606-608 MiB; streamed, 224-247 MiB (and a
    // 1 GiB one 271 MiB), most of it inflated pieces the collector has yet
    // to free, later on a busy machine.
    assert.ok(result.peak < 448 << 20, `peak RSS ${result.peak >> 20} MiB`);
  },
});
