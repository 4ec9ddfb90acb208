// Writing views: a strided array is gathered in bounded pieces, never
// copied whole first, and the pieces concatenate to np.save's bytes.

import assert from "node:assert/strict";
import { arange } from "@ndio/core";
import { encodeNpy, encodeNpyChunks, writeNpy } from "./mod.ts";

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

Deno.test("encodeNpyChunks: a strided view comes in pieces of chunkBytes at most", () => {
  const base = arange(1200 * 1000, { dtype: "<f8" }).reshape([1200, 1000]);
  const view = base.index("::2, 1::3"); // 600 x 333, neither C- nor F-contiguous
  assert.ok(!view.isCContiguous && !view.isFContiguous);
  const chunks = [...encodeNpyChunks(view, { chunkBytes: 64 << 10 })];
  const dataSizes = chunks.slice(1).map((c) => c.length);
  assert.ok(dataSizes.length > 10);
  assert.ok(Math.max(...dataSizes) <= 64 << 10, String(Math.max(...dataSizes)));
  assert.deepEqual(concat(chunks), encodeNpy(view.copy("C")));
  // Contiguous arrays come as views of their own buffer: no copy at all.
  const [, whole] = [...encodeNpyChunks(base)];
  assert.equal(whole!.buffer, base.data.buffer);
});

Deno.test("writeNpy: a transposed view of a view is written in bounded pieces", async () => {
  const view = arange(400 * 300, { dtype: ">i4" }).reshape([400, 300]).index("::-1, ::2").T;
  const sizes: number[] = [];
  const chunks: Uint8Array[] = [];
  await writeNpy(view, {
    write(chunk) {
      sizes.push(chunk.length);
      chunks.push(chunk.slice());
      return Promise.resolve();
    },
  }, { chunkBytes: 4096 });
  assert.ok(Math.max(...sizes.slice(1)) <= 4096);
  assert.deepEqual(concat(chunks), encodeNpy(view.copy("C")));
});
