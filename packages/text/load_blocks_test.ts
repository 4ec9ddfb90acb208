import assert from "node:assert/strict";
import { ArgumentError, LimitError, MalformedError, NDArray } from "@ndio/core";
import { loadtxt, type LoadtxtOptions } from "./loadtxt.ts";
import { loadtxtBlocks, type LoadtxtBlocksOptions } from "./load_blocks.ts";

const encoder = new TextEncoder();

/** A stream of `text` in chunks of `chunk` bytes. */
function streamOf(text: string, chunk = 3): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at += chunk));
    },
  });
}

async function blocks(text: string, options: LoadtxtBlocksOptions, chunk = 3) {
  const out: NDArray[] = [];
  for await (const b of loadtxtBlocks(streamOf(text, chunk), options)) out.push(b);
  return out;
}

/** The blocks stacked, as loadtxt with ndmin 2 would read the whole text. */
function stack(parts: NDArray[]): unknown[] {
  return parts.flatMap((b) => b.toNested() as unknown[]);
}

/** The blocks' elements in order, as bytes. */
function bytesOf(parts: NDArray[]): number[] {
  return parts.flatMap((b) => [...b.chunks()].flatMap((c) => [...c]));
}

const TEXT = "# a comment\n1 2 3\n\n4 5 6\r\n7 8 9 # trailing\n10 11 12\n-1 -2 -3";

Deno.test("loadtxtBlocks: blocks of any size stack up to what loadtxt reads", async () => {
  const cases: LoadtxtOptions[] = [
    {},
    { dtype: "<f4" },
    { dtype: ">i2", usecols: [0, 2] },
    { skiprows: 3 },
    { maxRows: 4 },
    { dtype: [["a", "<i8"], ["b", "<f8", [2]]] },
    { usecols: 1 },
  ];
  for (const options of cases) {
    const want = loadtxt(TEXT, { ...options, ndmin: 2 } as LoadtxtOptions);
    for (const blockBytes of [1, 5, 13, 1 << 20]) {
      for (const chunk of [1, 4, 1000]) {
        const got = await blocks(TEXT, { ...options, blockBytes } as LoadtxtBlocksOptions, chunk);
        const what = `${JSON.stringify(options)} blockBytes ${blockBytes} chunk ${chunk}`;
        assert.ok(got.every((b) => b.dtype.str === want.dtype.str), what);
        assert.deepEqual(bytesOf(got), bytesOf([want]), what);
        assert.equal(got.reduce((n, b) => n + b.shape[0]!, 0), want.shape[0], what);
        if (blockBytes === 1) assert.equal(got.length, want.shape[0], what);
      }
    }
  }
});

Deno.test("loadtxtBlocks: errors name the line in the whole text, not in the block", async () => {
  await assert.rejects(
    () => blocks("1 2\n3 4\n5 x\n", { blockBytes: 4 }),
    (e: unknown) => e instanceof MalformedError && e.line === 3,
  );
  await assert.rejects(
    () => blocks("1 2\n\n3 4\n5 6 7\n", { blockBytes: 4 }),
    (e: unknown) => e instanceof MalformedError && e.line === 4,
  );
  // The first block decided int64; a later float needs a dtype.
  await assert.rejects(
    () => blocks("1 2\n3.5 4\n", { blockBytes: 2 }),
    (e: unknown) => e instanceof MalformedError && e.line === 2,
  );
  assert.deepEqual(stack(await blocks("1 2\n3.5 4\n", { blockBytes: 2, dtype: "<f8" })), [
    [1, 2],
    [3.5, 4],
  ]);
});

Deno.test("loadtxtBlocks: limits hold across blocks; options that shape the whole are refused", async () => {
  await assert.rejects(
    () => blocks("1 2 3 4 5 6 7 8 9\n", { blockBytes: 4, maxLineLength: 8 }, 2),
    (e: unknown) => e instanceof LimitError && e.limit === "maxLineLength",
  );
  await assert.rejects(
    () => blocks("1 2\n3 4\n", { blockBytes: 4, maxBytes: 7 }),
    (e: unknown) => e instanceof LimitError && e.limit === "maxBytes",
  );
  assert.equal(stack(await blocks("1 2\n3 4\n", { blockBytes: 4, maxBytes: 8 })).length, 2);
  for (const bad of [{ quotechar: '"' }, { unpack: true }, { ndmin: 2 }, { blockBytes: 0 }]) {
    await assert.rejects(() => blocks("1\n", bad as LoadtxtBlocksOptions), ArgumentError);
  }
});

Deno.test("loadtxtBlocks: memory is one block: rows per block follow blockBytes", async () => {
  const text = Array.from({ length: 1000 }, (_, i) => `${i} ${i * 2}\n`).join("");
  const got = await blocks(text, { blockBytes: 1000 }, 256);
  assert.ok(got.length > 5);
  for (const b of got) assert.ok(b.shape[0]! * 4 <= 1000 + 256 + 16, String(b.shape));
  assert.deepEqual(
    new NDArray("<i8", [1000, 2]).shape,
    [got.reduce((n, b) => n + b.shape[0]!, 0), 2],
  );
});
