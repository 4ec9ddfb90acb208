import assert from "node:assert/strict";
import { arange, bytesSource, createRegistry, NDArray, type PyValue } from "@ndio/core";
import { decodeNpy, encodeNpy } from "@ndio/npy";
import { python, pythonJson } from "../../testing/python.ts";
import { dumps, pickleCodec, picklePlugin } from "./mod.ts";
import { describe } from "./testdata/describe.ts";

const testdata = new URL("./testdata/", import.meta.url).pathname;

Deno.test("picklePlugin: sniffs PROTO 2 to 5 and the extensions", () => {
  for (const protocol of [2, 3, 4, 5] as const) {
    assert.equal(picklePlugin.sniff(dumps([1], { protocol })), 0.8);
    assert.equal(picklePlugin.sniff(dumps([1], { protocol }), { fileName: "a.PKL" }), 1);
  }
  assert.equal(picklePlugin.sniff(new Uint8Array([0x80, 6, 0x4e])), 0);
  assert.equal(picklePlugin.sniff(new Uint8Array([0x80, 2, 0xff])), 0);
  assert.equal(picklePlugin.sniff(new TextEncoder().encode("(lp0\n.")), 0);
  assert.equal(
    picklePlugin.sniff(new TextEncoder().encode("(lp0\n."), { fileName: "x.pickle" }),
    0.5,
  );
  assert.equal(createRegistry([picklePlugin]).detect(dumps(null)).id, "pickle");
});

Deno.test("picklePlugin: decode, read and encode with options", async () => {
  const bytes = picklePlugin.encode!({ kind: "array", array: arange(4) }, { protocol: 2 });
  assert.equal(bytes[1], 2);
  const content = picklePlugin.decode!(bytes);
  assert.ok(content.kind === "value" && content.value instanceof NDArray);
  const read = await picklePlugin.read!(bytesSource(bytes));
  assert.deepEqual(describe((read as { value: PyValue }).value), describe(arange(4)));
  const named = picklePlugin.encode!({
    kind: "arrays",
    arrays: new Map([["a", arange(2)], ["b", arange(3)]]),
  });
  const back = picklePlugin.decode!(named);
  assert.ok(back.kind === "value" && back.value instanceof Map);
  assert.deepEqual([...back.value.keys()], ["a", "b"]);
  const evil = new TextEncoder().encode("cos\nsystem\n(S'ls'\ntR.");
  assert.throws(() => picklePlugin.decode!(evil), /os\.system/);
  assert.equal(picklePlugin.decode!(evil, { inert: true }).kind, "value");
  assert.throws(() => picklePlugin.decode!(bytes, { maxOpcodes: 2 }), /maxOpcodes/);
});

Deno.test("pickleCodec: np.save'd object arrays load through @ndio/npy, and NumPy loads ours", async () => {
  const npy = await python(`
import sys, io, numpy as np
buf = io.BytesIO()
np.save(buf, np.array([1, "two", None, [3.5, {"k": (1, 2)}]], dtype=object))
sys.stdout.buffer.write(buf.getvalue())
`);
  const array = decodeNpy(npy, { allowPickle: true, pickle: pickleCodec });
  const want = await pythonJson(`
import sys, json, numpy as np
sys.path.insert(0, ${JSON.stringify(testdata)})
from describe import describe
print(json.dumps(describe(np.array([1, "two", None, [3.5, {"k": (1, 2)}]], dtype=object))))
`);
  assert.deepEqual(describe(array), want);
  const ours = encodeNpy(array, { pickle: pickleCodec });
  const seen = await pythonJson(
    `
import sys, io, json, numpy as np
sys.path.insert(0, ${JSON.stringify(testdata)})
from describe import describe
print(json.dumps(describe(np.load(io.BytesIO(sys.stdin.buffer.read()), allow_pickle=True))))
`,
    { stdin: ours },
  );
  assert.deepEqual(seen, want);
});
