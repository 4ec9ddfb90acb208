// The commands on delimited text: the seed's tab-separated file, CSV by
// extension, savetxt's and loadtxt's options with escapes.
import assert from "node:assert/strict";
import { pythonJson } from "../../../testing/python.ts";
import { fixture, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

Deno.test("convert text ↔ npy with savetxt's and loadtxt's options", async () => {
  await using dir = await tempDir();
  const d = dir.path;
  const runs = await Promise.all([
    ndio(["convert", fixture("arr-txt.tsv"), `${d}/from-tsv.npy`, "--dtype", "int64"]),
    ndio(["convert", fixture("floats.npy"), `${d}/floats.csv`]),
    ndio([
      "convert",
      fixture("seed_small.npy"),
      `${d}/seed.tsv`,
      "--fmt",
      "%d",
      "--header",
      "Original shape: (10, 10, 10)",
      "--comments",
      "# ",
    ]),
    ndio([
      "convert",
      fixture("floats.csv"),
      `${d}/semicolon.txt`,
      "--delimiter",
      ";",
      "--fmt",
      "%.3f",
    ]),
    ndio(["convert", fixture("bool.npy"), `${d}/crlf.txt`, "--newline", "\\r\\n"]),
    ndio(["convert", fixture("seed_small.npy"), `${d}/ints.csv`]),
    ndio([
      "convert",
      fixture("arr-txt.tsv"),
      `${d}/cols.npy`,
      "--usecols",
      "0,-1",
      "--skiprows",
      "3",
    ]),
  ]);
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const report = await pythonJson<Record<string, unknown>>(
    `import json, sys, numpy as np
d, fx = sys.argv[1], sys.argv[2]
seed = np.load(fx + "/seed_small.npy")
out = {}
a = np.load(d + "/from-tsv.npy")
out["tsv"] = [a.dtype.str, list(a.shape), bool(np.array_equal(a.reshape(seed.shape), seed))]
f = np.load(fx + "/floats.npy")
g = np.loadtxt(d + "/floats.csv", delimiter=",")
out["csv"] = bool(np.array_equal(f, g, equal_nan=True)) and f.tobytes() == g.tobytes()
np.savetxt(d + "/want.tsv", seed.reshape(100, 10), fmt="%d", delimiter=" ", header="Original shape: (10, 10, 10)", comments="# ")
out["seed_tsv"] = bool(np.array_equal(np.loadtxt(d + "/seed.tsv", dtype="int64", delimiter="\\t").reshape(-1), seed.reshape(-1)))
out["semicolon"] = open(d + "/semicolon.txt").read()
out["crlf"] = open(d + "/crlf.txt", "rb").read().decode()
c = np.load(d + "/cols.npy")
want = np.loadtxt(fx + "/arr-txt.tsv", usecols=(0, -1), skiprows=3, delimiter="\t")
ints = np.loadtxt(d + "/ints.csv", delimiter=",", dtype="int64")
out["ints"] = [open(d + "/ints.csv").read().count("e+"), bool(np.array_equal(ints.reshape(-1), seed.reshape(-1)))]
out["cols"] = [list(c.shape) == list(want.shape), bool(np.array_equal(c, want))]
print(json.dumps(out))`,
    { args: [d, fixture("")] },
  );
  assert.deepEqual(report, {
    tsv: ["<i8", [10, 10, 10], true],
    csv: true,
    seed_tsv: true,
    semicolon: "1.500;-2.000\n3.250;0.001\n",
    crlf: "1 0\r\n0 1\r\n",
    // Integers are written with "%d" unless --fmt says otherwise: exact, not "%.18e".
    ints: [0, true],
    cols: [true, true],
  });
});

Deno.test("text input options mean nothing for binary output, and the reverse", async () => {
  await using dir = await tempDir();
  const run = await ndioInProcess([
    "convert",
    fixture("floats.csv"),
    `${dir.path}/x.npy`,
    "--fmt",
    "%d",
  ]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /"--fmt" does not apply to output in the "npy" format/);
});
