import assert from "node:assert/strict";
import {
  allocateBuffer,
  createAtomicFileSink,
  fileSizeOf,
  openFileSource,
  readFileBytes,
  writeFileAtomic,
} from "./fs.ts";
import { ArgumentError, NdioError, TruncatedError } from "./mod.ts";

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("openFileSource reads ranges of a file and reports truncation", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/data.bin`;
  await Deno.writeFile(path, new Uint8Array(300).map((_, i) => i % 256));
  using source = openFileSource(path);
  assert.equal(source.byteLength, 300);
  assert.deepEqual([...(await source.read(255, 3))], [255, 0, 1]);
  assert.deepEqual([...(await source.read(10, 2))], [10, 11]);
  await assert.rejects(() => source.read(299, 2), (e: unknown) => {
    assert.ok(e instanceof TruncatedError);
    assert.match(e.message, /data\.bin/);
    return true;
  });
  await assert.rejects(() => source.read(-1, 2), ArgumentError);
  const into = new Uint8Array(4);
  await source.readInto!(254, into);
  assert.deepEqual([...into], [254, 255, 0, 1]);
  await source.readInto!(0, into.subarray(1, 3));
  assert.deepEqual([...into], [254, 0, 1, 1]);
  await assert.rejects(() => source.readInto!(297, into), TruncatedError);
  await assert.rejects(() => source.readInto!(1.5, into), ArgumentError);
  await assert.rejects(() => source.readInto!(0, [1, 2] as never), ArgumentError);
  assert.deepEqual(readFileBytes(path).length, 300);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("fileSizeOf: a seek where it gives the size, the stat elsewhere; position at the start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/f.bin`;
    await Deno.writeFile(path, new Uint8Array([9, 8, 7, 6]));
    using file = Deno.openSync(path, { read: true });
    assert.equal(fileSizeOf(file), 4);
    const first = new Uint8Array(1);
    file.readSync(first);
    assert.equal(first[0], 9);
    // A directory's end on ext4 is 2**63 - 1: its stat's size, not that.
    using directory = Deno.openSync(dir, { read: true });
    assert.equal(fileSizeOf(directory), Deno.statSync(dir).size);
    if (Deno.build.os === "linux") {
      // Cannot seek to its end: sized by its stat.
      using proc = Deno.openSync("/proc/self/status", { read: true });
      assert.equal(fileSizeOf(proc), 0);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("atomic writes replace the target only when complete", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.npy`;
  await Deno.writeFile(path, new Uint8Array([1, 1, 1]));
  // A failing producer leaves the old file and no temporary file.
  async function* failing() {
    yield new Uint8Array([9, 9]);
    throw new Error("producer failed");
  }
  await assert.rejects(() => writeFileAtomic(path, failing()), /producer failed/);
  assert.deepEqual([...(await Deno.readFile(path))], [1, 1, 1]);
  assert.deepEqual(await listDir(dir), ["out.npy"]);
  // An explicit abort does the same.
  const sink = createAtomicFileSink(path);
  await sink.write(new Uint8Array([5]));
  assert.equal((await listDir(dir)).length, 2);
  await sink.abort();
  assert.deepEqual(await listDir(dir), ["out.npy"]);
  await assert.rejects(
    () => sink.write(new Uint8Array([1])),
    (e: unknown) => e instanceof NdioError && e.code === "sink-closed",
  );
  // Disposal without commit aborts.
  {
    await using pending = createAtomicFileSink(path);
    await pending.write(new Uint8Array([6]));
  }
  assert.deepEqual(await listDir(dir), ["out.npy"]);
  // A completed write replaces the file, header patches included.
  const ok = createAtomicFileSink(path, { fsync: false });
  await ok.write(new Uint8Array([0, 0, 3, 4]));
  await ok.writeAt(0, new Uint8Array([1, 2]));
  assert.equal(ok.position, 4);
  await assert.rejects(() => ok.writeAt(3, new Uint8Array(2)), ArgumentError);
  // The failed patch aborted the writer; start again.
  assert.deepEqual(await listDir(dir), ["out.npy"]);
  await writeFileAtomic(path, [new Uint8Array([1, 2]), new Uint8Array([3, 4])]);
  assert.deepEqual([...(await Deno.readFile(path))], [1, 2, 3, 4]);
  assert.deepEqual(await listDir(dir), ["out.npy"]);
  // A target in a missing directory fails before anything is written.
  assert.throws(() => createAtomicFileSink(`${dir}/missing/x.npy`), Deno.errors.NotFound);
  assert.throws(() => createAtomicFileSink(""), ArgumentError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("allocateBuffer: zeroed buffers of any size, huge pages asked for from 4 MiB", () => {
  for (const size of [0, 1, 4095, (4 << 20) - 1, 4 << 20, (8 << 20) + 3]) {
    for (const hugePages of [true, false]) {
      const buffer = allocateBuffer(size, { hugePages });
      assert.equal(buffer.length, size);
      assert.ok(buffer.every((b) => b === 0));
      buffer.fill(7); // every page writable
    }
  }
});

Deno.test("the next atomic write takes over or removes the temp files of killed writers of the same target", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.npy`;
  const slot = (n: number, base = "out.npy") => `.${base}.${n}.ndio-tmp`;
  // Debris (unlocked) in slots 0, 1 and 3; slot 2 held by a live writer
  // (its lock); another target's debris, which is not ours.
  for (const name of [slot(0), slot(1), slot(2), slot(3), slot(0, "other.npy")]) {
    await Deno.writeFile(`${dir}/${name}`, new Uint8Array([9, 9, 9]));
  }
  const live = await Deno.open(`${dir}/${slot(2)}`, { write: true });
  assert.ok(live.tryLockSync(true));
  await writeFileAtomic(path, new Uint8Array([7]), { fsync: false });
  // Slot 0 was emptied, reused and renamed; 1 and 3 removed; 2 left alone.
  assert.deepEqual([...await Deno.readFile(path)], [7]);
  const expected = Deno.build.os === "windows"
    ? [slot(0), slot(1), slot(2), slot(3), slot(0, "other.npy"), "out.npy"].sort()
    : [slot(2), slot(0, "other.npy"), "out.npy"].sort();
  assert.deepEqual(await listDir(dir), expected);
  live.close();
  if (Deno.build.os !== "windows") {
    // Later writes of the target skip the look at later slots, unless they
    // take a slot over (a writer was killed) or find one busy.
    await Deno.remove(`${dir}/${slot(2)}`);
    await Deno.writeFile(`${dir}/${slot(1)}`, new Uint8Array([9]));
    await writeFileAtomic(path, new Uint8Array([8]), { fsync: false });
    assert.ok((await listDir(dir)).includes(slot(1)));
    await Deno.writeFile(`${dir}/${slot(0)}`, new Uint8Array([9]));
    await writeFileAtomic(path, new Uint8Array([6]), { fsync: false });
    assert.deepEqual(await listDir(dir), [slot(0, "other.npy"), "out.npy"].sort());
    assert.deepEqual([...await Deno.readFile(path)], [6]);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("concurrent atomic writes of one target take separate temp files", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/out.npy`;
  const first = createAtomicFileSink(path, { fsync: false });
  const second = createAtomicFileSink(path, { fsync: false });
  await first.write(new Uint8Array([1, 1]));
  await second.write(new Uint8Array([2]));
  await first.write(new Uint8Array([1]));
  await second.commit();
  assert.deepEqual([...await Deno.readFile(path)], [2]);
  // A write starting now cannot take the first writer's file.
  const third = createAtomicFileSink(path, { fsync: false });
  await third.write(new Uint8Array([3]));
  await first.commit();
  assert.deepEqual([...await Deno.readFile(path)], [1, 1, 1]);
  await third.abort();
  assert.deepEqual(await listDir(dir), ["out.npy"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an atomic write refuses a link planted at its temp name and leaves its target alone", async () => {
  if (Deno.build.os === "windows") return;
  const dir = await Deno.makeTempDir();
  const victim = `${dir}/victim.bin`;
  await Deno.writeFile(victim, new Uint8Array([5, 5]));
  await Deno.symlink(victim, `${dir}/.out.npy.0.ndio-tmp`);
  assert.throws(() => createAtomicFileSink(`${dir}/out.npy`), NdioError);
  await Deno.link(victim, `${dir}/.b.npy.0.ndio-tmp`);
  assert.throws(() => createAtomicFileSink(`${dir}/b.npy`), NdioError);
  assert.deepEqual([...await Deno.readFile(victim)], [5, 5]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("atomic writes reserve the blocks of a size given up front (Linux, with FFI)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/big.bin`;
    // Reserved beyond what is written: the blocks stay with the file, past its end.
    const sink = createAtomicFileSink(path, { fsync: false, size: 4 << 20 });
    await sink.write(new Uint8Array([1]));
    await sink.commit();
    const info = await Deno.stat(path);
    assert.equal(info.size, 1);
    const ffi = (await Deno.permissions.query({ name: "ffi" })).state === "granted";
    if (Deno.build.os === "linux" && ffi && info.blocks !== null) {
      assert.ok(info.blocks * 512 >= 4 << 20, `${info.blocks} blocks`);
    }
    // Under 1 MiB nothing is reserved.
    await writeFileAtomic(path, new Uint8Array(1000), { fsync: false });
    const small = await Deno.stat(path);
    if (small.blocks !== null) assert.ok(small.blocks * 512 < 1 << 20);
    assert.throws(() => createAtomicFileSink(path, { size: -1 }), ArgumentError);
    assert.throws(() => createAtomicFileSink(path, { size: 1.5 }), ArgumentError);
    assert.deepEqual(await listDir(dir), ["big.bin"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
