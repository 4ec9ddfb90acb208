// Malformed files (testdata/bad, written by make_fixtures.py): each gives its
// own typed error with a stable code, from memory and through a byte source.

import assert from "node:assert/strict";
import {
  bytesSource,
  ForbiddenError,
  LimitError,
  MalformedError,
  NdioError,
  OutOfRangeError,
  TruncatedError,
  UnsupportedError,
} from "@ndio/core";
import { decodeNpy, parseNpyHeader, readNpy, readNpyHeader } from "./mod.ts";

interface BadEntry {
  file: string;
  error: string;
  code: string;
  note: string;
}

const here = new URL("./testdata/", import.meta.url);
const cases: BadEntry[] = JSON.parse(await Deno.readTextFile(new URL("bad.json", here)));

const CLASSES: Record<string, new (...args: never[]) => Error> = {
  TruncatedError,
  MalformedError,
  UnsupportedError,
  LimitError,
  OutOfRangeError,
  ForbiddenError,
};

function check(entry: BadEntry): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof NdioError, `${entry.file}: not an ndio error: ${error}`);
    assert.ok(error instanceof CLASSES[entry.error]!, `${entry.file}: ${error}`);
    assert.equal((error as { code: string }).code, entry.code, `${entry.file}: ${error}`);
    const message = (error as Error).message;
    assert.ok(message.length > 10 && !message.endsWith("."), message);
    assert.equal((error as { format?: string }).format, "npy");
    return true;
  };
}

Deno.test("negative fixtures cover the cases the issue lists", () => {
  const codes = new Set(cases.map((c) => c.code));
  for (
    const code of [
      "truncated",
      "npy-bad-magic",
      "npy-unsupported-version",
      "npy-bad-header-length",
      "limit-exceeded",
      "npy-size-overflow",
      "npy-unknown-dtype",
      "npy-bad-header",
      "npy-header-keys",
      "npy-pickle-forbidden",
    ]
  ) assert.ok(codes.has(code), code);
});

for (const entry of cases) {
  Deno.test(`bad ${entry.file} (${entry.note}): ${entry.error} ${entry.code}`, async () => {
    const bytes = await Deno.readFile(new URL(`bad/${entry.file}`, here));
    assert.throws(() => decodeNpy(bytes), check(entry));
    await assert.rejects(() => readNpy(bytesSource(bytes)), check(entry));
    if (
      entry.code !== "truncated" || entry.file.includes("header") || entry.file.includes("magic")
    ) {
      if (entry.code !== "npy-pickle-forbidden" && !entry.file.startsWith("truncated_data")) {
        assert.throws(() => parseNpyHeader(bytes), check(entry));
        await assert.rejects(() => readNpyHeader(bytesSource(bytes)), check(entry));
      }
    }
  });
}

Deno.test("error details: offsets, limits and messages", async () => {
  const read = (name: string) => Deno.readFile(new URL(`bad/${name}`, here));
  const truncated = await read("truncated_data.npy");
  assert.throws(() => decodeNpy(truncated), {
    message: "the header says 48 bytes of data but the input has 43",
  });
  const over = await read("header_over_limit.npy");
  assert.throws(() => decodeNpy(over), (e: unknown) => {
    assert.ok(e instanceof LimitError);
    assert.equal(e.limit, "maxHeaderSize");
    assert.equal(e.value, 1 << 20);
    assert.match(e.message, /2147483648 bytes/);
    return true;
  });
  // The same header passes a raised limit, and then fails on truncation.
  assert.throws(() => decodeNpy(over, { maxHeaderSize: 2 ** 32 }), TruncatedError);
  const syntax = await read("malformed_syntax.npy");
  assert.throws(() => decodeNpy(syntax), (e: unknown) => {
    assert.ok(e instanceof MalformedError);
    assert.equal(e.offset, 26);
    assert.match(e.message, /expected "," or "}"/);
    return true;
  });
  const dtype = await read("unknown_dtype.npy");
  assert.throws(() => decodeNpy(dtype), /'<x9'/);
  const exceeds = await read("shape_exceeds_file.npy");
  assert.throws(() => decodeNpy(exceeds), {
    message: "the header says 8000000000 bytes of data but the input has 16",
  });
});

Deno.test("a header of any length is checked against maxHeaderSize before it is read", async () => {
  const bytes = await Deno.readFile(new URL("golden/f8_le_c.npy", here));
  assert.throws(() => decodeNpy(bytes, { maxHeaderSize: 100 }), LimitError);
  assert.equal(decodeNpy(bytes, { maxHeaderSize: 118 }).size, 6);
  let touched = 0;
  const source = {
    byteLength: 2 ** 40,
    read(offset: number, length: number) {
      touched += length;
      const head = new Uint8Array(length);
      head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0x40].slice(0, length));
      return Promise.resolve(offset === 0 ? head : new Uint8Array(length));
    },
  };
  await assert.rejects(() => readNpyHeader(source), LimitError);
  assert.ok(touched <= 128);
  assert.throws(() => decodeNpy(bytes, { maxHeaderSize: -1 }), TypeError);
});
