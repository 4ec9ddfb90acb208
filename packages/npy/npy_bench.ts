// deno bench --allow-all packages/npy/npy_bench.ts
// In-memory encode/decode, file save/load and partial reads of an 8 MB
// int64 array. NumPy's times for the same operations come from
// bench/npy_timing.ts, which runs both in one go (see BENCHMARKS.md).

import { bytesSource, NDArray } from "@ndio/core";
import { decodeNpy, encodeNpy, readNpyHeader, readNpyIndex } from "./mod.ts";
import { load, save } from "./fs.ts";

const count = 1_000_000;
const data = new Uint8Array(new BigInt64Array(count).map((_, i) => BigInt(i) * 7919n).buffer);
const array = new NDArray("<i8", [count], { data });
const matrix = array.reshape([1000, 1000]);
const file = encodeNpy(array);
const encodeNpyMatrix = encodeNpy(matrix);
const dir = Deno.makeTempDirSync({ prefix: "ndio-npy-bench-" });
const path = `${dir}/a.npy`;
await save(path, array);
let n = 0;

Deno.bench("encodeNpy 8 MB int64", { group: "encode" }, () => {
  encodeNpy(array);
});
Deno.bench("encodeNpy 8 MB int64, transposed view", { group: "encode" }, () => {
  encodeNpy(matrix.index("::2, ::2").T);
});
Deno.bench("decodeNpy 8 MB int64 (zero-copy)", { group: "decode" }, () => {
  decodeNpy(file);
});
Deno.bench("decodeNpy 8 MB int64, copy", { group: "decode" }, () => {
  decodeNpy(file, { copy: true });
});
Deno.bench("save 8 MB int64", { group: "file" }, async () => {
  await save(`${dir}/out_${n++ % 4}.npy`, array);
});
Deno.bench("load 8 MB int64", { group: "file" }, async () => {
  await load(path);
});
Deno.bench("readNpyHeader", { group: "partial" }, async () => {
  await readNpyHeader(bytesSource(file));
});
Deno.bench("readNpyIndex 100:200 of 1000x1000 int64", { group: "partial" }, async () => {
  await readNpyIndex(bytesSource(encodeNpyMatrix), "100:200");
});
Deno.bench("readNpyIndex :, 5 of 1000x1000 int64", { group: "partial" }, async () => {
  await readNpyIndex(bytesSource(encodeNpyMatrix), ":, 5");
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(dir, { recursive: true });
});
