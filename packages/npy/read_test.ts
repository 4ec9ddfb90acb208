import assert from "node:assert/strict";
import {
  arange,
  type ByteSource,
  bytesSource,
  createRegistry,
  NDArray,
  OutOfRangeError,
  parseIndex,
  UnsupportedError,
} from "@ndio/core";
import {
  encodeNpy,
  type NpyIndexReadStats,
  npyPlugin,
  readNpy,
  readNpyHeader,
  readNpyIndex,
  readNpyStream,
} from "./mod.ts";

/** Nested values with NDArray views (subarray fields) turned into lists. */
function plain(value: unknown): unknown {
  if (value instanceof NDArray) return plain(value.toNested());
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** A source that records every read. */
function counting(bytes: Uint8Array): ByteSource & { reads: [number, number][]; total(): number } {
  const inner = bytesSource(bytes);
  const reads: [number, number][] = [];
  return {
    byteLength: inner.byteLength,
    reads,
    total: () => reads.reduce((s, [, n]) => s + n, 0),
    read(offset: number, length: number) {
      reads.push([offset, length]);
      return inner.read(offset, length);
    },
  };
}

Deno.test("readNpyHeader touches only the first 128 bytes of a large array", async () => {
  const file = encodeNpy(new NDArray("<f8", [1000, 100]));
  const source = counting(file);
  const header = await readNpyHeader(source);
  assert.deepEqual(header.shape, [1000, 100]);
  assert.equal(header.dataLength, 800000);
  assert.deepEqual(source.reads, [[0, 128]]);
});

Deno.test("readNpyHeader reads a long header in a second read", async () => {
  const dtype = Array.from({ length: 300 }, (_, i) => [`f${i}`, "<u1"]);
  const file = encodeNpy(new NDArray(dtype as never, [4]));
  const source = counting(file);
  const header = await readNpyHeader(source);
  assert.equal(header.dtype.fields!.length, 300);
  assert.equal(source.reads.length, 2);
  assert.equal(source.total(), header.dataOffset);
});

Deno.test("readNpy and readNpyStream read through a source", async () => {
  const a = arange(12, { dtype: ">i4" }).reshape([3, 4]);
  const file = encodeNpy(a.T);
  const back = await readNpy(bytesSource(file));
  assert.deepEqual(back.toNested(), a.T.toNested());
  const stream = new Uint8Array([...file, ...encodeNpy(a), ...encodeNpy(arange(0))]);
  const arrays: NDArray[] = [];
  for await (const x of readNpyStream(bytesSource(stream))) arrays.push(x);
  assert.equal(arrays.length, 3);
  assert.deepEqual(arrays[1]!.toNested(), a.toNested());
  assert.equal(arrays[2]!.size, 0);
  await assert.rejects(
    () => readNpy(bytesSource(file.subarray(0, file.length - 1))),
    OutOfRangeError,
  );
});

const INDEXES = [
  "...",
  "1000:2000, :, 5",
  "3",
  "-1, -1, -1",
  "::7, 2:9:3, ::-3",
  "::-1",
  "10:20, 4",
  ":, :, 1:3",
  "None, 5:6, ..., None",
  "2000:10",
  "..., 0",
  "-5:, ::-1, 2",
];

for (const order of ["C", "F"] as const) {
  Deno.test(`readNpyIndex (${order} order) equals in-memory indexing, reading only needed bytes`, async () => {
    const base = arange(3000 * 12 * 10, { dtype: "<i4" }).reshape([3000, 12, 10]);
    const array = order === "C" ? base : base.copy("F");
    const file = encodeNpy(array);
    for (const index of INDEXES) {
      const expected = array.index(index);
      const source = counting(file);
      const stats: NpyIndexReadStats = { reads: 0, bytes: 0 };
      const part = await readNpyIndex(source, index, { maxGap: 0 }, stats);
      assert.deepEqual(part.shape, expected.shape, index);
      assert.deepEqual(part.toNested(), expected.toNested(), index);
      // With maxGap 0, exactly the selected elements' bytes are read, plus the header.
      assert.equal(stats.bytes, expected.size * 4, index);
      assert.equal(source.total(), 128 + expected.size * 4, index);
      // With the default gap, never more than the span the selection covers.
      const loose = counting(file);
      const again = await readNpyIndex(loose, index);
      assert.deepEqual(again.toNested(), expected.toNested(), index);
    }
  });
}

Deno.test("readNpyIndex: the issue's example reads a small fraction of the file", async () => {
  const array = new NDArray("<f8", [5000, 20, 10]);
  const file = encodeNpy(array);
  const source = counting(file);
  const part = await readNpyIndex(source, "1000:2000, :, 5");
  assert.deepEqual(part.shape, [1000, 20]);
  // 1000 rows of 20 elements 80 bytes apart: read in spans bounded by the gap.
  assert.ok(source.total() < 1000 * 20 * 10 * 8 + 128, String(source.total()));
  assert.ok(source.total() < file.length / 4);
  const strict = counting(file);
  await readNpyIndex(strict, "1000:2000, :, 5", { maxGap: 0 });
  assert.equal(strict.total(), 128 + 1000 * 20 * 8);
});

Deno.test("readNpyIndex: structured, subarray-free big-endian data, empty selections, errors", async () => {
  const dtype = [["x", ">i2"], ["y", "<f4", [2]]];
  const array = new NDArray(dtype as never, [6, 3]);
  array.index("2, 1").assign({ x: 5, y: [1.5, 2.5] });
  const file = encodeNpy(array);
  const part = await readNpyIndex(bytesSource(file), "2:, 1");
  assert.deepEqual(plain(part.toNested()), plain(array.index("2:, 1").toNested()));
  assert.deepEqual(plain(part.get(0)), { x: 5, y: [1.5, 2.5] });
  const empty = await readNpyIndex(bytesSource(file), "3:3");
  assert.deepEqual(empty.shape, [0, 3]);
  await assert.rejects(() => readNpyIndex(bytesSource(file), "6"), OutOfRangeError);
  await assert.rejects(() => readNpyIndex(bytesSource(file), "1, 2, 3"), OutOfRangeError);
  await assert.rejects(() => readNpyIndex(bytesSource(file), "1,,"), SyntaxError);
  const objects = new NDArray("|O", [2]);
  const codec = { loads: () => objects, dumps: () => new Uint8Array([0x2e]) };
  const objectFile = encodeNpy(objects, { pickle: codec });
  await assert.rejects(() => readNpyIndex(bytesSource(objectFile), "0"), UnsupportedError);
});

Deno.test("readNpyIndex: a file source truncated after the header is refused", async () => {
  const file = encodeNpy(arange(100, { dtype: "<i8" }));
  await assert.rejects(
    () => readNpyIndex(bytesSource(file.subarray(0, 500)), "0:2"),
    { name: "TruncatedError", message: "the header says 800 bytes of data but the input has 372" },
  );
});

Deno.test("npyPlugin: a plain value the registry detects; all operations", async () => {
  const registry = createRegistry([npyPlugin]);
  const a = arange(24, { dtype: "<u2" }).reshape([4, 6]);
  const bytes = npyPlugin.encode!({ kind: "array", array: a });
  assert.equal(registry.detect(bytes.subarray(0, 512)).id, "npy");
  assert.equal(npyPlugin.sniff(new Uint8Array([0x93, 0x4e, 0x55])), 0);
  assert.equal(npyPlugin.sniff(new TextEncoder().encode("PK\x03\x04 nothing")), 0);
  assert.deepEqual(registry.forFileName("x.NPY").map((p) => p.id), ["npy"]);
  const decoded = npyPlugin.decode!(bytes);
  assert.ok(decoded.kind === "array");
  assert.deepEqual(decoded.array.toNested(), a.toNested());
  const read = await npyPlugin.read!(bytesSource(bytes));
  assert.ok(read.kind === "array");
  assert.deepEqual(read.array.toNested(), a.toNested());
  const info = await npyPlugin.inspect!(bytesSource(bytes));
  assert.deepEqual(info.map((i) => [i.name, i.dtype.str, i.shape, i.fortranOrder]), [
    [null, "<u2", [4, 6], false],
  ]);
  const part = await npyPlugin.readIndex!(bytesSource(bytes), parseIndex("1:3, ::-2"));
  assert.deepEqual(part.toNested(), a.index("1:3, ::-2").toNested());
  const chunks: Uint8Array[] = [];
  await npyPlugin.write!({ kind: "array", array: a.T }, {
    write: (c) => {
      chunks.push(c.slice());
      return Promise.resolve();
    },
  });
  const written = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    written.set(c, at);
    at += c.length;
  }
  assert.deepEqual(written, encodeNpy(a.T));
  // Named arrays: one is written as is; several need a name.
  const arrays = new Map([["x", a], ["y", a.T]]);
  assert.throws(() => npyPlugin.encode!({ kind: "arrays", arrays }), TypeError);
  const y = npyPlugin.decode!(npyPlugin.encode!({ kind: "arrays", arrays }, { name: "y" }));
  assert.ok(y.kind === "array");
  assert.deepEqual(y.array.shape, [6, 4]);
  // Options are checked.
  assert.throws(() => npyPlugin.decode!(bytes, { allowPickle: "yes" }), TypeError);
  assert.throws(() => npyPlugin.decode!(bytes, { pickle: {} }), TypeError);
  assert.throws(() => npyPlugin.encode!({ kind: "array", array: a }, { version: 7 }), TypeError);
});
