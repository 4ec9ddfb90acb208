import assert from "node:assert/strict";
import { integerListOption, integerOption, parseCommandArgs, unescapeOption } from "./_args.ts";
import { UsageError } from "./_errors.ts";

const SPECS = {
  delimiter: { type: "string", help: "" },
  out: { type: "string", short: "o", help: "" },
  plugin: { type: "string", multiple: true, help: "" },
  quiet: { type: "boolean", short: "q", help: "" },
} as const;

Deno.test("parseCommandArgs: options anywhere, values that start with a dash", () => {
  const parsed = parseCommandArgs(
    ["a.npy", "--delimiter", "-", "-q", "-o", "-x.npy", "--plugin", "p1", "--plugin=p2", "-3:"],
    SPECS,
  );
  assert.deepEqual(parsed.positionals, ["a.npy", "-3:"]);
  assert.equal(parsed.values.delimiter, "-");
  assert.equal(parsed.values.out, "-x.npy");
  assert.equal(parsed.values.quiet, true);
  assert.deepEqual(parsed.values.plugin, ["p1", "p2"]);
});

Deno.test("parseCommandArgs: negative numbers and -- are positionals", () => {
  assert.deepEqual(parseCommandArgs(["f", "-1"], SPECS).positionals, ["f", "-1"]);
  assert.deepEqual(parseCommandArgs(["f", "--", "-q", "--x"], SPECS).positionals, [
    "f",
    "-q",
    "--x",
  ]);
  assert.deepEqual(parseCommandArgs(["-", "..., -1"], SPECS).positionals, ["-", "..., -1"]);
});

Deno.test("parseCommandArgs: usage errors name the option", () => {
  assert.throws(() => parseCommandArgs(["--bogus"], SPECS), {
    name: "UsageError",
    message: 'unknown option "--bogus"',
  });
  assert.throws(
    () => parseCommandArgs(["--delimiter"], SPECS),
    /option "--delimiter" needs a value/,
  );
  assert.throws(() => parseCommandArgs(["--quiet=yes"], SPECS), /"--quiet" does not take a value/);
  assert.throws(() => parseCommandArgs(["-o", "a", "-o", "b"], SPECS), /more than once/);
});

Deno.test("unescapeOption: Python's escapes", () => {
  assert.equal(unescapeOption("\\t"), "\t");
  assert.equal(unescapeOption("a\\nb\\r\\n"), "a\nb\r\n");
  assert.equal(unescapeOption("\\\\t"), "\\t");
  assert.equal(unescapeOption("\\x2c\\u00e9\\U0001F600"), ",é😀");
  assert.equal(unescapeOption("%d\\t%d"), "%d\t%d");
  assert.equal(unescapeOption("\\d"), "\\d");
  assert.equal(unescapeOption("# "), "# ");
  assert.throws(() => unescapeOption("\\UFFFFFFFF"), UsageError);
});

Deno.test("number options", () => {
  assert.equal(integerOption("level", "9", 0, 9), 9);
  assert.throws(
    () => integerOption("level", "10", 0, 9),
    /"--level" needs an integer from 0 to 9, not "10"/,
  );
  assert.throws(() => integerOption("skiprows", "1.5", 0), /at least 0/);
  assert.deepEqual(integerListOption("usecols", "0, 2,-1"), [0, 2, -1]);
  assert.throws(() => integerListOption("usecols", "0,a"), UsageError);
});
