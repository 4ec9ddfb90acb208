import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { arange, MalformedError, NDArray, TruncatedError, zeros } from "@ndio/core";
import { python } from "../../testing/python.ts";
import { encodeNpy } from "./mod.ts";
import { createNpyWriter, load, loadHeader, loadIndex, loadStream, loadSync, save } from "./fs.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "ndio-npy-" });
}

Deno.test("save and load: byte-identical files, zero-copy loads, both with and without huge pages", async () => {
  const dir = await tempDir();
  try {
    const a = arange(3_000_000, { dtype: "<f8" }).reshape([1000, 3000]);
    for (const [name, array] of [["c", a], ["f", a.T], ["view", a.index("::3, 1:")]] as const) {
      const path = `${dir}/${name}.npy`;
      await save(path, array);
      assert.deepEqual(await Deno.readFile(path), encodeNpy(array));
      for (const hugePages of [true, false]) {
        const back = await load(path, { hugePages });
        assert.deepEqual(back.shape, array.shape);
        assert.equal(back.get(7, 11), array.get(7, 11));
        assert.equal(back.data.byteOffset, 128); // a view of the one buffer, after the header
      }
    }
    // Overwriting replaces the file atomically; no temporary files are left.
    await save(`${dir}/c.npy`, zeros([2]));
    assert.deepEqual(loadSync(`${dir}/c.npy`).toNested(), [0, 0]);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["c.npy", "f.npy", "view.npy"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load of 64 MiB and more: read in parallel parts, the same bytes as one read", async () => {
  const dir = await tempDir();
  try {
    // 9 437 184 float64s: 72 MiB, so every part boundary falls inside the data.
    const a = arange(9 * 1024 * 1024, { dtype: "<f8" }).reshape([9 * 1024, 1024]);
    const path = `${dir}/big.npy`;
    await save(path, a);
    const expected = await Deno.readFile(path);
    const parallel = await load(path);
    assert.deepEqual(parallel.shape, a.shape);
    assert.equal(Buffer.compare(new Uint8Array(parallel.data.buffer), expected), 0);
    const buffer = new Uint8Array(expected.length + 5);
    const into = await load(path, { buffer });
    assert.equal(into.data.buffer, buffer.buffer);
    assert.equal(Buffer.compare(buffer.subarray(0, expected.length), expected), 0);
    assert.ok(buffer.subarray(expected.length).every((b) => b === 0));
    // Cut short (still read in parts): a truncation error, not garbage.
    await Deno.truncate(path, 70 << 20);
    await assert.rejects(() => load(path), TruncatedError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load: a directory or a file that cannot seek is sized by its stat, not its end", async () => {
  const dir = await tempDir();
  try {
    // A directory's end on ext4 is 2**63 - 1: it must not become a buffer size.
    await assert.rejects(() => load(dir), Deno.errors.IsADirectory);
    assert.throws(() => loadSync(dir), Deno.errors.IsADirectory);
    if (Deno.build.os === "linux") {
      // /proc files cannot seek to their end and stat as empty.
      assert.throws(() => loadSync("/proc/self/status"), TruncatedError);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("save: a failing write leaves the old file and no temporary file", async () => {
  const dir = await tempDir();
  try {
    const path = `${dir}/keep.npy`;
    await save(path, arange(3, { dtype: "<i2" }));
    const before = await Deno.readFile(path);
    const objects = new NDArray("|O", [1]);
    await assert.rejects(() => save(path, objects), { code: "npy-no-pickle-codec" });
    const failing = {
      loads: () => null,
      dumps: () => {
        throw new Error("codec failure");
      },
    };
    await assert.rejects(() => save(path, objects, { pickle: failing }), /codec failure/);
    assert.deepEqual(await Deno.readFile(path), before);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["keep.npy"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("load: errors name the file; missing files are Deno's NotFound", async () => {
  const dir = await tempDir();
  try {
    const path = `${dir}/bad.npy`;
    await Deno.writeFile(path, new TextEncoder().encode("not an npy file at all"));
    assert.throws(() => loadSync(path), (e: unknown) => {
      assert.ok(e instanceof MalformedError);
      assert.ok(e.message.startsWith(`"${path}": not an npy file`), e.message);
      return true;
    });
    await assert.rejects(() => load(path), MalformedError);
    await assert.rejects(() => loadHeader(path), new RegExp(`^MalformedError: "${path}"`));
    await assert.rejects(() => load(`${dir}/missing.npy`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadHeader, loadIndex and loadStream on NumPy's files", async () => {
  const dir = await tempDir();
  try {
    await python(
      `
import numpy as np, sys
d = sys.argv[1]
np.save(d + "/cube.npy", np.asfortranarray(np.arange(60, dtype=">i4").reshape(3, 4, 5)))
with open(d + "/stream.npy", "wb") as f:
    for k in range(4):
        np.save(f, np.full((k + 1,), k, dtype="<u2"))
`,
      { args: [dir] },
    );
    const header = await loadHeader(`${dir}/cube.npy`);
    assert.deepEqual([header.dtype.str, header.shape, header.fortranOrder], [
      ">i4",
      [3, 4, 5],
      true,
    ]);
    const part = await loadIndex(`${dir}/cube.npy`, "1:, ::-1, 2");
    const whole = loadSync(`${dir}/cube.npy`);
    assert.deepEqual(part.toNested(), whole.index("1:, ::-1, 2").toNested());
    const arrays = await loadStream(`${dir}/stream.npy`);
    assert.deepEqual(arrays.map((a) => a.toNested()), [[0], [1, 1], [2, 2, 2], [3, 3, 3, 3]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createNpyWriter: appears only when closed; abort leaves nothing", async () => {
  const dir = await tempDir();
  try {
    const path = `${dir}/rows.npy`;
    const writer = createNpyWriter(path, { dtype: "<f4", rowShape: [3] });
    for (let i = 0; i < 10; i++) {
      await writer.append(arange(i * 30, i * 30 + 30, { dtype: "<f4" }).reshape([10, 3]));
      assert.equal([...Deno.readDirSync(dir)].some((e) => e.name === "rows.npy"), false);
    }
    assert.equal(writer.rows, 100);
    const header = await writer.close();
    assert.deepEqual(header.shape, [100, 3]);
    assert.deepEqual(
      await Deno.readFile(path),
      encodeNpy(arange(300, { dtype: "<f4" }).reshape([100, 3])),
    );
    const out = await python(
      `import numpy as np, sys; a = np.load(sys.argv[1]); print(a.shape, a[99, 2])`,
      {
        args: [path],
      },
    );
    assert.equal(new TextDecoder().decode(out), "(100, 3) 299.0\n");

    {
      await using aborted = createNpyWriter(`${dir}/gone.npy`, { dtype: "<f4" });
      await aborted.append(arange(3, { dtype: "<f4" }));
    }
    const failed = createNpyWriter(`${dir}/failed.npy`, { dtype: "<f4" });
    await assert.rejects(() => failed.append(arange(3, { dtype: "<f8" })), TypeError);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["rows.npy"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
