// NpzFile.index: the part of a member a NumPy index selects, read in part
// (stored) or inflated as it streams keeping only the selected bytes
// (deflated), C and Fortran order. Checked against NumPy's own indexing of
// the same archive (live python3), against the bytes it reads, and against
// the memory it takes (a child process's peak RSS).

import assert from "node:assert/strict";
import {
  type ByteSource,
  bytesSource,
  DType,
  MalformedError,
  NDArray,
  OutOfRangeError,
  randint,
} from "@ndio/core";
import { encodeNpz, loadNpz, type NpzFile } from "./mod.ts";
import * as fs from "./fs.ts";
import { bytesOf } from "./_test_helpers.ts";
import { numpy } from "../../testing/numpy.ts";
import { python } from "../../testing/python.ts";

// Index expressions by the number of dimensions they suit (NumPy raises
// IndexError for some on some shapes; ndio must refuse those too).
const EXPRESSIONS: Record<number, string[]> = {
  0: ["", "...", "None", "..., None"],
  1: [":", "5", "-1", "::-1", "3:40:7", "-10:", "..., None", "1000:", "::3", "2:2", "-3::-2"],
  2: [
    ":",
    "0",
    "-1",
    ":, 0",
    ":, -1",
    "1:3",
    "10:20, 5",
    "::-1, ::7",
    "::7, 3::11",
    "-5:, ::-3",
    "..., 2",
    "None, 3, ::2",
    "5:5",
    ":, 2:9:2",
    "7, 100:50:-4",
    "100:200, :",
    "::-1, -1",
  ],
  3: [
    ":",
    "1",
    ":, 1",
    ":, :, 1",
    "1:, ::2, -3:",
    "::-1, 2, ::-5",
    "..., 0",
    "3, ..., 5",
    ":, None, 4",
    "-1, -1, -1",
    "2:9, 1:4, :",
  ],
};

Deno.test("index: every selection of members of many dtypes, C and Fortran order, 0-d and empty, equals NumPy's (live python3)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const frames = await numpy(`
exprs = ${JSON.stringify(EXPRESSIONS)}
rng = np.random.default_rng(11)
arrays = {
    'c2': rng.standard_normal((300, 400)),
    'f2': np.asfortranarray(rng.integers(-2**31, 2**31, size=(300, 257), dtype='<i4')),
    'f3': np.asfortranarray(rng.integers(-999, 999, size=(20, 30, 40)).astype('>i2')),
    'c3': rng.integers(0, 2**16, size=(17, 19, 23)).astype('>u2'),
    'rec': np.array([(i, (i / 2, -i)) for i in range(50)], dtype=[('a', '<i4'), ('b', '<f8', (2,))]),
    'bool': rng.integers(0, 2, size=1000).astype('?'),
    'text': np.asfortranarray(np.array([[str(i * j)[:3] for j in range(7)] for i in range(10)])),
    'cplx': (np.arange(64) + 1j * np.arange(64)[::-1]).astype('<c16'),
    'zero_d': np.array(3.5, dtype='<f4'),
    'empty': np.zeros((0, 5), dtype='<f4'),
    'empty_f': np.asfortranarray(np.zeros((4, 0), dtype='<i8')),
}
np.savez_compressed('${dir}/deflated.npz', **arrays)
np.savez('${dir}/stored.npz', **arrays)
for name, a in arrays.items():
    for expr in exprs[str(min(a.ndim, 3))]:
        try:
            got = eval('a[' + (expr or '()') + ']')
        except IndexError:
            emit({'name': name, 'expr': expr, 'error': True})
            continue
        # An integer per axis gives a NumPy scalar: as a 0-d array of the file's dtype.
        emit({'name': name, 'expr': expr}, np.array(got, dtype=a.dtype))
`);
    assert.ok(frames.length > 100);
    assert.ok(frames.some((f) => (f.value as { error?: boolean }).error), "some refused");
    for (const archive of ["deflated", "stored"]) {
      const path = `${dir}/${archive}.npz`;
      const opened: [string, NpzFile][] = [
        ["web", await loadNpz(await Deno.readFile(path))],
        ["fs", await fs.loadNpz(path)],
      ];
      for (const [opener, npz] of opened) {
        using _ = npz;
        assert.equal(npz.member("c2").compressed, archive === "deflated");
        for (const { value, array } of frames) {
          const { name, expr, error } = value as { name: string; expr: string; error?: true };
          for (const verify of [false, true]) {
            const what = `${archive} ${opener} ${name}[${expr}] verify ${verify}`;
            if (error) {
              await assert.rejects(npz.index(name, expr, { verify }), OutOfRangeError, what);
              continue;
            }
            const got = await npz.index(name, expr, { verify });
            assert.equal(got.dtype.str, array!.dtype.str, what);
            assert.deepEqual(got.shape, array!.shape, what);
            assert.deepEqual(bytesOf(got), bytesOf(array!), what);
          }
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A source over bytes that counts the bytes read. */
function counting(bytes: Uint8Array): { source: ByteSource; read: () => number } {
  let read = 0;
  const inner = bytesSource(bytes);
  return {
    source: {
      byteLength: bytes.length,
      read: (offset, length) => {
        read += length;
        return inner.read(offset, length);
      },
    },
    read: () => read,
  };
}

Deno.test("index: a deflated member is inflated only up to the last byte needed, unless verify reads it all", async () => {
  // 24 MB of random bytes: they do not compress, so bytes read show how far inflation went.
  const data = new Uint32Array(3000 * 1000 * 2);
  for (let i = 0, x = 1; i < data.length; i++) {
    x ^= x << 13, x ^= x >>> 17, x ^= x << 5;
    data[i] = x;
  }
  const array = new NDArray(DType.parse("<i8"), [3000, 1000], {
    data: new Uint8Array(data.buffer),
  });
  const archive = encodeNpz({ a: array }, { compress: true });
  const { source, read } = counting(archive);
  using npz = await loadNpz(source);
  const compressed = npz.member("a").compressedSize;
  assert.ok(compressed > 20e6);
  const first = read();
  const head = await npz.index("a", ":10, ::-100");
  assert.deepEqual(head.toNested(), array.index(":10, ::-100").toNested());
  const early = read() - first;
  // At most two 4 MiB reads (one read ahead) and the local header.
  assert.ok(early < 9 << 20, `${early} bytes read of ${compressed}`);
  const whole = read();
  const checked = await npz.index("a", ":10, ::-100", { verify: true });
  assert.deepEqual(checked.toNested(), head.toNested());
  assert.ok(read() - whole >= compressed, `${read() - whole} bytes read of ${compressed}`);
});

Deno.test("index: verify checks a deflated member's CRC-32 and size; without it, a selection before the damage reads", async () => {
  const array = randint(0, 1000, [20_000], { dtype: "<i8", seed: 5 });
  const archive = encodeNpz({ a: array }, { compress: true });
  const view = new DataView(archive.buffer);
  const central = archive.length - 22 - view.getUint32(archive.length - 22 + 12, true);
  // A wrong CRC-32 in the central directory.
  const wrongCrc = archive.slice();
  new DataView(wrongCrc.buffer).setUint32(
    central + 16,
    view.getUint32(central + 16, true) ^ 1,
    true,
  );
  using bad = await loadNpz(wrongCrc);
  assert.deepEqual((await bad.index("a", "-3:")).toNested(), array.index("-3:").toNested());
  await assert.rejects(bad.index("a", ":3", { verify: true }), (e) => {
    assert.ok(e instanceof MalformedError);
    assert.equal(e.code, "zip-crc-mismatch");
    assert.equal(e.key, "a.npy");
    return true;
  });
  // The stream cut in half (sizes rewritten to match): the start reads, the end is a bad stream.
  const cut = archive.slice();
  new DataView(cut.buffer).setUint32(central + 20, view.getUint32(central + 20, true) >> 1, true);
  using short = await loadNpz(cut);
  assert.deepEqual((await short.index("a", ":3")).toNested(), array.index(":3").toNested());
  for (const [index, verify] of [["-1", false], [":3", true]] as const) {
    await assert.rejects(short.index("a", index, { verify }), (e) => {
      assert.ok(e instanceof MalformedError);
      assert.equal(e.code, "zip-bad-deflate");
      assert.equal(e.key, "a.npy");
      return true;
    });
  }
});

const MEMORY_CHILD = `
import { loadNpz } from "${new URL("./fs.ts", import.meta.url).href}";
const [path, ...indexes] = Deno.args;
using npz = await loadNpz(path);
const shapes = [];
for (const index of indexes) {
  const verify = index.startsWith("verify ");
  shapes.push((await npz.index("a", index.replace("verify ", ""), { verify })).shape);
}
const hwm = /VmHWM:\\s+(\\d+) kB/.exec(await Deno.readTextFile("/proc/self/status"));
console.log(JSON.stringify({ shapes, peak: Number(hwm[1]) * 1024 }));
`;

Deno.test({
  name:
    "index: a 1 GiB deflated member, C or Fortran order, is indexed without allocating its size (peak RSS)",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      // 1 GiB of zeros at zlib level 1 (4.5 MB, written in 2 s).
      await python(
        `
import sys, zipfile, numpy as np
a = np.zeros((16384, 8192))
for order, array in (('c', a), ('f', np.asfortranarray(a))):
    with zipfile.ZipFile(sys.argv[1] + '/' + order + '.npz', 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open('a.npy', 'w', force_zip64=True) as f:
            np.lib.format.write_array(f, array)
`,
        { args: [dir] },
      );
      await Deno.writeTextFile(`${dir}/child.ts`, MEMORY_CHILD);
      const run = async (path: string, indexes: string[]) => {
        const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "--allow-all",
            `--config=${new URL("../../deno.json", import.meta.url).pathname}`,
            `${dir}/child.ts`,
            path,
            ...indexes,
          ],
        }).output();
        assert.equal(code, 0, new TextDecoder().decode(stderr));
        return JSON.parse(new TextDecoder().decode(stdout)) as { shapes: number[][]; peak: number };
      };
      // Inflating the member whole takes at least its 1 GiB.
      for (const order of ["c", "f"]) {
        // Selections in the first megabytes of both layouts: the pass stops
        // there (measured 59-65 MiB, Deno alone 55).
        const early = await run(`${dir}/${order}.npz`, [":100, 5", "5, :100", "10:20, :50:3"]);
        assert.deepEqual(early.shapes, [[100], [100], [10, 17]]);
        assert.ok(early.peak < 128 << 20, `${order}: peak RSS ${early.peak >> 20} MiB`);
        // Whole passes (verify, and a last element): the inflated pieces
        // are garbage that the collector frees late, the later the busier
        // the machine (measured 90-335 MiB, whatever the member's size).
        const whole = await run(`${dir}/${order}.npz`, ["verify 5", "-1, -1"]);
        assert.deepEqual(whole.shapes, [[8192], []]);
        assert.ok(whole.peak < 512 << 20, `${order}: peak RSS ${whole.peak >> 20} MiB`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
