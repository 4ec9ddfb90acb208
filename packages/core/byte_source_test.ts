import assert from "node:assert/strict";
import {
  ArgumentError,
  bytesSink,
  bytesSource,
  NdioError,
  readAll,
  TruncatedError,
  urlSource,
} from "./mod.ts";

Deno.test("bytesSource reads views at any offset and rejects reads past the end", async () => {
  const backing = new Uint8Array(16).map((_, i) => i);
  // A source over a subarray: offsets are relative to the subarray.
  const source = bytesSource(backing.subarray(4, 12));
  assert.equal(source.byteLength, 8);
  const part = await source.read(2, 3);
  assert.deepEqual([...part], [6, 7, 8]);
  assert.equal(part.buffer, backing.buffer);
  assert.deepEqual([...(await source.read(8, 0))], []);
  assert.equal((await readAll(source)).length, 8);
  await assert.rejects(() => source.read(6, 3), (e: unknown) => {
    assert.ok(e instanceof TruncatedError && e instanceof NdioError);
    assert.equal(e.offset, 8);
    return true;
  });
  await assert.rejects(() => source.read(-1, 1), ArgumentError);
  await assert.rejects(() => source.read(0.5, 1), ArgumentError);
});

Deno.test("bytesSink collects writes, patches in place, and refuses patches past the end", async () => {
  const sink = bytesSink();
  const big = new Uint8Array(5000).fill(7);
  await sink.write(new Uint8Array([1, 2, 3]));
  await sink.write(big);
  assert.equal(sink.position, 5003);
  await sink.writeAt(1, new Uint8Array([9, 9]));
  const out = sink.bytes();
  assert.deepEqual([...out.subarray(0, 4)], [1, 9, 9, 7]);
  assert.equal(out.length, 5003);
  await assert.rejects(() => sink.writeAt(5002, new Uint8Array(2)), ArgumentError);
  await assert.rejects(() => sink.writeAt(-1, new Uint8Array(1)), ArgumentError);
  // bytes() is a copy: later writes do not change it.
  await sink.write(new Uint8Array([1]));
  assert.equal(out.length, 5003);
});

/** A fetch that serves `body` with HTTP range requests, recording the ranges asked for. */
function rangeServer(body: Uint8Array, ranges: string[], status = 206): typeof fetch {
  return ((_url: string | URL | Request, init?: RequestInit) => {
    const header = new Headers(init?.headers).get("range") ?? "";
    ranges.push(header);
    const m = /^bytes=(\d+)-(\d+)$/.exec(header);
    if (m === null || status !== 206) {
      return Promise.resolve(new Response(body.slice(), { status: status === 206 ? 200 : status }));
    }
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), body.length - 1);
    return Promise.resolve(
      new Response(body.slice(start, end + 1), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${end}/${body.length}` },
      }),
    );
  }) as typeof fetch;
}

Deno.test("urlSource reads only the ranges asked for", async () => {
  const body = new Uint8Array(1000).map((_, i) => i % 251);
  const ranges: string[] = [];
  const source = await urlSource("https://example.test/a.npy", {
    fetch: rangeServer(body, ranges),
  });
  assert.equal(source.byteLength, 1000);
  assert.deepEqual([...(await source.read(990, 10))], [...body.subarray(990, 1000)]);
  assert.deepEqual(ranges, ["bytes=0-0", "bytes=990-999"]);
  await assert.rejects(() => source.read(995, 10), TruncatedError);
  await assert.rejects(
    () => urlSource("https://example.test/", { fetch: rangeServer(body, [], 200) }),
    (e: unknown) => e instanceof NdioError && e.code === "http-no-ranges",
  );
  await assert.rejects(
    () => urlSource("https://example.test/", { fetch: rangeServer(body, [], 404) }),
    (e: unknown) => e instanceof NdioError && e.code === "http-error" && /404/.test(e.message),
  );
});
