import assert from "node:assert/strict";
import { pythonJson } from "../../../testing/python.ts";
import { ndio, tempDir } from "../_test_helpers.ts";

Deno.test("sizes: the seed's array in every writable format, read back and checked", async () => {
  await using dir = await tempDir();
  const run = await ndio(["sizes", "--dir", dir.path]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.split("\n");
  assert.equal(
    lines[0],
    "array: randint(1, 100, 1_000_000, seed=0).reshape(100, 100, 100): int64 (100, 100, 100), " +
      "8,000,000 bytes raw",
  );
  assert.match(lines[2]!, /^format\s+file\s+bytes\s+% raw\s+write ms\s+read ms\s+round trip$/);
  const rows = lines.slice(3).filter((l) => l !== "").map((l) => l.split(/\s{2,}/));
  assert.ok(rows.length >= 1);
  for (const row of rows) assert.equal(row[row.length - 1], "ok", row.join(" | "));
  const npy = rows.find((r) => r[0] === "npy");
  assert.deepEqual(npy?.slice(0, 4), ["npy", "arr.npy", "8,000,128", "100.0"]);
  // NumPy reads every file written, and they all hold the same array.
  const files = rows.map((r) => r[1]!);
  const check = await pythonJson<
    { shape: number[]; dtype: string; min: number; max: number; same: boolean }
  >(
    `import json, os, pickle, sys, numpy as np
d = sys.argv[1]
loaded = []
for name in json.loads(sys.argv[2]):
    p = os.path.join(d, name)
    if name.endswith('.npy'): loaded.append(np.load(p))
    elif name.endswith('.npz'): loaded.append(np.load(p)['arr_0'])
    elif name.endswith('.pkl'): loaded.append(pickle.load(open(p, 'rb')))
    elif name.endswith('.tsv'): loaded.append(np.loadtxt(p, dtype='int64', delimiter='\\t').reshape(100, 100, 100))
a = loaded[0]
print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "min": int(a.min()), "max": int(a.max()),
                  "same": all(x.dtype == a.dtype and np.array_equal(x, a) for x in loaded)}))`,
    { args: [dir.path, JSON.stringify(files)] },
  );
  assert.deepEqual(check, { shape: [100, 100, 100], dtype: "<i8", min: 1, max: 99, same: true });
});
