import assert from "node:assert/strict";
import { crc32, deflateRawSync } from "node:zlib";
import { MalformedError } from "@ndio/core";
import { nodeCodec } from "./_node_codec.ts";
import { openRawInflater } from "./_raw_inflater.ts";

const codec = nodeCodec(null);

async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

function sample(length: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 7919) % 251 < 90 ? i % 13 : (i * 31) & 0xff;
  return data;
}

function deflated(data: Uint8Array): Uint8Array {
  const out = deflateRawSync(data, { level: 6 });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

async function codeOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof MalformedError, String(error));
    assert.equal(error.key, "m.npy");
    assert.equal(error.offset, 40);
    return error.code;
  }
  return "ok";
}

Deno.test("node codec: this runtime's node:zlib has the handle inflateInto is built on", () => {
  const inflater = openRawInflater();
  assert.ok(inflater !== null);
  inflater.close();
});

Deno.test("node codec: inflateInto fills the buffer and returns its CRC-32, however the input is cut", async () => {
  const data = sample(300_000);
  const stream = deflated(data);
  for (const size of [1, 7, 4096, 65_536, stream.length]) {
    const out = new Uint8Array(data.length);
    const crc = await codec.inflateInto!(chunked(stream, size), out, "m.npy", 40);
    assert.deepEqual(out, data);
    assert.equal(crc, crc32(data));
  }
  const empty = deflated(new Uint8Array(0));
  assert.equal(await codec.inflateInto!(chunked(empty, 1), new Uint8Array(0), "m.npy", 40), 0);
});

Deno.test("node codec: inflateInto ignores bytes after the end of the stream, as zipfile does", async () => {
  const data = sample(5000);
  const stream = deflated(data);
  const padded = new Uint8Array(stream.length + 3).fill(0xee);
  padded.set(stream);
  const out = new Uint8Array(data.length);
  assert.equal(await codec.inflateInto!(chunked(padded, 1000), out, "m.npy", 40), crc32(data));
  assert.deepEqual(out, data);
});

Deno.test("node codec: inflateInto reports a bomb, a short stream, a cut stream and garbage", async () => {
  const data = sample(200_000);
  const stream = deflated(data);
  for (const size of [1, 333, stream.length]) {
    // Inflates past the declared size: stopped at it, never written beyond.
    const small = new Uint8Array(data.length - 1);
    assert.equal(
      await codeOf(codec.inflateInto!(chunked(stream, size), small, "m.npy", 40)),
      "zip-size-mismatch",
    );
    // Ends before the declared size.
    const large = new Uint8Array(data.length + 1);
    assert.equal(
      await codeOf(codec.inflateInto!(chunked(stream, size), large, "m.npy", 40)),
      "zip-size-mismatch",
    );
  }
  const cut = stream.subarray(0, stream.length - 10);
  const out = new Uint8Array(data.length);
  assert.equal(
    await codeOf(codec.inflateInto!(chunked(cut, 512), out, "m.npy", 40)),
    "zip-bad-deflate",
  );
  const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
  assert.equal(
    await codeOf(codec.inflateInto!(chunked(garbage, 2), out, "m.npy", 40)),
    "zip-bad-deflate",
  );
});

Deno.test("node codec: inflateInto stops a large bomb at the buffer without inflating it", async () => {
  const stream = deflated(new Uint8Array(64 << 20));
  const out = new Uint8Array(1024);
  assert.equal(
    await codeOf(codec.inflateInto!(chunked(stream, 4 << 20), out, "m.npy", 40)),
    "zip-size-mismatch",
  );
});

Deno.test("node codec: inflateInto passes on an error of its source", async () => {
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield deflated(sample(100_000)).subarray(0, 100);
    throw new RangeError("the source broke");
  }
  await assert.rejects(
    codec.inflateInto!(failing(), new Uint8Array(100_000), "m.npy", 40),
    /the source broke/,
  );
});
