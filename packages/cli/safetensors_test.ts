// The example third-party plugin (examples/safetensors) loaded with --plugin
// as a user would: `ndio convert weights.safetensors weights.npz` and back,
// checked by NumPy and by the independent safetensors reader of its tests.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { pythonJson } from "../../testing/python.ts";
import { ndio, tempDir } from "./_test_helpers.ts";

const PLUGIN = fileURLToPath(new URL("../../examples/safetensors/mod.ts", import.meta.url));
const TESTDATA = fileURLToPath(new URL("../../examples/safetensors/testdata", import.meta.url));
const WEIGHTS = `${TESTDATA}/weights.safetensors`;

Deno.test("--plugin safetensors: convert to .npz and back, NumPy agreeing", async () => {
  await using dir = await tempDir();
  const npz = `${dir.path}/weights.npz`;
  const back = `${dir.path}/back.safetensors`;
  const there = await ndio(["--plugin", PLUGIN, "convert", WEIGHTS, npz]);
  assert.equal(there.code, 0, there.stderr);
  assert.match(there.stderr, /^wrote ".*weights\.npz": npz, 17 arrays, /);
  const again = await ndio(["convert", npz, back, "--plugin", PLUGIN]);
  assert.equal(again.code, 0, again.stderr);
  const same = await ndio(["diff", WEIGHTS, back, "--plugin", PLUGIN]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  const verdict = await pythonJson<{ names: string[]; bad: string[]; back: string[] }>(
    `import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np, safetensors_numpy as s
_, tensors = s.read(sys.argv[2])
z = np.load(sys.argv[3])
bad = []
def value(code, raw):
    return s.widen(code, raw) if code in ("BF16", "F8_E5M2", "F8_E4M3") else raw
for name, code, raw in tensors:
    want = value(code, raw)
    got = z[name]
    if not (got.dtype == want.dtype and got.shape == want.shape and
            np.array_equal(got, want, equal_nan=want.dtype.kind in 'fc')):
        bad.append(name)
_, returned = s.read(sys.argv[4])
back = [name for name, code, raw in returned
        if not np.array_equal(value(code, raw), z[name], equal_nan=z[name].dtype.kind in 'fc')]
print(json.dumps({"names": sorted(z.files), "bad": bad, "back": back}))`,
    { args: [TESTDATA, WEIGHTS, npz, back] },
  );
  assert.equal(verdict.names.length, 17);
  assert.deepEqual(verdict.bad, []);
  assert.deepEqual(verdict.back, []);
});
