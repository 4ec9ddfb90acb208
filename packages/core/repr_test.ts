import assert from "node:assert/strict";
import {
  arange,
  array,
  arrayRepr,
  arrayStr,
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
  randint,
  reprValue,
} from "./mod.ts";
import { numpy } from "../../testing/numpy.ts";
import { pythonJson } from "../../testing/python.ts";

// Arrays as NumPy builds them; each travels to ndio byte for byte and must
// print exactly as NumPy prints it.
const TABLE = [
  // integers and the dtype suffix
  "np.array([1, 2, 3])",
  "np.array([1, 2, 3], dtype=np.int32)",
  "np.array([-1, 100], dtype='i1')",
  "np.arange(10, dtype='u1')",
  "np.array([0, 2**64 - 1], dtype='u8')",
  "np.array([-2**63, 2**63 - 1])",
  "np.array([1, -2], dtype='>i4')",
  "np.array([1, 2], dtype='>i8')",
  "np.array([1, 2], dtype='>u2')",
  "np.array([7, 8], dtype='<u4')",
  "np.array([-5, 5], dtype='i2')",
  // 0-d
  "np.array(5)",
  "np.array(5, dtype='i2')",
  "np.array(True)",
  "np.array(1.5)",
  "np.array(np.nan)",
  "np.array(-0.0)",
  "np.array(1e-20, dtype=np.float32)",
  "np.array(1 + 2j)",
  "np.array('abc')",
  "np.array(b'ab')",
  "np.array(np.datetime64('2020-01-01'))",
  "np.array(np.timedelta64(5, 's'))",
  // empty
  "np.array([])",
  "np.zeros((0, 3))",
  "np.zeros((2, 0), dtype='i4')",
  "np.zeros((0,), dtype='U3')",
  "np.array([], dtype=bool)",
  "np.zeros((3, 0, 2), dtype='M8[s]')",
  "np.zeros(0, dtype=[('a', 'i4')])",
  // bool
  "np.array([True, False])",
  "np.array([[True], [False]])",
  "np.ones(5, dtype=bool)",
  "np.zeros(1200, dtype=bool)",
  // float64
  "np.array([1.0, 2.5, -3.25])",
  "np.array([0.1, 0.2, 0.3])",
  "np.array([1e-5, 1.0])",
  "np.array([1e8, 1.0])",
  "np.array([99999999.0, 100.0])",
  "np.array([1e7, 1.0])",
  "np.array([123456.789, 1.5])",
  "np.array([1 / 3, 2 / 3])",
  "np.array([2**-9, 1.0])",
  "np.array([0.0, -0.0])",
  "np.array([-0.0])",
  "np.array([np.nan, 1.5, -np.inf])",
  "np.array([np.nan, np.inf])",
  "np.array([np.nan])",
  "np.array([-np.inf, 1e-20])",
  "np.array([np.inf, -np.inf, 1e-20])",
  "np.array([1e300, 1e-300])",
  "np.array([5e-324, 1.0])",
  "np.array([1e100])",
  "np.array([1e16, -1e-16])",
  "np.array([0.0001, 0.1])",
  "np.array([0.00001234, 1000.0])",
  "np.array([1.0, 1000.0])",
  "np.array([1.0, 1000.5])",
  "np.array([-1.5, 22.25, 333.125, -4444.0625])",
  "np.array([1.5, 2.25], dtype='>f8')",
  // float32 / float16 (their own shortest digits and cutoffs)
  "np.array([1.5, np.nan], dtype=np.float32)",
  "np.array([0.1, 1.2345678e-7], dtype=np.float32)",
  "np.array([1e6, 1.0], dtype=np.float32)",
  "np.array([999999.0, 1000.0], dtype=np.float32)",
  "np.array([0.1, 0.2, 0.3], dtype=np.float32)",
  "np.array([1e-4, 1.0], dtype=np.float32)",
  "np.array([1.5], dtype='>f4')",
  "np.array([0.1, 1000, 65504], dtype=np.float16)",
  "np.array([999, 1], dtype=np.float16)",
  "np.array([0.1, 0.2], dtype=np.float16)",
  "np.array([6e-8, 1], dtype=np.float16)",
  "np.array([1e-4, 1], dtype=np.float16)",
  "np.array([1.5, -np.inf], dtype='>f2')",
  // random floats
  "r.standard_normal(20)",
  "r.standard_normal((5, 7))",
  "r.standard_normal(20).astype(np.float32)",
  "r.standard_normal(20).astype(np.float16)",
  "r.random(30) * 10.0 ** r.integers(-12, 12, 30)",
  "(r.random(12) * 1e5).astype(np.float32)",
  "r.random((3, 4, 5))",
  "r.standard_normal(2000)",
  "r.standard_normal((40, 40))",
  "r.uniform(-1, 1, 15) * 1e-3",
  "np.round(r.uniform(-100, 100, 12), 2)",
  "r.standard_normal((2, 3, 2, 2)) * 1e4",
  // random integers
  "r.integers(-1000, 1000, 50)",
  "r.integers(0, 100, (5, 30))",
  "r.integers(-2**63, 2**63 - 1, 10, dtype=np.int64)",
  "r.integers(0, 2**64 - 1, 10, dtype=np.uint64)",
  "r.integers(-100, 100, 2000).astype('i2')",
  "r.integers(1, 100, (100, 100, 100))[:2]",
  // layout, wrapping and summarization
  "np.arange(100)",
  "np.arange(30) * 1000000",
  "np.arange(100).reshape(10, 10)",
  "np.arange(24).reshape(2, 3, 4)",
  "np.arange(1000)",
  "np.arange(1001)",
  "np.arange(2000).reshape(2, 1000)",
  "np.arange(5000).reshape(10, 500)",
  "np.arange(10000).reshape(10, 10, 100)",
  "np.arange(7**5).reshape(7, 7, 7, 7, 7)",
  "np.arange(6).reshape(1, 1, 6)",
  "np.arange(24).reshape(2, 3, 4)[:, ::-1, 1::2]",
  "np.arange(12.0).reshape(3, 4).T",
  "np.arange(40.0).reshape(4, 10) / 7",
  // complex
  "np.array([1 + 2j, 3 - 4j])",
  "np.array([1 + 2j, np.nan + 1j, 1e-10j])",
  "np.array([0j])",
  "np.array([1.5 + 0j], dtype=np.complex64)",
  "r.standard_normal(10) + 1j * r.standard_normal(10)",
  "(r.standard_normal(6) + 1j * r.standard_normal(6)).astype(np.complex64)",
  "np.array([complex(np.inf, -np.inf), complex(np.nan, np.nan), 1])",
  "np.array([1 + 1j], dtype='>c16')",
  "np.array([[1 + 1e-9j, 1e9 + 1j]])",
  // strings
  "np.array(['a', 'bcd', ''])",
  "np.array(['\\u00e9', '\\u20ac', '\\U0001F600'])",
  "np.array([\"it's\", 'say \"hi\"', 'both \\'\"'])",
  "np.array(['line\\nbreak', 'tab\\t', 'nul\\x00mid', '\\x7f\\x80\\xa0\\xad'])",
  "np.array(['x' * 30, 'y' * 30, 'z' * 30])",
  "np.array([['ab', 'c'], ['d', 'efg']])",
  "np.array(['a', 'b'], dtype='>U2')",
  "np.array([b'ab', b'\\x00c', b'\\xff', b'\\'\"'])",
  "np.array([b'x' * 40, b'y' * 40])",
  "np.array(['abc'], dtype='S5')",
  "np.array(['a' * 100] * 4)",
  "np.array(list('abcdefghij') * 120)",
  "np.array(['\\U0001F600' * 20] * 5)",
  // datetime and timedelta, every unit
  "np.array(['2020-01-01', 'NaT', '1969-12-31'], dtype='M8[D]')",
  ...["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"].map((u) =>
    `np.array([0, 1, -1, 123456789, -987654321], dtype='M8[${u}]')`
  ),
  "np.array([-1, 5, -2000, 0, 10000, 8029, -30000], dtype='M8[Y]')",
  "np.array([1, 2, 3], dtype='M8[10ms]')",
  "np.array([1, 2, 3], dtype='M8[7D]')",
  "np.array([5, 'NaT'], dtype='m8[s]')",
  "np.array([1, -20000], dtype='m8[D]')",
  "np.array([1, 2], dtype='m8[25us]')",
  "np.array(['NaT'], dtype='M8')",
  "np.array([1, 2], dtype='m8')",
  "np.array([1, 2], dtype='>M8[s]')",
  "r.integers(-10**12, 10**12, 8).astype('M8[s]')",
  "r.integers(-2**62, 2**62, 5).astype('M8[ns]')",
  "r.integers(-10**6, 10**6, 5).astype('M8[D]')",
  // structured and void
  "np.array([(1, 2.5), (3, -1.0)], dtype=[('a', '<i4'), ('b', '<f8')])",
  "np.zeros(2, dtype=[('x', 'f4', (2,)), ('name', 'U3')])",
  "np.array([(1, [2, 3], 'ab', (True,))], dtype=[('a', 'u1'), ('b', '<i4', (2,)), (('t', 'c'), 'U3'), ('d', [('x', '?')])])",
  "np.zeros(2, dtype=np.dtype({'names': ['x', 'y'], 'formats': ['i2', 'f4'], 'titles': ['T1', None], 'offsets': [4, 8], 'itemsize': 16}))",
  "np.array((1, 2.5), dtype=[('a', '<i4'), ('b', '<f8')])",
  "np.zeros((2, 2), dtype=[('a', '>i8'), ('b', 'M8[D]')])",
  "np.zeros(2, dtype=[('big', 'i4', (30, 40))])",
  "np.array([(1.5, 1e-7), (np.nan, 2.0)], dtype=[('p', 'f8'), ('q', 'f8')])",
  "np.array([(1 + 2j, b'x', True)], dtype=[('c', 'c8'), ('s', 'S2'), ('b', '?')])",
  "np.zeros(2, 'V3')",
  "np.frombuffer(b'abcdef', dtype='V3')",
  "np.zeros(1500, dtype=[('a', 'i2'), ('b', 'f4')])",
  // long doubles (x87 extended on this platform)
  "np.array([1.5, 0.1, 1e-20], dtype=np.longdouble)",
  "np.array([np.longdouble(1) / 3, np.longdouble(2)])",
  "np.array([1 + 2j], dtype=np.clongdouble)",
];

interface Printed {
  expr: string;
  repr: string;
  str: string;
}

Deno.test("toString prints NumPy's repr exactly, and arrayStr its str, over a broad table", async () => {
  const frames = await numpy(
    `
r = np.random.default_rng(0)
for expr in json.loads(${JSON.stringify(JSON.stringify(TABLE))}):
    a = eval(expr)
    emit({'expr': expr, 'repr': repr(a), 'str': str(a)}, a)
`,
  );
  assert.equal(frames.length, TABLE.length);
  const failures: string[] = [];
  for (const frame of frames) {
    const { expr, repr, str } = frame.value as Printed;
    const a = frame.array!;
    const got = a.toString();
    if (got !== repr) failures.push(`${expr}\n--- numpy\n${repr}\n--- ndio\n${got}`);
    const gotStr = arrayStr(a);
    if (gotStr !== str) failures.push(`str ${expr}\n--- numpy\n${str}\n--- ndio\n${gotStr}`);
  }
  assert.deepEqual(failures, []);
});

Deno.test("the seed's arr[:2] prints as NumPy prints it", async () => {
  const arr = randint(1, 100, [100, 100, 100], { seed: 7 });
  const [first] = await numpy(`emit(repr(inputs[0][:2]))`, [arr]);
  assert.equal(arr.index(":2").toString(), first!.value);
});

Deno.test("views print their own elements (strides, offsets, negative steps)", async () => {
  const base = arange(2 * 3 * 4 * 5, { dtype: "<f4" }).reshape([2, 3, 4, 5]);
  const exprs = [
    "1, ::-1, 2",
    "..., ::2, None",
    ":, 1:, -1, ::-2",
    "::-1, ::-1, ::-1, ::-1",
    "0, 0, 0, 0, ...",
  ];
  const frames = await numpy(
    `
a = inputs[0]
for e in json.loads(${JSON.stringify(JSON.stringify(exprs))}):
    emit(repr(eval('a[' + e + ']')))
`,
    [base],
  );
  exprs.forEach((e, i) => assert.equal(base.index(e).toString(), frames[i]!.value, e));
});

Deno.test("object arrays print their elements with Python's repr", async () => {
  const expected = await pythonJson<string[]>(
    `
import json, numpy as np
a = np.array([1, 'a', None, [1, 2], 2.5, {'k': (1,)}], dtype=object)
b = np.empty((2, 2), dtype=object); b[0, 0] = np.arange(3); b[0, 1] = 'x' * 70; b[1, 0] = 1.0; b[1, 1] = b'q'
print(json.dumps([repr(a), repr(b), repr(np.array(None)), repr(np.array([], dtype=object))]))
`,
  );
  const a = new NDArray("|O", [6]);
  const items: PyValue[] = [1, "a", null, [1, 2], 2.5, new Map([["k", new PyTuple([1])]])];
  items.forEach((v, i) => a.set([i], v));
  const b = new NDArray("|O", [2, 2]);
  b.set([0, 0], arange(3));
  b.set([0, 1], "x".repeat(70));
  b.set([1, 0], new PyFloat(1));
  b.set([1, 1], new Uint8Array([0x71]));
  const none = new NDArray("|O", []);
  none.set([], null);
  assert.deepEqual(
    [a.toString(), b.toString(), none.toString(), new NDArray("|O", [0]).toString()],
    expected,
  );
});

Deno.test("reprValue prints a value tree as Python's repr does", async () => {
  const self: PyValue[] = [];
  self.push(self);
  const cases: [PyValue, string][] = [
    [null, "None"],
    [true, "True"],
    [false, "False"],
    [5, "5"],
    [-7, "-7"],
    [2n ** 70n, "2**70"],
    [-(2n ** 64n), "-2**64"],
    [new PyFloat(5), "5.0"],
    [new PyFloat(-0), "-0.0"],
    [new PyFloat(1e22), "1e22"],
    [1.5, "1.5"],
    [0.1, "0.1"],
    [1e-7, "1e-7"],
    [123456789.125, "123456789.125"],
    [NaN, "float('nan')"],
    [-Infinity, "-float('inf')"],
    ["it's", '"it\'s"'],
    ["both ' and \"", "'both \\' and \"'"],
    ["é\u0000\n\u2028😀", "'é\\x00\\n\\u2028😀'"],
    [new Uint8Array([0, 39, 255, 65]), 'b"\\x00\'\\xffA"'],
    [new PyByteArray(new Uint8Array([97, 98])), "bytearray(b'ab')"],
    [[1, [2, []]], "[1, [2, []]]"],
    [new PyTuple([1]), "(1,)"],
    [new PyTuple([]), "()"],
    [new PyTuple([1, "a", null]), "(1, 'a', None)"],
    [
      new Map<PyValue, PyValue>([["a", 1], [2, "b"], [new PyTuple([1, 2]), null]]),
      "{'a': 1, 2: 'b', (1, 2): None}",
    ],
    [new Map(), "{}"],
    [new PySet([1, 2, 3]), "{1, 2, 3}"],
    [new PySet([]), "set()"],
    [new PySet([1], { frozen: true }), "frozenset({1})"],
    [new PySet([], { frozen: true }), "frozenset()"],
    [new PySlice(1, null, 2), "slice(1, None, 2)"],
    [new PyRange(0, 10, 1), "range(0, 10)"],
    [new PyRange(5, -5, -2), "range(5, -5, -2)"],
    [new Complex(1, -2), "1-2j"],
    [new Complex(0, 1), "1j"],
    [new Complex(-0, 0), "complex(-0.0, 0)"],
    [new Complex(1.5, 1e20), "1.5+1e20j"],
    [new Complex(NaN, Infinity), "complex(float('nan'), float('inf'))"],
    [self, "(lambda l: (l.append(l), l)[1])([])"],
    [
      new Map<PyValue, PyValue>([["array", arange(3)], [
        "m",
        arange(6, { dtype: "<f4" }).reshape([2, 3]),
      ]]),
      "{'array': np.arange(3), 'm': np.arange(6, dtype=np.float32).reshape(2, 3)}",
    ],
  ];
  const expected = await pythonJson<string[]>(
    `
import json, sys, numpy as np
print(json.dumps([repr(eval(e)) for e in json.loads(sys.argv[1])]))
`,
    { args: [JSON.stringify(cases.map(([, py]) => py))] },
  );
  cases.forEach(([value, py], i) => assert.equal(reprValue(value), expected[i], py));
  assert.equal(
    reprValue(new PyObject("os", "system", { args: ["ls"] })),
    "<os.system('ls') (not loaded)>",
  );
});

// NumPy scalars: each travels as a 0-d array and must print as NumPy 2 prints the scalar.
const SCALARS = [
  "np.int8(-5)",
  "np.int16(300)",
  "np.int32(3)",
  "np.int64(-2**63)",
  "np.uint8(255)",
  "np.uint16(7)",
  "np.uint32(2**32 - 1)",
  "np.uint64(2**64 - 1)",
  "np.True_",
  "np.False_",
  "np.float64(1.5)",
  "np.float64(1e16)",
  "np.float64(9999999999999998.0)",
  "np.float64(1e-4)",
  "np.float64(9e-5)",
  "np.float64(-0.0)",
  "np.float64(np.nan)",
  "np.float64(-np.inf)",
  "np.float64(100.0)",
  "np.float64(1e22)",
  "np.float32(0.1)",
  "np.float32(1e-4)",
  "np.float32(999999.94)",
  "np.float32(1e6)",
  "np.float32(3e-39)",
  "np.float16(0.1)",
  "np.float16(999.5)",
  "np.float16(1000)",
  "np.float16(1e-4)",
  "np.float16(6e-5)",
  "np.complex128(1 + 2j)",
  "np.complex128(2j)",
  "np.complex128(complex(0, -0.0))",
  "np.complex128(complex(-0.0, 0))",
  "np.complex128(complex(1e20, -1e-20))",
  "np.complex64(1.5 - 2j)",
  "np.complex64(complex(np.nan, np.inf))",
  "np.complex128(complex(-np.inf, np.nan))",
  "np.str_('ab')",
  'np.str_("it\'s")',
  "np.bytes_(b'a\\x00b')",
  "np.void(b'ab')",
  "np.void(b'')",
  "np.datetime64('2020-01-01')",
  "np.datetime64('2020-01-01T05', 'h')",
  "np.datetime64(5, '10ms')",
  "np.datetime64(5, 'W')",
  "np.datetime64(5, 'Y')",
  "np.datetime64('NaT', 's')",
  "np.datetime64('NaT')",
  "np.datetime64(1234567, 'us')",
  "np.timedelta64(5, 's')",
  "np.timedelta64(5, '10ms')",
  "np.timedelta64('NaT', 's')",
  "np.timedelta64('NaT')",
  "np.timedelta64(3)",
  "np.array([(1, 2.5, 'x')], dtype=[('a', '<i4'), ('b', '<f8'), ('c', 'U2')])[0]",
  "np.array([(True, [1.5, 2.0])], dtype=[('f', '?'), ('g', '<f4', (2,))])[0]",
  "np.longdouble(1.5)",
  "np.longdouble(1e-4)",
  "np.longdouble('1e4000')",
  "np.longdouble(1) / 3",
  "np.clongdouble(1 + 2j)",
];

Deno.test("reprValue prints NumPy scalars as NumPy 2 does", async () => {
  const frames = await numpy(
    `
for expr in json.loads(${JSON.stringify(JSON.stringify(SCALARS))}):
    s = eval(expr)
    emit({'expr': expr, 'repr': repr(s), 'str': str(s)}, np.asarray(s).reshape(()))
`,
  );
  const failures: string[] = [];
  for (const frame of frames) {
    const { expr, repr } = frame.value as Printed;
    const got = reprValue(new NumpyScalar(frame.array!));
    if (got !== repr) failures.push(`${expr}: numpy ${repr} ndio ${got}`);
  }
  assert.deepEqual(failures, []);
});

Deno.test("DType.toString is Python's repr of the dtype", async () => {
  const specs = [
    "np.dtype('f8')",
    "np.dtype('>f8')",
    "np.dtype('i1')",
    "np.dtype('?')",
    "np.dtype('U3')",
    "np.dtype('>U3')",
    "np.dtype('S3')",
    "np.dtype('V3')",
    "np.dtype('O')",
    "np.dtype('M8[10ms]')",
    "np.dtype('>M8')",
    "np.dtype('m8[D]')",
    "np.dtype('g')",
    "np.dtype('G')",
    "np.dtype('f2')",
    "np.dtype('<c8')",
    "np.dtype([('a', 'u1'), ('b', '<i4')], align=True)",
    "np.dtype([('a', 'u1'), ('b', '<i4', (2,)), (('t', 'c'), '>f8'), ('d', [('x', '?')])])",
    "np.dtype({'names': ['x', 'y'], 'formats': ['i2', 'f4'], 'titles': ['T1', None], 'offsets': [4, 8], 'itemsize': 16})",
    "np.dtype({'names': ['x'], 'formats': ['i2'], 'offsets': [2], 'itemsize': 8})",
  ];
  const facts = await pythonJson<{ repr: string; descr: unknown; align: boolean }[]>(
    `
import json, sys, numpy as np
from numpy.lib.format import dtype_to_descr
def jsonable(d):
    return [jsonable(x) for x in d] if isinstance(d, (list, tuple)) else d
print(json.dumps([dict(repr=repr(eval(s)), descr=jsonable(dtype_to_descr(eval(s))), align=eval(s).isalignedstruct) for s in json.loads(sys.argv[1])]))
`,
    { args: [JSON.stringify(specs)] },
  );
  facts.forEach((fact, i) => {
    let dtype = DType.parse(fact.descr as string);
    if (fact.align) {
      dtype = DType.structured(
        dtype.fields!.map((f) => ({ name: f.name, dtype: f.dtype })),
        { align: true },
      );
    }
    assert.equal(dtype.toString(), fact.repr, specs[i]);
  });
});

Deno.test("arrayRepr honours linewidth, threshold and edgeitems as np.printoptions does", async () => {
  const a = arange(60, { dtype: "<f8" }).reshape([3, 20]);
  const expected = await pythonJson<string[]>(
    `
import json, numpy as np
a = np.arange(60.0).reshape(3, 20)
out = []
for opts in [dict(linewidth=40), dict(threshold=10), dict(threshold=10, edgeitems=1), dict(linewidth=120, threshold=100, edgeitems=5)]:
    with np.printoptions(**opts):
        out.append(repr(a))
print(json.dumps(out))
`,
  );
  assert.deepEqual(
    [
      arrayRepr(a, { linewidth: 40 }),
      arrayRepr(a, { threshold: 10 }),
      arrayRepr(a, { threshold: 10, edgeitems: 1 }),
      arrayRepr(a, { linewidth: 120, threshold: 100, edgeitems: 5 }),
    ],
    expected,
  );
  assert.equal(array([1.5]).toString(), "array([1.5])");
});

Deno.test("aligned structured arrays print their dtype as a dict with 'aligned': True", async () => {
  const dtype = DType.structured([{ name: "a", dtype: "u1" }, { name: "b", dtype: "<i4" }], {
    align: true,
  });
  const expected = await pythonJson<string>(
    `import json, numpy as np; print(json.dumps(repr(np.zeros(3, dtype=np.dtype([('a', 'u1'), ('b', '<i4')], align=True)))))`,
  );
  assert.equal(new NDArray(dtype, [3]).toString(), expected);
});

Deno.test("cycles through object arrays print as NumPy prints them; deep nesting stays bounded", async () => {
  const expected = await pythonJson<string[]>(
    `
import json, numpy as np
a = np.empty(2, object); a[0] = a; a[1] = [a]
l = []; b = np.empty(1, object); b[0] = l; l.append(b)
print(json.dumps([repr(a), repr(l)]))
`,
  );
  const a = new NDArray("|O", [2]);
  a.set([0], a);
  a.set([1], [a]);
  const l: PyValue[] = [];
  const b = new NDArray("|O", [1]);
  b.set([0], l);
  l.push(b);
  assert.deepEqual([a.toString(), reprValue(l)], expected);
  // A hostile pickle can nest far deeper than a stack: printing must not overflow.
  let deep: PyValue = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const text = reprValue(deep, { maxDepth: 50 });
  assert.equal(text, "[".repeat(50) + "..." + "]".repeat(50));
  let arrays: PyValue = null;
  for (let i = 0; i < 10_000; i++) {
    const box: NDArray = new NDArray("|O", []);
    box.set([], arrays);
    arrays = box;
  }
  assert.ok(reprValue(arrays).includes("array(..., dtype=object)"));
});
