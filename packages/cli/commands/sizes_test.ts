import assert from "node:assert/strict";
import { pythonJson } from "../../../testing/python.ts";
import { fileURLToPath } from "node:url";
import { fixture, JSON_PLUGIN, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

const HALF_PLUGIN = fileURLToPath(new URL("../testdata/half_write_plugin.ts", import.meta.url));

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

Deno.test("sizes FILE: a format that refuses the array cannot hold it; a lossy one fails", async () => {
  const rowOf = (stdout: string, label: string) =>
    stdout.split("\n").find((l) => l.startsWith(`${label} `))?.split(/\s{2,}/);
  const datetime = await ndioInProcess(["sizes", fixture("datetime.npy")]);
  assert.equal(datetime.code, 0, datetime.stderr);
  assert.deepEqual(rowOf(datetime.stdout, "text")?.slice(2), [
    "-",
    "-",
    "-",
    "-",
    "cannot hold it",
  ]);
  assert.equal(datetime.stderr, 'text: arrays of dtype "<M8[D]" cannot be written as text\n');
  assert.equal(rowOf(datetime.stdout, "npz compressed")?.at(-1), "ok");
  // A 0-d array goes to text as one row, and comes back as a 0-d array.
  const scalar = await ndioInProcess(["sizes", fixture("scalar.npy"), "-q"]);
  assert.equal(scalar.code, 0, scalar.stderr);
  assert.equal(rowOf(scalar.stdout, "text")?.at(-1), "ok");
  // np.savetxt and np.loadtxt lose an empty string (an empty line is skipped): a real failure.
  const unicode = await ndioInProcess(["sizes", fixture("unicode.npy")]);
  assert.equal(unicode.code, 1);
  assert.equal(rowOf(unicode.stdout, "text")?.at(-1), "FAILED");
  assert.equal(unicode.stderr, "ndio: text: read back as <U5 (2,), not equal\n");
  assert.equal(rowOf(unicode.stdout, "pickle")?.at(-1), "ok");
});

Deno.test("sizes FILE: a pickle loads in native byte order, as NumPy's does; plugins get rows", async () => {
  await using dir = await tempDir();
  const run = await ndio([
    "sizes",
    fixture("big_endian.npy"),
    "--dir",
    dir.path,
    "--plugin",
    JSON_PLUGIN,
    "--plugin",
    HALF_PLUGIN,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const rows = run.stdout.split("\n").slice(3).filter((l) => l !== "").map((l) =>
    l.split(/\s{2,}/)
  );
  assert.deepEqual(rows.map((r) => [r[0], r[1], r.at(-1)]), [
    ["npy", "arr.npy", "ok"],
    ["npz", "arr.npz", "ok"],
    ["npz compressed", "arr-compress.npz", "ok"],
    ["pickle", "arr.pkl", "ok, as <f4"],
    ["text", "arr-txt.tsv", "ok"],
    ["json-array", "arr.jsonarray", "ok"],
    ["half", "arr.half", "cannot hold it"],
  ]);
  const numpy = await pythonJson<[string, string, boolean]>(
    `import json, pickle, sys, numpy as np
a = np.load(sys.argv[1])
b = pickle.load(open(sys.argv[2], "rb"))
print(json.dumps([a.dtype.str, b.dtype.str, bool((a == b).all())]))`,
    { args: [fixture("big_endian.npy"), `${dir.path}/arr.pkl`] },
  );
  assert.deepEqual(numpy, [">f4", "<f4", true]);
});
