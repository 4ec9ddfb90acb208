// Streaming a member from blocks (NpzWriter.addBlocks): the same archive
// bytes as writing the whole array, stored and deflated, through every
// codec and sink; blocks that do not add up to the declared header are
// typed errors; memory stays at a few pieces (the sink gets compressed
// bytes while later blocks are still to come).

import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  array,
  type ByteSink,
  bytesSink,
  DType,
  NDArray,
  slice,
  zeros,
} from "@ndio/core";
import { npyHeaderFields } from "@ndio/npy";
import { pythonJson } from "../../testing/python.ts";
import { type NpzBlocks, NpzWriter, savez, type SavezOptions } from "./mod.ts";
import { assertSameBytes } from "./_test_helpers.ts";

function plainSink(): ByteSink & { bytes(): Uint8Array } {
  const inner = bytesSink();
  return { write: (chunk) => inner.write(chunk), bytes: () => inner.bytes() };
}

/** Pseudo-random int32s: deflate has work to do, and pieces differ. */
function noise(shape: number[]): NDArray {
  const a = new NDArray("<i4", shape);
  const view = new Int32Array(a.data.buffer, a.data.byteOffset, a.size);
  let x = 12345;
  for (let i = 0; i < view.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    view[i] = (x >>> 8) % 1000;
  }
  return a;
}

/** Copies of `a` (C order) in blocks of `rows` along the first axis. */
function* rowBlocks(a: NDArray, rows: number): Generator<NDArray> {
  const n = a.shape[0]!;
  for (let r = 0; r < n; r += rows) yield a.index([slice(r, Math.min(n, r + rows))]).copy("C");
}

/** Raw data bytes of a contiguous array cut at the given sizes, cycling. */
async function* byteBlocks(a: NDArray, cuts: number[]): AsyncGenerator<Uint8Array> {
  const data = a.data.subarray(a.offset, a.offset + a.nbytes);
  for (let at = 0, k = 0; at < data.length; k++) {
    const n = cuts[k % cuts.length]!;
    yield data.slice(at, at + n);
    at += n;
  }
}

async function whole(array: NDArray, options: SavezOptions, plain: boolean): Promise<Uint8Array> {
  const sink = plain ? plainSink() : bytesSink();
  await savez(sink, { m: array }, options);
  return sink.bytes();
}

async function streamed(
  array: NDArray,
  blocks: NpzBlocks,
  options: SavezOptions,
  plain: boolean,
): Promise<Uint8Array> {
  const sink = plain ? plainSink() : bytesSink();
  const writer = new NpzWriter(sink, options);
  await writer.addBlocks("m", npyHeaderFields(array), blocks);
  await writer.close();
  return sink.bytes();
}

const writers: [string, SavezOptions, boolean][] = [
  ["stored", {}, false],
  ["stored, data descriptors", {}, true],
  ["deflate (CompressionStream)", { compress: true }, false],
  ["deflate, data descriptors", { compress: true }, true],
  ["deflate level 1 (fflate)", { compress: true, level: 1 }, false],
];

// 9 MB over 3 deflate pieces; 1000 rows of 2268 bytes, so blocks of 777
// rows straddle the 4 MiB pieces.
const big = noise([1000, 567]);

Deno.test("addBlocks: the same bytes as add() for the whole array, stored and deflated", async () => {
  const f = noise([40, 30]).T; // Fortran order: blocks run along the last axis.
  const records = DType.parse([["x", ">i4"], ["y", "<f8"]]);
  const cases: [string, NDArray, () => NpzBlocks][] = [
    ["C order, blocks of 777 rows", big, () => rowBlocks(big, 777)],
    ["C order, one row at a time", noise([300, 5]), () => rowBlocks(noise([300, 5]), 1)],
    ["raw bytes cut anywhere", big, () => byteBlocks(big, [1, 4 << 20, 3_000_001, 65535])],
    ["Fortran order", f, () => rowBlocks(noise([40, 30]), 7).map((b) => b.T)],
    ["big-endian structured", zeros([50], { dtype: records }), () => [
      zeros([20], { dtype: records }),
      zeros([30], { dtype: records }),
    ]],
    ["empty", zeros([0, 3], { dtype: "<u2" }), () => [zeros([0, 3], { dtype: "<u2" })]],
    ["empty, no blocks", zeros([0, 3], { dtype: "<u2" }), () => []],
    ["0-d", array(3.5), () => [array(3.5)]],
    ["strings", array(["a", "héllo", "xyz"]), () => [
      array(["a", "héllo", "xyz"]).index([slice(0, 1)]),
      array(["a", "héllo", "xyz"]).index([slice(1, 3)]),
    ]],
  ];
  for (const [label, a, blocks] of cases) {
    for (const [how, options, plain] of writers) {
      assertSameBytes(
        await streamed(a, blocks(), options, plain),
        await whole(a, options, plain),
        `${label}, ${how}`,
      );
    }
  }
});

Deno.test("addBlocks: NumPy loads a streamed archive", async () => {
  const sink = bytesSink();
  const writer = new NpzWriter(sink, { compress: true });
  await writer.addBlocks("big", npyHeaderFields(big), rowBlocks(big, 333));
  const f = noise([6, 4]).T;
  await writer.addBlocks("f", npyHeaderFields(f), [noise([6, 4]).T]);
  await writer.close();
  const report = await pythonJson<Record<string, [string, number[], boolean, number]>>(
    `
import sys, io, json, numpy as np
with np.load(io.BytesIO(sys.stdin.buffer.read())) as z:
    print(json.dumps({k: [z[k].dtype.str, list(z[k].shape), bool(z[k].flags.f_contiguous and not z[k].flags.c_contiguous), int(z[k].astype(np.int64).sum())] for k in z.files}))
`,
    { stdin: sink.bytes() },
  );
  const sum = (a: NDArray) => (a.toTypedArray() as Int32Array).reduce((s, v) => s + v, 0);
  assert.deepEqual(report.big, ["<i4", [1000, 567], false, sum(big)]);
  assert.deepEqual(report.f, ["<i4", [4, 6], true, sum(noise([6, 4]))]);
});

Deno.test("addBlocks: blocks that do not add up to the header are typed errors", async () => {
  const header = { dtype: DType.parse("<i8"), shape: [6, 2], fortranOrder: false };
  const bad: [string, NpzBlocks, RegExp][] = [
    ["too many rows", [arange(8).reshape([4, 2]), arange(8).reshape([4, 2])], /more than the 6/],
    ["too few rows", [arange(8).reshape([4, 2])], /4 of the declared 6/],
    ["another dtype", [arange(12, { dtype: "<i4" }).reshape([6, 2])], /dtype "<i4"/],
    ["another row shape", [arange(12).reshape([4, 3])], /shape \[4,3\] does not fit/],
    ["another rank", [arange(12)], /shape \[12\] does not fit/],
    ["too many bytes", [new Uint8Array(97)], /more than the declared 96 bytes/],
    ["too few bytes", [new Uint8Array(95)], /95 of the declared 96 bytes/],
  ];
  for (const [label, blocks, message] of bad) {
    const writer = new NpzWriter(bytesSink(), { compress: label.length % 2 === 0 });
    await assert.rejects(
      writer.addBlocks("x", header, blocks),
      (e: unknown) =>
        e instanceof ArgumentError && e.code === "npz-blocks-mismatch" &&
        message.test(e.message) && e.message.includes(`member "x"`),
      label,
    );
    await assert.rejects(writer.close(), /the writer is failed/, label);
  }
  const zeroD = { dtype: DType.parse("<f8"), shape: [], fortranOrder: false };
  await assert.rejects(
    new NpzWriter(bytesSink()).addBlocks("s", zeroD, [array(1.5), array(2.5)]),
    /more than the 1 declared/,
  );
  await assert.rejects(
    new NpzWriter(bytesSink()).addBlocks("s", zeroD, [array([1.5])]),
    /does not fit/,
  );
  const objects = { dtype: DType.parse("O"), shape: [2], fortranOrder: false };
  await assert.rejects(
    new NpzWriter(bytesSink()).addBlocks("o", objects, []),
    (e: unknown) => e instanceof ArgumentError && e.code === "npz-blocks-object",
  );
  await assert.rejects(
    new NpzWriter(bytesSink()).addBlocks("n", header, [{}] as unknown as NpzBlocks),
    (e: unknown) => e instanceof ArgumentError && e.code === "npz-blocks-invalid",
  );
  await assert.rejects(
    new NpzWriter(bytesSink()).addBlocks("n", { ...header, shape: [-1] }, []),
    (e: unknown) => e instanceof ArgumentError && e.code === "shape-invalid",
  );
});

Deno.test("addBlocks: the sink receives a member's pieces while its blocks still come", async () => {
  for (const compress of [false, true]) {
    let written = 0;
    let largest = 0;
    const sink: ByteSink = {
      write(chunk) {
        written += chunk.length;
        largest = Math.max(largest, chunk.length);
        return Promise.resolve();
      },
    };
    const blockCount = 16;
    const header = {
      dtype: DType.parse("<i4"),
      shape: [blockCount * 1024, 1024],
      fortranOrder: false,
    };
    const writtenAt: number[] = []; // What the sink had when each block was asked for.
    const blocks = async function* (): AsyncGenerator<NDArray> {
      for (let k = 0; k < blockCount; k++) {
        writtenAt.push(written);
        yield noise([1024, 1024]); // 4 MiB
      }
    };
    const writer = new NpzWriter(sink, { compress });
    await writer.addBlocks("x", header, blocks());
    await writer.close();
    assert.ok(largest <= 4 << 20, `a write of ${largest} bytes`);
    // Output keeps up with input: at most a few 4 MiB pieces are held.
    for (let k = 3; k < blockCount; k++) {
      assert.ok(writtenAt[k]! > writtenAt[k - 3]!, `no output between blocks ${k - 3} and ${k}`);
    }
  }
});
