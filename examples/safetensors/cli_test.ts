// The plugin in the ndio command, loaded with --plugin as any third-party
// plugin would be: what the command writes, NumPy reads.

import assert from "node:assert/strict";
import { decodeSafetensors } from "./mod.ts";
import { fixture, numpyEval, testdata } from "./_test_helpers.ts";

const repo = new URL("../../", import.meta.url).pathname;
const PLUGIN = "examples/safetensors/mod.ts";
const weights = new URL("weights.safetensors", testdata).pathname;

async function ndio(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "packages/cli/main.ts", ...args, "--plugin", PLUGIN],
    cwd: repo,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("ndio --plugin: formats and info list safetensors", async () => {
  const formats = await ndio("formats");
  assert.equal(formats.code, 0, formats.stderr);
  assert.match(formats.stdout, /^safetensors\s+\.safetensors\s+arrays\s+yes\s+yes\s+Hugging Face/m);
  const info = await ndio("info", weights);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /safetensors \(Hugging Face safetensors\), 17 arrays/);
  assert.match(info.stdout, /^\s+i32\s+<i4\s+int32\s+\(2, 3, 2\)/m);
});

Deno.test("ndio convert: safetensors to safetensors and .npy, checked by NumPy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ndio-st-cli-" });
  try {
    const copy = `${dir}/copy.safetensors`;
    const converted = await ndio("convert", weights, copy);
    assert.equal(converted.code, 0, converted.stderr);
    const original = decodeSafetensors(fixture("weights.safetensors"));
    const written = decodeSafetensors(await Deno.readFile(copy));
    assert.deepEqual([...written.tensors.keys()].sort(), [...original.tensors.keys()].sort());
    for (const [name, array] of original.tensors) {
      assert.equal(written.tensors.get(name)?.dtype.str, array.dtype.str, name);
      assert.deepEqual(written.tensors.get(name)?.toNested(), array.toNested(), name);
    }
    const same = await ndio("diff", weights, copy);
    assert.equal(same.code, 0, same.stdout + same.stderr);

    const npy = `${dir}/i32.npy`;
    const one = await ndio("convert", weights, npy, "--name", "i32");
    assert.equal(one.code, 0, one.stderr);
    const check = await numpyEval<boolean>(
      "import numpy as np; m, t = s.read(sys.argv[2]); a = dict((n, x) for n, _, x in t)['i32']; " +
        `b = np.load(${JSON.stringify(npy)}); ` +
        "print(json.dumps(a.dtype == b.dtype and a.shape == b.shape and bool((a == b).all())))",
      weights,
    );
    assert.equal(check, true);

    const sliced = await ndio(
      "slice",
      weights,
      "1, ::-1, 1:",
      "--name",
      "i32",
      "-o",
      `${dir}/s.npy`,
    );
    assert.equal(sliced.code, 0, sliced.stderr);
    const slice = await numpyEval<number[][]>(
      `import numpy as np; print(json.dumps(np.load(${JSON.stringify(`${dir}/s.npy`)}).tolist()))`,
      weights,
    );
    assert.deepEqual(slice, [[5], [3], [1]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ndio reports a hostile safetensors file as a one-line typed error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ndio-st-cli-" });
  try {
    const bad = fixture("weights.safetensors").slice(0, -3);
    await Deno.writeFile(`${dir}/bad.safetensors`, bad);
    const run = await ndio("convert", `${dir}/bad.safetensors`, `${dir}/out.safetensors`);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /ends at data byte \d+ but the file has \d+ bytes of data/);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    await assert.rejects(() => Deno.stat(`${dir}/out.safetensors`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
