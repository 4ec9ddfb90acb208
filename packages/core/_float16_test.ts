import assert from "node:assert/strict";
import fc from "fast-check";
import { halfToNumber, numberToHalf } from "./_float16.ts";

// Deno has native float16; the software fallback (for Node.js 20 and older
// browsers) must agree with it bit for bit.
const view = new DataView(new ArrayBuffer(2));

Deno.test("halfToNumber agrees with DataView.getFloat16 on all 65536 bit patterns", () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    view.setUint16(0, bits, true);
    assert.ok(Object.is(halfToNumber(bits), view.getFloat16(0, true)), `bits ${bits}`);
  }
});

Deno.test("numberToHalf rounds as DataView.setFloat16", () => {
  const check = (value: number) => {
    view.setFloat16(0, value, true);
    const native = view.getUint16(0, true);
    const soft = numberToHalf(value);
    // NaN payloads may differ; both must be NaN.
    if (Number.isNaN(value)) assert.ok(Number.isNaN(halfToNumber(soft)));
    else assert.equal(soft, native, `value ${value}`);
  };
  // Every half value, and every midpoint between neighbours (the ties), and just off them.
  for (let bits = 0; bits < 0x7c00; bits++) {
    const a = halfToNumber(bits);
    const b = halfToNumber(bits + 1);
    for (const v of [a, (a + b) / 2, (a + b) / 2 * (1 + 2 ** -40), (a + b) / 2 * (1 - 2 ** -40)]) {
      check(v);
      check(-v);
    }
  }
  for (
    const v of [65504, 65519.99, 65520, 1e10, Infinity, -Infinity, NaN, -0, 2 ** -25, 2 ** -26]
  ) {
    check(v);
  }
  fc.assert(fc.property(fc.double(), (v) => check(v)), { numRuns: 20_000, seed: 7 });
});
