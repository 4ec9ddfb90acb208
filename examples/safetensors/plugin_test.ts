import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  array,
  bytesSink,
  bytesSource,
  createRegistry,
  type FormatPlugin,
  type NDArray,
  NotDetectedError,
  parseIndex,
} from "@ndio/core";
import safetensorsDefault, { encodeSafetensors, safetensorsPlugin } from "./mod.ts";
import { fixture } from "./_test_helpers.ts";

const plugin: FormatPlugin = safetensorsPlugin;

Deno.test("the plugin is a valid registry member and the module's default export", () => {
  assert.equal(safetensorsDefault, safetensorsPlugin);
  const registry = createRegistry([plugin]);
  assert.equal(registry.get("safetensors"), plugin);
  assert.deepEqual(registry.forFileName("model.SAFETENSORS"), [plugin]);
  assert.ok(Object.isFrozen(plugin));
});

Deno.test("sniff: certain when the whole header parses, likely when it is cut, else 0", () => {
  assert.equal(plugin.sniff(fixture("empty.safetensors")), 1);
  assert.equal(plugin.sniff(fixture("bfloat16.safetensors").subarray(0, 512)), 1);
  const weights = fixture("weights.safetensors");
  assert.equal(plugin.sniff(weights.subarray(0, 512)), 0.9); // header is 1096 bytes
  // Not safetensors: .npy, text, zip, pickles, a length with no "{", garbage JSON.
  const npy = new Uint8Array([0x93, ...new TextEncoder().encode("NUMPY"), 1, 0, 118, 0]);
  const samples = [
    npy,
    new TextEncoder().encode("1.0 2.0 3.0\n4.0 5.0 6.0\n"),
    new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0]),
    new Uint8Array([0x80, 0x04, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x7d]),
    new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7b]),
    new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x22, 0x7d, 0x7d]),
    new Uint8Array([2, 0, 0, 0, 1, 0, 0, 0, 0x7b, 0x7d]),
    new Uint8Array(3),
  ];
  for (const head of samples) assert.equal(plugin.sniff(head), 0, String(head));
  assert.throws(
    () => createRegistry([plugin]).detect(samples[1]!, { fileName: "x.safetensors" }),
    NotDetectedError,
  );
});

Deno.test("decode, read and inspect agree", async () => {
  const bytes = fixture("weights.safetensors");
  const decoded = plugin.decode!(bytes);
  const read = await plugin.read!(bytesSource(bytes));
  assert.equal(decoded.kind, "arrays");
  assert.equal(read.kind, "arrays");
  if (decoded.kind !== "arrays" || read.kind !== "arrays") return;
  assert.deepEqual([...decoded.arrays.keys()], [...read.arrays.keys()]);
  const info = await plugin.inspect!(bytesSource(bytes));
  assert.deepEqual(
    info.map((i) => [i.name, i.dtype.str, i.shape, i.fortranOrder]),
    [...decoded.arrays].map(([name, a]) => [name, a.dtype.str, a.shape, false]),
  );
  const bits = await plugin.inspect!(bytesSource(fixture("bfloat16.safetensors")), {
    exoticFloats: "bits",
  });
  assert.deepEqual(bits.map((i) => i.dtype.str), ["<f4", "<u2"]);
});

Deno.test("encode and write take any content kind, as np.savez names it", async () => {
  const one = plugin.encode!({ kind: "array", array: arange(3, { dtype: "<i4" }) });
  const back = plugin.decode!(one);
  assert.deepEqual(back.kind === "arrays" && [...back.arrays.keys()], ["arr_0"]);

  const value = new Map<string, NDArray | number[]>([
    ["weights", arange(4, { dtype: "<f4" })],
    ["list", [5.4, 9.1, 3.4]],
  ]);
  const fromValue = plugin.decode!(plugin.encode!({ kind: "value", value: value as never }));
  assert.ok(fromValue.kind === "arrays");
  assert.deepEqual(fromValue.arrays.get("list")?.toNested(), [5.4, 9.1, 3.4]);

  const arrays = new Map([["w", array([1.5, 2.5], { dtype: "<f4" })]]);
  const sink = bytesSink();
  await plugin.write!({ kind: "arrays", arrays }, sink, { metadata: { a: "b" }, bf16: true });
  assert.deepEqual(
    sink.bytes(),
    plugin.encode!({ kind: "arrays", arrays }, { metadata: { a: "b" }, bf16: true }),
  );
  assert.deepEqual(
    plugin.encode!({ kind: "arrays", arrays }, { bf16: true, unrelated: 1 }),
    encodeSafetensors(arrays, { bf16: true }),
  );
});

Deno.test("readIndex reads one tensor's slice; needs a name when there are several", async () => {
  const source = bytesSource(fixture("weights.safetensors"));
  const part = await plugin.readIndex!(source, parseIndex("::2"), { name: "u8" });
  assert.deepEqual(part.toNested(), [0, 2, 4]);
  await assert.rejects(
    () => plugin.readIndex!(source, parseIndex("0")),
    (e: Error) => e instanceof ArgumentError && /holds 17 tensors/.test(e.message),
  );
  const single = bytesSource(encodeSafetensors({ only: arange(6).reshape([2, 3]) }));
  assert.deepEqual((await plugin.readIndex!(single, parseIndex(":, 1"))).toNested(), [1n, 4n]);
  await assert.rejects(() => plugin.readIndex!(single, [], { name: 3 }), ArgumentError);
});

Deno.test("options of the wrong type are argument errors", () => {
  const bytes = fixture("weights.safetensors");
  assert.throws(() => plugin.decode!(bytes, { exoticFloats: "float16" }), ArgumentError);
  assert.throws(() => plugin.decode!(bytes, { maxHeaderSize: "big" }), ArgumentError);
  assert.throws(() => plugin.decode!(bytes, { names: "u8" }), ArgumentError);
});
