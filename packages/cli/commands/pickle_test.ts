// The commands on pickles and object arrays made by Python: info's arrays by
// path and value summary, NumPy's semantics in conversions (np.savez(**d)
// for a dict), --protocol, --allow-pickle, and unsafe pickles refused.
import assert from "node:assert/strict";
import { pythonJson } from "../../../testing/python.ts";
import { fixture, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

Deno.test("info --json on pickles: arrays by Python path, and a summary of the value", async () => {
  // The summary's rules, written again in Python over pickle.load's result.
  const expected = await pythonJson<Record<string, unknown>>(
    `import json, pickle, sys
import numpy as np
def path_of(prefix, key): return prefix + "[" + repr(key) + "]"
def walk(v, path, arrays):
    if isinstance(v, np.ndarray):
        arrays.append({"name": path or None, "dtype": v.dtype.str, "descr": np.lib.format.dtype_to_descr(v.dtype),
                       "shape": list(v.shape), "fortran_order": bool(v.ndim > 1 and v.flags.f_contiguous and not v.flags.c_contiguous)})
        return {"type": "ndarray", "name": path or None, "dtype": v.dtype.str, "shape": list(v.shape)}
    if v is None or isinstance(v, (bool, str)): return v
    if isinstance(v, int): return v if abs(v) <= 2**53 - 1 else {"type": "int", "value": str(v)}
    if isinstance(v, float): return v
    if isinstance(v, list): return [walk(x, path + f"[{i}]", arrays) for i, x in enumerate(v)]
    if isinstance(v, tuple): return {"type": "tuple", "length": len(v), "items": [walk(x, path + f"[{i}]", arrays) for i, x in enumerate(v)]}
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            items = {k: walk(x, path_of(path, k), arrays) for k, x in v.items()}
        else:
            items = [[walk(k, "", []), walk(x, path_of(path, k), arrays)] for k, x in v.items()]
        return {"type": "dict", "length": len(v), "items": items}
    if isinstance(v, (set, frozenset)): return {"type": "set", "length": len(v), "items": [walk(x, "", []) for x in v]}
    if isinstance(v, bytes): return {"type": "bytes", "length": len(v)}
    raise TypeError(type(v))
out = {}
for p in sys.argv[1:]:
    arrays = []
    value = walk(pickle.load(open(p, "rb")), "", arrays)
    out[p] = {"format": "pickle", "arrays": arrays, "value": value}
print(json.dumps(out))`,
    { args: ["data.pkl", "nested.pkl", "arr_p5.pkl"].map(fixture) },
  );
  for (const [path, want] of Object.entries(expected)) {
    const run = await ndioInProcess(["info", path, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), want, path);
  }
  const text = await ndioInProcess(["info", fixture("data.pkl")]);
  assert.match(text.stdout, /: pickle \(Python pickle \(\.pkl\)\), 2 arrays\n/);
  assert.match(
    text.stdout,
    /^ {2}\['array'\]\s+<i8\s+int64\s+\(10, 10, 10\)\s+C\s+1,000\s+8,000$/m,
  );
  assert.match(text.stdout, /^value: \{"type":"dict","length":4,/m);
});

Deno.test("convert: a pickled dict is np.savez(**d); pickles to .npy and back, checked by NumPy", async () => {
  await using dir = await tempDir();
  const d = dir.path;
  const runs = await Promise.all([
    ndio(["convert", fixture("data.pkl"), `${d}/data.npz`]),
    ndio(["convert", fixture("data.pkl"), `${d}/array.npy`, "--name", "array"]),
    ndio(["convert", fixture("data.pkl"), `${d}/other.npy`, "--name", "['another_array']"]),
    ndio(["convert", fixture("arr_p5.pkl"), `${d}/p5.npy`]),
    ndio(["convert", fixture("seed_small.npy"), `${d}/p2.pkl`, "--protocol", "2"]),
    ndio(["convert", fixture("seed_small.npy"), `${d}/p5.pkl`, "--protocol", "5"]),
    ndio(["convert", fixture("named.npz"), `${d}/named.pkl`]),
    ndio(["convert", fixture("objects.npy"), `${d}/objects.npz`, "--allow-pickle"]),
    ndio(["convert", fixture("objects.npz"), `${d}/a.npy`, "--allow-pickle", "--name", "a"]),
    ndio(["convert", fixture("data.pkl"), `${d}/list.csv`, "--name", "list"]),
    ndio(["convert", fixture("arr_p4.pkl"), `${d}/p4.tsv`]),
    ndio(["convert", fixture("floats.csv"), `${d}/floats.pkl`]),
  ]);
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const verdict = await pythonJson<Record<string, unknown>>(
    `import json, pickle, pickletools, sys
import numpy as np
d, f = sys.argv[1], json.loads(sys.argv[2])
def same(a, b):
    return a.dtype.str == b.dtype.str and a.shape == b.shape and a.tobytes() == b.tobytes()
data = pickle.load(open(f["data.pkl"], "rb"))
ref = d + "/ref.npz"
np.savez(ref, **data)
want, got = np.load(ref), np.load(d + "/data.npz")
out = {}
out["npz"] = [got.files, all(same(got[k], want[k]) for k in want.files)]
out["array"] = same(np.load(d + "/array.npy"), data["array"])
out["other"] = same(np.load(d + "/other.npy"), data["another_array"])
out["p5"] = same(np.load(d + "/p5.npy"), pickle.load(open(f["arr_p5.pkl"], "rb")))
seed = np.load(f["seed_small.npy"])
for p in (2, 5):
    raw = open(d + f"/p{p}.pkl", "rb").read()
    out[f"protocol{p}"] = [next(pickletools.genops(raw))[1], same(pickle.loads(raw), seed)]
# What pickle.dump(dict(np.load(f))) writes, loaded back (NumPy itself loads a pickled ">u2" as "<u2").
named_bytes = open(d + "/named.pkl", "rb").read()
ref = dict(np.load(f["named.npz"]))
named, want = pickle.loads(named_bytes), pickle.loads(pickle.dumps(ref, protocol=4))
out["named"] = [type(named).__name__, list(named), all(same(named[k], want[k]) for k in want)]
objects = np.load(d + "/objects.npz", allow_pickle=True)
out["objects"] = [objects.files, objects["arr_0"].tolist() == np.load(f["objects.npy"], allow_pickle=True).tolist()]
out["a"] = np.load(d + "/a.npy", allow_pickle=True).tolist() == np.load(f["objects.npz"], allow_pickle=True)["a"].tolist()
out["list"] = same(np.loadtxt(d + "/list.csv", delimiter=","), np.asarray(data["list"]))
p4 = pickle.load(open(f["arr_p4.pkl"], "rb"))
out["p4"] = same(np.loadtxt(d + "/p4.tsv", dtype=p4.dtype, delimiter="\t").reshape(p4.shape), p4)
out["floats"] = same(pickle.load(open(d + "/floats.pkl", "rb")), np.loadtxt(f["floats.csv"], delimiter=","))
print(json.dumps(out))`,
    {
      args: [
        d,
        JSON.stringify(Object.fromEntries(
          [
            "data.pkl",
            "arr_p4.pkl",
            "arr_p5.pkl",
            "seed_small.npy",
            "named.npz",
            "objects.npy",
            "objects.npz",
            "floats.csv",
          ]
            .map((n) => [n, fixture(n)]),
        )),
      ],
    },
  );
  assert.deepEqual(verdict, {
    npz: [["array", "description", "list", "another_array"], true],
    array: true,
    other: true,
    p5: true,
    protocol2: [2, true],
    protocol5: [5, true],
    named: ["dict", ["temperature", "pressure"], true],
    objects: [["arr_0"], true],
    a: true,
    list: true,
    p4: true,
    floats: true,
  });
});

Deno.test("convert: a dict into .npy needs --name; unsafe pickles are refused, nothing written", async () => {
  await using dir = await tempDir();
  const out = `${dir.path}/x.npy`;
  const dict = await ndioInProcess(["convert", fixture("data.pkl"), out]);
  assert.equal(dict.code, 2, dict.stderr);
  assert.match(
    dict.stderr,
    /4 arrays \("array", "description", "list", "another_array"\).*--name\n$/,
  );
  for (
    const args of [
      ["convert", fixture("evil.pkl"), `${dir.path}/x.npz`],
      ["convert", fixture("evil_objects.npy"), out, "--allow-pickle"],
      ["convert", fixture("evil_objects.npz"), `${dir.path}/x.npz`, "--allow-pickle"],
      ["show", fixture("evil.pkl")],
    ]
  ) {
    const run = await ndio(args);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /^ndio: cannot read "[^"]+": (member "bad\.npy": )?pickle references "posix\.system", which is not allowed \(audit it with "ndio scan"\)\n$/,
    );
    assert.equal(run.stdout, "");
  }
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
  const unallowed = await ndioInProcess(["show", fixture("objects.npz")]);
  assert.equal(unallowed.code, 1);
  assert.match(
    unallowed.stderr,
    /^ndio: cannot read ".*objects\.npz": member "a\.npy": .*a pickle.*; to decode it, pass --allow-pickle \(nothing in it is run\)\n$/,
  );
  const protocol = await ndioInProcess([
    "convert",
    fixture("bool.npy"),
    `${dir.path}/x.pkl`,
    "--protocol",
    "1",
  ]);
  assert.equal(protocol.code, 2, protocol.stderr);
});
