// deno bench --allow-all packages/npz/npz_bench.ts
// The seed's array (8 MB of random int64 in [0, 100)) through each path of
// @ndio/npz: the runtime-agnostic one (web streams, fflate, JS CRC-32) and
// @ndio/npz/fs (node:zlib, threads). NumPy's times for the same operations
// come from `deno task bench:numpy --only npz` (see BENCHMARKS.md).

import { bytesSink, NDArray } from "@ndio/core";
import { decodeNpz, encodeNpz, loadNpz, savez, savezCompressed } from "./mod.ts";
import * as fs from "./fs.ts";
import { crc32 } from "./_crc32.ts";

const count = 1_000_000;
const values = new BigInt64Array(count);
let x = 2024;
for (let i = 0; i < count; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  values[i] = BigInt((x >>> 8) % 100);
}
const seed = new NDArray("<i8", [100, 100, 100], { data: new Uint8Array(values.buffer) });
const stored = encodeNpz([seed]);
const compressed = encodeNpz([seed], { compress: true });
const dir = Deno.makeTempDirSync({ prefix: "ndio-npz-bench-" });
const storedPath = await fs.savez(`${dir}/stored.npz`, [seed]);
const compressedPath = await fs.savezCompressed(`${dir}/compressed.npz`, [seed]);

Deno.bench("savez stored, to memory", { group: "save stored" }, async () => {
  await savez(bytesSink(), [seed]);
});
Deno.bench("savez stored, to a file (fs)", { group: "save stored" }, async () => {
  await fs.savez(`${dir}/out.npz`, [seed], { fsync: false });
});
Deno.bench("savezCompressed, CompressionStream", { group: "save compressed" }, async () => {
  await savezCompressed(bytesSink(), [seed]);
});
Deno.bench("encodeNpz compressed, fflate level 6", { group: "save compressed" }, () => {
  encodeNpz([seed], { compress: true });
});
Deno.bench("savezCompressed (fs), node:zlib, one thread", {
  group: "save compressed",
  baseline: true,
}, async () => {
  await fs.savezCompressed(`${dir}/out.npz`, [seed], { fsync: false, workers: 0 });
});
Deno.bench("savezCompressed (fs), node:zlib, 2 threads", { group: "save compressed" }, async () => {
  await fs.savezCompressed(`${dir}/out.npz`, [seed], { fsync: false, workers: 2 });
});
Deno.bench("member load, stored, in memory (zero-copy view)", { group: "load" }, async () => {
  using npz = await loadNpz(stored);
  await npz.get("arr_0");
});
Deno.bench("member load, stored, file (fs)", { group: "load" }, async () => {
  using npz = await fs.loadNpz(storedPath);
  await npz.get("arr_0");
});
Deno.bench("member load, compressed, DecompressionStream", { group: "load" }, async () => {
  using npz = await loadNpz(compressed);
  await npz.get("arr_0");
});
Deno.bench("member load, compressed, file, node:zlib (fs)", { group: "load" }, async () => {
  using npz = await fs.loadNpz(compressedPath);
  await npz.get("arr_0");
});
Deno.bench("member blocks (8 MiB), compressed, file (fs)", { group: "load" }, async () => {
  using npz = await fs.loadNpz(compressedPath);
  for await (const block of npz.blocks("arr_0")) block.size;
});
Deno.bench("member load, compressed, file, streamAbove: 0 (fs)", { group: "load" }, async () => {
  using npz = await fs.loadNpz(compressedPath, { streamAbove: 0 });
  await npz.get("arr_0");
});
Deno.bench("decodeNpz compressed, fflate (sync)", { group: "load" }, () => {
  decodeNpz(compressed);
});
Deno.bench("header of a compressed member (partial inflate)", { group: "inspect" }, async () => {
  using npz = await loadNpz(compressed);
  await npz.header("arr_0");
});
Deno.bench("CRC-32 of 8 MB, JavaScript", { group: "crc" }, () => {
  crc32(stored);
});
