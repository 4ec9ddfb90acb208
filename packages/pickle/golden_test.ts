// Golden fixtures written by Python and NumPy (testdata/make_fixtures.py):
// arrays of every dtype and layout, the seed's dict, containers, scalars and
// builtins at protocols 0 to 5, NumPy 1.x module names, old dtype states and
// out-of-band buffers. Each must load to what pickle.loads gave Python, as
// testdata/describe.py describes it.

import assert from "node:assert/strict";
import { NDArray } from "@ndio/core";
import { loads } from "./mod.ts";
import { describe } from "./testdata/describe.ts";

const dir = new URL("./testdata/", import.meta.url);

interface Expected {
  value: unknown;
  buffers?: string[];
}

const expected: Record<string, Expected> = JSON.parse(
  Deno.readTextFileSync(new URL("expected.json", dir)),
);

Deno.test("golden fixtures: every pickle loads as Python loaded it", () => {
  const names = Object.keys(expected);
  assert.ok(names.length > 300, `only ${names.length} fixtures`);
  const failures: string[] = [];
  for (const name of names) {
    const entry = expected[name]!;
    const bytes = Deno.readFileSync(new URL(name, dir));
    const buffers = entry.buffers?.map((b) => Deno.readFileSync(new URL(b, dir)));
    try {
      const value = loads(bytes, buffers === undefined ? {} : { buffers });
      assert.deepEqual(describe(value), entry.value);
    } catch (error) {
      failures.push(`${name}: ${String(error).slice(0, 600)}`);
    }
  }
  assert.deepEqual(failures, []);
});

Deno.test("golden fixtures: array data is a view of the input", () => {
  // Protocols 0 to 2 hold bytes as latin-1 text, which must be decoded.
  for (const name of ["big.p3.pkl", "big.p4.pkl", "big.p5.pkl", "dtype_le_f8.p4.pkl"]) {
    const bytes = Deno.readFileSync(new URL(name, dir));
    const array = loads(bytes) as NDArray;
    assert.ok(array instanceof NDArray);
    assert.ok(array.data.buffer === bytes.buffer, name);
  }
});

Deno.test("golden fixtures: NumPy 1.x and 2.x names give the same values", () => {
  for (let p = 0; p <= 5; p++) {
    const v1 = loads(Deno.readFileSync(new URL(`numpy1_seed.p${p}.pkl`, dir)));
    const v2 = loads(Deno.readFileSync(new URL(`seed.p${p}.pkl`, dir)));
    assert.deepEqual(describe(v1), describe(v2));
  }
});
