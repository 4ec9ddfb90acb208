// Atomic writes under failure: a disk that fills up midway (ENOSPC on a
// 1 MiB tmpfs) and a writer killed with SIGKILL midway must leave the
// previous file intact; the failed write leaves no temp file, and the
// killed one's temp file is gone after the next write of the same target.
// Covers npy save, createNpyWriter, text savetxtFile, npz savez and
// savezCompressed, and ndio convert (.npy and text output).

import assert from "node:assert/strict";
import { arange, NDArray } from "@ndio/core";
import { encodeNpy } from "@ndio/npy";
import { createNpyWriter, loadSync, save } from "@ndio/npy/fs";
import { main } from "@ndio/cli";
import { savetxtFile } from "@ndio/text/fs";
import { loadNpz, savez, savezCompressed } from "@ndio/npz/fs";

const WRITER = new URL("./_writer.ts", import.meta.url).pathname;
const DENO = Deno.execPath();

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/** Mounts a 1 MiB tmpfs; null (with the reason) where mounting is not permitted. */
async function smallDisk(): Promise<
  { dir: string; [Symbol.asyncDispose](): Promise<void> } | string
> {
  if (Deno.build.os !== "linux") return "tmpfs is Linux only";
  const dir = await Deno.makeTempDir({ prefix: "ndio_enospc_" });
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir],
    stdout: "null",
    stderr: "piped",
  }).output().catch((e: Error) => ({
    success: false,
    stderr: new TextEncoder().encode(e.message),
  }));
  if (!mount.success) {
    await Deno.remove(dir);
    return `mount -t tmpfs is not permitted here (${
      new TextDecoder().decode(mount.stderr).trim()
    })`;
  }
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const OLD = arange(10, { dtype: "<i4" });
const BIG = new NDArray("<f8", [256 * 1024]); // 2 MiB: does not fit beside the old file

function assertOld(path: string): void {
  assert.deepEqual(loadSync(path).toNested(), OLD.toNested());
}

Deno.test("ENOSPC midway: npy, text, npz and ndio convert writes keep the old file, leave no temp", async (t) => {
  const disk = await smallDisk();
  if (typeof disk === "string") {
    console.warn(`ENOSPC test skipped: ${disk}`);
    return;
  }
  await using _ = disk;
  const path = `${disk.dir}/a.npy`;
  await save(path, OLD);

  await t.step("save", async () => {
    await assert.rejects(
      () => save(path, BIG),
      (e: unknown) => /space|os error 28/i.test(String(e)),
    );
    assertOld(path);
    assert.deepEqual(await listDir(disk.dir), ["a.npy"]);
  });

  await t.step("save of a strided view (written in chunks)", async () => {
    const view = new NDArray("<f8", [512 * 1024]).index("::2");
    await assert.rejects(
      () => save(path, view),
      (e: unknown) => /space|os error 28/i.test(String(e)),
    );
    assertOld(path);
    assert.deepEqual(await listDir(disk.dir), ["a.npy"]);
  });

  await t.step("createNpyWriter", async () => {
    const writer = createNpyWriter(path, { dtype: "<f8", rowShape: [1024] });
    const rows = new NDArray("<f8", [16, 1024]); // 128 KiB per append
    await assert.rejects(async () => {
      for (let i = 0; i < 64; i++) await writer.append(rows);
      await writer.close();
    }, (e: unknown) => /space|os error 28/i.test(String(e)));
    await writer.abort();
    assertOld(path);
    assert.deepEqual(await listDir(disk.dir), ["a.npy"]);
  });

  await t.step("savetxtFile", async () => {
    const text = `${disk.dir}/b.txt`;
    await Deno.writeTextFile(text, "1 2\n");
    await assert.rejects(
      () => savetxtFile(text, BIG.reshape([32768, 8])),
      (e: unknown) => /space|os error 28/i.test(String(e)),
    );
    assert.equal(await Deno.readTextFile(text), "1 2\n");
    assert.deepEqual(await listDir(disk.dir), ["a.npy", "b.txt"]);
    await Deno.remove(text);
  });

  await t.step("savez and savezCompressed", async () => {
    const archive = `${disk.dir}/c.npz`;
    await savez(archive, { old: OLD });
    const random = new NDArray("<u4", [512 * 1024]); // 2 MiB that deflate cannot shrink
    (random.toTypedArray() as Uint32Array).forEach((_, i, a) => a[i] = Math.imul(i, 2654435761));
    for (
      const write of [
        () => savez(archive, { a: BIG }),
        () => savezCompressed(archive, { a: random }),
      ]
    ) {
      await assert.rejects(write, (e: unknown) => /space|os error 28/i.test(String(e)));
      assert.deepEqual(await listDir(disk.dir), ["a.npy", "c.npz"]);
      using npz = await loadNpz(archive);
      assert.deepEqual(npz.names, ["old.npy"]);
    }
    await Deno.remove(archive);
  });

  await t.step("ndio convert to .npy and to text", async () => {
    const outside = await Deno.makeTempDir({ prefix: "ndio_enospc_src_" });
    try {
      await save(`${outside}/big.npy`, BIG);
      const text = `${disk.dir}/a.txt`;
      await Deno.writeTextFile(text, "1 2\n");
      for (
        const [to, check] of [
          [path, () => assertOld(path)],
          [text, async () => assert.equal(await Deno.readTextFile(text), "1 2\n")],
        ] as const
      ) {
        let err = "";
        const code = await main(["convert", `${outside}/big.npy`, to], {
          stdout: { write: () => {} },
          stderr: { write: (s) => (err += s) },
        });
        assert.equal(code, 1, err);
        assert.match(err, /space|os error 28/i);
        await check();
        assert.deepEqual(await listDir(disk.dir), ["a.npy", "a.txt"]);
      }
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});

/** Starts the writer child, waits until it writes, lets it run `ms` more, then SIGKILLs it. */
async function killMidway(args: string[], tempDir: string, ms: number): Promise<void> {
  const child = new Deno.Command(DENO, {
    args: ["run", "--allow-all", WRITER, ...args],
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /writing/);
  // Wait until a temp file holds data, then a little longer.
  for (let i = 0; i < 500; i++) {
    const temps = (await listDir(tempDir)).filter((n) => n.endsWith(".ndio-tmp"));
    if (temps.length > 0 && (await Deno.stat(`${tempDir}/${temps[0]}`)).size > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill("SIGKILL");
  const status = await child.status;
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  assert.equal(status.signal, "SIGKILL");
}

Deno.test("SIGKILL midway: the old file is intact; the next write removes the killed writer's temp", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "ndio_sigkill_" });
  const path = `${dir}/a.npy`;
  try {
    await t.step("createNpyWriter appending when killed", async () => {
      await save(path, OLD);
      await killMidway(["stream", path], dir, 200);
      assertOld(path);
      const left = await listDir(dir);
      // The killed process could not clean up: its temp file is there...
      assert.equal(left.length, 2, left.join());
      assert.match(left[0]!, /^\.a\.npy\.0\.ndio-tmp$/);
      // ...until the next write of the same target.
      await save(path, OLD);
      assert.deepEqual(await listDir(dir), ["a.npy"]);
    });

    await t.step("save killed midway: the file is old or complete, never partial", async () => {
      await save(path, OLD);
      await killMidway(["save", path, "256"], dir, 50);
      const bytes = await Deno.readFile(path);
      const complete = bytes.length > encodeNpy(OLD).length;
      if (complete) assert.equal(loadSync(path).size, 256 * 1024 * 1024 / 16);
      else assertOld(path);
      await save(path, OLD);
      assert.deepEqual(await listDir(dir), ["a.npy"]);
    });

    await t.step("savetxtFile killed midway: the text is old or complete", async () => {
      const output = `${dir}/s.txt`;
      await Deno.writeTextFile(output, "old\n");
      await killMidway(["savetxt", output, "200"], dir, 20);
      const text = await Deno.readTextFile(output);
      assert.ok(text === "old\n" || text.split("\n").length === 1_000_000 + 1, text.slice(0, 80));
      await savetxtFile(output, OLD);
      assert.deepEqual(await listDir(dir), ["a.npy", "s.txt"]);
      await Deno.remove(output);
    });

    await t.step("savez killed midway: the archive is old or complete", async () => {
      const archive = `${dir}/c.npz`;
      await savez(archive, { old: OLD });
      await killMidway(["savez", archive, "256"], dir, 20);
      {
        using npz = await loadNpz(archive);
        assert.ok(
          npz.names.join() === "old.npy" || npz.names.join() === "a.npy,b.npy,c.npy,d.npy",
          npz.names.join(),
        );
      }
      await savez(archive, { old: OLD });
      assert.deepEqual(await listDir(dir), ["a.npy", "c.npz"]);
      await Deno.remove(archive);
    });

    await t.step("ndio convert killed midway: the text output is old or complete", async () => {
      const input = `${dir}/big.npy`;
      const output = `${dir}/out.txt`;
      await save(input, arange(4 * 1024 * 1024, { dtype: "<f8" }).reshape([512 * 1024, 8]));
      await Deno.writeTextFile(output, "old\n");
      await killMidway(["convert", input, output], dir, 50);
      const text = await Deno.readTextFile(output);
      assert.ok(text === "old\n" || text.split("\n").length === 512 * 1024 + 1, text.slice(0, 80));
      await Deno.remove(input);
      let err = "";
      assert.equal(
        await main(["convert", path, output], {
          stdout: { write: () => {} },
          stderr: { write: (s) => (err += s) },
        }),
        0,
        err,
      );
      assert.deepEqual(await listDir(dir), ["a.npy", "out.txt"]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
