import assert from "node:assert/strict";
import { parseNpyHeader } from "@ndio/npy";
import { python, pythonJson } from "../../testing/python.ts";
import { dumps, loads, scan } from "./mod.ts";
import { arange } from "@ndio/core";

const dir = new URL("./testdata/", import.meta.url);
const golden = Object.keys(JSON.parse(Deno.readTextFileSync(new URL("expected.json", dir))));

Deno.test("scan: opcode histograms and protocols match pickletools on every fixture", async () => {
  const want = await pythonJson<Record<string, [Record<string, number>, number | null, number]>>(
    `
import json, pickletools, collections, sys
names = json.loads(sys.stdin.read())
out = {}
for name in names:
    data = open(${JSON.stringify(dir.pathname)} + name, "rb").read()
    counts, proto, end = collections.Counter(), None, 0
    for opcode, arg, pos in pickletools.genops(data):
        counts[opcode.name] += 1
        if opcode.name == "PROTO":
            proto = arg
        end = pos + 1
    out[name] = [counts, proto, end]
print(json.dumps(out))
`,
    { stdin: new TextEncoder().encode(JSON.stringify(golden)) },
  );
  for (const name of golden) {
    const report = scan(Deno.readFileSync(new URL(name, dir)));
    const [opcodes, protocol, length] = want[name]!;
    assert.deepEqual(report.opcodes, opcodes, name);
    assert.equal(report.protocol, protocol, name);
    assert.equal(report.length, length, name);
    assert.equal(report.verdict, "loadable", `${name}: ${report.reason}`);
  }
});

Deno.test("scan: globals of a NumPy pickle, resolved through STACK_GLOBAL and the memo", () => {
  const report = scan(dumps([arange(3), arange(2)], { protocol: 5 }));
  assert.deepEqual(
    report.globals.map((g) => [`${g.module}.${g.name}`, g.allowed, g.count]),
    [["numpy._core.numeric._frombuffer", true, 1], ["numpy.dtype", true, 1]],
  );
  const p2 = scan(dumps(arange(3), { protocol: 2, numpyNames: "numpy.core" }));
  assert.deepEqual(p2.globals.map((g) => `${g.module}.${g.name}`), [
    "numpy.core.multiarray._reconstruct",
    "numpy.ndarray",
    "_codecs.encode",
    "numpy.dtype",
  ]);
});

Deno.test("scan: malicious fixtures are forbidden or malformed, never loaded", () => {
  const mdir = new URL("malicious/", dir);
  const expected: Record<string, { error: string }> = JSON.parse(
    Deno.readTextFileSync(new URL("malicious.json", mdir)),
  );
  for (const [name, { error }] of Object.entries(expected)) {
    const report = scan(Deno.readFileSync(new URL(name, mdir)));
    const want = error === "ForbiddenError"
      ? "forbidden"
      : ["MalformedError", "TruncatedError"].includes(error) && !name.startsWith("array_size") &&
          !name.startsWith("codecs")
      ? "malformed"
      : null;
    if (want !== null) assert.equal(report.verdict, want, `${name}: ${report.reason}`);
    if (report.verdict === "loadable") {
      assert.throws(() => loads(Deno.readFileSync(new URL(name, mdir))));
    }
  }
  const system = scan(Deno.readFileSync(new URL("os_system.p4.pkl", mdir)));
  assert.equal(system.globals[0]?.allowed, false);
  assert.match(system.reason!, /posix\.system|os\.system/);
});

Deno.test("scan: stops at STOP and reports the length, so trailing data is ignored", () => {
  const pickle = dumps([1, 2]);
  const report = scan(new Uint8Array([...pickle, 0xff, 0xff]));
  assert.equal(report.length, pickle.length);
  assert.equal(report.verdict, "loadable");
  assert.equal(scan(new Uint8Array([0x80, 2, 0xff])).verdict, "malformed");
  assert.equal(scan(new Uint8Array(0)).verdict, "malformed");
});

Deno.test("scan: the pickled data of object arrays inside .npy files", async () => {
  const npy = await python(`
import sys, io, os, numpy as np
class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))
for value in ([1, "two", None], [Evil()]):
    buf = io.BytesIO()
    np.save(buf, np.array(value, dtype=object))
    data = buf.getvalue()
    sys.stdout.buffer.write(len(data).to_bytes(4, "little") + data)
`);
  const files: Uint8Array[] = [];
  for (let at = 0; at < npy.length;) {
    const n = new DataView(npy.buffer, npy.byteOffset + at).getUint32(0, true);
    files.push(npy.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  const [plain, evil] = files.map((file) => {
    const payload = file.subarray(parseNpyHeader(file).dataOffset);
    return { report: scan(payload), length: payload.length };
  });
  assert.equal(plain!.report.verdict, "loadable");
  assert.equal(plain!.report.protocol, 4); // np.save pickles with protocol 4
  assert.equal(plain!.report.length, plain!.length);
  assert.ok(plain!.report.globals.some((g) => g.name === "_reconstruct"));
  assert.equal(evil!.report.verdict, "forbidden");
  assert.match(evil!.report.reason!, /"(posix|os)\.system"/);
});
