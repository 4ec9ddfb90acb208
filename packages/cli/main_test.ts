// End-to-end tests of the command framework: the CLI runs as a subprocess, as
// the `ndio` task runs it. Formats come from test plugins in testdata/,
// loaded with --plugin exactly as a third-party plugin would be.
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { python, pythonJson } from "../../testing/python.ts";
import { JSON_PLUGIN, ndio, ndioInProcess, tempDir } from "./_test_helpers.ts";
import { COMMANDS } from "./commands/mod.ts";
import { main } from "./main.ts";

const testdata = (name: string) => fromFileUrl(new URL(`./testdata/${name}`, import.meta.url));
const HALF_PLUGIN = testdata("half_write_plugin.ts");

/** Writes NumPy arrays (Python expressions) as the toy plugin's JSON: its reference writer. */
async function numpyToJsonArray(expressions: Readonly<Record<string, string>>): Promise<void> {
  await python(
    `import json, math, sys, numpy as np
def enc(a, v):
    if a.dtype.kind in 'iu' and a.dtype.itemsize == 8: return str(int(v))
    if a.dtype.kind == 'f':
        v = float(v)
        if v != v: return 'NaN'
        if math.isinf(v): return 'Infinity' if v > 0 else '-Infinity'
        if v == 0 and math.copysign(1, v) < 0: return '-0'
        return v
    return v.item()
for path, expression in json.loads(sys.argv[1]).items():
    a = eval(expression)
    json.dump({"json-array": 1, "descr": a.dtype.str, "shape": list(a.shape),
               "data": [enc(a, v) for v in a.ravel()]}, open(path, "w"))`,
    { args: [JSON.stringify(expressions)] },
  );
}

Deno.test("help: general, per command, and exit codes", async () => {
  const general = await ndio(["--help"]);
  assert.equal(general.code, 0);
  assert.deepEqual(
    COMMANDS.map((c) => c.name),
    ["formats", "info", "show", "convert", "sizes", "scan", "diff", "slice"],
  );
  for (const { name } of COMMANDS) {
    assert.match(general.stdout, new RegExp(`^  ${name} `, "m"));
    const help = await ndioInProcess([name, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: ndio ${name} `));
    assert.match(help.stdout, /--plugin SPEC/);
    assert.deepEqual((await ndioInProcess(["help", name])).stdout, help.stdout);
  }
  const none = await ndio([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^Usage: ndio COMMAND/);
  assert.match((await ndioInProcess(["--version"])).stdout, /^ndio \d+\.\d+\.\d+\n$/);
});

Deno.test("usage errors: one line, exit 2, pointing at the help", async () => {
  for (
    const [args, message] of [
      [["bogus"], /^ndio: unknown command "bogus"; the commands are .* \(see "ndio --help"\)\n$/],
      [["convert", "a"], /^ndio: convert needs IN OUT \(see "ndio convert --help"\)\n$/],
      [["info", "a", "b"], /^ndio: info takes at most 1 argument, not "a" "b"/],
      [["formats", "--bogus"], /^ndio: unknown option "--bogus" \(see "ndio formats --help"\)\n$/],
      [["convert", "a.x", "b.x", "--level", "11"], /"--level" needs an integer from 0 to 9/],
      [["convert", "a.x", "b.unknown"], /cannot tell the format of "b.unknown" from its extension/],
    ] as const
  ) {
    const run = await (args[0] === "bogus" ? ndio(args) : ndioInProcess(args));
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stdout, "");
  }
});

Deno.test("--plugin: loads a third-party plugin; bad modules are usage errors", async () => {
  const formats = await ndio(["formats", "--plugin", JSON_PLUGIN]);
  assert.equal(formats.code, 0, formats.stderr);
  const row = formats.stdout.split("\n").find((l) => l.startsWith("json-array"));
  assert.ok(row !== undefined, formats.stdout);
  assert.match(
    row,
    /^json-array\s+\.jsonarray\s+array\s+yes\s+yes\s+JSON array \(test plugin\)\s+\S+json_array_plugin\.ts$/,
  );
  for (
    const [spec, message] of [
      [
        testdata("invalid_plugin.ts"),
        /cannot load plugin ".*invalid_plugin.ts": plugin "broken" needs a sniff function/,
      ],
      [testdata("no_default_plugin.ts"), /the module has no default export/],
      ["./does-not-exist.ts", /cannot load plugin "\.\/does-not-exist\.ts": no such file/],
    ] as const
  ) {
    const run = await ndioInProcess(["formats", "--plugin", spec]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split("\n").length, 1);
  }
  // The same plugin twice: duplicate ids are refused by createRegistry.
  const twice = await ndioInProcess(["formats", "--plugin", JSON_PLUGIN, "--plugin", JSON_PLUGIN]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /two plugins have the id "json-array"/);
});

Deno.test("convert through a third-party plugin keeps NumPy's dtype, shape and values", async () => {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/sub dir`);
  const expressions = [
    "np.arange(-6, 6, dtype='>i4').reshape(3, 4)",
    "np.array([[2**62, -2**63], [7, 2**53 + 1]], dtype='<i8')",
    "np.array([0.1, -0.0, np.nan, np.inf, 1e-310], dtype='<f8')",
    "np.array([1.5, -2.25], dtype='>f4')",
    "np.zeros((2, 0, 3), dtype='<u2')",
  ];
  const inputs = expressions.map((_, i) => `${dir.path}/${i}.jsonarray`);
  const outputs = expressions.map((_, i) => `${dir.path}/sub dir/${i}.jsonarray`);
  await numpyToJsonArray(Object.fromEntries(inputs.map((p, i) => [p, expressions[i]!])));
  const runs = await Promise.all(
    inputs.map((a, i) => ndio(["convert", a, outputs[i]!, "--plugin", JSON_PLUGIN])),
  );
  for (const [i, run] of runs.entries()) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, new RegExp(`^wrote ".*${i}\\.jsonarray": json-array, `));
  }
  const same = await pythonJson<boolean[]>(
    `import json, sys, numpy as np
def load(p):
    d = json.load(open(p))
    dt = np.dtype(d["descr"])
    conv = {'NaN': float('nan'), 'Infinity': float('inf'), '-Infinity': float('-inf'), '-0': -0.0}
    vals = [int(v) if dt.kind in 'iu' else conv.get(v, v) if isinstance(v, str) else v for v in d["data"]]
    return np.array(vals, dtype=dt).reshape(d["shape"])
out = []
for a, b in json.loads(sys.argv[1]):
    a, b = load(a), load(b)
    out.append(a.dtype.str == b.dtype.str and a.shape == b.shape and a.tobytes() == b.tobytes())
print(json.dumps(out))`,
    { args: [JSON.stringify(inputs.map((a, i) => [a, outputs[i]]))] },
  );
  assert.deepEqual(same, expressions.map(() => true));
  // --quiet: no message.
  assert.equal(
    (await ndio(["convert", inputs[0]!, outputs[0]!, "--plugin", JSON_PLUGIN, "-q"])).stderr,
    "",
  );
});

Deno.test("a failed convert leaves an existing OUT untouched and no temporary file", async () => {
  await using dir = await tempDir();
  const a = `${dir.path}/a.jsonarray`;
  await numpyToJsonArray({ [a]: "np.arange(10)" });
  const out = `${dir.path}/out.half`;
  await Deno.writeTextFile(out, "the previous file");
  const run = await ndio(["convert", a, out, "--plugin", JSON_PLUGIN, "--plugin", HALF_PLUGIN]);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    `ndio: cannot write "${out}": the disk is full (simulated)\n`,
  );
  assert.equal(await Deno.readTextFile(out), "the previous file");
  const names = [...Deno.readDirSync(dir.path)].map((e) => e.name).sort();
  assert.deepEqual(names, ["a.jsonarray", "out.half"]);
  // Without an existing OUT, nothing is left at all.
  await Deno.remove(out);
  assert.equal(
    (await ndio(["convert", a, out, "--plugin", JSON_PLUGIN, "--plugin", HALF_PLUGIN])).code,
    1,
  );
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["a.jsonarray"]);
});

Deno.test("read errors: one line naming the file, no stack unless --debug", async () => {
  await using dir = await tempDir();
  const bad = `${dir.path}/bad.jsonarray`;
  await Deno.writeTextFile(bad, '{"json-array": 1, "descr": "<i8", "shape": [2], "data": [1,\n');
  const run = await ndio(["convert", bad, `${dir.path}/x.jsonarray`, "--plugin", JSON_PLUGIN]);
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^ndio: cannot read ".*bad\.jsonarray": the JSON is malformed: [^\n]*\n$/,
  );
  const debug = await ndio([
    "convert",
    bad,
    `${dir.path}/x.jsonarray`,
    "--plugin",
    JSON_PLUGIN,
    "--debug",
  ]);
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /\n {4}at .*json_array_plugin\.ts/);
  const missing = await ndio(["info", `${dir.path}/nothing.npy`]);
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr,
    `ndio: cannot read "${dir.path}/nothing.npy": no such file or directory\n`,
  );
  const directory = await ndio(["info", dir.path, "--plugin", JSON_PLUGIN]);
  assert.equal(directory.code, 1);
  assert.match(directory.stderr, /^ndio: cannot read "[^"]+": [^\n]+\n$/);
  const unknown = `${dir.path}/mystery.bin`;
  await Deno.writeFile(unknown, new Uint8Array([1, 2, 3]));
  const undetected = await ndio(["info", unknown, "--plugin", JSON_PLUGIN]);
  assert.equal(undetected.code, 1);
  assert.match(
    undetected.stderr,
    /no loaded format recognises the input \(tried .*"json-array"\); name its format with --from\n$/,
  );
});

Deno.test("detection: magic bytes first, then the extension; --from and --to override", async () => {
  await using dir = await tempDir();
  const misnamed = `${dir.path}/looks-like.half`;
  await numpyToJsonArray({ [misnamed]: "np.arange(3)" });
  const plugins = ["--plugin", JSON_PLUGIN, "--plugin", HALF_PLUGIN];
  const info = await ndio(["info", misnamed, "--json", ...plugins]);
  assert.equal(info.code, 0, info.stderr);
  assert.equal(JSON.parse(info.stdout).format, "json-array");
  const converted = `${dir.path}/converted.txt`;
  const run = await ndio(["convert", misnamed, converted, "--to", "json-array", ...plugins]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(await Deno.readTextFile(converted), /^\{"json-array":1/);
  const from = await ndioInProcess(["info", converted, "--from", "half", ...plugins]);
  assert.equal(from.code, 2);
  assert.match(from.stderr, /the "half" format cannot be read/);
  const nope = await ndioInProcess(["info", converted, "--from", "nope", ...plugins]);
  assert.equal(nope.code, 2);
  assert.match(nope.stderr, /"--from" names no loaded format: "nope"/);
});

Deno.test("NO_COLOR: colour only on terminals and only without NO_COLOR", async () => {
  const probe = testdata("color_probe.ts");
  const run = async (env: Record<string, string>) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", probe, "bogus"],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return JSON.parse(new TextDecoder().decode(output.stdout)) as string;
  };
  assert.ok((await run({})).startsWith("\x1b[31mndio:\x1b[39m unknown command"));
  assert.match(await run({ NO_COLOR: "1" }), /^ndio: unknown command/);
});

Deno.test("info --json and diff through a plugin", async () => {
  await using dir = await tempDir();
  const a = `${dir.path}/a.jsonarray`;
  const b = `${dir.path}/b.jsonarray`;
  await numpyToJsonArray({
    [a]: "np.arange(12, dtype='>i4').reshape(3, 4)",
    [b]: "(np.arange(12).reshape(3, 4) * [1, 1, 1, 2]).astype('>i4')",
  });
  const info = await ndio(["info", a, "--json", "--plugin", JSON_PLUGIN]);
  assert.equal(info.code, 0, info.stderr);
  assert.deepEqual(JSON.parse(info.stdout), {
    format: "json-array",
    arrays: [{ name: null, dtype: ">i4", descr: ">i4", shape: [3, 4], fortran_order: false }],
  });
  const text = await ndioInProcess(["info", a, "--plugin", JSON_PLUGIN]);
  assert.match(
    text.stdout,
    /^.*a\.jsonarray: json-array \(JSON array \(test plugin\)\), 1 array\n/,
  );
  assert.match(text.stdout, /\n {2}-\s+>i4\s+int32\s+\(3, 4\)\s+C\s+12\s+48\n$/);

  const same = await ndioInProcess(["diff", a, a, "--plugin", JSON_PLUGIN]);
  assert.equal(same.code, 0);
  assert.equal(same.stdout, "");
  const differ = await ndio(["diff", a, b, "--plugin", JSON_PLUGIN]);
  assert.equal(differ.code, 1, differ.stderr);
  assert.equal(
    differ.stdout,
    "array: 3 of 12 elements differ (largest absolute difference 11, relative 0.5)\n" +
      "  [0, 3]: 3 vs 6\n  [1, 3]: 7 vs 14\n  [2, 3]: 11 vs 22\n",
  );
  // Within tolerance: |a - b| <= atol + rtol * |b|.
  assert.equal(
    (await ndioInProcess(["diff", a, b, "--rtol", "0.5", "--plugin", JSON_PLUGIN])).code,
    0,
  );
  assert.equal(
    (await ndioInProcess(["diff", a, b, "--atol", "10", "--plugin", JSON_PLUGIN])).code,
    1,
  );
  assert.equal(
    (await ndioInProcess(["diff", a, b, "--atol", "11", "--plugin", JSON_PLUGIN])).code,
    0,
  );
  // Errors are exit code 2 for diff.
  const missing = await ndio(["diff", a, `${dir.path}/none.jsonarray`, "--plugin", JSON_PLUGIN]);
  assert.equal(missing.code, 2);
  assert.equal(
    (await ndioInProcess(["diff", a, b, "--rtol", "-1", "--plugin", JSON_PLUGIN])).code,
    2,
  );
});

Deno.test("progress: a bar on a terminal's stderr once work passes a second, else nothing", async () => {
  await using dir = await tempDir();
  const input = `${dir.path}/in.slow`;
  await Deno.writeTextFile(input, "SLOW" + "x".repeat(96));
  const run = async (isTerminal: boolean, ...extra: string[]) => {
    let stdout = "";
    let stderr = "";
    const code = await main(
      ["convert", input, `${dir.path}/out.npy`, "--plugin", testdata("slow_plugin.ts"), ...extra],
      {
        stdout: { write: (t) => (stdout += t), isTerminal },
        stderr: { write: (t) => (stderr += t), isTerminal },
      },
    );
    return { code, stdout, stderr };
  };
  const terminal = await run(true);
  assert.equal(terminal.code, 0, terminal.stderr);
  assert.equal(terminal.stdout, "");
  // deno-lint-ignore no-control-regex
  assert.match(terminal.stderr, /^\r\x1b\[2Kreading .*in\.slow \[#+\.*\] +\d+%/);
  // Cleared before the closing message.
  // deno-lint-ignore no-control-regex
  assert.match(terminal.stderr, /\r\x1b\[2Kwrote ".*out\.npy": npy, int64 \(100,\), 928 bytes\n$/);
  const piped = await run(false);
  assert.equal(piped.stderr, `wrote "${dir.path}/out.npy": npy, int64 (100,), 928 bytes\n`);
  assert.equal((await run(true, "--quiet")).stderr, "");
});
