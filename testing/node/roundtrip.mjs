// Runs under Node.js's own test runner (`node --test roundtrip.mjs`) in a
// directory whose node_modules holds the ndio packages as `deno pack` builds
// them: it proves the published JavaScript works outside Deno. node_test.ts
// sets it up: it reads what NumPy wrote to $NDIO_NODE_IN (numpy_inputs.py) and
// writes files to $NDIO_NODE_OUT that NumPy then checks (numpy_check.py).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import * as core from "@ndio/core";
import * as npy from "@ndio/npy";
import * as npz from "@ndio/npz";
import * as text from "@ndio/text";
import * as pickle from "@ndio/pickle";
import * as safetensors from "@ndio-examples/safetensors";

const inputs = process.env.NDIO_NODE_IN;
const out = process.env.NDIO_NODE_OUT;
const repo = process.env.NDIO_REPO;

test("runs on Node.js 20 or later", () => {
  assert.ok(Number(process.versions.node.split(".")[0]) >= 20, process.versions.node);
});

test("core: dtypes, indexing and the seed's slices", () => {
  const { arange, DType, randint } = core;
  assert.equal(
    DType.parse([["x", "<i4"], ["y", ">f8", [2]]]).descrRepr(),
    "[('x', '<i4'), ('y', '>f8', (2,))]",
  );
  const a = arange(24, { dtype: "<i4" }).reshape([2, 3, 4]);
  assert.deepEqual(a.index("1, :, ::2").toNested(), [[12, 14], [16, 18], [20, 22]]);
  const arr = randint(1, 100, [100, 100, 100], { seed: 0 });
  assert.deepEqual(arr.index("2:6, 4, 3:4").shape, [4, 1]);
});

test("core: float16 works without Float16Array", () => {
  const a = core.array([0.5, 65504, 1e-7, -2.5], { dtype: "<f2" });
  assert.deepEqual(a.toNested(), [0.5, 65504, 1.1920928955078125e-7, -2.5]);
  a.set([0], 1 + 2 ** -11); // a tie: rounds to even, 1
  assert.equal(a.get(0), 1);
  if (typeof globalThis.Float16Array === "undefined") {
    assert.throws(() => a.toTypedArray(), /no Float16Array/);
  }
});

test("core: typed errors and the registry", () => {
  assert.throws(() => core.DType.parse("<x9"), (e) => e instanceof core.NdioError);
  assert.throws(() => core.createRegistry([]).detect(new Uint8Array(4)), core.NotDetectedError);
});

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const cOrderBytes = (array) => Buffer.concat([...array.chunks({ order: "C" })]);

test("npy: every NumPy-made golden file reads as NumPy wrote it and writes back byte for byte", () => {
  const dir = join(repo, "packages/npy/testdata");
  const manifest = JSON.parse(readFileSync(join(dir, "golden.json"), "utf8"));
  assert.ok(manifest.length > 100);
  for (const entry of manifest) {
    const bytes = new Uint8Array(readFileSync(join(dir, "golden", entry.file)));
    const array = npy.decodeNpy(bytes);
    assert.equal(array.dtype.str, entry.str, entry.file);
    assert.deepEqual(array.shape, entry.shape, entry.file);
    assert.equal(hex(cOrderBytes(array)), entry.elements_hex, entry.file);
    if (entry.forced_version === null) {
      assert.equal(hex(npy.encodeNpy(array)), hex(bytes), entry.file);
    }
  }
});

test("npy: round trips, and files for NumPy to check", async () => {
  const arrays = {
    f2: core.array([0.5, 65504, -1e-7, 3], { dtype: "<f2" }).reshape([2, 2]),
    i8_be: core.array([-(2n ** 63n), 1n, 2n], { dtype: ">i8" }),
    fortran: core.arange(6, { dtype: "<f8" }).reshape([2, 3], "F"),
    records: core.array([[1, 2.5], [3, -4]].map(([x, y]) => ({ x, y })), {
      dtype: [["x", "<i4"], ["y", "<f8"]],
    }),
    text: core.array(["ndio", "runs", "in node"]),
  };
  for (const [name, array] of Object.entries(arrays)) {
    const bytes = npy.encodeNpy(array);
    const back = npy.decodeNpy(bytes);
    assert.equal(back.dtype.str, array.dtype.str, name);
    assert.deepEqual(back.toNested(), array.toNested(), name);
    const viaSource = await npy.readNpy(core.bytesSource(bytes));
    assert.deepEqual(viaSource.toNested(), array.toNested(), name);
    if (out) writeFileSync(join(out, `${name}.npy`), bytes);
  }
  const registry = core.createRegistry([npy.npyPlugin]);
  assert.equal(registry.detect(npy.encodeNpy(arrays.f2)).id, "npy");
});

const toBigInts = (nested) => Array.isArray(nested) ? nested.map(toBigInts) : BigInt(nested);

test("text: reads NumPy's savetxt files as np.loadtxt; writes np.savetxt's bytes", () => {
  const expected = JSON.parse(readFileSync(join(inputs, "expected.json"), "utf8"));
  const seed = text.loadtxt(readFileSync(join(inputs, "seed_ints.txt")), {
    delimiter: "\t",
    dtype: "<i8",
  });
  assert.deepEqual(seed.shape, [10, 10, 10]); // the "Original shape" header restores it
  assert.deepEqual(seed.toNested(), toBigInts(expected.seed_ints));
  const floats = text.loadtxt(readFileSync(join(inputs, "floats.txt"), "utf8"));
  assert.equal(floats.dtype.str, "<f8");
  assert.deepEqual(floats.toNested(), expected.floats);

  const ints = seed.reshape([100, 10]);
  const csv = text.savetxt(ints, {
    fmt: "%d",
    delimiter: ",",
    header: "Original shape: (10, 10, 10)",
  });
  assert.deepEqual(text.loadtxt(csv, { delimiter: "," }).toNested(), seed.toNested());
  const registry = core.createRegistry([text.textPlugin]);
  assert.equal(registry.detect(new TextEncoder().encode(csv), { fileName: "a.csv" }).id, "text");
  if (out) {
    writeFileSync(join(out, "text_ints.csv"), csv);
    writeFileSync(join(out, "text_ints.npy"), npy.encodeNpy(ints));
    writeFileSync(join(out, "text_floats.txt"), text.savetxt(floats));
    writeFileSync(join(out, "text_floats.npy"), npy.encodeNpy(floats));
  }
});

test("pickle: NumPy-made pickles at protocols 0 to 5, round trips, refusals, files for NumPy", () => {
  const dir = join(repo, "packages/pickle/testdata");
  for (let p = 0; p <= 5; p++) {
    const seed = pickle.loads(new Uint8Array(readFileSync(join(dir, `seed.p${p}.pkl`))));
    assert.ok(seed instanceof Map);
    assert.deepEqual(seed.get("list"), [5.4, 9.1, 3.4]);
    assert.deepEqual(seed.get("array").shape, [3, 4, 5]);
    assert.equal(seed.get("another_array").get(6), 1);
  }
  const evil = new Uint8Array(readFileSync(join(dir, "malicious/os_system.p4.pkl")));
  assert.throws(() => pickle.loads(evil), core.ForbiddenError);
  assert.equal(pickle.scan(evil).verdict, "forbidden");
  const value = new Map([
    ["array", core.arange(6, { dtype: "<f8" }).reshape([2, 3])],
    ["list", [5.4, 9.1, 3.4]],
    ["big", 2n ** 70n],
  ]);
  for (const protocol of [2, 5]) {
    const bytes = pickle.dumps(value, { protocol });
    const back = pickle.loads(bytes);
    assert.deepEqual(back.get("array").toNested(), [[0, 1, 2], [3, 4, 5]]);
    assert.equal(back.get("big"), 2n ** 70n);
    if (out) writeFileSync(join(out, `node.p${protocol}.pkl`), bytes);
  }
});

test("npz: reads NumPy's savez and savez_compressed files; writes archives NumPy checks", async () => {
  const seed = await npz.loadNpz(new Uint8Array(readFileSync(join(inputs, "seed.npz"))));
  assert.deepEqual(seed.files, ["arr_0", "arr_1"]);
  const arr = await seed.array("arr_0");
  assert.deepEqual(arr.shape, [10, 10, 10]);
  const expected = JSON.parse(readFileSync(join(inputs, "expected.json"), "utf8"));
  assert.deepEqual(arr.toNested(), toBigInts(expected.seed_ints));
  const compressed = npz.decodeNpz(
    new Uint8Array(readFileSync(join(inputs, "seed_compressed.npz"))),
  );
  assert.deepEqual([...compressed.keys()], ["label", "arr_0", "arr_1"]);
  assert.deepEqual(compressed.get("arr_0").toNested(), arr.toNested());
  assert.deepEqual(compressed.get("arr_1").toNested(), [0, 1, 2, 3, 4]);

  const arrays = [arr, compressed.get("arr_1"), { label: compressed.get("label") }];
  const stored = npz.encodeNpz(arrays);
  const sink = core.bytesSink();
  await npz.savezCompressed(sink, arrays); // CompressionStream, Node's zlib
  const chunks = [];
  const plainSink = { write: (c) => Promise.resolve(void chunks.push(c.slice())) };
  await npz.savez(plainSink, arrays, { compress: true });
  const streamed = Buffer.concat(chunks);
  for (const bytes of [stored, sink.bytes(), streamed]) {
    const back = await npz.loadNpz(bytes); // Node 20 has no `using`
    assert.deepEqual(back.files, ["label", "arr_0", "arr_1"]);
    assert.deepEqual((await back.array("arr_0")).toNested(), arr.toNested());
    back.close();
  }
  const registry = core.createRegistry([npz.npzPlugin]);
  assert.equal(registry.detect(stored, { fileName: "a.npz" }).id, "npz");
  if (out) {
    writeFileSync(join(out, "node_stored.npz"), stored);
    writeFileSync(join(out, "node_compressed.npz"), sink.bytes());
    writeFileSync(join(out, "node_streamed.npz"), streamed);
  }
});

test("safetensors (a third-party plugin): round trip and a NumPy-made fixture", () => {
  const { decodeSafetensors, encodeSafetensors, safetensorsPlugin } = safetensors;
  const arrays = {
    w: core.arange(6, { dtype: "<f4" }).reshape([2, 3]),
    half: core.array([1.5, -2], { dtype: "<f2" }),
    ids: core.array([-(2n ** 63n), 7n], { dtype: ">i8" }),
  };
  const bytes = encodeSafetensors(arrays, { metadata: { runtime: "node" }, bf16: ["w"] });
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.tensors.get("w").toNested(), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(back.tensors.get("ids").toNested(), [-(2n ** 63n), 7n]);
  assert.equal(back.metadata.get("runtime"), "node");
  const registry = core.createRegistry([safetensorsPlugin]);
  assert.equal(registry.detect(bytes.subarray(0, 512)).id, "safetensors");
  if (out) writeFileSync(join(out, "node.safetensors"), bytes);

  const fixture = readFileSync(join(repo, "examples/safetensors/testdata/weights.safetensors"));
  const file = decodeSafetensors(new Uint8Array(fixture));
  assert.deepEqual(file.tensors.get("i16").toNested(), [-32768, 32767]);
});
