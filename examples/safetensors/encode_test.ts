import assert from "node:assert/strict";
import { arange, ArgumentError, array, bytesSink, NDArray, UnsupportedError } from "@ndio/core";
import {
  decodeSafetensors,
  DTYPE_SIZES,
  encodeSafetensors,
  parseSafetensorsHeader,
  writeSafetensors,
} from "./mod.ts";
import { fixture, fromBase64, numpyDescribe, rawBytes } from "./_test_helpers.ts";

for (const name of ["weights", "empty"]) {
  Deno.test(`encodeSafetensors rewrites ${name}.safetensors byte for byte`, () => {
    const bytes = fixture(`${name}.safetensors`);
    const file = decodeSafetensors(bytes);
    assert.deepEqual(encodeSafetensors(file.tensors, { metadata: file.metadata }), bytes);
  });
}

Deno.test("BF16 writing rounds to nearest even exactly as NumPy's bit arithmetic", () => {
  const bytes = fixture("bfloat16.safetensors");
  const file = decodeSafetensors(bytes, { exoticFloats: "bits" });
  const source = file.tensors.get("source")!;
  const rewritten = encodeSafetensors(new Map([["source", source], ["x", source]]), {
    bf16: ["x"],
  });
  assert.deepEqual(rewritten, bytes);
  // bf16: true narrows every float32 array.
  const all = decodeSafetensors(encodeSafetensors({ source }, { bf16: true }));
  assert.equal(all.header.tensors[0]?.dtype, "BF16");
});

Deno.test("NumPy reads what encodeSafetensors writes: every dtype, byte orders, views", async () => {
  const grid = arange(24, { dtype: ">f8" }).reshape([2, 3, 4]);
  const arrays = new Map<string, NDArray>([
    ["u8", array([0, 255, 7], { dtype: "|u1" })],
    ["big_endian", array([1, -2, 300000], { dtype: ">i4" })],
    ["transposed", grid.transpose([2, 0, 1])],
    ["strided", grid.index("1, ::-2, 1:3")],
    ["f16", array([0.5, 65504, -1e-7], { dtype: "<f2" })],
    ["c64", array([[1, 2], [3, 4]], { dtype: "<c8" })],
    ["bool", array([true, false], { dtype: "|b1" })],
    ["i64", array([-(2n ** 63n), 5n], { dtype: "<i8" })],
    ["u64", array([2n ** 64n - 1n], { dtype: ">u8" })],
    ["scalar", array(2.5, { dtype: "<f4" })],
    ["empty", new NDArray("<i2", [3, 0])],
    ["weights", array([1.0, 1.00390625, 3.14159], { dtype: "<f4" })],
  ]);
  const bytes = encodeSafetensors(arrays, { metadata: { format: "np", "1": "integer-like" } });
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  try {
    await Deno.writeFile(path, bytes);
    const described = await numpyDescribe(path);
    assert.deepEqual(described.metadata, { format: "np", "1": "integer-like" });
    for (const [name, source] of arrays) {
      const got = described.tensors[name]!;
      assert.equal(got.dtype, source.dtype.withByteOrder("<").str, name);
      assert.deepEqual(got.shape, source.shape, name);
      assert.deepEqual(fromBase64(got.data), rawBytes(source), name);
    }
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("every tensor's data is aligned to its element size", () => {
  const bytes = encodeSafetensors({
    a: array([1], { dtype: "|u1" }),
    b: array([1], { dtype: "<f8" }),
    c: array([1, 2, 3], { dtype: "<i2" }),
    d: array([1], { dtype: "<f4" }),
  });
  const header = parseSafetensorsHeader(bytes);
  assert.equal(header.dataOffset % 8, 0);
  for (const t of header.tensors) {
    assert.equal((header.dataOffset + t.dataOffsets[0]) % DTYPE_SIZES[t.dtype], 0, t.name);
  }
  assert.deepEqual(header.tensors.map((t) => t.name), ["b", "d", "c", "a"]);
});

Deno.test("writeSafetensors streams the same bytes as encodeSafetensors", async () => {
  const arrays = { big: arange(300_000, { dtype: "<f4" }), small: arange(3, { dtype: "<i2" }) };
  const sink = bytesSink();
  await writeSafetensors(arrays, sink, { bf16: ["big"] });
  assert.deepEqual(sink.bytes(), encodeSafetensors(arrays, { bf16: ["big"] }));
});

Deno.test("dtypes and names safetensors cannot hold are refused", () => {
  for (const descr of ["<c16", "<U3", "|S2", "<M8[s]", "|O", "<f16"]) {
    const a = new NDArray(descr, [1]);
    assert.throws(
      () => encodeSafetensors({ a }),
      (e: Error) =>
        e instanceof UnsupportedError && e.code === "safetensors-dtype-unsupported" &&
        e.message.includes(`array "a" has dtype`),
      descr,
    );
  }
  const structured = new NDArray([["x", "<i4"]], [2]);
  assert.throws(() => encodeSafetensors({ structured }), UnsupportedError);
  assert.throws(
    () => encodeSafetensors({ __metadata__: arange(2) }),
    (e: Error) => e instanceof ArgumentError && /__metadata__/.test(e.message),
  );
  assert.throws(() => encodeSafetensors({ a: [1, 2] as unknown as NDArray }), ArgumentError);
  assert.throws(() => encodeSafetensors(arange(3) as never), ArgumentError);
});

Deno.test("bad write options are argument errors", () => {
  const arrays = { a: arange(3, { dtype: "<i4" }), f: arange(2, { dtype: "<f4" }) };
  assert.throws(() => encodeSafetensors(arrays, { bf16: ["a"] }), /only float32 arrays/);
  assert.throws(() => encodeSafetensors(arrays, { bf16: ["zz"] }), /not an array given/);
  assert.throws(() => encodeSafetensors(arrays, { bf16: "yes" as never }), ArgumentError);
  assert.throws(
    () => encodeSafetensors(arrays, { metadata: { n: 1 } as never }),
    /metadata must map strings to strings/,
  );
});

Deno.test('a name such as "__proto__" is an ordinary tensor name', () => {
  const arrays = new Map([["__proto__", arange(2)], ["constructor", arange(1)]]);
  const file = decodeSafetensors(encodeSafetensors(arrays));
  assert.deepEqual([...file.tensors.keys()].sort(), ["__proto__", "constructor"]);
});
