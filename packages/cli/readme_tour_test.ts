// The README's tour pastes real output: run each of its commands again and
// compare, timings aside.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { prepareTour, readmeBlocks, runStop, TOUR } from "./_readme_tour.ts";
import { tempDir } from "./_test_helpers.ts";

/** A block with the timing columns of a `sizes` table blanked, and column padding undone. */
function withoutTimings(text: string): string {
  return text.split("\n").map((line) => {
    const cells = line.split(/\s{2,}/);
    if (cells.length !== 7 || !/^\d+\.\d$/.test(cells[4]!)) return line;
    return [...cells.slice(0, 4), "#", "#", cells[6]].join(" | ");
  }).join("\n").replace(/^(format|file)(\s{2,}\S[^\n]*)$/m, (l) => l.split(/\s{2,}/).join(" | "));
}

Deno.test("README: the tour shows what each command prints", async () => {
  const readme = await Deno.readTextFile(
    fileURLToPath(new URL("../../README.md", import.meta.url)),
  );
  const blocks = readmeBlocks(readme);
  assert.deepEqual(
    blocks.map((b) => b.command),
    TOUR.map((s) => s.command),
    "the README's tour is not the one in _readme_tour.ts; regenerate it",
  );
  await using dir = await tempDir();
  await prepareTour(dir.path);
  for (const [i, stop] of TOUR.entries()) {
    const actual = await runStop(stop, dir.path);
    const expected = `$ ${blocks[i]!.command}\n${blocks[i]!.output}`;
    const stale = `the README's output of "${stop.command}" is stale; ` +
      "regenerate the tour with: deno run -A packages/cli/_readme_tour.ts";
    try {
      if (stop.timed) assert.equal(withoutTimings(actual), withoutTimings(expected));
      else assert.equal(actual, expected);
    } catch (error) {
      throw new Error(`${stale}\n${(error as Error).message}`);
    }
  }
});
