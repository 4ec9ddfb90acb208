// The writer against Python: every value written at protocols 2 to 5 (and
// with NumPy 1.x names) is loaded by python3 and described by
// testdata/describe.py, which must match our description of the value;
// simple values must match CPython's bytes exactly.

import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  array,
  Complex,
  DType,
  NDArray,
  NumpyScalar,
  PyByteArray,
  PyFloat,
  PyObject,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  type PyValue,
  zeros,
} from "@ndio/core";
import { python } from "../../testing/python.ts";
import { dumps, loads } from "./mod.ts";
import { describe } from "./testdata/describe.ts";

const testdata = new URL("./testdata/", import.meta.url).pathname;

/** Loads each pickle in Python and returns describe.py's description of each. */
async function describeInPython(pickles: readonly Uint8Array[]): Promise<unknown[]> {
  const frames: Uint8Array[] = [];
  for (const p of pickles) {
    const n = new Uint8Array(8);
    new DataView(n.buffer).setBigUint64(0, BigInt(p.length), true);
    frames.push(n, p);
  }
  const stdin = new Uint8Array(frames.reduce((a, f) => a + f.length, 0));
  let at = 0;
  for (const f of frames) {
    stdin.set(f, at);
    at += f.length;
  }
  const code = `
import sys, json, struct, pickle, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, ${JSON.stringify(testdata)})
from describe import describe
data = sys.stdin.buffer.read()
pos, out = 0, []
while pos < len(data):
    (n,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    out.append(describe(pickle.loads(data[pos:pos + n])))
    pos += n
print(json.dumps(out))
`;
  const text = new TextDecoder().decode(await python(code, { stdin }));
  return JSON.parse(text);
}

function scalar(values: unknown[], descr: string): NumpyScalar {
  return new NumpyScalar(array(values as never, { dtype: descr }).reshape([]));
}

function objectArray(items: PyValue[]): NDArray {
  const a = new NDArray("|O", [items.length]);
  items.forEach((x, i) => a.set([i], x));
  return a;
}

function int64s(descr: string, values: bigint[]): NDArray {
  const dtype = DType.parse(descr);
  const data = new Uint8Array(new BigInt64Array(values).buffer);
  const array = new NDArray(dtype.withByteOrder("<"), [values.length], { data });
  return dtype.byteOrder === ">" ? array.withByteOrder(">") : array;
}

function values(): Record<string, PyValue> {
  const structured = DType.structured([
    { name: "x", dtype: "<i4" },
    { name: "y", dtype: ">f8", shape: [2] },
    { name: "s", dtype: "|S3", title: "Label" },
  ]);
  const record = new NDArray(structured, [3]);
  record.set([1], { x: 7, y: [1.5, -2], s: "ab" });
  const objects = new NDArray("|O", [2, 2]);
  objects.set([0, 0], 1);
  objects.set([0, 1], "two");
  objects.set([1, 0], [3.5]);
  objects.set([1, 1], null);
  const shared = arange(3);
  return {
    seed: new Map<PyValue, PyValue>([
      ["array", arange(60, { dtype: "<i8" }).reshape([3, 4, 5])],
      ["description", "An array of random ints and some floats"],
      ["list", [5.4, 9.1, 3.4]],
      ["another_array", arange(7, { dtype: "<f8" })],
    ]),
    dtypes: [
      ...[
        "|b1",
        "|i1",
        "|u1",
        "<i2",
        ">u2",
        "<i4",
        ">i8",
        "<u8",
        "<f2",
        "<f4",
        ">f8",
        "<c8",
        ">c16",
      ]
        .map((d) => arange(6).astype(d).reshape([2, 3])),
      new NDArray("<f16", [2, 3], { data: new Uint8Array(96).map((_, i) => i) }),
    ],
    strings: array(["ab", "é€😀", ""], { dtype: "<U4" }),
    bytes_array: array(["ab", "xyz"], { dtype: "|S3" }),
    datetimes: [
      int64s("<M8[ns]", [0n, 1n, -(2n ** 63n)]),
      int64s(">m8[10s]", [5n, -3n]),
      int64s("<M8", [-(2n ** 63n)]),
    ],
    structured: record,
    aligned: new NDArray(
      DType.structured([{ name: "a", dtype: "|u1" }, { name: "b", dtype: "<f8" }], { align: true }),
      [2],
    ),
    fortran: arange(12, { dtype: "<f8" }).reshape([3, 4]).copy("F"),
    permuted: arange(24, { dtype: "<i2" }).reshape([2, 3, 4]).transpose([1, 0, 2]),
    strided: arange(20, { dtype: "<f4" }).reshape([4, 5]).index("::2, 1::2"),
    reversed: arange(5).index("::-1"),
    zero_d: arange(1, { dtype: "<f8" }).reshape([]),
    empty: zeros([0, 3]),
    objects,
    shared: [shared, shared, new PyTuple([shared])],
    scalars: [
      scalar([2.5], "<f8"),
      scalar([-7], "|i1"),
      scalar([true], "|b1"),
      scalar([new Complex(1, -2)], "<c8"),
      scalar(["héllo"], "<U5"),
    ],
    ints: [
      0,
      1,
      -1,
      255,
      256,
      65535,
      65536,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      2 ** 53,
      2n ** 64n,
      -(10n ** 40n),
    ],
    floats: [0.5, -2.5, new PyFloat(1), new PyFloat(-0), Infinity, -Infinity, NaN, 5e-324],
    text: ["", "ascii", "é", "😀", "\ud800", "x".repeat(300)],
    bytes: [new Uint8Array(0), new Uint8Array([0, 255]), new Uint8Array(300).fill(7)],
    bytearrays: [new PyByteArray(new Uint8Array(0)), new PyByteArray(new Uint8Array([0, 97]))],
    sets: [
      new PySet([]),
      new PySet([1, 2, 3]),
      new PySet(["a"], { frozen: true }),
      new PySet([], { frozen: true }),
    ],
    complex: [new Complex(1, 2), new Complex(0, -0.5)],
    tuples: [new PyTuple([]), new PyTuple([1]), new PyTuple([1, 2, 3, 4, 5])],
    dicts: new Map<PyValue, PyValue>([["__proto__", 1], [3, null], [new PyTuple([1, 2]), true]]),
    slices: [new PySlice(null, 5, null), new PySlice(1, null, -2)],
    ranges: [new PyRange(0, 10, 3), new PyRange(5, -5, -1), new PyRange(0, 2n ** 70n, 1)],
    long_list: Array.from({ length: 2500 }, (_, i) => i),
    big_array: arange(100_000, { dtype: "<f8" }),
    big_text: "y".repeat(70_000),
    nested: [[1, [2, [3, []]]], new Map([["k", new PySet([new PyTuple([])])]])],
  };
}

Deno.test("dumps: python3 loads what we write as our loads does, at every protocol", async () => {
  const cases = Object.entries(values());
  const pickles: Uint8Array[] = [];
  const expected: unknown[] = [];
  const labels: string[] = [];
  for (const protocol of [2, 3, 4, 5] as const) {
    for (const numpyNames of ["numpy._core", "numpy.core"] as const) {
      for (const [name, value] of cases) {
        const pickle = dumps(value, { protocol, numpyNames });
        pickles.push(pickle);
        expected.push(describe(loads(pickle)));
        labels.push(`${name} at protocol ${protocol} with ${numpyNames}`);
      }
    }
  }
  const got = await describeInPython(pickles);
  for (let i = 0; i < labels.length; i++) {
    assert.deepEqual(got[i], expected[i], labels[i]);
  }
});

Deno.test("dumps: our loads reads what we write", () => {
  for (const [name, value] of Object.entries(values())) {
    for (const protocol of [2, 3, 4, 5] as const) {
      const back = loads(dumps(value, { protocol }));
      // NumPy's __setstate__ (protocols up to 4) makes big-endian arrays native.
      const want = describe(value, { native: true });
      assert.deepEqual(describe(back, { native: true }), want, `${name} at protocol ${protocol}`);
    }
  }
});

Deno.test("dumps: NumPy 1.x names on request", () => {
  const text = new TextDecoder("latin1");
  const p4 = text.decode(dumps(arange(3), { protocol: 4, numpyNames: "numpy.core" }));
  assert.match(p4, /numpy\.core\.multiarray/);
  assert.doesNotMatch(p4, /numpy\._core/);
  const p5 = text.decode(dumps(arange(3), { protocol: 5 }));
  assert.match(p5, /numpy\._core\.numeric/);
});

Deno.test("dumps: the bytes match CPython's for simple values", async () => {
  const cases: [string, PyValue][] = [
    ["np.arange(3, dtype='<f8')", arange(3, { dtype: "<f8" })],
    ["np.arange(6, dtype='<i8').reshape(2, 3)", arange(6, { dtype: "<i8" }).reshape([2, 3])],
    [
      "np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3))",
      arange(6, { dtype: "<i4" }).reshape([2, 3]).copy("F"),
    ],
    ["np.arange(100000, dtype='<f8')", arange(100_000, { dtype: "<f8" })],
    ["np.float32(1.5)", scalar([1.5], "<f4")],
    ["np.array(['ab', 'c'], dtype='<U2')", array(["ab", "c"], { dtype: "<U2" })],
    ["np.arange(3).astype('<M8[ns]')", int64s("<M8[ns]", [0n, 1n, 2n])],
    [
      "{'a': [1, 2.5, None], 'b': (True, 'x', b'y')}",
      new Map<PyValue, PyValue>([
        ["a", [1, 2.5, null]],
        ["b", new PyTuple([true, "x", new Uint8Array([121])])],
      ]),
    ],
    ["list(range(2500))", Array.from({ length: 2500 }, (_, i) => i)],
    ["[2**70, -2**40, 1.0, 1+2j]", [2n ** 70n, -(2 ** 40), new PyFloat(1), new Complex(1, 2)]],
    ["b'z' * 70000", new Uint8Array(70_000).fill(122)],
    ["'\\u00e9' * 40000", "é".repeat(40_000)],
    ["{1, 2, 3}", new PySet([1, 2, 3])],
    ["frozenset({'a'})", new PySet(["a"], { frozen: true })],
    ["bytearray(b'ab')", new PyByteArray(new Uint8Array([97, 98]))],
    ["bytearray()", new PyByteArray(new Uint8Array(0))],
    ["[b'', b'']", [new Uint8Array(0), new Uint8Array(0)]],
    ["[(), (1,), (1, 2, 3, 4)]", [new PyTuple([]), new PyTuple([1]), new PyTuple([1, 2, 3, 4])]],
    // At protocol 2 CPython writes the field name "b" again, where we memoize it.
    [
      "np.zeros(3, dtype=[('a', '<i4'), ('c', '>f8', (2,))])",
      new NDArray(
        DType.structured([{ name: "a", dtype: "<i4" }, { name: "c", dtype: ">f8", shape: [2] }]),
        [3],
      ),
    ],
    [
      "np.arange(24, dtype='<i2').reshape(2, 3, 4).transpose(1, 0, 2)",
      arange(24, { dtype: "<i2" })
        .reshape([2, 3, 4]).transpose([1, 0, 2]),
    ],
    ["np.arange(10, dtype='<f4')[::3]", arange(10, { dtype: "<f4" }).index("::3")],
    ["np.array([1, 'a', None], dtype=object)", objectArray([1, "a", null])],
    ["slice(1, None, 2)", new PySlice(1, null, 2)],
    ["range(0, 10, 3)", new PyRange(0, 10, 3)],
  ];
  const protocols = [2, 3, 4, 5];
  const code = `
import sys, json, pickle, numpy as np
cases = json.loads(sys.stdin.read())
print(json.dumps([pickle.dumps(eval(c), protocol=p).hex() for c in cases for p in ${
    JSON.stringify(protocols)
  }]))
`;
  const stdin = new TextEncoder().encode(JSON.stringify(cases.map(([c]) => c)));
  const want: string[] = JSON.parse(new TextDecoder().decode(await python(code, { stdin })));
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  let i = 0;
  for (const [label, value] of cases) {
    for (const protocol of protocols) {
      const ours = hex(dumps(value, { protocol: protocol as 2 | 3 | 4 | 5 }));
      assert.equal(ours, want[i++], `${label} at protocol ${protocol}`);
    }
  }
});

Deno.test("dumps: refuses placeholders, bad values and bad options", () => {
  assert.throws(() => dumps(new PyObject("os", "system")), ArgumentError);
  assert.throws(() => dumps(undefined as unknown as PyValue), ArgumentError);
  assert.throws(() => dumps(1, { protocol: 1 as 2 }), ArgumentError);
  assert.throws(() => dumps(1, { numpyNames: "numpy" as "numpy.core" }), ArgumentError);
});

Deno.test("dumps: a tuple reached through its own items is written once", () => {
  const list: PyValue[] = [];
  const tuple = new PyTuple([list]);
  list.push(tuple);
  const back = loads(dumps(tuple)) as PyTuple;
  const inner = back.items[0] as PyValue[];
  assert.equal(inner[0], back);
});
