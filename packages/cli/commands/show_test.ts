import assert from "node:assert/strict";
import { builtinPlugins } from "../builtin_plugins.ts";
import { EXPECTED, fixture, ndio, ndioInProcess } from "../_test_helpers.ts";

const LOADED = new Set(builtinPlugins.flatMap((p) => p.extensions));
const WITH_REPR = Object.entries(EXPECTED)
  .filter(([name, e]) => e.repr !== undefined && LOADED.has(name.slice(name.lastIndexOf("."))))
  .map(([name]) => name);

Deno.test("show prints what Python prints: repr(np.load(f)), dict(np.load(npz)), pickle.load(f)", async () => {
  assert.ok(WITH_REPR.length >= 12);
  for (const name of WITH_REPR) {
    const run = await ndioInProcess(["show", fixture(name)]);
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.equal(run.stdout, `${EXPECTED[name]!.repr}\n`, name);
  }
  const subprocess = await ndio(["show", fixture("seed_small.npy")]);
  assert.equal(subprocess.stdout, `${EXPECTED["seed_small.npy"]!.repr}\n`);
});

Deno.test("show --index and slice print NumPy's repr of arr[EXPR]", async () => {
  for (const [expression, repr] of Object.entries(EXPECTED.index!)) {
    const shown = await ndioInProcess(["show", fixture("seed_small.npy"), "--index", expression]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout, `${repr}\n`, expression);
    const sliced = await ndioInProcess(["slice", fixture("seed_small.npy"), expression]);
    assert.equal(sliced.stdout, `${repr}\n`, expression);
  }
});

Deno.test("show --threshold: NumPy's print threshold", async () => {
  const expected = EXPECTED.summarized_threshold as Record<string, string>;
  const all = await ndioInProcess(["show", fixture("summarized.npy"), "--threshold", "3000"]);
  assert.equal(all.stdout, `${expected["3000"]}\n`);
  const small = await ndioInProcess([
    "show",
    fixture("summarized.npy"),
    "--index",
    ":2, :3",
    "--threshold",
    "10",
  ]);
  assert.equal(small.stdout, `${expected["10"]}\n`);
  const bad = await ndioInProcess(["show", fixture("summarized.npy"), "--threshold", "lots"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"--threshold" needs an integer of at least 0, not "lots"/);
});
