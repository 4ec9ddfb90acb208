import assert from "node:assert/strict";
import { missingExamples } from "./doc_examples.ts";

// Entry points whose every function, class, method and exported value shows a
// runnable @example (run by deno test --doc). A package joins the list once
// its gaps are filled; the rest are listed by `deno task doc:examples`.
const COMPLETE: readonly string[] = [
  "packages/core/mod.ts",
  "packages/core/fs.ts",
  "packages/npy/mod.ts",
  "packages/npy/fs.ts",
  "packages/npz/mod.ts",
  "packages/npz/fs.ts",
  "packages/text/mod.ts",
  "packages/text/fs.ts",
  "packages/cli/mod.ts",
  "examples/safetensors/mod.ts",
];

Deno.test("every public symbol of the complete entry points has an @example", async () => {
  assert.deepEqual(await missingExamples(COMPLETE), []);
});
