import assert from "node:assert/strict";
import { arange, type ByteSink, bytesSink, DType, NDArray } from "@ndio/core";
import { python } from "../../testing/python.ts";
import { decodeNpy, encodeNpy, encodeNpyHeader, NpyStreamWriter } from "./mod.ts";

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A sink that cannot seek, recording what it gets. */
function plainSink(): ByteSink & { chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  return {
    chunks,
    write(chunk) {
      chunks.push(chunk.slice());
      return Promise.resolve();
    },
  };
}

Deno.test("NpyStreamWriter: the file equals encodeNpy of the whole array", async () => {
  const cases: [string | unknown[], number[], number[]][] = [
    ["<f8", [3], [2, 5, 0, 1]],
    [">i2", [], [7, 1, 1000]],
    ["|S3", [2, 2], [1]],
    [[["x", "<i4"], ["y", ">f4", [2]]], [], [3, 4]],
    ["<u1", [4], []],
  ];
  for (const [descr, rowShape, counts] of cases) {
    const dtype = DType.parse(descr as string);
    const total = counts.reduce((a, b) => a + b, 0);
    const rowElems = rowShape.reduce((a, b) => a * b, 1);
    const data = Uint8Array.from({ length: total * rowElems * dtype.itemsize }, (_, i) => i * 7);
    const whole = new NDArray(dtype, [total, ...rowShape], { data });
    const sink = bytesSink();
    const writer = new NpyStreamWriter(sink, { dtype, rowShape });
    let start = 0;
    for (const n of counts) {
      await writer.append(whole.index(`${start}:${start + n}`));
      start += n;
    }
    assert.equal(writer.rows, total);
    const header = await writer.close();
    assert.deepEqual(header.shape, [total, ...rowShape]);
    assert.deepEqual(sink.bytes(), encodeNpy(whole), String(descr));
  }
});

Deno.test("NpyStreamWriter: strided chunks are written in bounded pieces", async () => {
  const big = arange(600 * 1000, { dtype: "<f8" }).reshape([1000, 600]);
  const view = big.T; // 600 x 1000, F-contiguous: copied in pieces
  const sizes: number[] = [];
  const inner = bytesSink();
  const sink = {
    get position() {
      return inner.position;
    },
    write(chunk: Uint8Array) {
      sizes.push(chunk.length);
      return inner.write(chunk);
    },
    writeAt: inner.writeAt,
  };
  const writer = new NpyStreamWriter(sink, { dtype: "<f8", rowShape: [1000] });
  await writer.append(view.index("0:300"));
  await writer.append(view.index("300:"));
  await writer.close();
  assert.ok(Math.max(...sizes) <= 1 << 20, String(Math.max(...sizes)));
  assert.deepEqual(decodeNpy(inner.bytes()).toNested(), view.toNested());
});

Deno.test("NpyStreamWriter: sinks that cannot seek need the row count up front", async () => {
  assert.throws(() => new NpyStreamWriter(plainSink(), { dtype: "<i4" }), TypeError);
  const sink = plainSink();
  const writer = new NpyStreamWriter(sink, { dtype: "<i4", rowShape: [2] }, { rows: 3 });
  await writer.append(arange(4, { dtype: "<i4" }).reshape([2, 2]));
  await writer.append(arange(4, 6, { dtype: "<i4" }).reshape([1, 2]));
  await writer.close();
  assert.deepEqual(concat(sink.chunks), encodeNpy(arange(6, { dtype: "<i4" }).reshape([3, 2])));
  const short = new NpyStreamWriter(plainSink(), { dtype: "<i4" }, { rows: 3 });
  await short.append(arange(2, { dtype: "<i4" }));
  await assert.rejects(() => short.close(), { code: "npy-stream-rows" });
  const long = new NpyStreamWriter(plainSink(), { dtype: "<i4" }, { rows: 1 });
  await assert.rejects(() => long.append(arange(2, { dtype: "<i4" })), { code: "npy-stream-rows" });
});

Deno.test("NpyStreamWriter: refuses mismatched chunks, object dtypes, use after close", async () => {
  const writer = new NpyStreamWriter(bytesSink(), { dtype: "<i4", rowShape: [2] });
  await assert.rejects(() => writer.append(arange(4, { dtype: "<i8" }).reshape([2, 2])), TypeError);
  await assert.rejects(() => writer.append(arange(6, { dtype: "<i4" }).reshape([2, 3])), TypeError);
  await assert.rejects(() => writer.append(arange(2, { dtype: "<i4" })), TypeError);
  assert.throws(() => new NpyStreamWriter(bytesSink(), { dtype: "|O" }), TypeError);
  await writer.close();
  await assert.rejects(() => writer.close(), { code: "npy-stream-closed" });
  await assert.rejects(() => writer.append(arange(2, { dtype: "<i4" }).reshape([1, 2])), {
    code: "npy-stream-closed",
  });
});

Deno.test("NpyStreamWriter: the growth spaces hold any length up to 2**53", () => {
  for (const rowShape of [[], [3], [2, 1000000]]) {
    for (const descr of ["<f8", "|u1"]) {
      const dtype = DType.parse(descr);
      const start = encodeNpyHeader({ dtype, shape: [0, ...rowShape], fortranOrder: false });
      const end = encodeNpyHeader({
        dtype,
        shape: [Number.MAX_SAFE_INTEGER, ...rowShape],
        fortranOrder: false,
      });
      assert.equal(end.length, start.length);
    }
  }
});

Deno.test("live: NumPy loads a streamed file and np.save writes the same bytes", async () => {
  const sink = bytesSink();
  const writer = new NpyStreamWriter(sink, { dtype: ">i8", rowShape: [4] });
  for (let i = 0; i < 25; i++) {
    const rows = arange(i * 400, (i + 1) * 400, { dtype: ">i8" }).reshape([100, 4]);
    await writer.append(rows);
  }
  await writer.close();
  const out = await python(
    `
import sys, io, numpy as np
data = sys.stdin.buffer.read()
a = np.load(io.BytesIO(data))
b = io.BytesIO()
np.save(b, np.arange(10000, dtype=">i8").reshape(2500, 4))
print(a.dtype.str, a.shape, bool((a.ravel() == np.arange(10000)).all()), b.getvalue() == data)
`,
    { stdin: sink.bytes() },
  );
  assert.equal(new TextDecoder().decode(out), ">i8 (2500, 4) True True\n");
});
