// deno bench for @ndio/text on the workloads (in memory). The NumPy
// comparison in the same run is bench/numpy_compare.ts.

import { NDArray, randint } from "@ndio/core";
import { loadtxt, savetxtBytes } from "./mod.ts";

function normal(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / 4294967297;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  }
  return out;
}

const ints = randint(1, 100, [100000, 10], { seed: 0 });
const bigInts = randint(1, 100, [1000000, 10], { seed: 1 });
const floats = new NDArray("<f8", [100000, 10], {
  data: new Uint8Array(normal(1_000_000, 2).buffer),
});
const intText = savetxtBytes(ints, { fmt: "%d", delimiter: "\t" });
const bigIntText = savetxtBytes(bigInts, { fmt: "%d", delimiter: "\t" });
const floatText = savetxtBytes(floats);

Deno.bench("savetxt 1M int64 %d", { group: "savetxt" }, () => {
  savetxtBytes(ints, { fmt: "%d", delimiter: "\t" });
});

Deno.bench("savetxt 1M float64 %.18e", { group: "savetxt" }, () => {
  savetxtBytes(floats);
});

Deno.bench("loadtxt 1M tab-separated ints", { group: "loadtxt" }, () => {
  loadtxt(intText, { delimiter: "\t", dtype: "int64" });
});

Deno.bench("loadtxt 10M tab-separated ints", { group: "loadtxt" }, () => {
  loadtxt(bigIntText, { delimiter: "\t", dtype: "int64" });
});

Deno.bench("loadtxt 1M %.18e floats", { group: "loadtxt" }, () => {
  loadtxt(floatText, { dtype: "float64" });
});
