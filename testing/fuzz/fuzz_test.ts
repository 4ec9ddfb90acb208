// The fuzzer's seeded short run (a few seconds) and the replay of every
// crasher it has found, which stay fixed.

import assert from "node:assert/strict";
import { fuzz, judge, replay } from "./fuzz.ts";
import { mutate, Prng } from "./mutate.ts";

const TESTDATA = new URL("./testdata", import.meta.url).pathname;

function report(findings: { target: string; kind: string; detail: string }[]): string {
  return findings.map((f) => `${f.target}: ${f.kind}: ${f.detail.split("\n")[0]}`).join("\n");
}

Deno.test("fuzz: a seeded short run of every target breaks no rule", async () => {
  const summaries = await fuzz({ seed: 20261126, iterations: 250, timeoutMs: 10_000 });
  const findings = summaries.flatMap((s) => s.findings);
  assert.deepEqual(findings, [], report(findings));
  for (const s of summaries) {
    assert.equal(s.runs, 250, s.target);
    // Both outcomes occur: the mutations neither always break nor never break
    // the input (scan reports what it finds instead of refusing).
    const refuses = s.target !== "pickle-scan";
    assert.ok(
      s.ok > 0 && (s.typed > 0 || !refuses),
      `${s.target}: ${s.ok} decoded, ${s.typed} refused`,
    );
  }
});

Deno.test("fuzz: every saved crasher now keeps the rules", async () => {
  const { runs, findings } = await replay(TESTDATA, { timeoutMs: 10_000 });
  assert.ok(runs > 0);
  assert.deepEqual(findings, [], report(findings));
});

Deno.test("fuzz: mutations are reproducible from the seed", () => {
  const input = new TextEncoder().encode("{'descr': '<f8', 'shape': (3, 4), }");
  const run = (seed: number) => {
    const rng = new Prng(seed);
    return Array.from({ length: 50 }, () => mutate(input, rng, { corpus: [input] }).bytes);
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
});

Deno.test("fuzz: the judge flags crashes, hangs and amplified output", () => {
  const cap = 2 ** 40;
  const reply = { id: 1, output: 0, ms: 1 };
  assert.equal(judge({ ...reply, outcome: "typed" }, 10, 100, cap), null);
  assert.equal(judge({ ...reply, outcome: "ok", output: 65536 + 160 }, 10, 100, cap), null);
  assert.equal(
    judge({ ...reply, outcome: "ok", output: 65536 + 161 }, 10, 100, cap)?.kind,
    "memory",
  );
  assert.equal(
    judge({ ...reply, outcome: "crash", error: "TypeError: x" }, 10, 100, cap)?.kind,
    "crash",
  );
  assert.equal(judge(null, 10, 100, cap)?.kind, "hang");
  assert.equal(judge({ ...reply, outcome: "ok" }, 10, 100, 1)?.kind, "memory");
});

Deno.test("fuzz: a hang is cut off at the time limit and a plain exception is a crash", async () => {
  const [hang, crash] = await fuzz({
    targets: ["self-test-hang", "self-test-crash"],
    iterations: 2,
    timeoutMs: 1000,
  });
  assert.equal(hang!.findings[0]?.kind, "hang");
  assert.equal(hang!.runs, 2);
  assert.equal(crash!.findings[0]?.kind, "crash");
  assert.match(crash!.findings[0]!.detail, /TypeError: not an ndio error/);
});
