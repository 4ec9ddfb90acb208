import assert from "node:assert/strict";
import { arange, ArgumentError, bytesSource, createRegistry } from "@ndio/core";
import { textPlugin } from "./plugin.ts";

const enc = new TextEncoder();

Deno.test("sniff: low scores for numeric text, nothing for binary or prose", () => {
  const sniff = (s: string | Uint8Array, fileName?: string) =>
    textPlugin.sniff(
      typeof s === "string" ? enc.encode(s) : s,
      fileName === undefined ? {} : { fileName },
    );
  assert.ok(sniff("# Original shape: (100, 100, 100)\n87\t32\t7\n31\t71\t64\n") > 0);
  assert.ok(sniff("1.5e+00,2\n-inf,nan\n", "a.csv") > sniff("1.5e+00,2\n-inf,nan\n"));
  assert.ok(sniff("1 2\n", "a.csv") <= 0.35);
  assert.equal(sniff(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])), 0);
  assert.equal(sniff(new Uint8Array([0x80, 0x04, 0x95, 0x00])), 0);
  assert.equal(sniff("PK\x03\x04"), 0);
  assert.equal(sniff("hello world\n"), 0);
  assert.equal(sniff(""), 0);
  assert.ok(sniff("hello world\n", "notes.txt") < 0.1);
});

Deno.test("decode guesses the delimiter; encode takes savetxt's options", () => {
  const csv = textPlugin.decode!(enc.encode("# x,y\n1,2\n3,4\n"));
  assert.ok(csv.kind === "array");
  assert.deepEqual(csv.array.toNested(), [[1n, 2n], [3n, 4n]]);
  const tsv = textPlugin.decode!(enc.encode("1.5\t2\n"), { dtype: "float32" });
  assert.ok(tsv.kind === "array" && tsv.array.dtype.str === "<f4");
  const ws = textPlugin.decode!(enc.encode("1 2 3\n4 5 6\n"), { usecols: "0,2", skiprows: "1" });
  assert.ok(ws.kind === "array");
  assert.deepEqual(ws.array.toNested(), [4n, 6n]);
  const bytes = textPlugin.encode!({ kind: "array", array: arange(3) }, {
    fmt: "%03d",
    header: "h",
    newline: "\r\n",
  });
  assert.equal(new TextDecoder().decode(bytes), "# h\r\n000\r\n001\r\n002\r\n");
  assert.throws(() => textPlugin.decode!(enc.encode("1\n"), { skiprows: "x" }), ArgumentError);
  assert.throws(
    () => textPlugin.encode!({ kind: "array", array: arange(3) }, { fmt: 5 }),
    ArgumentError,
  );
});

Deno.test("read from a source and write to a sink in chunks", async () => {
  const array = arange(20000, { dtype: "<f8" }).reshape([10, 20, 100]);
  const chunks: Uint8Array[] = [];
  await textPlugin.write!({ kind: "array", array }, {
    write(chunk) {
      chunks.push(chunk.slice());
      return Promise.resolve();
    },
  }, { chunkBytes: 4096 });
  assert.ok(chunks.length > 10);
  const whole = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    whole.set(c, at);
    at += c.length;
  }
  assert.deepEqual(whole, textPlugin.encode!({ kind: "array", array }));
  const back = await textPlugin.read!(bytesSource(whole));
  assert.ok(back.kind === "array");
  assert.deepEqual(back.array.shape, [10, 20, 100]);
  assert.equal(back.array.get(9, 19, 99), 19999);
  const registry = createRegistry([textPlugin]);
  assert.equal(registry.forFileName("data.tsv")[0]?.id, "text");
});
