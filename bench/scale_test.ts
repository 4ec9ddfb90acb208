// The CI-sized scale run: 512 MiB of .npy data, 128 MiB of text and 512
// MiB packed into a compressed .npz, each capped conversion under a 384 MB
// peak RSS, less than the 537 MB it moves (a streamed conversion's peak hardly
// grows with the data: 231 MB at 256 MiB, 283 MB at 4 GiB for the .npz pack,
// whose deflate threads are most of it; the margin absorbs late garbage
// collection on a loaded CI machine); results verified; and the BENCHMARKS.md
// section lands outside the generated report.

import assert from "node:assert/strict";
import { arange } from "@ndio/core";
import { save } from "@ndio/npy/fs";
import { savezFromNpy } from "@ndio/npz/fs";
import {
  checkNpzMember,
  recordSection,
  renderSection,
  runScale,
  type ScaleOptions,
} from "./scale.ts";

const STEP = new URL("./scale_step.ts", import.meta.url).pathname;

Deno.test("scale: 512 MiB of .npy and .npz and 128 MiB of text convert under a 384 MB peak RSS", async () => {
  const options: ScaleOptions = {
    npyBytes: 512 * 2 ** 20,
    textBytes: 128 * 2 ** 20,
    npzBytes: 512 * 2 ** 20,
    cap: 384e6,
  };
  const steps = await runScale(options);
  assert.equal(steps.length, 11);
  for (const step of steps.filter((s) => s.capped)) {
    assert.ok(
      step.peakRss <= options.cap,
      `${step.step}: peak RSS ${(step.peakRss / 1e6).toFixed(0)} MB over the cap`,
    );
  }
  const moved = steps.find((s) => s.step === "npy-to-npy")!;
  assert.equal(moved.bytes, 512 * 2 ** 20);
  assert.ok(moved.bytes > options.cap, "the data is larger than the memory allowed");
  const packed = steps.find((s) => s.step === "npy-to-npz")!;
  assert.equal(packed.capped, true);
  assert.equal(packed.bytes, 512 * 2 ** 20);
  const unpacked = steps.find((s) => s.step === "npz-to-npy")!;
  assert.equal(unpacked.capped, true);
  assert.equal(unpacked.bytes, 512 * 2 ** 20);
});

Deno.test("scale: the .npz check notices a member that differs from the .npy", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await save(`${dir}/a.npy`, arange(1000, { dtype: "<f8" }));
    await savezFromNpy(`${dir}/a.npz`, { a: `${dir}/a.npy` }, { compress: true });
    await checkNpzMember(`${dir}/a.npz`, `${dir}/a.npy`);
    const b = await Deno.readFile(`${dir}/a.npy`);
    b[b.length - 3]! ^= 1;
    await Deno.writeFile(`${dir}/b.npy`, b);
    await assert.rejects(checkNpzMember(`${dir}/a.npz`, `${dir}/b.npy`), /data differs/);
    await save(`${dir}/c.npy`, arange(1000, { dtype: "<i8" }));
    await assert.rejects(checkNpzMember(`${dir}/a.npz`, `${dir}/c.npy`), /header differs/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scale: the byte-for-byte comparison notices one changed byte", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await save(`${dir}/a.npy`, arange(1000, { dtype: "<f8" }));
    const b = await Deno.readFile(`${dir}/a.npy`);
    b[b.length - 3]! ^= 1;
    await Deno.writeFile(`${dir}/b.npy`, b);
    const { success, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", STEP, "compare", `${dir}/a.npy`, `${dir}/b.npy`],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(success, false);
    assert.match(new TextDecoder().decode(stderr), /differ at data byte 7997/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scale: the recorded section replaces its earlier self, after the generated report", () => {
  const options: ScaleOptions = { npyBytes: 2 ** 30, textBytes: 2 ** 29, cap: 512e6 };
  const step = {
    step: "npy-to-npy",
    what: "copy",
    bytes: 2 ** 30,
    seconds: 1,
    peakRss: 100e6,
    source: "time -v" as const,
    capped: true,
    load: 1.5,
  };
  const report =
    "# Benchmarks\n\n<!-- bench:numpy:begin -->\nx\n<!-- bench:numpy:end -->\n\n## text\n";
  const once = recordSection(report, renderSection([step], options));
  assert.ok(once.startsWith(report.trimEnd()));
  assert.match(once, /\| copy \| 1\.00 GiB \| 1\.0 s \| 100 MB \| yes \| 1\.5 \|/);
  const twice = recordSection(once, renderSection([{ ...step, peakRss: 600e6 }], options));
  assert.equal(twice.match(/scale:begin/g)!.length, 1);
  assert.match(twice, /\| 600 MB \| \*\*no\*\* \|/);
});
