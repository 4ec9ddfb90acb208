// Object arrays (`|O`): their data is a pickle, refused by default and
// decoded through a caller-supplied PickleCodec. These tests use a toy codec
// (a JSON "pickle" ending in the STOP byte "."), so they check npy's side of
// the contract; golden_test.ts feeds NumPy's real pickle to a codec.

import assert from "node:assert/strict";
import {
  ArgumentError,
  bytesSource,
  ForbiddenError,
  MalformedError,
  NDArray,
  type PickleCodec,
  type PyValue,
} from "@ndio/core";
import { decodeNpy, decodeNpyStream, encodeNpy, npyPlugin, readNpyStream } from "./mod.ts";

function objectArray(values: unknown[]): NDArray {
  const out = new NDArray("|O", [values.length]);
  values.forEach((v, i) => out.set([i], v));
  return out;
}

const toy: PickleCodec = {
  dumps(value) {
    const array = value as NDArray;
    return new TextEncoder().encode(JSON.stringify(array.toNested()) + ".");
  },
  loads(bytes) {
    return this.loadsPrefix!(bytes).value;
  },
  loadsPrefix(bytes) {
    const end = bytes.indexOf(0x2e);
    const values = JSON.parse(new TextDecoder().decode(bytes.subarray(0, end))) as unknown[];
    return { value: objectArray(values) as PyValue, length: end + 1 };
  },
};

const withoutPrefix: PickleCodec = {
  loads: (bytes) => toy.loadsPrefix!(bytes).value,
  dumps: toy.dumps,
};

Deno.test("object arrays: refused by default, decoded with allowPickle and a codec", () => {
  const bytes = encodeNpy(objectArray(["a", 1]), { pickle: toy });
  assert.throws(() => decodeNpy(bytes), ForbiddenError);
  assert.throws(() => decodeNpy(bytes, { allowPickle: false, pickle: toy }), ForbiddenError);
  assert.throws(() => decodeNpy(bytes, { allowPickle: true }), (e: unknown) => {
    assert.ok(e instanceof ArgumentError);
    assert.equal(e.code, "npy-no-pickle-codec");
    return true;
  });
  assert.deepEqual(decodeNpy(bytes, { allowPickle: true, pickle: toy }).toNested(), ["a", 1]);
  const content = npyPlugin.decode!(bytes, { allowPickle: true, pickle: toy });
  assert.ok(content.kind === "array");
  assert.deepEqual(content.array.toNested(), ["a", 1]);
});

Deno.test("object arrays: writing needs a codec, and allowPickle: false refuses", () => {
  const array = objectArray([null]);
  assert.throws(() => encodeNpy(array), { code: "npy-no-pickle-codec" });
  assert.throws(() => encodeNpy(array, { pickle: toy, allowPickle: false }), ForbiddenError);
});

Deno.test("object arrays: the codec must give back an array of the header's shape", () => {
  const bytes = encodeNpy(objectArray([1, 2]), { pickle: toy });
  const notArray: PickleCodec = { loads: () => new Map(), dumps: toy.dumps };
  assert.throws(
    () => decodeNpy(bytes, { allowPickle: true, pickle: notArray }),
    (e: unknown) => e instanceof MalformedError && e.code === "npy-pickle-not-array",
  );
  const wrongShape: PickleCodec = { loads: () => objectArray([1]), dumps: toy.dumps };
  assert.throws(
    () => decodeNpy(bytes, { allowPickle: true, pickle: wrongShape }),
    (e: unknown) => e instanceof MalformedError && e.code === "npy-pickle-shape",
  );
});

Deno.test("object arrays in streams: followed by more arrays when the codec has loadsPrefix", async () => {
  const numbers = new NDArray("<i2", [2], { data: new Uint8Array([1, 0, 2, 0]) });
  const stream = new Uint8Array([
    ...encodeNpy(numbers),
    ...encodeNpy(objectArray(["x"]), { pickle: toy }),
    ...encodeNpy(numbers),
    ...encodeNpy(objectArray([3, 4]), { pickle: toy }),
  ]);
  const options = { allowPickle: true, pickle: toy };
  const arrays = decodeNpyStream(stream, options);
  assert.deepEqual(arrays.map((a) => a.toNested()), [[1, 2], ["x"], [1, 2], [3, 4]]);
  const read: unknown[] = [];
  for await (const a of readNpyStream(bytesSource(stream), options)) read.push(a.toNested());
  assert.deepEqual(read, [[1, 2], ["x"], [1, 2], [3, 4]]);
  // Without loadsPrefix, the pickle is taken to run to the end of the input.
  const last = decodeNpyStream(stream.subarray(0, 128 * 2 + 4 + 6), {
    allowPickle: true,
    pickle: withoutPrefix,
  });
  assert.equal(last.length, 2);
});
