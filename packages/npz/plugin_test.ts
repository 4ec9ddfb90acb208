// npzPlugin in a registry: detection, whole reads, headers alone, and
// partial reads of a stored member that touch only the bytes needed.

import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  type ByteSource,
  bytesSink,
  bytesSource,
  createRegistry,
  parseIndex,
} from "@ndio/core";
import { npyPlugin } from "@ndio/npy";
import { encodeNpz, npzPlugin } from "./mod.ts";

function countingSource(bytes: Uint8Array): ByteSource & { bytesRead: number } {
  const inner = bytesSource(bytes);
  const source = {
    byteLength: bytes.length,
    bytesRead: 0,
    read(offset: number, length: number): Promise<Uint8Array> {
      source.bytesRead += length;
      return inner.read(offset, length);
    },
  };
  return source;
}

Deno.test("plugin: detects archives by magic and name, beside npy", () => {
  const registry = createRegistry([npyPlugin, npzPlugin]);
  const bytes = encodeNpz({ a: arange(3) });
  assert.equal(registry.detect(bytes).id, "npz"); // first member is .npy
  assert.equal(npzPlugin.sniff(encodeNpz({}), { fileName: "e.npz" }), 1); // empty: PK\x05\x06
  assert.equal(npzPlugin.sniff(new Uint8Array([0x50, 0x4b, 3, 4])), 0.5);
  assert.equal(npzPlugin.sniff(new Uint8Array([0x93, 0x4e])), 0);
});

Deno.test("plugin: decode, read, encode and write agree", async () => {
  const arrays = new Map([["x", arange(6).reshape([2, 3])], ["y", arange(2, { dtype: "<f4" })]]);
  for (const options of [{}, { compress: true }]) {
    const bytes = npzPlugin.encode!({ kind: "arrays", arrays }, options);
    const sink = bytesSink();
    await npzPlugin.write!({ kind: "arrays", arrays }, sink, options);
    for (const archive of [bytes, sink.bytes()]) {
      const decoded = npzPlugin.decode!(archive);
      const read = await npzPlugin.read!(bytesSource(archive));
      for (const content of [decoded, read]) {
        assert.equal(content.kind, "arrays");
        if (content.kind !== "arrays") continue;
        assert.deepEqual([...content.arrays.keys()], ["x", "y"]);
        assert.deepEqual(content.arrays.get("x")!.toNested(), [[0n, 1n, 2n], [3n, 4n, 5n]]);
      }
    }
  }
  // An array content is saved as arr_0, as np.savez(f, a).
  const single = npzPlugin.decode!(npzPlugin.encode!({ kind: "array", array: arange(2) }));
  assert.deepEqual(single.kind === "arrays" && [...single.arrays.keys()], ["arr_0"]);
});

Deno.test("plugin: inspect reads headers only; readIndex reads only the selected bytes of a stored member", async () => {
  const big = arange(1_000_000, { dtype: "<f8" }).reshape([1000, 1000]);
  const bytes = encodeNpz({ small: arange(3), big });
  const source = countingSource(bytes);
  const infos = await npzPlugin.inspect!(source);
  assert.deepEqual(infos.map((i) => [i.name, i.dtype.str, i.shape]), [
    ["small", "<i8", [3]],
    ["big", "<f8", [1000, 1000]],
  ]);
  assert.ok(source.bytesRead < 4096, `inspect read ${source.bytesRead} bytes`);
  source.bytesRead = 0;
  const part = await npzPlugin.readIndex!(source, parseIndex("500, 10:13"), { name: "big" });
  assert.deepEqual(part.toNested(), [500010, 500011, 500012]);
  assert.ok(source.bytesRead < 4096, `readIndex read ${source.bytesRead} bytes`);
  await assert.rejects(npzPlugin.readIndex!(source, parseIndex("0")), ArgumentError);
  // A compressed member is inflated, then indexed.
  const compressed = encodeNpz({ big }, { compress: true });
  const column = await npzPlugin.readIndex!(bytesSource(compressed), parseIndex(":3, 7"));
  assert.deepEqual(column.toNested(), [7, 1007, 2007]);
  const header = await npzPlugin.inspect!(bytesSource(compressed));
  assert.deepEqual(header[0]!.shape, [1000, 1000]);
});
