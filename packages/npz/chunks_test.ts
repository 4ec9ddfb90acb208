// NpzFile.chunks: a member's uncompressed bytes as they stream. They join
// up to what bytes() returns for every fixture member, stored and deflated,
// at read sizes around every boundary and through both codecs; broken
// archives give the errors a whole read gives; a bad CRC-32 withholds the
// last chunk.

import assert from "node:assert/strict";
import { arange, ArgumentError, MalformedError } from "@ndio/core";
import { encodeNpz, loadNpz, type NpzChunksOptions, type NpzFile } from "./mod.ts";
import * as fs from "./fs.ts";

const here = new URL("./testdata/", import.meta.url);
const good: Record<string, { members: string[] }> = JSON.parse(
  await Deno.readTextFile(new URL("good.json", here)),
);
const bad: Record<string, { error: string; code: string; member: string | null }> = JSON.parse(
  await Deno.readTextFile(new URL("bad.json", here)),
);

async function joined(npz: NpzFile, name: string, options?: NpzChunksOptions) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of npz.chunks(name, options)) chunks.push(chunk.slice());
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return { bytes: out, count: chunks.length };
}

const openers: [string, (archive: string) => Promise<NpzFile>][] = [
  ["web", async (archive) => await loadNpz(await Deno.readFile(new URL(archive, here)))],
  ["fs", (archive) => fs.loadNpz(new URL(archive, here).pathname)],
];

for (const [codec, open] of openers) {
  Deno.test(`chunks (${codec}): every fixture member joins up to bytes(), at any read size`, async () => {
    for (const [archive, { members }] of Object.entries(good)) {
      using npz = await open(`good/${archive}.npz`);
      for (const member of members) {
        const whole = await npz.bytes(member);
        for (const readBytes of [1, 7, 4096, undefined]) {
          const options = readBytes === undefined ? undefined : { readBytes };
          const { bytes, count } = await joined(npz, member, options);
          assert.deepEqual(bytes, whole, `${archive} ${member} ${readBytes}`);
          if (readBytes === 1 && !npz.member(member).compressed) {
            assert.equal(count, whole.length);
          }
        }
      }
    }
  });

  Deno.test(`chunks (${codec}): broken archives give the errors a whole read gives`, async () => {
    for (const [name, { error, code, member }] of Object.entries(bad)) {
      await assert.rejects(async () => {
        using npz = await open(`bad/${name}.npz`);
        for (const entry of npz.names) await joined(npz, entry, { readBytes: 5 });
      }, (e) => {
        assert.equal((e as Error).constructor.name, error, String(e));
        const err = e as Error & { code: string; key?: string };
        assert.equal(err.code, code, err.message);
        if (member !== null) assert.equal(err.key, member, err.message);
        return true;
      });
    }
  });
}

Deno.test("chunks: a bad CRC-32 withholds the last chunk; verify: false reads on; bad options are refused", async () => {
  for (const name of ["bad_crc", "bad_crc_deflated"]) {
    using npz = await loadNpz(await Deno.readFile(new URL(`bad/${name}.npz`, here)));
    let given = 0;
    await assert.rejects(async () => {
      for await (const chunk of npz.chunks("a", { readBytes: 100 })) given += chunk.length;
    }, (e) => e instanceof MalformedError && e.code === "zip-crc-mismatch");
    const all = await joined(npz, "a", { readBytes: 100, verify: false });
    assert.ok(given < all.bytes.length, name);
    assert.equal(all.bytes.length, npz.member("a").size);
  }
  using npz = await loadNpz(encodeNpz({ x: arange(10) }, { compress: true }));
  await assert.rejects(joined(npz, "x", { readBytes: 0 }), ArgumentError);
  await assert.rejects(joined(npz, "x", { verify: "no" } as never), ArgumentError);
});
