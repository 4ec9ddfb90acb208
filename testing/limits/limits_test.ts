// The limits audit: every place where input decides an allocation, tested at
// its boundary through the public API — at the limit it passes, one past it
// it fails with a LimitError naming the option (or, where the bound is the
// input itself, a TruncatedError). RELIABILITY.md lists them all.

import assert from "node:assert/strict";
import {
  arange,
  bytesSource,
  LimitError,
  MalformedError,
  NDArray,
  OutOfRangeError,
  parseIndex,
  TruncatedError,
} from "@ndio/core";
import {
  decodeNpy,
  DEFAULT_MAX_HEADER_SIZE,
  parseNpyHeader,
  readNpyHeader,
  readNpyIndex,
} from "@ndio/npy";
import { genfromtxt, loadtxt, loadtxtBlocks, loadtxtStream } from "@ndio/text";
import { loadtxtFile } from "@ndio/text/fs";
import { decodeNpz, DEFAULT_NPZ_LIMITS, encodeNpz, loadNpz } from "@ndio/npz";

const encoder = new TextEncoder();

/** A version 2 .npy whose header is `text` padded to exactly `headerLength` bytes. */
function npyWithHeader(text: string, headerLength: number, data = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(12 + headerLength + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
  new DataView(out.buffer).setUint32(8, headerLength, true);
  const body = encoder.encode(text);
  assert.ok(body.length < headerLength);
  out.set(body, 12);
  out.fill(0x20, 12 + body.length, 12 + headerLength - 1);
  out[12 + headerLength - 1] = 0x0a;
  out.set(data, 12 + headerLength);
  return out;
}

const HEADER = "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }";
const DATA = new Uint8Array([1, 0, 2, 0, 3, 0]);

function isLimit(name: string, value: number) {
  return (e: unknown) => e instanceof LimitError && e.limit === name && e.value === value;
}

Deno.test("limit npy maxHeaderSize: at the limit passes, one byte over fails, default 1 MiB", async () => {
  const file = npyWithHeader(HEADER, 500, DATA);
  assert.equal(decodeNpy(file, { maxHeaderSize: 500 }).size, 3);
  assert.throws(() => decodeNpy(file, { maxHeaderSize: 499 }), isLimit("maxHeaderSize", 499));
  assert.equal((await readNpyHeader(bytesSource(file), { maxHeaderSize: 500 })).shape[0], 3);
  await assert.rejects(
    () => readNpyHeader(bytesSource(file), { maxHeaderSize: 499 }),
    isLimit("maxHeaderSize", 499),
  );
  // The default, checked from the length field before the header is read:
  // only the 12-byte prefix of the over-limit file exists.
  assert.equal(DEFAULT_MAX_HEADER_SIZE, 1 << 20);
  const atDefault = npyWithHeader(HEADER, DEFAULT_MAX_HEADER_SIZE, DATA);
  assert.equal(decodeNpy(atDefault).size, 3);
  const prefix = atDefault.slice(0, 12);
  new DataView(prefix.buffer).setUint32(8, DEFAULT_MAX_HEADER_SIZE + 1, true);
  assert.throws(() => parseNpyHeader(prefix), isLimit("maxHeaderSize", DEFAULT_MAX_HEADER_SIZE));
});

Deno.test("limit npy data: shape × itemsize is checked against the bytes present before any allocation", async () => {
  const file = npyWithHeader(HEADER, 100, DATA);
  assert.equal(decodeNpy(file).size, 3);
  assert.throws(() => decodeNpy(file.subarray(0, file.length - 1)), TruncatedError);
  assert.equal((await readNpyIndex(bytesSource(file), "::-1")).size, 3);
  await assert.rejects(
    () => readNpyIndex(bytesSource(file.subarray(0, file.length - 1)), "0"),
    TruncatedError,
  );
  // A claim of 1 PiB in a 112-byte file: refused from the claim, nothing allocated.
  const huge = npyWithHeader(
    "{'descr': '<f8', 'fortran_order': False, 'shape': (140737488355328,), }",
    100,
  );
  assert.throws(() => decodeNpy(huge, { copy: true }), TruncatedError);
  await assert.rejects(() => readNpyIndex(bytesSource(huge), "-1"), TruncatedError);
  // Past 2^53 bytes the shape itself is refused.
  const overflow = npyWithHeader(
    "{'descr': '<f8', 'fortran_order': False, 'shape': (4503599627370496, 4), }",
    100,
  );
  assert.throws(
    () => decodeNpy(overflow),
    (e: unknown) => e instanceof OutOfRangeError || e instanceof MalformedError,
  );
});

Deno.test("limit npy header nesting (fixed at 200) and dimensions (fixed at NumPy's 64)", () => {
  const nested = (depth: number) =>
    npyWithHeader(
      `{'descr': ${"[('a', ".repeat(depth)}'<i2'${
        ")]".repeat(depth)
      }, 'fortran_order': False, 'shape': (0,), }`,
      4096,
    );
  // The descr's lists and tuples plus the dict: 2 levels per field.
  assert.equal(decodeNpy(nested(99)).size, 0);
  assert.throws(() => decodeNpy(nested(101)), MalformedError);
  const dims = (n: number) =>
    npyWithHeader(
      `{'descr': '<i2', 'fortran_order': False, 'shape': (${"1, ".repeat(n)}), }`,
      1024,
      new Uint8Array(2),
    );
  assert.equal(decodeNpy(dims(64)).ndim, 64);
  assert.throws(() => decodeNpy(dims(65)), MalformedError);
});

Deno.test("limit text maxLineLength: at the limit passes, one byte over fails", async () => {
  const line = "1 2 3 4\n"; // 7 bytes before the newline
  for (
    const read of [
      (o: object) => loadtxt(line + line, o),
      (o: object) => genfromtxt(line + line, o),
    ]
  ) {
    assert.equal(read({ maxLineLength: 7 }).size, 8);
    assert.throws(() => read({ maxLineLength: 6 }), isLimit("maxLineLength", 6));
  }
  // A stream keeps at most one unfinished line: a line that never ends is
  // refused once it passes the limit, fed a byte at a time.
  const stream = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of encoder.encode(text)) controller.enqueue(Uint8Array.of(b));
        controller.close();
      },
    });
  assert.equal((await loadtxtStream(stream(line + line), { maxLineLength: 7 })).size, 8);
  await assert.rejects(
    () => loadtxtStream(stream(line + "1 ".repeat(100)), { maxLineLength: 7 }),
    isLimit("maxLineLength", 7),
  );
});

Deno.test("limit text maxColumns: at the limit passes, one over fails, default 1,000,000", () => {
  for (const read of [loadtxt, genfromtxt]) {
    assert.equal(read("1 2 3\n", { maxColumns: 3 }).size, 3);
    assert.throws(() => read("1 2 3\n", { maxColumns: 2 }), isLimit("maxColumns", 2));
  }
  const row = (n: number) => "1 ".repeat(n) + "\n";
  assert.equal(loadtxt(row(1_000_000)).size, 1_000_000);
  assert.throws(() => loadtxt(row(1_000_001)), isLimit("maxColumns", 1_000_000));
});

Deno.test("limit text maxBytes: at the limit passes, one byte over fails", async () => {
  const text = "1 2\n3 4\n";
  assert.equal(loadtxt(text, { maxBytes: 8 }).size, 4);
  assert.throws(() => loadtxt(text, { maxBytes: 7 }), isLimit("maxBytes", 7));
  const stream = () => new Blob([text.slice(0, 5), text.slice(5)]).stream();
  assert.equal((await loadtxtStream(stream(), { maxBytes: 8 })).size, 4);
  await assert.rejects(() => loadtxtStream(stream(), { maxBytes: 7 }), isLimit("maxBytes", 7));
});

Deno.test("limit core: index expressions (fixed at 10,000 characters), array dimensions (64)", () => {
  const index = (n: number) => "0" + " ".repeat(n - 1);
  assert.deepEqual(parseIndex(index(10_000)), [0]);
  assert.throws(() => parseIndex(index(10_001)), MalformedError);
  assert.equal(new NDArray("<i1", new Array(64).fill(1)).ndim, 64);
  assert.throws(() => new NDArray("<i1", new Array(65).fill(1)));
});

Deno.test("limit text: loadtxtFile and loadtxtBlocks keep maxLineLength and maxBytes at the boundary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/a.txt`;
    await Deno.writeTextFile(path, "1 2 3 4\n1 2 3 4\n"); // 16 bytes, lines of 7
    assert.equal((await loadtxtFile(path, { maxLineLength: 7, maxBytes: 16 })).size, 8);
    await assert.rejects(
      () => loadtxtFile(path, { maxLineLength: 6 }),
      isLimit("maxLineLength", 6),
    );
    await assert.rejects(() => loadtxtFile(path, { maxBytes: 15 }), isLimit("maxBytes", 15));
    const blocks = async (options: object) => {
      let rows = 0;
      using file = await Deno.open(path);
      for await (const b of loadtxtBlocks(file.readable, { blockBytes: 4, ...options })) {
        rows += b.shape[0]!;
      }
      return rows;
    };
    assert.equal(await blocks({ maxLineLength: 7, maxBytes: 16 }), 2);
    await assert.rejects(() => blocks({ maxLineLength: 6 }), isLimit("maxLineLength", 6));
    await assert.rejects(() => blocks({ maxBytes: 15 }), isLimit("maxBytes", 15));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("limit npz maxMembers, maxMemberSize, maxTotalSize: at the limit passes, one over fails", async () => {
  const archive = encodeNpz({ a: arange(10), b: arange(20), c: arange(30) });
  const sizes = await (async () => {
    using npz = await loadNpz(archive);
    return npz.names.map((name) => npz.member(name).size);
  })();
  const largest = Math.max(...sizes);
  const total = sizes.reduce((a, b) => a + b, 0);
  const cases: [string, number, number][] = [
    ["maxMembers", 3, 2],
    ["maxMemberSize", largest, largest - 1],
    ["maxTotalSize", total, total - 1],
  ];
  for (const [name, fits, over] of cases) {
    assert.equal(decodeNpz(archive, { [name]: fits }).size, 3, name);
    assert.throws(() => decodeNpz(archive, { [name]: over }), isLimit(name, over), name);
    // The lazy reader checks the directory when it opens, members when read.
    await assert.rejects(async () => {
      using npz = await loadNpz(bytesSource(archive), { [name]: over });
      for (const member of npz.names) await npz.get(member);
    }, isLimit(name, over));
  }
  assert.deepEqual(DEFAULT_NPZ_LIMITS, {
    maxMembers: 100_000,
    maxMemberSize: 2 ** 34,
    maxTotalSize: 2 ** 40,
  });
});
