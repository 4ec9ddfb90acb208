// deno bench --allow-all packages/pickle/pickle_bench.ts
// The cost of the pickle machine itself: arrays (whose data is a view or
// one copy), and containers of many small values (one opcode each).

import { arange, PyFloat, type PyValue } from "@ndio/core";
import { dumps, loads, scan } from "./mod.ts";

const array = arange(1_000_000, { dtype: "<f8" }); // 8 MB
const floats: PyValue[] = Array.from({ length: 100_000 }, (_, i) => i + 0.5);
const records: PyValue = Array.from(
  { length: 10_000 },
  (_, i) => new Map<PyValue, PyValue>([["id", i], ["name", `item ${i}`], ["w", new PyFloat(i)]]),
);
const pickled = {
  p4: dumps(array, { protocol: 4 }),
  p5: dumps(array, { protocol: 5 }),
  floats: dumps(floats),
  records: dumps(records),
};

Deno.bench("loads 8 MB float64, protocol 4", { group: "array loads" }, () => {
  loads(pickled.p4);
});
Deno.bench("loads 8 MB float64, protocol 5", { group: "array loads" }, () => {
  loads(pickled.p5);
});
Deno.bench("dumps 8 MB float64, protocol 4", { group: "array dumps" }, () => {
  dumps(array, { protocol: 4 });
});
Deno.bench("dumps 8 MB float64, protocol 5", { group: "array dumps" }, () => {
  dumps(array, { protocol: 5 });
});
Deno.bench("loads 100k floats", { group: "containers" }, () => {
  loads(pickled.floats);
});
Deno.bench("dumps 100k floats", { group: "containers" }, () => {
  dumps(floats);
});
Deno.bench("loads 10k dicts", { group: "containers" }, () => {
  loads(pickled.records);
});
Deno.bench("dumps 10k dicts", { group: "containers" }, () => {
  dumps(records);
});
Deno.bench("scan 10k dicts", { group: "containers" }, () => {
  scan(pickled.records);
});
