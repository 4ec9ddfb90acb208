// Broken archives (testdata/make_fixtures.py, bad/): each fails with its own
// typed error naming the member or offset, when opened or when the member
// is read — never a crash, a hang or a huge allocation.

import assert from "node:assert/strict";
import * as core from "@ndio/core";
import { decodeNpz, loadNpz } from "./mod.ts";

const here = new URL("./testdata/", import.meta.url);
const manifest: Record<string, { error: string; code: string; member: string | null }> = JSON
  .parse(await Deno.readTextFile(new URL("bad.json", here)));

async function readEverything(bytes: Uint8Array): Promise<void> {
  using npz = await loadNpz(bytes);
  for (const name of npz.names) await npz.bytes(name);
}

for (const [name, { error, code, member }] of Object.entries(manifest)) {
  Deno.test(`bad ${name}.npz: ${error} ${code}`, async () => {
    const bytes = await Deno.readFile(new URL(`bad/${name}.npz`, here));
    const errorClass = (core as unknown as Record<string, new (...a: never[]) => Error>)[error]!;
    const check = (e: unknown) => {
      assert.ok(e instanceof errorClass, `${name}: ${e}`);
      const err = e as Error & { code: string; key?: string; offset?: number };
      assert.equal(err.code, code, `${name}: ${err.message}`);
      if (member !== null) {
        assert.equal(err.key, member);
        assert.match(err.message, new RegExp(`"${member.replace(".", "\\.")}"`));
      }
      assert.doesNotMatch(err.message, /\.$/);
      return true;
    };
    await assert.rejects(readEverything(bytes), check);
    assert.throws(() => decodeNpz(bytes), check);
  });
}

Deno.test("bad: a zip bomb is stopped at its declared size without inflating it whole", async () => {
  // 1 GiB of zeros deflates to about 1 MiB; declared as 1 KiB.
  const { deflateSync } = await import("fflate");
  const { encodeNpz } = await import("./mod.ts");
  const honest = encodeNpz({ a: core.zeros([16], { dtype: "|u1" }) }, { compress: true });
  const bomb = deflateSync(new Uint8Array(64 << 20));
  // Rebuild the archive with the bomb as the member's data, keeping its declared sizes.
  const local = honest.subarray(0, 30 + 5 + 20);
  const central = honest.subarray(honest.length - 22 - 46 - 5);
  const out = new Uint8Array(local.length + bomb.length + central.length);
  out.set(local);
  out.set(bomb, local.length);
  out.set(central, local.length + bomb.length);
  const view = new DataView(out.buffer);
  const c = local.length + bomb.length;
  view.setUint32(c + 20, bomb.length, true); // compressed size
  view.setUint32(out.length - 22 + 16, c, true); // central directory offset
  const before = performance.now();
  await assert.rejects(readEverything(out), (e) => {
    assert.ok(e instanceof core.MalformedError);
    assert.equal((e as core.MalformedError).code, "zip-size-mismatch");
    return true;
  });
  assert.throws(() => decodeNpz(out), core.MalformedError);
  assert.ok(performance.now() - before < 60_000);
});

Deno.test("bad: limits on member count, member size and total size", async () => {
  const { encodeNpz } = await import("./mod.ts");
  const bytes = encodeNpz([core.zeros([100]), core.zeros([100])]);
  await assert.rejects(loadNpz(bytes, { maxMembers: 1 }), (e) => {
    assert.ok(e instanceof core.LimitError);
    assert.equal((e as core.LimitError).limit, "maxMembers");
    return true;
  });
  await assert.rejects(loadNpz(bytes, { maxTotalSize: 1000 }), core.LimitError);
  using npz = await loadNpz(bytes, { maxMemberSize: 100 });
  await assert.rejects(npz.get("arr_0"), (e) => {
    assert.ok(e instanceof core.LimitError);
    assert.equal((e as core.LimitError).key, "arr_0.npy");
    return true;
  });
  await assert.rejects(loadNpz(bytes, { maxMembers: -1 }), core.ArgumentError);
});

Deno.test("bad: an unknown member is named, and a closed archive refuses reads", async () => {
  const { encodeNpz } = await import("./mod.ts");
  const npz = await loadNpz(encodeNpz({ a: core.zeros([1]) }));
  await assert.rejects(() => npz.get("b"), /no member "b" \(it has "a"\)/);
  npz.close();
  await assert.rejects(() => npz.get("a"), /closed/);
});

Deno.test("bad: a partial index() skips the CRC-32 unless verify: true", async () => {
  const bytes = await Deno.readFile(new URL("bad/bad_crc.npz", here));
  using npz = await loadNpz(bytes);
  // The flipped byte is the member's last; the first rows read fine without the check.
  assert.deepEqual((await npz.index("a", ":3")).toNested(), [0n, 1n, 2n]);
  for (const index of [":3", "-1"]) {
    await assert.rejects(npz.index("a", index, { verify: true }), (e) => {
      assert.ok(e instanceof core.MalformedError);
      assert.equal(e.code, "zip-crc-mismatch");
      assert.equal(e.key, "a.npy");
      return true;
    });
  }
  // So is a deflated member's: it is inflated only as far as the selection needs.
  using deflated = await loadNpz(await Deno.readFile(new URL("bad/bad_crc_deflated.npz", here)));
  assert.deepEqual((await deflated.index("a", ":3")).toNested(), [0n, 0n, 0n]);
  await assert.rejects(deflated.index("a", ":3", { verify: true }), /CRC-32/);
  await assert.rejects(npz.index("a", ":3", { verify: "yes" } as never), core.ArgumentError);
});
