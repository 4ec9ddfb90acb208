// NpzFile.blocks: members read as blocks of rows in bounded memory. The
// blocks of every NumPy-made fixture member (stored, deflated, data
// descriptors, ZIP64, Fortran order, empty) stack up to the whole read, at
// block and read sizes around every boundary, through both codecs; broken
// members give the errors a whole read gives; NumPy's own archives are
// checked live.

import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  type ByteSource,
  bytesSource,
  LimitError,
  MalformedError,
  NDArray,
  TruncatedError,
  UnsupportedError,
  zeros,
} from "@ndio/core";
import { encodeNpy } from "@ndio/npy";
import { encodeNpz, loadNpz, type NpzBlocksOptions, type NpzFile } from "./mod.ts";
import * as fs from "./fs.ts";
import { numpy } from "../../testing/numpy.ts";
import { bytesOf, serveRanges } from "./_test_helpers.ts";

const here = new URL("./testdata/", import.meta.url);
const good: Record<string, { members: string[] }> = JSON.parse(
  await Deno.readTextFile(new URL("good.json", here)),
);
const bad: Record<string, { error: string; code: string; member: string | null }> = JSON.parse(
  await Deno.readTextFile(new URL("bad.json", here)),
);

async function collect(
  npz: NpzFile,
  name: string,
  options?: NpzBlocksOptions,
): Promise<NDArray[]> {
  const out: NDArray[] = [];
  for await (const block of npz.blocks(name, options)) out.push(block);
  return out;
}

/** Checks that blocks stack up to `whole`: same bytes, rows, dtype and row shape. */
function assertStacks(blocks: readonly NDArray[], whole: NDArray, what: string): void {
  assert.ok(blocks.length >= 1, what);
  for (const block of blocks) {
    assert.equal(block.dtype.str, whole.dtype.str, what);
    assert.deepEqual(block.shape.slice(1), whole.shape.slice(1), what);
  }
  if (whole.ndim === 0) {
    assert.deepEqual(blocks.map((b) => b.shape), [[]], what);
  } else {
    assert.equal(blocks.reduce((n, b) => n + b.shape[0]!, 0), whole.shape[0], what);
  }
  assert.deepEqual(bytesOf(...blocks), bytesOf(whole), what);
}

function rowBytes(array: NDArray): number {
  return array.ndim === 0 || array.shape[0] === 0 ? 1 : array.nbytes / array.shape[0]!;
}

const openers: [string, (archive: string) => Promise<NpzFile>][] = [
  ["web", async (archive) => await loadNpz(await Deno.readFile(new URL(archive, here)))],
  ["fs", (archive) => fs.loadNpz(new URL(archive, here).pathname)],
];

for (const [codec, open] of openers) {
  Deno.test(`blocks (${codec}): every fixture member stacks up to its whole read at any block and read size`, async () => {
    for (const [archive, { members }] of Object.entries(good)) {
      using npz = await open(`good/${archive}.npz`);
      for (const member of members) {
        if (!member.endsWith(".npy") || member === "obj.npy") continue;
        const whole = await npz.array(member);
        const row = rowBytes(whole);
        const blockSizes = [1, row - 1, row, row + 1, 2 * row + 1, whole.nbytes, whole.nbytes + 1];
        for (const blockBytes of blockSizes.filter((n) => n >= 1)) {
          for (const readBytes of [1, 7, 4096, undefined]) {
            const what = `${archive}/${member} blockBytes ${blockBytes} readBytes ${readBytes}`;
            const options = readBytes === undefined ? { blockBytes } : { blockBytes, readBytes };
            assertStacks(await collect(npz, member, options), whole, what);
          }
        }
      }
    }
  });
}

Deno.test("blocks: a deflated Fortran-order member gathers passBytes of rows per inflation, cut into blocks", async () => {
  for (const archive of ["fortran_compressed", "fortran"]) {
    using npz = await loadNpz(await Deno.readFile(new URL(`good/${archive}.npz`, here)));
    for (const member of npz.names) {
      const whole = await npz.array(member);
      const row = rowBytes(whole);
      for (const passBytes of [1, row, 3 * row + 1, whole.nbytes, 1 << 20]) {
        for (const blockBytes of [1, row + 1, 2 * row]) {
          const what = `${archive}/${member} passBytes ${passBytes} blockBytes ${blockBytes}`;
          const blocks = await collect(npz, member, { blockBytes, passBytes, readBytes: 13 });
          assertStacks(blocks, whole, what);
          const blockRows = Math.max(1, Math.floor(blockBytes / row));
          assert.ok(blocks.every((b) => b.shape[0]! <= blockRows), what);
        }
      }
    }
  }
  // Each pass inflates the member once: with passes of 2 rows, 7 rows take 4 passes.
  const f = arange(7 * 5 * 3, { dtype: "<f4" }).reshape([7, 5, 3]).copy("F");
  const archive = encodeNpz({ f }, { compress: true });
  let reads = 0;
  const source: ByteSource = {
    byteLength: archive.length,
    read: (offset, length) => {
      reads++;
      return bytesSource(archive).read(offset, length);
    },
  };
  using npz = await loadNpz(source);
  for (const [passBytes, passes] of [[120, 4], [1 << 20, 1]] as const) {
    reads = 0;
    const blocks = await collect(npz, "f", { blockBytes: 60, passBytes, readBytes: 1 << 20 });
    assertStacks(blocks, f, `passBytes ${passBytes}`);
    assert.equal(blocks.length, 7);
    // One read locates the member; each pass reads its compressed bytes once.
    assert.equal(reads, 1 + passes, `passBytes ${passBytes}`);
  }
  await assert.rejects(collect(npz, "f", { passBytes: 0 }), ArgumentError);
});

Deno.test("blocks: each block holds as many rows as blockBytes allows, and no more", async () => {
  const array = arange(100 * 3, { dtype: "<i4" }).reshape([100, 3]);
  for (const compress of [false, true]) {
    using npz = await loadNpz(encodeNpz({ a: array }, { compress }));
    assert.deepEqual((await collect(npz, "a", { blockBytes: 12 * 40 })).map((b) => b.shape[0]), [
      40,
      40,
      20,
    ]);
    assert.deepEqual((await collect(npz, "a", { blockBytes: 11 })).length, 100);
    assert.deepEqual((await collect(npz, "a")).map((b) => b.shape[0]), [100]);
  }
});

Deno.test("blocks: ndio-made members of many dtypes and layouts, stored and deflated, Fortran order too", async () => {
  const arrays = [
    arange(2 * 3 * 4 * 5, { dtype: "<f8" }).reshape([2, 3, 4, 5]),
    arange(7 * 6 * 5, { dtype: ">i2" }).reshape([7, 6, 5]).copy("F"),
    arange(40, { dtype: "|u1" }).reshape([8, 5]).T,
    new NDArray([["a", "<i4"], ["b", "|S3", [2]]] as never, [9]),
    zeros([0, 4], { dtype: "<c16" }),
    zeros([3, 0], { dtype: "<f4" }),
    arange(1, { dtype: "<f8" }).reshape([]),
    new NDArray([["a", "|b1", [0]]] as never, []), // 0-d with no data bytes
    arange(5000, { dtype: "<i8" }).reshape([50, 100]).copy("F"),
  ];
  for (const compress of [false, true]) {
    const archive = encodeNpz(arrays, { compress });
    for (
      const [codec, npz] of [["web", await loadNpz(archive)], [
        "fs",
        await fs.loadNpz(await writeTemp(archive)),
      ]] as const
    ) {
      for (let i = 0; i < arrays.length; i++) {
        const whole = await npz.array(`arr_${i}`);
        for (const blockBytes of [1, 100, 1000, 1 << 20]) {
          const what = `${codec} compress ${compress} arr_${i} blockBytes ${blockBytes}`;
          assertStacks(await collect(npz, `arr_${i}`, { blockBytes, readBytes: 333 }), whole, what);
        }
      }
      npz.close();
    }
  }
});

async function writeTemp(bytes: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".npz" });
  await Deno.writeFile(path, bytes);
  return path;
}

Deno.test("blocks: a Fortran-order block is itself in Fortran order, its values those of the rows", async () => {
  const array = arange(6 * 4 * 3, { dtype: "<i4" }).reshape([6, 4, 3]).copy("F");
  using npz = await loadNpz(encodeNpz({ f: array }, { compress: true }));
  const blocks = await collect(npz, "f", { blockBytes: 4 * 4 * 3 * 2 });
  assert.deepEqual(blocks.map((b) => b.shape), [[2, 4, 3], [2, 4, 3], [2, 4, 3]]);
  for (const [i, block] of blocks.entries()) {
    assert.ok(block.isFContiguous);
    assert.deepEqual(block.toNested(), array.index(`${2 * i}:${2 * i + 2}`).toNested());
  }
});

function errorCheck(error: string, code: string, member: string | null) {
  return (e: unknown) => {
    assert.equal((e as Error).constructor.name, error, String(e));
    const err = e as Error & { code: string; key?: string };
    assert.equal(err.code, code, err.message);
    if (member !== null) {
      assert.equal(err.key, member, err.message);
      assert.ok(err.message.includes(`"${member}"`), err.message);
    }
    return true;
  };
}

for (const [codec, open] of openers) {
  Deno.test(`blocks (${codec}): broken archives give the errors a whole read gives`, async () => {
    for (const [name, { error, code, member }] of Object.entries(bad)) {
      const check = errorCheck(error, code, member);
      await assert.rejects(async () => {
        using npz = await open(`bad/${name}.npz`);
        for (const entry of npz.names) {
          if (!entry.endsWith(".npy")) continue;
          for (const blockBytes of [1, 64, undefined]) {
            await collect(npz, entry, blockBytes === undefined ? {} : { blockBytes, readBytes: 5 });
          }
        }
      }, check);
    }
  });
}

Deno.test("blocks: a bad CRC-32 withholds the last block; verify: false reads on", async () => {
  for (const name of ["bad_crc", "bad_crc_deflated"]) {
    using npz = await loadNpz(await Deno.readFile(new URL(`bad/${name}.npz`, here)));
    const got: NDArray[] = [];
    await assert.rejects(async () => {
      for await (const block of npz.blocks("a", { blockBytes: 80 })) got.push(block);
    }, errorCheck("MalformedError", "zip-crc-mismatch", "a.npy"));
    const all = await collect(npz, "a", { blockBytes: 80, verify: false });
    assert.equal(got.length, all.length - 1, name);
  }
});

/** An archive whose member "a" is a deflate stream of `inflated` bytes declaring `declared`. */
async function bomb(inflated: number, declared: number): Promise<Uint8Array> {
  const { deflateSync } = await import("fflate");
  const header = encodeNpy(zeros([declared - 128], { dtype: "|u1" })).subarray(0, 128);
  const data = new Uint8Array(inflated);
  data.set(header);
  const stream = deflateSync(data, { level: 9 });
  // A stored member of the same compressed length, then method and sizes patched.
  const archive = encodeNpz({ a: zeros([stream.length - 128], { dtype: "|u1" }) });
  const view = new DataView(archive.buffer);
  const local = 0, nameLength = view.getUint16(26, true), extra = view.getUint16(28, true);
  archive.set(stream, local + 30 + nameLength + extra);
  const central = archive.length - 22 - view.getUint32(archive.length - 22 + 12, true);
  for (const at of [local + 8, central + 10]) view.setUint16(at, 8, true);
  view.setUint32(central + 24, declared, true);
  view.setUint32(central + 16, 0, true);
  return archive;
}

Deno.test("blocks: a zip bomb stops at its declared size, after at most one piece's expansion", async () => {
  // 64 MiB of zeros declared as 4 KiB: the reader must stop early, reading
  // only the first few of the stream's compressed bytes.
  const archive = await bomb(64 << 20, 4096);
  let read = 0;
  const source: ByteSource = {
    byteLength: archive.length,
    read: (offset, length) => {
      read += length;
      return bytesSource(archive).read(offset, length);
    },
  };
  using npz = await loadNpz(source);
  for (const blockBytes of [1, 1 << 20]) {
    read = 0;
    await assert.rejects(
      collect(npz, "a", { blockBytes, readBytes: 1024 }),
      errorCheck("MalformedError", "zip-size-mismatch", "a.npy"),
    );
    assert.ok(read < 16 * 1024, `${read} bytes read of ${archive.length}`);
  }
  const path = await writeTemp(archive);
  using file = await fs.loadNpz(path);
  await assert.rejects(
    collect(file, "a"),
    errorCheck("MalformedError", "zip-size-mismatch", "a.npy"),
  );
});

Deno.test("blocks: a deflate stream cut short, and reads that fail midway, are typed errors naming the member", async () => {
  const array = arange(20_000, { dtype: "<f8" });
  const archive = encodeNpz({ a: array }, { compress: true });
  const view = new DataView(archive.buffer);
  const central = archive.length - 22 - view.getUint32(archive.length - 22 + 12, true);
  const cut = archive.slice();
  new DataView(cut.buffer).setUint32(central + 20, view.getUint32(central + 20, true) >> 1, true);
  using npz = await loadNpz(cut);
  // DecompressionStream ends quietly where the input ends; the reader then
  // tells a stream cut short from a short member, as zlib does.
  for (const blockBytes of [1, 4096, undefined]) {
    await assert.rejects(
      collect(npz, "a", blockBytes === undefined ? {} : { blockBytes, readBytes: 1000 }),
      errorCheck("MalformedError", "zip-bad-deflate", "a.npy"),
    );
  }
  await assert.rejects(npz.get("a"), errorCheck("MalformedError", "zip-bad-deflate", "a.npy"));
  // A source whose reads past the middle fail (a file cut short while read).
  const source: ByteSource = {
    byteLength: archive.length,
    read: (offset, length) =>
      offset + length > 4000 && offset < archive.length - 1024
        ? Promise.reject(
          new TruncatedError("the file ends at 4000", { format: "npz", offset: 4000 }),
        )
        : bytesSource(archive).read(offset, length),
  };
  using failing = await loadNpz(source);
  for (const blockBytes of [1, 1 << 20]) {
    await assert.rejects(collect(failing, "a", { blockBytes, readBytes: 1000 }), TruncatedError);
  }
});

Deno.test("blocks: stopping early releases the member; bad options, non-arrays and objects are refused", async () => {
  using npz = await loadNpz(
    await Deno.readFile(new URL("good/object.npz", here)),
  );
  await assert.rejects(collect(npz, "obj"), (e) => {
    assert.ok(e instanceof UnsupportedError);
    assert.match(e.message, /^member "obj\.npy": an object array/);
    return true;
  });
  using comment = await loadNpz(await Deno.readFile(new URL("good/comment.npz", here)));
  await assert.rejects(collect(comment, "notes.txt"), ArgumentError);
  for (const options of [{ blockBytes: 0 }, { readBytes: 1.5 }, { verify: 1 }] as never[]) {
    await assert.rejects(collect(comment, "x", options), ArgumentError);
  }
  await assert.rejects(collect(comment, "y"), /no member "y"/);
  using limited = await loadNpz(encodeNpz({ a: zeros([100]) }), { maxMemberSize: 100 });
  await assert.rejects(collect(limited, "a"), LimitError);
  using big = await loadNpz(encodeNpz({ a: arange(100_000) }, { compress: true }));
  for await (const block of big.blocks("a", { blockBytes: 800 })) {
    assert.deepEqual(block.shape, [100]);
    break;
  }
  assert.equal((await big.array("a")).shape[0], 100_000);
});

Deno.test("blocks: NumPy's savez_compressed and a streamed zipfile archive, read in blocks, equal NumPy's arrays (live python3)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const frames = await numpy(`
import zipfile
rng = np.random.default_rng(7)
c = rng.standard_normal((300, 17)).astype('>f4')
f = np.asfortranarray(rng.integers(-1000, 1000, size=(40, 6, 5), dtype='<i8'))
np.savez_compressed('${dir}/np.npz', c=c, f=f)
with open('${dir}/streamed.npz', 'wb') as raw:
    class Unseekable:
        def write(self, b):
            return raw.write(b)
        def flush(self):
            pass
    with zipfile.ZipFile(Unseekable(), 'w', compression=zipfile.ZIP_DEFLATED) as z:
        with z.open('c.npy', 'w', force_zip64=True) as out:
            np.lib.format.write_array(out, c)
emit(None, c)
emit(None, f)
`);
    const [c, f] = frames.map((frame) => frame.array!);
    for (const path of [`${dir}/np.npz`, `${dir}/streamed.npz`]) {
      using npz = await fs.loadNpz(path);
      for (const [name, want] of [["c", c!], ["f", f!]] as const) {
        if (!npz.has(name)) continue;
        for (const blockBytes of [1000, 1 << 20]) {
          assertStacks(await collect(npz, name, { blockBytes, readBytes: 999 }), want, path);
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("get() with streamAbove: 0 inflates chunks into the array: same arrays, same errors", async () => {
  for (const [archive, { members }] of Object.entries(good)) {
    const bytes = await Deno.readFile(new URL(`good/${archive}.npz`, here));
    using whole = await loadNpz(bytes);
    using streamed = await loadNpz(bytes, { streamAbove: 0 });
    using file = await fs.loadNpz(new URL(`good/${archive}.npz`, here).pathname, {
      streamAbove: 0,
    });
    for (const member of members) {
      if (member === "obj.npy") continue;
      const want = await whole.bytes(member);
      assert.deepEqual(await streamed.bytes(member), want, `${archive}/${member}`);
      assert.deepEqual(await file.bytes(member), want, `${archive}/${member} (fs)`);
    }
  }
  for (const [name, { error, code, member }] of Object.entries(bad)) {
    await assert.rejects(async () => {
      const bytes = await Deno.readFile(new URL(`bad/${name}.npz`, here));
      using npz = await loadNpz(bytes, { streamAbove: 0 });
      for (const entry of npz.names) await npz.bytes(entry);
    }, errorCheck(error, code, member));
  }
  const archive = await bomb(64 << 20, 4096);
  using npz = await loadNpz(archive, { streamAbove: 0 });
  await assert.rejects(npz.get("a"), errorCheck("MalformedError", "zip-size-mismatch", "a.npy"));
  await assert.rejects(loadNpz(archive, { streamAbove: -1 }), ArgumentError);
});

Deno.test("blocks: a version 1.0 header shorter than 12 bytes is a typed error (fuzz crasher)", async () => {
  const { NpzWriter } = await import("./mod.ts");
  const { bytesSink } = await import("@ndio/core");
  // Magic, version 1.0, header length 0: the data would start at byte 10.
  const npy = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
  for (const compress of [false, true]) {
    const sink = bytesSink();
    const writer = new NpzWriter(sink, { compress });
    await writer.addBytes("x.npy", npy);
    await writer.close();
    using npz = await loadNpz(sink.bytes());
    await assert.rejects(npz.get("x"), MalformedError);
    await assert.rejects(collect(npz, "x"), (e) => {
      assert.ok(e instanceof MalformedError, String(e));
      assert.match(e.message, /^member "x\.npy": /);
      return true;
    });
  }
});

Deno.test("blocks: over HTTP, a member streams in range requests of readBytes, and stopping early stops them", async () => {
  // 8 MB of incompressible-ish int64, deflated: about 6 MB to stream.
  const values = new BigInt64Array(1_000_000);
  let x = 7;
  for (let i = 0; i < values.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    values[i] = BigInt(x);
  }
  const array = new NDArray("<i8", [1000, 1000], { data: new Uint8Array(values.buffer) });
  const file = encodeNpz({ big: array }, { compress: true });
  const requests: number[] = [];
  await using server = serveRanges(file, (n) => requests.push(n));
  {
    using npz = await loadNpz(`${server.url}big.npz`);
    const readBytes = 256 << 10;
    requests.length = 0;
    const blocks = await collect(npz, "big", { blockBytes: 800_000, readBytes });
    assertStacks(blocks, array, "over HTTP");
    const compressed = npz.member("big").compressedSize;
    assert.ok(requests.every((n) => n <= readBytes + 1024), String(requests));
    const served = requests.reduce((a, b) => a + b, 0);
    assert.ok(served < compressed + 2048, `${served} bytes served for ${compressed}`);
    requests.length = 0;
    for await (const block of npz.blocks("big", { blockBytes: 8000, readBytes })) {
      assert.deepEqual(block.shape, [1, 1000]);
      break;
    }
    const early = requests.reduce((a, b) => a + b, 0);
    assert.ok(early <= 3 * readBytes + 2048, `${early} bytes served for the first row`);
  }
});
