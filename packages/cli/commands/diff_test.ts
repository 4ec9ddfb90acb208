import assert from "node:assert/strict";
import { python } from "../../../testing/python.ts";
import { fixture, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

Deno.test("diff: equal files, byte order ignored for values but reported", async () => {
  await using dir = await tempDir();
  const little = `${dir.path}/little.npy`;
  const big = `${dir.path}/big.npy`;
  const changed = `${dir.path}/changed.npy`;
  const reshaped = `${dir.path}/reshaped.npy`;
  await python(
    `import sys, numpy as np
a = np.load(sys.argv[1])
np.save(sys.argv[2], a)
np.save(sys.argv[3], a.astype('>i8'))
b = a.copy(); b[2, 4, 3] += 1; b[9, 9, 9] = -5
np.save(sys.argv[4], b)
np.save(sys.argv[5], a.reshape(100, 10))`,
    { args: [fixture("seed_small.npy"), little, big, changed, reshaped] },
  );
  const same = await ndio(["diff", fixture("seed_small.npy"), little]);
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, "");
  assert.match(same.stderr, /are equal \(1 array\)/);

  const order = await ndioInProcess(["diff", little, big]);
  assert.equal(order.code, 1);
  assert.equal(order.stdout, "array: dtype differs: <i8 vs >i8\n");

  const values = await ndioInProcess(["diff", little, changed]);
  assert.equal(values.code, 1);
  const seed = await python(
    `import sys, numpy as np; a = np.load(sys.argv[1]); print(a[2, 4, 3], a[9, 9, 9])`,
    { args: [fixture("seed_small.npy")] },
  );
  const [x, y] = new TextDecoder().decode(seed).trim().split(" ").map(Number) as [number, number];
  assert.equal(
    values.stdout,
    `array: 2 of 1,000 elements differ (largest absolute difference ${
      Math.max(1, y + 5)
    }, relative ${Math.max(1 / (x + 1), (y + 5) / 5)})\n  [2, 4, 3]: ${x} vs ${
      x + 1
    }\n  [9, 9, 9]: ${y} vs -5\n`,
  );
  const shape = await ndioInProcess(["diff", little, reshaped]);
  assert.equal(shape.code, 1);
  assert.equal(shape.stdout, "array: shape differs: (10, 10, 10) vs (100, 10)\n");
});

Deno.test("diff: non-numeric dtypes compare element by element", async () => {
  for (
    const name of ["structured.npy", "unicode.npy", "datetime.npy", "complex.npy", "floats.npy"]
  ) {
    const run = await ndioInProcess(["diff", fixture(name), fixture(name), "-q"]);
    assert.equal(run.code, 0, `${name}: ${run.stdout}${run.stderr}`);
    assert.equal(run.stderr, "");
  }
  const other = await ndioInProcess(["diff", fixture("unicode.npy"), fixture("structured.npy")]);
  assert.equal(other.code, 1);
  assert.match(
    other.stdout,
    /^array: dtype differs: <U5 vs \|V14\narray: shape differs: \(3,\) vs \(2,\)\n$/,
  );
});
