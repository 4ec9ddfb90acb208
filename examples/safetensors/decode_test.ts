import assert from "node:assert/strict";
import { bytesSource, type NDArray, parseIndex } from "@ndio/core";
import {
  decodeSafetensors,
  readSafetensors,
  readSafetensorsHeader,
  readSafetensorsIndex,
} from "./mod.ts";
import {
  type Described,
  fixture,
  fromBase64,
  numpyDescribe,
  numpyEval,
  rawBytes,
  testdata,
} from "./_test_helpers.ts";

function assertMatchesNumpy(tensors: ReadonlyMap<string, NDArray>, expected: Described): void {
  assert.deepEqual([...tensors.keys()], expected.order);
  for (const [name, want] of Object.entries(expected.tensors)) {
    const got = tensors.get(name);
    assert.ok(got, `tensor ${name}`);
    assert.equal(got.dtype.str, want.dtype, `dtype of ${name}`);
    assert.deepEqual(got.shape, want.shape, `shape of ${name}`);
    const bytes = rawBytes(got);
    const wanted = fromBase64(want.data);
    if (want.code.startsWith("F8_")) {
      // Widened float8 NaNs carry NumPy's conversion payload bits; compare them as values.
      const values = (b: Uint8Array) => [...new Float32Array(b.slice().buffer)];
      assert.deepEqual(values(bytes), values(wanted), `values of ${name}`);
    } else {
      assert.deepEqual(bytes, wanted, `data of ${name}`);
    }
  }
}

for (const name of ["weights", "bfloat16", "float8", "empty"]) {
  Deno.test(`decodeSafetensors reads ${name}.safetensors as NumPy does`, async () => {
    const path = new URL(`${name}.safetensors`, testdata).pathname;
    const expected = await numpyDescribe(path);
    const file = decodeSafetensors(fixture(`${name}.safetensors`));
    assertMatchesNumpy(file.tensors, expected);
    assert.deepEqual(Object.fromEntries(file.metadata), expected.metadata);

    const read = await readSafetensors(bytesSource(fixture(`${name}.safetensors`)));
    assertMatchesNumpy(read.tensors, expected);
  });
}

Deno.test("decodeSafetensors gives zero-copy views of plain dtypes", () => {
  const bytes = fixture("weights.safetensors");
  const file = decodeSafetensors(bytes);
  const weight = file.tensors.get("embed.weight")!;
  assert.equal(weight.data.buffer, bytes.buffer);
  assert.equal(weight.dtype.str, "<f4");
  assert.deepEqual(file.tensors.get("i64")?.toNested(), [-(2n ** 63n), 2n ** 63n - 1n, 0n]);
  assert.deepEqual(file.tensors.get("mask")?.toNested(), [true, false, true]);
  assert.equal(file.tensors.get("scale")?.get(), 3.5);
  assert.deepEqual(file.tensors.get("nothing")?.shape, [0, 3]);
  assert.ok(file.tensors.has("\u00e9t\u00e9/\u6f22\u5b57"));
});

Deno.test("BF16 and float8 widen exactly to float32, or stay bits", () => {
  const bf16 = decodeSafetensors(fixture("bfloat16.safetensors"));
  const x = bf16.tensors.get("x")!;
  assert.equal(x.dtype.str, "<f4");
  assert.equal(x.get(0), 1);
  assert.equal(x.get(1), 1); // 1 + 2^-8 ties to even: 1
  assert.ok(Number.isNaN(x.get(5) as number));
  assert.equal(x.get(6), Infinity);

  const bits = decodeSafetensors(fixture("bfloat16.safetensors"), { exoticFloats: "bits" });
  assert.equal(bits.tensors.get("x")?.dtype.str, "<u2");
  assert.equal(bits.tensors.get("x")?.get(0), 0x3f80);

  const f8 = decodeSafetensors(fixture("float8.safetensors"));
  const e4m3 = f8.tensors.get("e4m3")!;
  assert.equal(e4m3.get(0x7e), 448); // E4M3FN's largest finite value
  assert.ok(Number.isNaN(e4m3.get(0x7f) as number));
  assert.equal(e4m3.get(0x01), 2 ** -9);
  assert.equal(e4m3.get(0xb8), -1);
  const e5m2 = f8.tensors.get("e5m2")!;
  assert.equal(e5m2.get(7, 11), 57344); // 0x7b, E5M2's largest finite value
  assert.equal(e5m2.get(7, 12), Infinity); // 0x7c
  assert.ok(Number.isNaN(e5m2.get(7, 13) as number));
  assert.equal(
    decodeSafetensors(fixture("float8.safetensors"), { exoticFloats: "bits" }).tensors.get("e4m3")
      ?.dtype.str,
    "|u1",
  );
});

Deno.test("names selects tensors; unknown names are argument errors", async () => {
  const bytes = fixture("weights.safetensors");
  const file = decodeSafetensors(bytes, { names: ["u8", "scale"] });
  assert.deepEqual([...file.tensors.keys()], ["u8", "scale"]);
  assert.throws(
    () => decodeSafetensors(bytes, { names: ["missing"] }),
    (e: Error) => e.name === "ArgumentError" && /no tensor named "missing"/.test(e.message),
  );
  const read = await readSafetensors(bytesSource(bytes), { names: ["i16"] });
  assert.deepEqual(read.tensors.get("i16")?.toNested(), [-32768, 32767]);
});

Deno.test("readSafetensors reads only the header and the tensors asked for", async () => {
  const bytes = fixture("weights.safetensors");
  const reads: [number, number][] = [];
  const inner = bytesSource(bytes);
  const source = {
    byteLength: inner.byteLength,
    read(offset: number, length: number) {
      reads.push([offset, length]);
      return inner.read(offset, length);
    },
  };
  const header = await readSafetensorsHeader(source);
  await readSafetensors(source, { names: ["u8"] });
  const u8 = header.tensors.find((t) => t.name === "u8")!;
  const fetched = reads.reduce((n, [, length]) => n + length, 0);
  const headerBytes = 8 + header.headerLength;
  // Twice the header (two calls: 8 bytes then the whole header each), plus u8's 5 bytes.
  assert.equal(fetched, 2 * (8 + headerBytes) + (u8.dataOffsets[1] - u8.dataOffsets[0]));
});

Deno.test("readSafetensorsIndex reads a slice as NumPy indexes it", async () => {
  const source = bytesSource(fixture("weights.safetensors"));
  const expected = await numpyEval<number[][]>(
    "m, t = s.read(sys.argv[2]); a = dict((n, x) for n, _, x in t)['i32']; " +
      "print(json.dumps(a[1, ::-1, 1:].tolist()))",
    new URL("weights.safetensors", testdata).pathname,
  );
  const part = await readSafetensorsIndex(source, "i32", parseIndex("1, ::-1, 1:"));
  assert.deepEqual(part.toNested(), expected);
  const bf16 = await readSafetensorsIndex(
    bytesSource(fixture("bfloat16.safetensors")),
    "x",
    parseIndex("6:8"),
  );
  assert.deepEqual(bf16.toNested(), [Infinity, -Infinity]);
  const empty = await readSafetensorsIndex(source, "i32", parseIndex("0, 1:1"));
  assert.deepEqual(empty.shape, [0, 2]);
});
