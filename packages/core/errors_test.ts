import assert from "node:assert/strict";
import {
  ArgumentError,
  ForbiddenError,
  LimitError,
  MalformedError,
  NdioError,
  NotDetectedError,
  OutOfRangeError,
  TruncatedError,
  UnsupportedError,
} from "./mod.ts";

Deno.test("every error class has its built-in base, a stable code, and is an NdioError", () => {
  const cause = new Error("root");
  const cases: [Error & { code: string }, ErrorConstructor | TypeErrorConstructor, string][] = [
    [new ArgumentError("bad-arg", "a bad argument", { cause }), TypeError, "ArgumentError"],
    [new OutOfRangeError("too-far", "too far", { offset: 9 }), RangeError, "OutOfRangeError"],
    [new TruncatedError("ends early", { format: "npy", offset: 10 }), RangeError, "TruncatedError"],
    [new LimitError("maxHeaderSize", 10, "the header is 20 bytes"), RangeError, "LimitError"],
    [
      new MalformedError("bad", "bad input", { format: "text", line: 3, column: 4 }),
      SyntaxError,
      "MalformedError",
    ],
    [new UnsupportedError("long-double", "no"), Error, "UnsupportedError"],
    [new ForbiddenError("pickle-forbidden-global", "no"), Error, "ForbiddenError"],
    [new NotDetectedError(["npy"]), Error, "NotDetectedError"],
    [new NdioError("generic", "a failure"), Error, "NdioError"],
  ];
  for (const [error, base, name] of cases) {
    assert.ok(error instanceof base, name);
    assert.ok(error instanceof NdioError, `${name} instanceof NdioError`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, name);
    assert.equal(typeof error.code, "string");
    assert.ok(error.code.length > 0);
    assert.ok(!error.message.endsWith("."), `${name}: no trailing period`);
  }
  // Plain built-in errors are not ndio's.
  assert.ok(!(new TypeError("x") instanceof NdioError));
  assert.ok(!(new RangeError("x") instanceof NdioError));
  assert.ok(!((null as unknown) instanceof NdioError));
  // Subclass checks stay exact.
  assert.ok(!(new ArgumentError("a", "b") instanceof OutOfRangeError));
  assert.ok(new TruncatedError("x") instanceof OutOfRangeError);
  assert.ok(!(new UnsupportedError("a", "b") instanceof ForbiddenError));
});

Deno.test("errors carry where the problem is", () => {
  const truncated = new TruncatedError("the data ends early", {
    format: "npy",
    offset: 128,
    key: "a.npy",
  });
  assert.equal(truncated.code, "truncated");
  assert.equal(truncated.format, "npy");
  assert.equal(truncated.offset, 128);
  assert.equal(truncated.key, "a.npy");
  const malformed = new MalformedError("text-bad-number", 'cannot parse "x"', {
    format: "text",
    line: 3,
    column: 7,
    offset: 40,
  });
  assert.deepEqual(
    [malformed.format, malformed.line, malformed.column, malformed.offset],
    ["text", 3, 7, 40],
  );
  const limit = new LimitError("maxHeaderSize", 1024, "the header is 2000 bytes", {
    format: "npy",
  });
  assert.equal(limit.code, "limit-exceeded");
  assert.equal(limit.limit, "maxHeaderSize");
  assert.equal(limit.value, 1024);
  assert.match(limit.message, /^the header is 2000 bytes, over the limit maxHeaderSize = 1024/);
  const cause = new Error("inner");
  assert.equal(new ArgumentError("x", "y", { cause }).cause, cause);
  assert.equal(new NdioError("x", "y").cause, undefined);
  const generic = new NdioError("http-error", "failed", { format: "npz", key: "arr_0" });
  assert.equal(generic.format, "npz");
  assert.equal(generic.key, "arr_0");
  assert.equal(new NotDetectedError([]).message, "no format plugin is loaded to read the input");
});
