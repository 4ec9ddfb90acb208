import assert from "node:assert/strict";
import type { Output } from "./_output.ts";
import { Progress } from "./_progress.ts";

function fakeOutput(isTerminal: boolean, quiet = false): Output & { written: () => string } {
  let text = "";
  const stream = { write: (t: string) => (text += t), isTerminal };
  return {
    out: stream,
    err: stream,
    quiet,
    colorOut: false,
    colorErr: false,
    written: () => text,
  };
}

Deno.test("Progress: nothing for the first second, then a bar, cleared at the end", () => {
  let now = 0;
  const output = fakeOutput(true);
  const progress = new Progress(output, "writing", 100, { now: () => now });
  progress.advance(10);
  now = 900;
  progress.advance(10);
  assert.equal(output.written(), "");
  now = 1100;
  progress.advance(25);
  assert.ok(output.written().startsWith("\r\x1b[2K"), output.written());
  assert.match(output.written(), /writing \[#{14}\.{16}\] {2}45%$/);
  const before = output.written().length;
  now = 1150; // within the redraw interval: no redraw
  progress.advance(1);
  assert.equal(output.written().length, before);
  progress.finish();
  assert.ok(output.written().endsWith("\r\x1b[2K"));
});

Deno.test("Progress: never drawn when stderr is not a terminal, or with --quiet", () => {
  for (const output of [fakeOutput(false), fakeOutput(true, true)]) {
    let now = 0;
    const progress = new Progress(output, "reading", 10, { now: () => now });
    assert.equal(progress.enabled, false);
    now = 5000;
    progress.advance(5);
    progress.finish();
    assert.equal(output.written(), "");
  }
});

Deno.test("Progress: without a total, the bytes done so far", () => {
  let now = 0;
  const output = fakeOutput(true);
  const progress = new Progress(output, "writing a.csv", 0, { now: () => now });
  now = 1500;
  progress.advance(52_400_000);
  assert.match(output.written(), /writing a\.csv \.\.\. 52\.4 MB$/);
  progress.phase("reading", 0);
  assert.match(output.written(), /reading \.\.\.$/);
});
