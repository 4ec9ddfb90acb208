// The commands on .npz archives made by np.savez and np.savez_compressed:
// header-only info, NumPy's naming in conversions, partial slices of one
// member, and NumPy loading everything written.
import assert from "node:assert/strict";
import { pythonJson } from "../../../testing/python.ts";
import { EXPECTED, fixture, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

const NPZ = Object.keys(EXPECTED).filter((name) => name.endsWith(".npz"));

Deno.test("info --json: each member's header fields, as NumPy reads them", async () => {
  assert.ok(NPZ.length >= 6);
  for (const name of NPZ) {
    const run = await ndioInProcess(["info", fixture(name), "--json"]);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.deepEqual(JSON.parse(run.stdout), EXPECTED[name]!.info, name);
  }
  const table = await ndio(["info", fixture("named.npz")]);
  assert.equal(
    table.stdout,
    `${fixture("named.npz")}: npz (NumPy archive (.npz)), 2 arrays\n` +
      "  name         dtype  type     shape      order  elements  bytes\n" +
      "  temperature  <f8    float64  (3, 4, 5)  C            60    480\n" +
      "  pressure     >u2    uint16   (3,)       C             3      6\n",
  );
});

Deno.test("convert: NumPy's semantics between .npz, .npy and text, checked by NumPy", async () => {
  await using dir = await tempDir();
  const d = dir.path;
  const cases: [string[], string][] = [
    // One array into .npz is member "arr_0", as np.savez(f, a).
    [["convert", fixture("seed_small.npy"), `${d}/seed.npz`], "np.savez"],
    [["convert", fixture("seed_small.npy"), `${d}/seed-c.npz`, "--compress"], "compressed"],
    [["convert", fixture("named.npz"), `${d}/named-c.npz`, "--level", "9"], "compressed"],
    [["convert", fixture("compressed.npz"), `${d}/stored.npz`], "stored"],
    [["convert", fixture("one.npz"), `${d}/one.npy`], "the only member"],
    [["convert", fixture("named.npz"), `${d}/pressure.npy`, "--name", "pressure"], "--name"],
    [["convert", fixture("arrays.npz"), `${d}/arr_1.csv`, "--name", "arr_1.npy"], "x.npy"],
  ];
  const runs = await Promise.all(cases.map(([args]) => ndio(args)));
  for (const [i, run] of runs.entries()) {
    assert.equal(run.code, 0, `${cases[i]![1]}: ${run.stderr}`);
  }
  const verdict = await pythonJson<Record<string, unknown>>(
    `import json, sys, zipfile, numpy as np
d, f = sys.argv[1], json.loads(sys.argv[2])
def same(a, b):
    return a.dtype.str == b.dtype.str and a.shape == b.shape and a.tobytes() == b.tobytes()
def kinds(p):
    return sorted({i.compress_type for i in zipfile.ZipFile(p).infolist()})
seed = np.load(f["seed_small.npy"])
named = np.load(f["named.npz"])
comp = np.load(f["compressed.npz"])
out = {}
z = np.load(d + "/seed.npz")
out["seed"] = [z.files, same(z["arr_0"], seed), kinds(d + "/seed.npz")]
z = np.load(d + "/seed-c.npz")
out["seed-c"] = [z.files, same(z["arr_0"], seed), kinds(d + "/seed-c.npz")]
z = np.load(d + "/named-c.npz")
out["named-c"] = [z.files, all(same(z[k], named[k]) for k in named.files), kinds(d + "/named-c.npz")]
z = np.load(d + "/stored.npz")
out["stored"] = [z.files, all(same(z[k], comp[k]) for k in comp.files), kinds(d + "/stored.npz")]
out["one"] = same(np.load(d + "/one.npy"), np.load(f["one.npz"])["arr_0"])
out["pressure"] = same(np.load(d + "/pressure.npy"), named["pressure"])
out["arr_1"] = np.loadtxt(d + "/arr_1.csv", delimiter=",").tolist()
print(json.dumps(out))`,
    {
      args: [
        d,
        JSON.stringify(Object.fromEntries(
          ["seed_small.npy", "named.npz", "compressed.npz", "one.npz"].map((n) => [n, fixture(n)]),
        )),
      ],
    },
  );
  assert.deepEqual(verdict, {
    seed: [["arr_0"], true, [0]],
    "seed-c": [["arr_0"], true, [8]],
    "named-c": [["temperature", "pressure"], true, [8]],
    stored: [["arr_0", "arr_1"], true, [0]],
    one: true,
    pressure: true,
    arr_1: [0, 1, 2, 3, 4],
  });
});

Deno.test("convert .npz → .npy needs --name unless the archive has one member", async () => {
  await using dir = await tempDir();
  const out = `${dir.path}/x.npy`;
  const run = await ndioInProcess(["convert", fixture("named.npz"), out]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /^ndio: cannot convert ".*named\.npz" to npy: .*2 arrays \("temperature", "pressure"\).*--name\n$/,
  );
  const missing = await ndioInProcess(["convert", fixture("named.npz"), out, "--name", "nope"]);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /"nope"/);
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
  const option = await ndioInProcess(["convert", fixture("seed_small.npy"), out, "--level", "3"]);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /"--level" does not apply to output in the "npy" format/);
});

Deno.test("slice and show --name on one member; diff pairs .npy with arr_0", async () => {
  const expected = EXPECTED.index!["2:6, 4, 3:4"]!;
  const sliced = await ndioInProcess([
    "slice",
    fixture("compressed.npz"),
    "2:6, 4, 3:4",
    "--name",
    "arr_0",
  ]);
  assert.equal(sliced.code, 0, sliced.stderr);
  assert.equal(sliced.stdout, `${expected}\n`);
  const shown = await ndioInProcess([
    "show",
    fixture("arrays.npz"),
    "--name",
    "arr_0",
    "--index",
    "2:6, 4, 3:4",
  ]);
  assert.equal(shown.stdout, `${expected}\n`);
  const ambiguous = await ndioInProcess(["slice", fixture("arrays.npz"), "0"]);
  assert.equal(ambiguous.code, 2, ambiguous.stderr);
  const same = await ndioInProcess([
    "diff",
    fixture("seed_small.npy"),
    fixture("compressed.npz"),
    "--name",
    "arr_0",
  ]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  const differ = await ndioInProcess(["diff", fixture("arrays.npz"), fixture("named.npz")]);
  assert.equal(differ.code, 1);
  assert.match(differ.stdout, /^only in .*arrays\.npz: arr_0\n/m);
  assert.match(differ.stdout, /^only in .*named\.npz: temperature\n/m);
});
