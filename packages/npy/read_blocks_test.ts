import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  bytesSource,
  NDArray,
  TruncatedError,
  UnsupportedError,
} from "@ndio/core";
import { openFileSource } from "@ndio/core/fs";
import { encodeNpy, readNpyBlocks, type ReadNpyBlocksOptions } from "./mod.ts";
import { save } from "./fs.ts";

async function collect(file: Uint8Array, options?: ReadNpyBlocksOptions): Promise<NDArray[]> {
  const out: NDArray[] = [];
  for await (const block of readNpyBlocks(bytesSource(file), options)) out.push(block);
  return out;
}

function bytesOf(parts: NDArray[]): number[] {
  return parts.flatMap((b) => [...b.chunks()].flatMap((c) => [...c]));
}

Deno.test("readNpyBlocks: the blocks stack up to the array, C or Fortran order, any dtype", async () => {
  const arrays = [
    arange(60, { dtype: "<f8" }).reshape([5, 3, 4]),
    arange(60, { dtype: ">i2" }).reshape([5, 3, 4]).T.copy("F"),
    arange(7, { dtype: "|u1" }),
    new NDArray([["a", "<i4"], ["b", "|S3", [2]]] as never, [9]),
  ];
  for (const array of arrays) {
    const file = encodeNpy(array);
    for (const blockBytes of [1, 13, 100, 1 << 20]) {
      const blocks = await collect(file, { blockBytes });
      const what = `${array.dtype.str} ${array.shape} blockBytes ${blockBytes}`;
      assert.deepEqual(bytesOf(blocks), bytesOf([array]), what);
      assert.equal(blocks.reduce((n, b) => n + b.shape[0]!, 0), array.shape[0], what);
      for (const b of blocks) {
        assert.deepEqual(b.shape.slice(1), array.shape.slice(1), what);
        assert.equal(b.dtype.str, array.dtype.str, what);
      }
    }
  }
});

Deno.test("readNpyBlocks: 0-d arrays are one block, arrays without rows one empty block", async () => {
  const scalar = await collect(encodeNpy(arange(1, { dtype: "<f8" }).reshape([])));
  assert.deepEqual(scalar.map((b) => b.shape), [[]]);
  const empty = await collect(encodeNpy(new NDArray("<i4", [0, 3])));
  assert.deepEqual(empty.map((b) => [b.shape, b.dtype.str]), [[[0, 3], "<i4"]]);
  const noColumns = await collect(encodeNpy(new NDArray("<i4", [4, 0])));
  assert.deepEqual(noColumns.map((b) => b.shape), [[4, 0]]);
});

Deno.test("readNpyBlocks: truncated data fails before the first block; bad options and objects are refused", async () => {
  const file = encodeNpy(arange(100, { dtype: "<i8" }));
  const got: NDArray[] = [];
  await assert.rejects(async () => {
    for await (const b of readNpyBlocks(bytesSource(file.subarray(0, file.length - 1)))) {
      got.push(b);
    }
  }, TruncatedError);
  assert.equal(got.length, 0);
  await assert.rejects(() => collect(file, { blockBytes: 0 }), ArgumentError);
  const object = Uint8Array.from(
    await Deno.readFile(new URL("./testdata/object.npy", import.meta.url)),
  );
  await assert.rejects(() => collect(object), UnsupportedError);
});

Deno.test("readNpyBlocks: a file read in blocks of at most blockBytes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const array = arange(4096, { dtype: "<f8" }).reshape([512, 8]);
    await save(`${dir}/a.npy`, array);
    using source = openFileSource(`${dir}/a.npy`);
    let rows = 0;
    for await (const block of readNpyBlocks(source, { blockBytes: 1000 })) {
      assert.ok(block.data.byteLength <= 1000);
      assert.deepEqual(
        block.toNested(),
        array.index(`${rows}:${rows + block.shape[0]!}`).toNested(),
      );
      rows += block.shape[0]!;
    }
    assert.equal(rows, 512);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
