import assert from "node:assert/strict";
import type { ByteSource, FormatPlugin } from "@ndio/core";
import { npyPlugin } from "@ndio/npy";
import { pythonJson } from "../../../testing/python.ts";
import { EXPECTED, fixture, ndio, ndioInProcess, tempDir } from "../_test_helpers.ts";

const EXPRESSIONS = Object.keys(EXPECTED.index!);

Deno.test("slice -o: NumPy's arr[EXPR], same dtype, shape and values", async () => {
  await using dir = await tempDir();
  const outputs = EXPRESSIONS.map((_, i) => `${dir.path}/slice-${i}.npy`);
  const runs = await Promise.all(
    EXPRESSIONS.map((e, i) => ndio(["slice", fixture("seed_small.npy"), e, "-o", outputs[i]!])),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const bad = await pythonJson<string[]>(
    `import json, sys, numpy as np
a = np.load(sys.argv[1])
bad = []
for expression, path in json.loads(sys.argv[2]):
    want = a[eval(f"np.s_[{expression}]")]
    got = np.load(path)
    if not (got.dtype.str == want.dtype.str and got.shape == want.shape and np.array_equal(got, want)):
        bad.append(expression)
print(json.dumps(bad))`,
    {
      args: [fixture("seed_small.npy"), JSON.stringify(EXPRESSIONS.map((e, i) => [e, outputs[i]]))],
    },
  );
  assert.deepEqual(bad, []);
});

Deno.test("slice reads only the bytes the selection needs", async () => {
  let bytesRead = 0;
  const counting: FormatPlugin = {
    ...npyPlugin,
    readIndex(source, index, options) {
      const counted: ByteSource = {
        byteLength: source.byteLength,
        async read(offset, length) {
          bytesRead += length;
          return await source.read(offset, length);
        },
      };
      return npyPlugin.readIndex!(counted, index, options);
    },
  };
  await using dir = await tempDir();
  const run = await ndioInProcess(
    ["slice", fixture("seed_small.npy"), "2:6, 4, 3:4", "-o", `${dir.path}/x.npy`],
    { plugins: [counting] },
  );
  assert.equal(run.code, 0, run.stderr);
  // The header and the span of rows 2 to 5 that holds the four elements (npy merges
  // reads closer than its gap), not the 8,128 bytes of the file.
  assert.ok(bytesRead > 0 && bytesRead < 3000, `read ${bytesRead} bytes`);
});

Deno.test("slice: bad expressions and indexes out of bounds are usage errors", async () => {
  for (
    const [expression, message] of [
      ["1, :::", /^ndio: cannot parse index "1, :::" at column 3: ":::" has too many colons/],
      ["1, 2, 3, 4", /^ndio: cannot slice ".*": too many indices/],
      ["10", /^ndio: cannot slice ".*": index 10 is out of bounds for axis 0 with size 10/],
    ] as const
  ) {
    const run = await ndioInProcess(["slice", fixture("seed_small.npy"), expression]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
  }
});
