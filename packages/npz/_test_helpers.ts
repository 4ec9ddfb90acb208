/**
 * Helpers shared by the npz tests: an array's bytes, byte comparison that
 * reports the first difference, and a loopback HTTP server of byte ranges. Not published.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { NDArray } from "@ndio/core";

/** The C-order bytes of arrays, one after another. */
export function bytesOf(...arrays: readonly NDArray[]): Uint8Array {
  const chunks = arrays.flatMap((a) => [...a.chunks()]);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Byte equality without a diff of megabytes on failure. */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, message: string): void {
  let i = 0;
  const n = Math.min(actual.length, expected.length);
  while (i < n && actual[i] === expected[i]) i++;
  assert.ok(
    i === n && actual.length === expected.length,
    `${message}: ${actual.length} and ${expected.length} bytes, first difference at ${i}`,
  );
}

/** A loopback server answering Range requests from `file`; `url` is its address. */
export interface RangeServer extends AsyncDisposable {
  readonly url: string;
}

/** Serves `file` by byte ranges only, telling `onRange` how many bytes each request got. */
export function serveRanges(file: Uint8Array, onRange: (bytes: number) => void): RangeServer {
  const controller = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: controller.signal, onListen: () => {} },
    (request) => {
      const range = /bytes=(\d+)-(\d+)/.exec(request.headers.get("range") ?? "");
      if (range === null) return new Response("ranges only", { status: 400 });
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), file.length - 1);
      onRange(end - start + 1);
      return new Response(file.slice(start, end + 1), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${end}/${file.length}` },
      });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    async [Symbol.asyncDispose]() {
      controller.abort();
      await server.finished;
    },
  };
}
