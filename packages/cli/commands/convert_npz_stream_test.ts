// `ndio convert X.npy Y.npz` streams (savezFromNpy): the archive holds what
// savez writes for the loaded array, NumPy loads it, object arrays and
// outputs not named .npz take the whole-array path, and a broken input
// leaves the output as it was.

import assert from "node:assert/strict";
import { load } from "@ndio/npy/fs";
import { savez } from "@ndio/npz/fs";
import { python, pythonJson } from "../../../testing/python.ts";
import { EXPECTED, fixture, ndioInProcess, tempDir } from "../_test_helpers.ts";

const NPY = Object.keys(EXPECTED).filter((n) => n.endsWith(".npy") && !n.includes("objects"));

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

Deno.test("convert .npy → .npz: the bytes savez writes for the loaded array, stored and deflated", async () => {
  await using dir = await tempDir();
  for (const flags of [[], ["--compress"], ["--level", "1"]]) {
    for (const name of NPY.filter((n) => n !== "truncated.npy")) {
      const out = `${dir.path}/out.npz`;
      const run = await ndioInProcess(["convert", fixture(name), out, ...flags]);
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      assert.match(run.stderr + run.stdout, /wrote ".*out\.npz": npz, 1 array, [\d,]+ bytes/);
      const level = flags[0] === "--level" ? { level: 1 } : {};
      const expected = await savez(`${dir.path}/whole.npz`, await load(fixture(name)), {
        compress: flags.length > 0,
        ...level,
      });
      assert.ok(
        sameBytes(await Deno.readFile(out), await Deno.readFile(expected)),
        `${name} ${flags.join(" ")}`,
      );
    }
  }
});

Deno.test("convert .npy → .npz: a multi-piece Fortran-order array, checked by NumPy", async () => {
  await using dir = await tempDir();
  const input = `${dir.path}/big.npy`;
  await python(
    `import sys, numpy as np
rng = np.random.default_rng(3)
np.save(sys.argv[1], np.asfortranarray(rng.integers(0, 99, size=(700, 2000)).astype(">i8")))`,
    { args: [input] },
  );
  const out = `${dir.path}/big.npz`;
  const run = await ndioInProcess(["convert", input, out, "--compress"]);
  assert.equal(run.code, 0, run.stderr);
  const verdict = await pythonJson<[string[], boolean, boolean, number]>(
    `import sys, json, zipfile, numpy as np
a = np.load(sys.argv[1])
z = np.load(sys.argv[2])
b = z["arr_0"]
info = zipfile.ZipFile(sys.argv[2]).infolist()[0]
print(json.dumps([z.files, bool(a.dtype.str == b.dtype.str and np.array_equal(a, b)), bool(np.isfortran(b)), info.compress_type]))`,
    { args: [input, out] },
  );
  assert.deepEqual(verdict, [["arr_0"], true, true, 8]);
});

Deno.test("convert .npy → .npz: object arrays and other output names take the whole-array path", async () => {
  await using dir = await tempDir();
  const objects = await ndioInProcess([
    "convert",
    fixture("objects.npy"),
    `${dir.path}/o.npz`,
    "--allow-pickle",
  ]);
  assert.equal(objects.code, 0, objects.stderr);
  const plain = await ndioInProcess([
    "convert",
    fixture(NPY[0]!),
    `${dir.path}/archive`,
    "--to",
    "npz",
  ]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name).sort(), ["archive", "o.npz"]);
  const files = await pythonJson<string[][]>(
    `import sys, json, numpy as np
print(json.dumps([np.load(p, allow_pickle=True).files for p in sys.argv[1:]]))`,
    { args: [`${dir.path}/o.npz`, `${dir.path}/archive`] },
  );
  assert.deepEqual(files, [["arr_0"], ["arr_0"]]);
});

Deno.test("convert .npy → .npz: a truncated input leaves the output as it was", async () => {
  await using dir = await tempDir();
  const out = `${dir.path}/out.npz`;
  await Deno.writeTextFile(out, "keep me");
  const run = await ndioInProcess(["convert", fixture("truncated.npy"), out, "--compress"]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^ndio: cannot read "[^"]*truncated\.npy": [^\n]*8000[^\n]*7992[^\n]*\n$/,
  );
  assert.equal(await Deno.readTextFile(out), "keep me");
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["out.npz"]);
});
