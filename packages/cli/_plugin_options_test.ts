import assert from "node:assert/strict";
import { fixture, ndioInProcess, tempDir } from "./_test_helpers.ts";

/** Runs ndio and returns the exit code and the one line of stderr. */
async function run(args: string[]): Promise<[number, string]> {
  const { code, stderr } = await ndioInProcess(args);
  return [code, stderr.trim()];
}

Deno.test("--limit: each format's reader limits reach its reader, at the boundary", async () => {
  // [file, limit name, the value the file needs, extra options]
  const cases: [string, string, number, string[]][] = [
    ["big_endian.npy", "maxHeaderSize", 118, []],
    ["arrays.npz", "maxMembers", 2, []],
    ["arr-txt.tsv", "maxColumns", 10, []],
    ["data.pkl", "maxNesting", 3, []],
    ["objects.npy", "maxOpcodes", 4, ["--allow-pickle"]],
  ];
  for (const [name, limit, needed, extra] of cases) {
    const file = fixture(name);
    const [under, message] = await run([
      "show",
      ...extra,
      "--limit",
      `${limit}=${needed - 1}`,
      file,
    ]);
    assert.equal(under, 1, `${name}: ${message}`);
    assert.match(
      message,
      new RegExp(
        `^ndio: cannot read ".*${
          name.replace(".", "\\.")
        }": .*\\(raise it with --limit ${limit}=N\\)$`,
      ),
    );
    if (limit === "maxOpcodes") continue; // the exact opcode count is the pickle's business
    const [at, atMessage] = await run(["show", ...extra, "--limit", `${limit}=${needed}`, file]);
    assert.equal(at, 0, `${name} at ${limit}=${needed}: ${atMessage}`);
  }
});

Deno.test("--limit: kebab-case names and size units", async () => {
  const file = fixture("big_endian.npy");
  assert.equal((await run(["info", "--limit", "max-header-size=1KiB", file]))[0], 0);
  assert.equal((await run(["info", "--limit", "max-header-size=0.1kB", file]))[0], 1);
  // Several limits; those of other formats are left to the formats they name.
  const [code, message] = await run([
    "diff",
    "--limit",
    "maxColumns=1",
    "--limit",
    "maxHeaderSize=1MiB",
    file,
    file,
  ]);
  assert.equal(code, 0, message);
});

Deno.test("--limit: an unknown name or a bad number is a usage error", async () => {
  const file = fixture("data.pkl");
  for (
    const [value, expected] of [
      ["maxFoo=1", /NAME one of "maxHeaderSize", .*not "maxFoo=1"/],
      ["maxMemo", /not "maxMemo"/],
      ["maxMemo=1x", /whole number for "maxMemo".*not "1x"/],
      ["maxMemo=-1", /not "-1"/],
      ["maxMemo=0.5", /not "0.5"/],
    ] as const
  ) {
    const [code, message] = await run(["info", "--limit", value, file]);
    assert.equal(code, 2, value);
    assert.match(message, expected, value);
  }
});

Deno.test("--limit: a conversion over a limit writes nothing", async () => {
  await using dir = await tempDir();
  const out = `${dir.path}/out.npy`;
  const [code] = await run([
    "convert",
    "--limit",
    "maxHeaderSize=64",
    fixture("big_endian.npy"),
    out,
  ]);
  assert.equal(code, 1);
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});
