// Live round trips through python3 + NumPy, both directions: files ndio
// writes are loaded by np.load and compared with the same arrays built in
// NumPy (values, dtype, shape, and np.save's bytes); files np.save writes
// are read by ndio and compared with NumPy's own bytes, then written back.

import assert from "node:assert/strict";
import { DType, NDArray } from "@ndio/core";
import { python, pythonJson } from "../../testing/python.ts";
import { decodeNpy, decodeNpyStream, encodeNpy, parseNpyHeader } from "./mod.ts";

interface Case {
  descr: string | unknown[];
  shape: number[];
  index: string;
  transpose: boolean;
}

function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 37 + 11) & 0xff;
  return out;
}

function build(c: Case): NDArray {
  const dtype = DType.parse(c.descr as string);
  const count = c.shape.reduce((a, b) => a * b, 1);
  let a = new NDArray(dtype, c.shape, { data: pattern(count * dtype.itemsize) });
  if (c.index !== "") a = a.index(c.index);
  return c.transpose ? a.T : a;
}

const DESCRS: (string | unknown[])[] = [
  "|b1",
  "|i1",
  "|u1",
  "<i2",
  ">i2",
  "<u4",
  ">i4",
  "<i8",
  ">u8",
  "<f2",
  ">f2",
  "<f4",
  ">f4",
  "<f8",
  ">f8",
  "<c8",
  ">c16",
  "|S3",
  "<U2",
  ">U2",
  "|V3",
  "<M8[us]",
  ">m8[D]",
  "<M8[25s]",
  [["x", "<i4"], ["y", ">f8", [2]]],
  [["a", "|u1"], ["", "|V3"], ["b", "<i4"]],
  [[["title", "t"], "<i2"], ["n", [["p", "<f4"], ["q", "|S2"]]]],
  [["\u00e9", "<i2"]],
  [["\u4e2d\u6587", ">i2"]],
];

const LAYOUTS: Omit<Case, "descr">[] = [
  { shape: [4, 6], index: "", transpose: false },
  { shape: [4, 6], index: "", transpose: true },
  { shape: [4, 6], index: "1:, ::-2", transpose: false },
  { shape: [2, 3, 4], index: "..., 1:3", transpose: true },
  { shape: [5], index: "", transpose: false },
  { shape: [5], index: "2, ...", transpose: false },
  { shape: [0, 3], index: "", transpose: true },
  { shape: [2, 0, 3], index: "::2, :, ::2", transpose: true },
  { shape: [3, 1, 2], index: "", transpose: true },
];

Deno.test("live: every file ndio writes loads in NumPy, equal to NumPy's own bytes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: (Case & { file: string })[] = [];
    let n = 0;
    for (const descr of DESCRS) {
      for (const layout of LAYOUTS) {
        const c = { descr, ...layout, file: `${dir}/case_${n++}.npy` };
        cases.push(c);
        await Deno.writeFile(c.file, encodeNpy(build(c)));
      }
    }
    const script = `
import json, sys, io
import numpy as np
cases = json.load(sys.stdin)
def descr(d):
    if isinstance(d, str): return d
    def field(f):
        name = tuple(f[0]) if isinstance(f[0], list) else f[0]
        t = descr(f[1])
        return (name, t) if len(f) == 2 else (name, t, tuple(f[2]))
    return [field(f) for f in d]
failures = []
for c in cases:
    dt = np.lib.format.descr_to_dtype(descr(c["descr"]))
    count = int(np.prod(c["shape"]))
    raw = bytes(((i * 37 + 11) & 0xFF) for i in range(count * dt.itemsize))
    a = np.frombuffer(raw, dtype=dt).reshape(c["shape"])
    if c["index"]:
        a = eval("a[" + c["index"] + "]")
    if c["transpose"]:
        a = a.T
    loaded = np.load(c["file"])
    mine = open(c["file"], "rb").read()
    buf = io.BytesIO()
    np.save(buf, a)
    problems = []
    if loaded.dtype != a.dtype: problems.append(f"dtype {loaded.dtype} != {a.dtype}")
    if loaded.shape != a.shape: problems.append(f"shape {loaded.shape} != {a.shape}")
    # NumPy leaves the padding bytes of structured copies uninitialised, so
    # compare field by field, and bytes only where NumPy's are deterministic.
    padded = dt.names is not None and dt.itemsize != sum(
        dt.fields[n][0].itemsize for n in dt.names)
    def elements(x):
        if dt.names is None: return x.tobytes()
        return b"".join(np.ascontiguousarray(x[n]).tobytes() for n in dt.names)
    if elements(loaded) != elements(a): problems.append("elements differ")
    if padded and not (a.flags.c_contiguous or a.flags.f_contiguous):
        pass
    elif buf.getvalue() != mine: problems.append("bytes differ from np.save")
    if problems: failures.append([c["file"], c["descr"], c["shape"], c["index"], problems])
print(json.dumps({"checked": len(cases), "failures": failures}))
`;
    const result = await pythonJson<{ checked: number; failures: unknown[] }>(script, {
      stdin: new TextEncoder().encode(JSON.stringify(cases)),
    });
    assert.deepEqual(result.failures, []);
    assert.equal(result.checked, DESCRS.length * LAYOUTS.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("live: every file np.save writes is read by ndio and written back identically", async () => {
  const script = `
import io, json, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
rng = np.random.default_rng(7)
out = []
def add(name, a):
    buf = io.BytesIO()
    np.save(buf, a)
    raw = np.ascontiguousarray(a).tobytes()
    out.append({"name": name, "npy": buf.getvalue().hex(), "str": a.dtype.str,
                "shape": list(a.shape), "c_bytes": raw.hex()})
for d in ["?", "i1", "<u2", ">i4", "<i8", ">f2", "<f4", ">f8", "<c8", ">c16", "S4", "<U3", "V2",
          "<M8[ns]", ">m8[h]"]:
    dt = np.dtype(d)
    raw = rng.integers(0, 256, size=3 * 4 * 5 * dt.itemsize, dtype=np.uint8).tobytes()
    a = np.frombuffer(raw, dtype=dt).reshape(3, 4, 5)
    add(d + " C", a)
    add(d + " F", np.asfortranarray(a))
    add(d + " view", a[::2, 1:, ::-1])
    add(d + " 0-d", a[1, 2, 3].reshape(()) if dt.kind != "V" else a[1:2, 2, 3].reshape(()))
many = np.zeros(3, dtype=[(f"field_{i}", "u1") for i in range(5000)])
many["field_17"] = [1, 2, 3]
add("version 2 header", many)
add("version 3 header", np.zeros(2, dtype=[("\\u4e2d", "<i4")]))
add("growth digits", np.zeros((123456789, 0), dtype="<f4"))
stream = io.BytesIO()
for a in [np.arange(5), np.eye(3, dtype="<f4").T, np.array("text")]:
    np.save(stream, a)
print(json.dumps({"files": out, "stream": stream.getvalue().hex()}))
`;
  const result = await pythonJson<{
    files: { name: string; npy: string; str: string; shape: number[]; c_bytes: string }[];
    stream: string;
  }>(script);
  const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
  const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  assert.ok(result.files.length > 60);
  for (const file of result.files) {
    const bytes = fromHex(file.npy);
    const a = decodeNpy(bytes);
    assert.equal(a.dtype.str, file.str, file.name);
    assert.deepEqual(a.shape, file.shape, file.name);
    assert.equal(toHex(a.copy("C").data), file.c_bytes, file.name);
    assert.equal(toHex(encodeNpy(a)), file.npy, file.name);
  }
  const many = decodeNpy(fromHex(result.files.find((f) => f.name === "version 2 header")!.npy));
  assert.equal(parseNpyHeader(encodeNpy(many)).version, 2);
  assert.deepEqual((many.get(1) as Record<string, unknown>).field_17, 2);
  const arrays = decodeNpyStream(fromHex(result.stream));
  assert.equal(arrays.length, 3);
  assert.deepEqual(arrays[0]!.toNested(), [0n, 1n, 2n, 3n, 4n]);
  assert.deepEqual(arrays[1]!.toNested(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.equal(parseNpyHeader(encodeNpy(arrays[1]!)).fortranOrder, true);
  assert.equal(arrays[2]!.get(), "text");
});

Deno.test("live: NumPy reads a concatenated stream ndio writes with repeated np.load", async () => {
  const a = new NDArray("<i2", [2, 2], { data: pattern(8) });
  const b = new NDArray(">f8", [3], { data: new Uint8Array(24) });
  const stream = new Uint8Array([...encodeNpy(a), ...encodeNpy(b.T), ...encodeNpy(a.T)]);
  const out = await python(
    `
import sys, io, numpy as np
f = io.BytesIO(sys.stdin.buffer.read())
for _ in range(3):
    x = np.load(f)
    print(x.dtype.str, x.shape, x.flags.f_contiguous and not x.flags.c_contiguous, x.ravel().tolist())
`,
    { stdin: stream },
  );
  assert.equal(
    new TextDecoder().decode(out),
    "<i2 (2, 2) False [12299, 31317, -15201, 3817]\n>f8 (3,) False [0.0, 0.0, 0.0]\n" +
      "<i2 (2, 2) True [12299, -15201, 31317, 3817]\n",
  );
});
