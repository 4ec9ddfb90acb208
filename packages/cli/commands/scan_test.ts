// `ndio scan` on NumPy-made pickles, .npy and .npz files, checked against
// Python: an Unpickler whose find_class records each global and returns an
// inert stand-in (so nothing from the file runs) names the globals, and
// pickletools gives the protocol and where each global is referenced.
import assert from "node:assert/strict";
import { pythonJson } from "../../../testing/python.ts";
import { fixture, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

const WITH_PICKLES = [
  "data.pkl",
  "arr_p2.pkl",
  "arr_p4.pkl",
  "arr_p5.pkl",
  "nested.pkl",
  "evil.pkl",
  "objects.npy",
  "evil_objects.npy",
  "objects.npz",
  "evil_objects.npz",
];

interface PythonView {
  member: string | null;
  offset: number;
  protocol: number | null;
  globals: { name: string; count: number; offset: number }[];
}

/** Python's view of the pickles in each file: where, protocol, globals with counts and offsets. */
function pythonView(files: readonly string[]): Promise<Record<string, PythonView[]>> {
  return pythonJson(
    `import io, json, pickle, pickletools, sys, zipfile
import numpy as np

class Inert:
    def __init__(self, *a, **k): pass
    def __call__(self, *a, **k): return Inert()
    def __setstate__(self, state): pass

def audit(data, base, member):
    names = []
    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            names.append(module + "." + name)
            return Inert()
    Recorder(io.BytesIO(data)).load()
    ops = list(pickletools.genops(data))
    positions = [pos for op, arg, pos in ops if op.name in ("GLOBAL", "STACK_GLOBAL", "INST")]
    protocol = ops[0][1] if ops[0][0].name == "PROTO" else None
    found = {}
    for name, pos in zip(names, positions):
        if name in found: found[name]["count"] += 1
        else: found[name] = {"name": name, "count": 1, "offset": base + pos}
    return {"member": member, "offset": base, "protocol": protocol, "globals": list(found.values())}

def npy_pickle(f):
    version = np.lib.format.read_magic(f)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read(f)
    return dtype.hasobject, f.tell()

out = {}
for path in json.loads(sys.argv[1]):
    views = []
    if path.endswith(".pkl"):
        views.append(audit(open(path, "rb").read(), 0, None))
    elif path.endswith(".npy"):
        with open(path, "rb") as f:
            has, at = npy_pickle(f)
            views.append(audit(f.read(), at, None))
    else:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                data = z.read(info)
                f = io.BytesIO(data)
                has, at = npy_pickle(f)
                if has: views.append(audit(data[at:], at, info.filename[:-4]))
    out[path] = views
print(json.dumps(out))`,
    { args: [JSON.stringify(files)] },
  );
}

Deno.test("scan --json: the globals, protocol and offsets Python sees; exit 1 when unsafe", async () => {
  const files = WITH_PICKLES.map(fixture);
  const python = await pythonView(files);
  for (const [i, name] of WITH_PICKLES.entries()) {
    const run = await ndioInProcess(["scan", files[i]!, "--json"]);
    const evil = name.startsWith("evil");
    assert.equal(run.code, evil ? 1 : 0, `${name}: ${run.stderr}`);
    const report = JSON.parse(run.stdout);
    assert.equal(report.verdict, evil ? "forbidden" : "loadable", name);
    const ours = report.pickles.map((p: Record<string, unknown>) => ({
      member: p.member,
      offset: p.offset,
      protocol: p.protocol,
      globals: (p.globals as Record<string, unknown>[]).map((g) => ({
        name: `${g.module}.${g.name}`,
        count: g.count,
        offset: g.offset,
      })),
    }));
    assert.deepEqual(ours, python[files[i]!], name);
    for (const p of report.pickles) {
      const unsafe = p.globals.filter((g: { allowed: boolean }) => !g.allowed)
        .map((g: { module: string; name: string }) => `${g.module}.${g.name}`);
      assert.deepEqual(unsafe, evil && p.member !== "ok" ? ["posix.system"] : [], name);
      assert.equal(p.verdict, unsafe.length > 0 ? "forbidden" : "loadable");
    }
  }
});

Deno.test("scan: a readable report, and files without pickles", async () => {
  const evil = await ndio(["scan", fixture("evil_objects.npz")]);
  assert.equal(evil.code, 1, evil.stderr);
  assert.equal(evil.stderr, "");
  const lines = evil.stdout.split("\n");
  assert.equal(lines[0], `${fixture("evil_objects.npz")}: npz, 1 pickle`);
  assert.equal(
    lines[2],
    'member "bad" (|O (1,)): pickle at byte 128 of the member, 184 bytes, protocol 4',
  );
  assert.match(evil.stdout, /^ {2}posix\.system\s+1\s+288\s+NO$/m);
  assert.match(evil.stdout, /^ {2}numpy\.ndarray\s+1\s+\d+\s+yes$/m);
  assert.match(
    evil.stdout,
    /^ {2}verdict: forbidden: the pickle references "posix\.system", which is not allowed/m,
  );
  const fine = await ndioInProcess(["scan", fixture("data.pkl")]);
  assert.equal(fine.code, 0);
  assert.match(fine.stdout, /^ {2}verdict: loadable /m);
  for (
    const [name, message] of [
      ["seed_small.npy", /: npy, <i8 \(10, 10, 10\): no pickles \(no objects\)\n$/],
      ["named.npz", /: npz, 2 members: no pickles \(no member has dtype object\)\n$/],
      ["floats.csv", /: text, no pickles \(the format holds none\)\n$/],
    ] as const
  ) {
    const run = await ndioInProcess(["scan", fixture(name)]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, message);
  }
});

Deno.test("scan: a cut pickle is malformed (exit 1); a missing file is an error", async () => {
  await using dir = await tempDir();
  const cut = `${dir.path}/cut.pkl`;
  const whole = await Deno.readFile(fixture("data.pkl"));
  await Deno.writeFile(cut, whole.subarray(0, 200));
  const run = await ndioInProcess(["scan", cut, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.verdict, "malformed");
  assert.match(report.pickles[0].reason, /end/);
  const missing = await ndioInProcess(["scan", `${dir.path}/none.pkl`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^ndio: cannot read ".*none\.pkl": no such file or directory\n$/);
});
