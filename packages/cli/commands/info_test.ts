import assert from "node:assert/strict";
import { EXPECTED, fixture, ndio, ndioInProcess } from "../_test_helpers.ts";

const NPY = Object.keys(EXPECTED).filter((name) => name.endsWith(".npy"));

Deno.test("info --json: the .npy header fields NumPy reads, for every dtype and order", async () => {
  assert.ok(NPY.length >= 12);
  for (const name of NPY) {
    const run = await ndioInProcess(["info", fixture(name), "--json"]);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.deepEqual(JSON.parse(run.stdout), EXPECTED[name]!.info, name);
  }
});

Deno.test("info: as a subprocess, a table from the header alone", async () => {
  const run = await ndio(["info", fixture("fortran.npy")]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    `${fixture("fortran.npy")}: npy (NumPy array (.npy)), 1 array\n` +
      "  name  dtype  type   shape   order  elements  bytes\n" +
      "  -     <i2    int16  (3, 4)  F            12     24\n",
  );
  // Headers alone: a file whose data is cut short still answers.
  const truncated = await ndio(["info", fixture("truncated.npy"), "--json"]);
  assert.equal(truncated.code, 0, truncated.stderr);
  assert.deepEqual(JSON.parse(truncated.stdout).arrays[0].shape, [10, 10, 10]);
});
