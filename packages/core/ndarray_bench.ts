// Benchmarks of the NDArray operations formats lean on: streaming strided
// views out (chunks), byte swapping, copies, typed-array access, casts,
// matmul and repr. Run with `./deno task bench packages/core`.

import { arange, type NDArray, randint } from "./mod.ts";

const floats = arange(1_000_000, { dtype: "<f8" }).reshape([1000, 1000]);
const transposed = floats.T;
const everyOther = floats.index("::2, ::2");
const ints = randint(0, 1000, [1000, 1000], { seed: 1 });
const bigEndian = floats.astype(">f8");
const int16 = arange(1_000_000, { dtype: "<i4" }).astype("<i2").reshape([1000, 1000]).T;
const bytes = arange(1_000_000, { dtype: "|u1" }).reshape([1000, 1000]).T;
const m200 = randint(0, 100, [200, 200], { seed: 2 }).astype("<f8");
const seed = randint(1, 100, [100, 100, 100], { seed: 3 });

function drain(a: NDArray): number {
  let n = 0;
  for (const chunk of a.chunks()) n += chunk.length;
  return n;
}

Deno.bench("chunks: C-contiguous 8 MB (views, no copy)", { group: "chunks" }, () => {
  drain(floats);
});
Deno.bench("chunks: transposed 8 MB float64", { group: "chunks", baseline: true }, () => {
  drain(transposed);
});
Deno.bench("chunks: [::2, ::2] of 8 MB float64", { group: "chunks" }, () => {
  drain(everyOther);
});
Deno.bench("chunks: transposed 2 MB int16", { group: "chunks" }, () => {
  drain(int16);
});
Deno.bench("chunks: transposed 1 MB uint8", { group: "chunks" }, () => {
  drain(bytes);
});

Deno.bench("copy: C-contiguous 8 MB", { group: "copy" }, () => {
  floats.copy();
});
Deno.bench("copy: transposed 8 MB to C order", { group: "copy" }, () => {
  transposed.copy();
});
Deno.bench("withByteOrder: 8 MB float64 to big-endian", { group: "copy" }, () => {
  floats.withByteOrder(">");
});

Deno.bench("toTypedArray: contiguous (a view)", { group: "typed" }, () => {
  floats.toTypedArray();
});
Deno.bench("toTypedArray: big-endian 8 MB (copy and swap)", { group: "typed" }, () => {
  bigEndian.toTypedArray();
});

Deno.bench("astype: int64 to float64, 1M", { group: "astype" }, () => {
  ints.astype("<f8");
});
Deno.bench("astype: float64 to float32, 1M", { group: "astype" }, () => {
  floats.astype("<f4");
});
Deno.bench("astype: float64 to int32, 1M", { group: "astype" }, () => {
  floats.astype("<i4");
});

Deno.bench("matmul: 200x200 float64", { group: "matmul" }, () => {
  m200.matmul(m200);
});
Deno.bench("matmul: the seed's arr[2:6, 4, 3:4] @ arr[8:9, 3, 4:8]", { group: "matmul" }, () => {
  seed.index("2:6, 4, 3:4").matmul(seed.index("8:9, 3, 4:8"));
});

Deno.bench("repr: the seed's arr[:2] (summarized)", { group: "repr" }, () => {
  seed.index(":2").toString();
});
Deno.bench("repr: 1000 float64", { group: "repr" }, () => {
  floats.index("0").toString();
});
