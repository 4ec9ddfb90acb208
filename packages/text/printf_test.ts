// Python's printf semantics, checked against python3 on random specs and
// values: every case is formatted by both and must match byte for byte.

import assert from "node:assert/strict";
import { pythonJson } from "../../testing/python.ts";
import { ByteWriter } from "./_byte_writer.ts";
import { parseFormat, writeFloat, writeInteger } from "./_printf.ts";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

function randomDouble(next: () => number): number {
  const pick = next();
  if (pick < 0.5) {
    // Any bit pattern that is finite: covers subnormals and extremes.
    for (;;) {
      words[0] = (next() * 4294967296) >>> 0;
      words[1] = (next() * 4294967296) >>> 0;
      if (Number.isFinite(bits[0]!)) return bits[0]!;
    }
  }
  if (pick < 0.7) return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
  if (pick < 0.85) {
    // Exact ties and short binary fractions.
    return (Math.floor(next() * 2000) - 1000) / 2 ** Math.floor(next() * 12);
  }
  const specials = [0, -0, 0.5, 1.5, 2.5, 1e16, 1e-5, 9.5, 0.125, 5e-324, 1.7976931348623157e308];
  return specials[Math.floor(next() * specials.length)]!;
}

function randomSpec(next: () => number, convs: string): string {
  let s = "%";
  for (const f of ["-", "+", " ", "#", "0"]) if (next() < 0.15) s += f;
  if (next() < 0.4) s += String(Math.floor(next() * 30));
  if (next() < 0.7) s += "." + String(Math.floor(next() * (next() < 0.1 ? 60 : 20)));
  return s + convs[Math.floor(next() * convs.length)];
}

function hex(x: number): string {
  bits[0] = x;
  return words[1]!.toString(16).padStart(8, "0") + words[0]!.toString(16).padStart(8, "0");
}

function format(spec: string, x: number | bigint, integer: boolean): string {
  const w = new ByteWriter(64);
  const parsed = parseFormat(spec).specs[0]!;
  if (integer) writeInteger(w, parsed, x);
  else writeFloat(w, parsed, x as number);
  return new TextDecoder().decode(w.take());
}

const PY_FLOATS = `
import json, struct, sys
cases = json.load(sys.stdin)
out = []
for spec, h in cases:
    x = struct.unpack('>d', bytes.fromhex(h))[0]
    out.append(spec % x)
print(json.dumps(out))
`;

Deno.test("float conversions match Python on random specs and doubles", async () => {
  const next = rng(20240601);
  const cases: [string, string][] = [];
  const values: number[] = [];
  for (let i = 0; i < 6000; i++) {
    const x = randomDouble(next);
    cases.push([randomSpec(next, "eEfFgG"), hex(x)]);
    values.push(x);
  }
  for (const x of [NaN, Infinity, -Infinity]) {
    for (const spec of ["%f", "%+010.2e", "%-8G", "% F", "%010f"]) {
      cases.push([spec, hex(x)]);
      values.push(x);
    }
  }
  const expected = await pythonJson<string[]>(PY_FLOATS, {
    stdin: new TextEncoder().encode(JSON.stringify(cases)),
  });
  let failures = 0;
  cases.forEach(([spec], i) => {
    const got = format(spec, values[i]!, false);
    if (got !== expected[i] && failures++ < 10) {
      assert.equal(got, expected[i], `${spec} % ${values[i]} (0x${cases[i]![1]})`);
    }
  });
  assert.equal(failures, 0);
});

Deno.test("%.18e matches Python on random doubles across the whole range", async () => {
  const next = rng(7);
  const cases: [string, string][] = [];
  const values: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const x = randomDouble(next);
    cases.push(["%.18e", hex(x)]);
    values.push(x);
  }
  const expected = await pythonJson<string[]>(PY_FLOATS, {
    stdin: new TextEncoder().encode(JSON.stringify(cases)),
  });
  cases.forEach(([spec], i) => {
    assert.equal(format(spec, values[i]!, false), expected[i], `0x${cases[i]![1]}`);
  });
});

Deno.test("integer conversions match Python", async () => {
  const next = rng(99);
  const cases: [string, string][] = [];
  const values: bigint[] = [];
  for (let i = 0; i < 3000; i++) {
    const big = next() < 0.3;
    let x = big
      ? BigInt.asIntN(
        64,
        (BigInt(Math.floor(next() * 2 ** 32)) << 32n) | BigInt(Math.floor(next() * 2 ** 32)),
      )
      : BigInt(Math.floor((next() - 0.5) * 10 ** Math.floor(next() * 10)));
    if (next() < 0.05) x = 0n;
    cases.push([randomSpec(next, "diuoxX"), x.toString()]);
    values.push(x);
  }
  const expected = await pythonJson<string[]>(
    `
import json, sys
print(json.dumps([spec % int(v) for spec, v in json.load(sys.stdin)]))
`,
    { stdin: new TextEncoder().encode(JSON.stringify(cases)) },
  );
  cases.forEach(([spec], i) => {
    const x = values[i]!;
    const small = x >= -(2n ** 53n) && x <= 2n ** 53n;
    assert.equal(format(spec, small ? Number(x) : x, true), expected[i], `${spec} % ${x}`);
  });
});

Deno.test("format parsing: %% is literal, * and mapping keys are refused", () => {
  const parsed = parseFormat("a%%b%5.2fc");
  assert.deepEqual(parsed.literals, ["a%b", "c"]);
  assert.equal(parsed.specs[0]!.conv, "f");
  assert.throws(() => parseFormat("%*d"));
  assert.throws(() => parseFormat("%(x)d"));
  assert.throws(() => parseFormat("%y"));
  assert.throws(() => parseFormat("%5"));
});
