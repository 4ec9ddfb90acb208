import assert from "node:assert/strict";
import { ArgumentError, type Descr, DType } from "./mod.ts";
import { pythonJson } from "../../testing/python.ts";

// A broad table of dtypes as NumPy constructs them; NumPy reports its own
// header descr (repr and JSON), str, name and itemsize for each.
const TABLE = [
  "?",
  "i1",
  "u1",
  "<i2",
  ">i2",
  "<u2",
  ">u4",
  "<i8",
  ">u8",
  "<f2",
  ">f2",
  "<f4",
  ">f8",
  "<f16",
  "<c8",
  ">c16",
  "<c32",
  "S1",
  "S17",
  "<U1",
  ">U9",
  "V1",
  "V12",
  "O",
  "<M8",
  "<M8[Y]",
  "<M8[M]",
  "<M8[W]",
  ">M8[D]",
  "<M8[h]",
  "<M8[m]",
  "<M8[s]",
  "<M8[ms]",
  "<M8[us]",
  "<M8[ns]",
  "<M8[ps]",
  "<M8[fs]",
  "<M8[as]",
  "<M8[10ms]",
  "<m8[25us]",
  ">m8[s]",
  "np.dtype([('a', '<i4'), ('b', '>f8', (2, 3))])",
  "np.dtype([('a', 'u1'), ('b', '<i4')], align=True)",
  "np.dtype({'names': ['x', 'y'], 'formats': ['i2', 'f4'], 'titles': ['T1', None], 'offsets': [4, 8], 'itemsize': 16})",
  "np.dtype([('n', [('p', 'i1'), ('q', 'S2')], (2,))])",
  "np.dtype([('', '>i4'), ('', 'f4')])",
  "np.dtype([('naïve', '<U3'), ('ünï', '<M8[ns]')])",
  "np.dtype([('deep', [('mid', [('leaf', '>c8', (1,))])])])",
  "np.dtype([('s', 'S0')])",
];

interface NumpyFacts {
  repr: string;
  descr: Descr;
  str: string;
  name: string;
  itemsize: number;
}

Deno.test("dtype descrs round-trip byte for byte against NumPy's dtype_to_descr", async () => {
  const facts = await pythonJson<NumpyFacts[]>(
    `
import json, sys, numpy as np
from numpy.lib.format import dtype_to_descr
def jsonable(d):
    if isinstance(d, (list, tuple)):
        return [jsonable(x) for x in d]
    return d
out = []
for spec in json.loads(sys.argv[1]):
    dt = eval(spec) if spec.startswith("np.") else np.dtype(spec)
    d = dtype_to_descr(dt)
    out.append(dict(repr=repr(d), descr=jsonable(d), str=dt.str, name=dt.name, itemsize=dt.itemsize))
print(json.dumps(out))
`,
    { args: [JSON.stringify(TABLE)] },
  );
  assert.equal(facts.length, TABLE.length);
  for (const [i, fact] of facts.entries()) {
    const dtype = DType.parse(fact.descr);
    const label = TABLE[i];
    assert.equal(dtype.descrRepr(), fact.repr, `descr repr of ${label}`);
    assert.equal(dtype.str, fact.str, `str of ${label}`);
    assert.equal(dtype.name, fact.name, `name of ${label}`);
    assert.equal(dtype.itemsize, fact.itemsize, `itemsize of ${label}`);
    assert.ok(
      DType.parse(dtype.descr).equals(dtype),
      `descr of ${label} parses back to the same dtype`,
    );
  }
});

Deno.test("dtype type strings follow np.dtype for names and char codes", async () => {
  const specs = [
    "bool",
    "int8",
    "uint16",
    "int",
    "float",
    "complex",
    "double",
    "half",
    "longdouble",
    "b",
    "B",
    "h",
    "H",
    "i",
    "I",
    "l",
    "q",
    "e",
    "f",
    "d",
    "g",
    "F",
    "D",
    "G",
    "=i4",
    "|i4",
    ">b1",
    "<S3",
    ">V2",
    "datetime64[ns]",
    "timedelta64",
    "M8[2D]",
    "str",
    "bytes",
    "object",
  ];
  const strs = await pythonJson<string[]>(
    `import json, sys, numpy as np; print(json.dumps([np.dtype(s).str for s in json.loads(sys.argv[1])]))`,
    { args: [JSON.stringify(specs)] },
  );
  specs.forEach((spec, i) => assert.equal(DType.parse(spec).str, strs[i], spec));
});

Deno.test("dtype parsing rejects what NumPy rejects with a typed error", () => {
  for (const bad of ["<x9", "i3", "f3", "<M8[qq]", "", "U99999999999", [["a"]]] as unknown[]) {
    assert.throws(() => DType.parse(bad as Descr), ArgumentError, JSON.stringify(bad));
  }
});

Deno.test("dtype byte order conversion reaches into fields and subarrays", () => {
  const big = DType.parse([["a", ">i4"], ["b", ">f8", [2]], ["c", "|S3"]]);
  assert.equal(big.isNative, false);
  const native = big.toNative();
  assert.equal(native.descrRepr(), "[('a', '<i4'), ('b', '<f8', (2,)), ('c', '|S3')]");
  assert.equal(native.isNative, true);
});
