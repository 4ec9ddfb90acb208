// Writing: names and order as np.savez, the ZIP layout NumPy's zipfile
// writes (force_zip64 local headers), 64-byte aligned stored members, both
// seekable sinks (headers patched) and plain ones (data descriptors); and
// NumPy loading every kind of archive we write (live python3).

import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  array,
  type ByteSink,
  bytesSink,
  DType,
  type NDArray,
  zeros,
} from "@ndio/core";
import { encodeNpy } from "@ndio/npy";
import { python, pythonJson } from "../../testing/python.ts";
import {
  decodeNpz,
  encodeNpz,
  loadNpz,
  npzMembers,
  NpzWriter,
  savez,
  savezCompressed,
  type SavezOptions,
} from "./mod.ts";

function plainSink(): ByteSink & { bytes(): Uint8Array } {
  const inner = bytesSink();
  return { write: (chunk) => inner.write(chunk), bytes: () => inner.bytes() };
}

function sample(): Record<string, NDArray> {
  return {
    ints: arange(1000, { dtype: "<i8" }).reshape([10, 100]),
    fortran: arange(12, { dtype: ">f4" }).reshape([3, 4]).T,
    text: array(["a", "héllo"]),
    empty: zeros([0, 3], { dtype: "<u2" }),
    scalar: array(3.5),
    records: zeros([2], { dtype: DType.parse([["x", "<i4"], ["y", "<f8", [2]]]) }),
  };
}

const variants: [string, SavezOptions, "seekable" | "stream" | "memory"][] = [
  ["stored, seekable sink", {}, "seekable"],
  ["stored, plain sink (data descriptors)", {}, "stream"],
  ["stored, not aligned", { align: 1 }, "seekable"],
  ["compressed, seekable sink", { compress: true }, "seekable"],
  ["compressed, plain sink (data descriptors)", { compress: true }, "stream"],
  ["compressed, level 1 (fflate)", { compress: true, level: 1 }, "seekable"],
  ["in memory, stored", {}, "memory"],
  ["in memory, compressed level 9", { compress: true, level: 9 }, "memory"],
];

async function write(
  arrays: Record<string, NDArray>,
  options: SavezOptions,
  how: string,
): Promise<Uint8Array> {
  if (how === "memory") return encodeNpz(arrays, options);
  const sink = how === "seekable" ? bytesSink() : plainSink();
  await savez(sink, arrays, options);
  return sink.bytes();
}

for (const [label, options, how] of variants) {
  Deno.test(`write ${label}: ndio and NumPy read it back`, async () => {
    const arrays = sample();
    const bytes = await write(arrays, options, how);
    using npz = await loadNpz(bytes);
    assert.deepEqual(npz.files, Object.keys(arrays));
    for (const [name, a] of Object.entries(arrays)) {
      assert.deepEqual(encodeNpy(await npz.array(name)), encodeNpy(a), name);
      assert.equal(npz.member(name).compressed, options.compress === true);
    }
    assert.equal(decodeNpz(bytes).size, Object.keys(arrays).length);
    // NumPy: same names, dtypes, shapes and bytes; zipfile's testzip finds no bad CRC.
    const report = await pythonJson<Record<string, unknown>>(
      `
import sys, io, zipfile, hashlib, numpy as np
data = sys.stdin.buffer.read()
z = zipfile.ZipFile(io.BytesIO(data))
out = {"testzip": z.testzip(), "methods": sorted({i.compress_type for i in z.infolist()})}
with np.load(io.BytesIO(data)) as f:
    out["files"] = f.files
    out["arrays"] = {k: [f[k].dtype.str, list(f[k].shape), bool(f[k].flags.f_contiguous and not f[k].flags.c_contiguous), hashlib.sha256(np.ascontiguousarray(f[k]).tobytes()).hexdigest()] for k in f.files}
import json; print(json.dumps(out))
`,
      { stdin: bytes },
    );
    assert.equal(report.testzip, null);
    assert.deepEqual(report.methods, [options.compress ? 8 : 0]);
    assert.deepEqual(report.files, Object.keys(arrays));
    const described = report.arrays as Record<string, [string, number[], boolean, string]>;
    for (const [name, a] of Object.entries(arrays)) {
      const [str, shape, fortran, digest] = described[name]!;
      assert.equal(str, a.dtype.str, name);
      assert.deepEqual(shape, a.shape, name);
      assert.equal(fortran, !a.isCContiguous && a.isFContiguous, name);
      const c = a.isCContiguous ? a : a.copy("C");
      const raw = new Uint8Array(c.nbytes);
      let at = 0;
      for (const chunk of c.chunks()) {
        raw.set(chunk, at);
        at += chunk.length;
      }
      const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
      assert.equal(digest, [...hash].map((b) => b.toString(16).padStart(2, "0")).join(""), name);
    }
  });
}

Deno.test("write: the layout NumPy's savez writes (force_zip64 local headers, zipfile's fields)", async () => {
  const a = arange(3, { dtype: "<i8" });
  const ours = encodeNpz([a], { align: 1 });
  const theirs = await python(
    `import sys, io, numpy as np
b = io.BytesIO(); np.savez(b, np.arange(3, dtype='<i8')); sys.stdout.buffer.write(b.getvalue())`,
  );
  assert.deepEqual(ours, theirs);
  const compressed = encodeNpz({ x: a }, { compress: true });
  const npz = await loadNpz(compressed);
  assert.equal(npz.member("x").compressed, true);
});

Deno.test("write: stored members start 64-byte aligned, so they decode as views", async () => {
  const arrays = { a: arange(5, { dtype: "<f8" }), longer_name: arange(7, { dtype: "<i4" }) };
  for (const bytes of [encodeNpz(arrays), await write(arrays, {}, "seekable")]) {
    using npz = await loadNpz(bytes);
    for (const name of npz.files) {
      const view = await npz.array(name);
      assert.equal(view.data.buffer, bytes.buffer, "a view, not a copy");
      assert.equal(view.data.byteOffset % 64, 0);
    }
  }
});

Deno.test("write: positional and named arrays as np.savez names them; clashes are errors", () => {
  const a = zeros([1]);
  assert.deepEqual(npzMembers([a, a]).map(([n]) => n), ["arr_0", "arr_1"]);
  assert.deepEqual(npzMembers([a, { y: a }]).map(([n]) => n), ["y", "arr_0"]);
  assert.deepEqual(npzMembers(new Map([["m", a]])).map(([n]) => n), ["m"]);
  assert.deepEqual(npzMembers(a).map(([n]) => n), ["arr_0"]);
  assert.throws(() => npzMembers([a, { arr_0: a }]), (e) => {
    assert.ok(e instanceof ArgumentError);
    assert.equal(e.code, "npz-name-clash");
    return true;
  });
  assert.throws(() => npzMembers([{ x: a }, { x: a }]), ArgumentError);
  assert.throws(() => npzMembers({ x: [1, 2] as unknown as NDArray }), ArgumentError);
  assert.throws(() => encodeNpz([a], { level: 12 }), ArgumentError);
  assert.throws(() => encodeNpz([a], { align: 3 }), ArgumentError);
});

Deno.test("write: NpzWriter adds members one by one, including raw bytes; misuse is refused", async () => {
  const sink = plainSink();
  const writer = new NpzWriter(sink);
  await writer.add("x", arange(4));
  await writer.addBytes("notes.txt", new TextEncoder().encode("hello"));
  await assert.rejects(writer.add("x", arange(1)), ArgumentError);
  await writer.close();
  await assert.rejects(writer.add("y", arange(1)), ArgumentError);
  using npz = await loadNpz(sink.bytes());
  assert.deepEqual(npz.files, ["x", "notes.txt"]);
  assert.deepEqual(await npz.get("notes.txt"), new TextEncoder().encode("hello"));
  const listing = await python(
    `import sys, io, numpy as np
f = np.load(io.BytesIO(sys.stdin.buffer.read()))
print(f.files, f['notes.txt'], f['x'].tolist())`,
    { stdin: sink.bytes() },
  );
  assert.equal(
    new TextDecoder().decode(listing).trim(),
    "['x', 'notes.txt'] b'hello' [0, 1, 2, 3]",
  );
});

Deno.test("write: the seed's savez and savez_compressed examples, loaded by NumPy", async () => {
  const arr = arange(1_000_000, { dtype: "<i8" }).reshape([100, 100, 100]);
  const another = arange(5, { dtype: "<f8" });
  const plain = bytesSink();
  await savez(plain, [arr, another]);
  const compressed = bytesSink();
  await savezCompressed(compressed, [arr, another]);
  assert.ok(plain.bytes().length > 8_000_000);
  assert.ok(compressed.bytes().length < plain.bytes().length / 2);
  for (const bytes of [plain.bytes(), compressed.bytes()]) {
    const printed = await python(
      `import sys, io, numpy as np
arr_data = np.load(io.BytesIO(sys.stdin.buffer.read()))
for name in arr_data:
    print(name, arr_data[name].shape, arr_data[name].dtype)
print(arr_data['arr_1'])
print(bool((arr_data['arr_0'] == np.arange(1_000_000).reshape(100, 100, 100)).all()))`,
      { stdin: bytes },
    );
    assert.equal(
      new TextDecoder().decode(printed),
      "arr_0 (100, 100, 100) int64\narr_1 (5,) float64\n[0. 1. 2. 3. 4.]\nTrue\n",
    );
  }
});

Deno.test("write: NumPy archives round trip through ndio (python → ndio → python)", async () => {
  const original = await python(
    `import sys, io, numpy as np
b = io.BytesIO()
rng = np.random.default_rng(5)
np.savez_compressed(b, rng.integers(0, 100, 5000), w=rng.standard_normal((30, 7)).astype('>f4'), s=np.array(['x', 'yz']))
sys.stdout.buffer.write(b.getvalue())`,
  );
  const decoded = decodeNpz(original);
  const arrays = Object.fromEntries(decoded) as Record<string, NDArray>;
  for (const options of [{}, { compress: true }]) {
    const again = encodeNpz(arrays, options);
    const same = await python(
      `import sys, io, numpy as np
data = sys.stdin.buffer.read()
n = int.from_bytes(data[:8], 'little')
a, b = np.load(io.BytesIO(data[8:8+n])), np.load(io.BytesIO(data[8+n:]))
assert a.files == b.files, (a.files, b.files)
for k in a.files:
    assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and (a[k] == b[k]).all(), k
print('same')`,
      {
        stdin: new Uint8Array([
          ...new Uint8Array(new BigUint64Array([BigInt(original.length)]).buffer),
          ...original,
          ...again,
        ]),
      },
    );
    assert.equal(new TextDecoder().decode(same).trim(), "same");
  }
});

Deno.test("write: members flow in pieces, never whole (bounded memory for large archives)", async () => {
  const big = zeros([3_000_000], { dtype: "<f8" }); // 24 MB
  for (const compress of [false, true]) {
    let largest = 0;
    let total = 0;
    const sink: ByteSink = {
      write(chunk) {
        largest = Math.max(largest, chunk.length);
        total += chunk.length;
        return Promise.resolve();
      },
    };
    const writer = new NpzWriter(sink, { compress });
    for (let i = 0; i < 3; i++) await writer.add(`part${i}`, big);
    await writer.close();
    assert.ok(largest <= 1 << 20, `a write of ${largest} bytes`);
    assert.ok(compress ? total < 1_000_000 : total > 72_000_000);
  }
});
