import assert from "node:assert/strict";
import { pythonJson } from "../../../testing/python.ts";
import { EXPECTED, fixture, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

const NPY = Object.keys(EXPECTED).filter((n) => n.endsWith(".npy") && !n.includes("objects"));

Deno.test("convert .npy → .npy: the bytes np.save writes, for every dtype", async () => {
  await using dir = await tempDir();
  for (const name of NPY) {
    const out = `${dir.path}/${name}`;
    const run = await ndioInProcess(["convert", fixture(name), out]);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.deepEqual(await Deno.readFile(out), await Deno.readFile(fixture(name)), name);
  }
});

Deno.test("convert: NumPy loads the output with identical dtype, shape and values", async () => {
  await using dir = await tempDir();
  const pairs = NPY.map((name) => [fixture(name), `${dir.path}/out-${name}`] as const);
  const runs = await Promise.all(pairs.map(([a, b]) => ndio(["convert", a, b, "-q"])));
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const verdicts = await pythonJson<string[]>(
    `import json, sys, numpy as np
bad = []
for a, b in json.loads(sys.argv[1]):
    x, y = np.load(a), np.load(b)
    if not (x.dtype == y.dtype and x.dtype.str == y.dtype.str and x.shape == y.shape
            and x.tobytes() == y.tobytes() and np.isfortran(x) == np.isfortran(y)):
        bad.append(a)
print(json.dumps(bad))`,
    { args: [JSON.stringify(pairs)] },
  );
  assert.deepEqual(verdicts, []);
});

Deno.test("convert: object arrays need --allow-pickle", async () => {
  await using dir = await tempDir();
  const run = await ndioInProcess(["convert", fixture("objects.npy"), `${dir.path}/o.npy`]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^ndio: cannot read ".*objects\.npy": the array has dtype "\|O", so its data is a pickle, which is not loaded by default; to decode it, pass --allow-pickle \(nothing in it is run\)\n$/,
  );
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});

Deno.test("convert: a truncated input is one clear line and writes nothing", async () => {
  await using dir = await tempDir();
  const out = `${dir.path}/out.npy`;
  await Deno.writeTextFile(out, "keep me");
  const run = await ndio(["convert", fixture("truncated.npy"), out]);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "");
  assert.match(
    run.stderr,
    /^ndio: cannot read "[^"]*truncated\.npy": [^\n]*8000[^\n]*7992[^\n]*\n$/,
  );
  assert.equal(await Deno.readTextFile(out), "keep me");
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["out.npy"]);
});

Deno.test("convert: options that mean nothing for the formats are usage errors", async () => {
  await using dir = await tempDir();
  for (
    const [option, message] of [
      [["--compress"], /"--compress" does not apply to output in the "npy" format/],
      [["--fmt", "%d"], /"--fmt" does not apply to output in the "npy" format/],
      [["--skiprows", "1"], /"--skiprows" does not apply to input in the "npy" format/],
      [["--protocol", "9"], /"--protocol" needs an integer from 0 to 5/],
    ] as const
  ) {
    const run = await ndioInProcess([
      "convert",
      fixture("bool.npy"),
      `${dir.path}/x.npy`,
      ...option,
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
  }
});
