import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  Complex,
  type DType,
  fromNested,
  MalformedError,
  NDArray,
  OutOfRangeError,
  PyFloat,
  randint,
  slice,
} from "./mod.ts";
import { pythonFloatRepr } from "./_python_literal.ts";
import { numpy } from "../../testing/numpy.ts";

// ---------------------------------------------------------------------------
// Element access for every dtype.

const DTYPES = [
  "?",
  "i1",
  "u1",
  "<i2",
  ">i2",
  "<u2",
  ">u2",
  "<i4",
  ">i4",
  "<u4",
  ">u4",
  "<i8",
  ">i8",
  "<u8",
  ">u8",
  "<f2",
  ">f2",
  "<f4",
  ">f4",
  "<f8",
  ">f8",
  "<c8",
  ">c8",
  "<c16",
  ">c16",
  "<U1",
  "<U5",
  ">U5",
  "S1",
  "S7",
  "V4",
  "<M8[D]",
  ">M8[ns]",
  "<M8[10ms]",
  "<m8[s]",
  ">m8[us]",
  "[('a', '<i4'), ('b', '>f8', (2,)), ('c', 'S3'), ('d', '?')]",
  "[('p', [('x', '>u2'), ('y', 'U2')]), ('q', '<c8')]",
  "np.dtype([('a', 'u1'), ('b', '<i8')], align=True)",
  "np.dtype({'names': ['x', 'y'], 'formats': ['<i2', '>f4'], 'titles': ['T', None], 'offsets': [4, 8], 'itemsize': 16})",
];

const CANON_PY = `
def canon(x, dt):
    if dt.fields is not None:
        return {n: canon(x[n], dt.fields[n][0]) for n in dt.names}
    if dt.subdtype is not None:
        base = dt.subdtype[0]
        return [canon(e, base) for e in np.asarray(x).ravel()]
    k = dt.kind
    if k == 'b': return bool(x)
    if k in 'iu': return str(int(x))
    if k == 'f': return repr(float(x))
    if k == 'c': return [repr(float(x.real)), repr(float(x.imag))]
    if k == 'U': return str(x)
    if k == 'S': return list(bytes(x))
    if k == 'V': return list(x.tobytes())
    if k in 'Mm': return str(int(np.array(x).view('i8')))
    raise ValueError(k)

def sample(dt, n, r):
    if dt.fields is not None:
        a = np.zeros(n, dtype=dt)
        for name in dt.names:
            sub = dt.fields[name][0]
            shape = sub.shape
            base = sub.base if sub.subdtype is not None else sub
            vals = sample(base, n * max(1, int(np.prod(shape))), r)
            a[name] = vals.reshape((n,) + shape)
        return a
    k = dt.kind
    if k == 'b':
        return r.integers(0, 2, n).astype(dt)
    if k in 'iu':
        info = np.iinfo(dt)
        v = r.integers(info.min, info.max, n, dtype=dt.newbyteorder('='), endpoint=True)
        v[:2] = [info.min, info.max]
        return v.astype(dt)
    if k == 'f':
        v = (r.standard_normal(n) * 10.0 ** r.integers(-5, 5, n)).astype(dt)
        specials = np.array([np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).tiny / 4, np.finfo(dt).max], dtype=dt)
        v[:6] = specials
        return v
    if k == 'c':
        return (r.standard_normal(n) + 1j * r.standard_normal(n)).astype(dt)
    if k == 'U':
        pool = ['', 'a', 'é€', '\\U0001F600x', 'nul\\x00in', 'tail', '\\ud800', 'abcde']
        return np.array([pool[i % len(pool)] for i in range(n)], dtype=dt)
    if k == 'S':
        pool = [b'', b'a', b'\\x00b', b'\\xff\\x01', b'abcdefg', b'x\\x00']
        return np.array([pool[i % len(pool)] for i in range(n)], dtype=dt)
    if k == 'V':
        return np.frombuffer(r.integers(0, 256, n * dt.itemsize, dtype=np.uint8).tobytes(), dtype=dt)
    if k in 'Mm':
        v = r.integers(-10**9, 10**9, n).astype(dt)
        v[0] = np.array('NaT', dtype=dt)
        return v
`;

function canon(value: unknown, dtype: DType): unknown {
  if (dtype.fields !== null) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(dtype.fields.map((f) => [f.name, canon(record[f.name], f.dtype)]));
  }
  if (dtype.subarray !== null) {
    return [...(value as NDArray).values()].map((v) => canon(v, dtype.subarray!.base));
  }
  switch (dtype.kind) {
    case "b":
      return value as boolean;
    case "i":
    case "u":
    case "M":
    case "m":
      return String(value);
    case "f":
      return pythonFloatRepr(value as number);
    case "c":
      return [pythonFloatRepr((value as Complex).re), pythonFloatRepr((value as Complex).im)];
    case "U":
      return value;
    case "S":
      return [...(value as string)].map((c) => c.charCodeAt(0));
    case "V":
      return [...(value as Uint8Array)];
  }
  throw new Error(`no canonical form for ${dtype.str}`);
}

function bytesOf(a: NDArray): number[] {
  return [...a.chunks()].flatMap((c) => [...c]);
}

Deno.test("get reads every dtype as NumPy holds it; set writes back the same bytes", async () => {
  const frames = await numpy(
    `
${CANON_PY}
r = np.random.default_rng(1)
for spec in json.loads(${JSON.stringify(JSON.stringify(DTYPES))}):
    dt = eval(spec) if spec.startswith('np.') else np.dtype(eval(spec) if spec.startswith('[') else spec)
    a = sample(dt, 12, r).reshape(3, 4)
    emit({'spec': spec, 'values': [[canon(a[i, j], dt) for j in range(4)] for i in range(3)], 'aligned': dt.isalignedstruct}, a)
`,
  );
  assert.equal(frames.length, DTYPES.length);
  for (const frame of frames) {
    const { spec, values } = frame.value as { spec: string; values: unknown[][] };
    const a = frame.array!;
    const got = (a.toNested() as unknown[][]).map((row) => row.map((v) => canon(v, a.dtype)));
    assert.deepEqual(got, values, spec);
    // get(i, j) agrees with toNested, negative indices included.
    assert.deepEqual(canon(a.get(-1, -2), a.dtype), values[2]![2], spec);
    // Writing back what get returned reproduces NumPy's bytes.
    const copy = new NDArray(a.dtype, a.shape);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) copy.set([i, j], a.get(i, j));
    assert.deepEqual(bytesOf(copy), bytesOf(a), spec);
  }
});

Deno.test("set writes values NumPy reads back identically", async () => {
  const a = new NDArray(
    [["i", "<i8"], ["f", ">f4"], ["c", "<c16"], ["s", "<U3"], ["t", "<M8[s]"]],
    [3],
  );
  a.set([0], { i: 2n ** 62n, f: 1.5, c: new Complex(1, -2), s: "héé", t: 86400n });
  a.set([1], { i: -1n, f: -0, c: new Complex(NaN, Infinity), s: "😀😀😀😀", t: -(2n ** 63n) });
  a.set([2], [7, new PyFloat(2), 3, "", 0n]);
  const [frame] = await numpy(
    `
a = inputs[0]
emit([int(a['i'][0]), int(a['i'][1]), float(a['f'][0]), str(np.signbit(a['f'][1])), repr(a['c'][1]), a['s'].tolist(), str(a['t'][0]), str(a['t'][1]), int(a['i'][2]), float(a['c'][2].real)])
`,
    [a],
  );
  assert.deepEqual(frame!.value, [
    2 ** 62,
    -1,
    1.5,
    "True",
    "np.complex128(nan+infj)",
    ["héé", "😀😀😀", ""],
    "1970-01-02T00:00:00",
    "NaT",
    7,
    3,
  ]);
});

Deno.test("set rejects values that do not fit, with typed errors", () => {
  const ints = new NDArray("|i1", [2]);
  assert.throws(() => ints.set([0], 128), OutOfRangeError);
  assert.throws(() => ints.set([0], 1.5), ArgumentError);
  assert.throws(() => ints.set([0], "1"), ArgumentError);
  assert.throws(() => new NDArray("<u8", [1]).set([0], -1n), OutOfRangeError);
  assert.throws(() => new NDArray("<i8", [1]).set([0], 2n ** 63n), OutOfRangeError);
  assert.throws(() => new NDArray("|S2", [1]).set([0], "€"), ArgumentError);
  assert.throws(() => ints.set([2], 1), OutOfRangeError);
  assert.throws(() => ints.set([0, 0], 1), ArgumentError);
  assert.throws(() => ints.get(0.5), ArgumentError);
  assert.throws(() => new NDArray("|u1", new Array(65).fill(1)), OutOfRangeError);
  assert.equal(new NDArray("|u1", new Array(64).fill(1)).ndim, 64);
});

// ---------------------------------------------------------------------------
// Views: flags, indexing, reshaping, copies.

const VIEWS = [
  "",
  "::2",
  "1",
  ":, 1",
  "..., 1",
  "::-1",
  ":, ::-1",
  "1:2",
  "1:2, 2:3",
  "None",
  "..., None",
  ":, :, 0:1",
  ":, 3:3",
  "2, 3",
  "::-1, ::-1, ::-1",
];

Deno.test("contiguity flags agree with NumPy's for views, transposes and reshapes", async () => {
  const bases = [[3, 4, 5], [1, 5, 1], [0, 3, 2], [4, 1, 6]];
  const arrays = bases.map((shape) =>
    arange(shape.reduce((p, d) => p * d, 1), { dtype: "<i2" }).reshape(shape)
  );
  const frames = await numpy(
    `
views = json.loads(${JSON.stringify(JSON.stringify(VIEWS))})
for a in inputs:
    for e in views:
        for t in (False, True):
            try:
                v = eval('a[' + e + ']') if e else a
            except IndexError:
                emit(None)
                continue
            if t: v = v.T
            emit([v.flags.c_contiguous, v.flags.f_contiguous, list(v.shape)])
`,
    arrays,
  );
  let k = 0;
  for (const a of arrays) {
    for (const e of VIEWS) {
      for (const t of [false, true]) {
        const want = frames[k++]!.value as [boolean, boolean, number[]] | null;
        let v: NDArray;
        try {
          v = e === "" ? a : a.index(e);
        } catch (error) {
          assert.equal(want, null, `${a.shape} [${e}] raised ${error}`);
          continue;
        }
        if (t) v = v.T;
        assert.deepEqual(
          [v.isCContiguous, v.isFContiguous, v.shape],
          want,
          `${a.shape} [${e}] T=${t}`,
        );
      }
    }
  }
});

/** A small deterministic generator for random expressions. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

function randomIndex(shape: readonly number[], next: (n: number) => number): string {
  const items: string[] = [];
  let axis = 0;
  let ellipsis = false;
  while (axis < shape.length) {
    const r = next(10);
    const n = shape[axis]!;
    if (r === 0 && !ellipsis) {
      items.push("...");
      ellipsis = true;
      axis = shape.length - next(shape.length - axis + 1);
      continue;
    }
    if (r === 1) {
      items.push("None");
      continue;
    }
    if (r <= 3 && n > 0) {
      const i = next(n);
      items.push(String(next(2) === 0 ? i : i - n));
    } else {
      const part = () => (next(3) === 0 ? "" : String(next(2 * n + 5) - n - 2));
      const step = next(3) === 0 ? "" : String((next(2) === 0 ? 1 : -1) * (1 + next(3)));
      items.push(`${part()}:${part()}${step === "" ? "" : ":" + step}`);
    }
    axis++;
  }
  if (next(4) === 0) items.push("None");
  return items.join(", ");
}

Deno.test("random basic indexes select what NumPy selects", async () => {
  const next = rng(99);
  const arrays: NDArray[] = [];
  const exprs: string[] = [];
  for (let i = 0; i < 40; i++) {
    const shape = Array.from({ length: 1 + next(4) }, () => next(6));
    const size = shape.reduce((p, d) => p * d, 1);
    let a = arange(size, { dtype: "<i4" }).reshape(shape);
    if (next(3) === 0) a = a.T;
    if (next(3) === 0) a = a.astype(">f8");
    arrays.push(a);
    exprs.push(Array.from({ length: 5 }, () => randomIndex(a.shape, next)).join(" | "));
  }
  const frames = await numpy(
    `
exprs = json.loads(${JSON.stringify(JSON.stringify(exprs))})
for a, group in zip(inputs, exprs):
    for e in group.split(' | '):
        v = eval('a[' + e + ']')
        emit(e, np.asarray(v))
`,
    arrays,
  );
  let k = 0;
  arrays.forEach((a, i) => {
    for (const e of exprs[i]!.split(" | ")) {
      const want = frames[k++]!;
      assert.equal(want.value, e);
      const got = a.index(e);
      assert.deepEqual(got.shape, want.array!.shape, `${a.shape}[${e}]`);
      assert.deepEqual(got.toNested(), want.array!.toNested(), `${a.shape}[${e}]`);
    }
  });
});

Deno.test("index errors are typed and name the problem", () => {
  const a = arange(12, { dtype: "<i4" }).reshape([3, 4]);
  assert.throws(
    () => a.index("3"),
    (e: unknown) =>
      e instanceof OutOfRangeError && /out of bounds for axis 0 with size 3/.test(e.message),
  );
  assert.throws(() => a.index("0, 0, 0"), OutOfRangeError);
  assert.throws(() => a.index("..., ..."), ArgumentError);
  assert.throws(() => a.index("::0"), MalformedError);
  assert.throws(
    () => a.index("1.5"),
    (e: unknown) => e instanceof MalformedError && e.offset === 0 && e.format === "index",
  );
  assert.throws(
    () => a.index("0, x"),
    (e: unknown) => e instanceof MalformedError && e.offset === 2,
  );
  assert.deepEqual(a.index([slice(null, null, -2), 1]).toNested(), [9, 1]);
  assert.deepEqual(a.index("[1, -1]").toNested(), 7);
});

Deno.test("reshape, transpose, ravel and copy in C and F order match NumPy", async () => {
  const base = randint(0, 1000, [4, 6, 5], { seed: 3 }).astype("<i4");
  const views: [string, (a: NDArray) => NDArray][] = [
    ["a", (a) => a],
    ["a[::2, 1:, ::-1]", (a) => a.index("::2, 1:, ::-1")],
    ["a.transpose(1, 0, 2)", (a) => a.transpose([1, 0, 2])],
    ["a.T[1:3]", (a) => a.T.index("1:3")],
  ];
  const frames = await numpy(
    `
a = inputs[0]
for expr in json.loads(${JSON.stringify(JSON.stringify(views.map(([e]) => e)))}):
    v = eval(expr)
    for order in 'CF':
        emit([expr, 'reshape', order], v.reshape(-1, v.shape[-1], order=order))
        emit([expr, 'ravel', order], v.ravel(order=order))
        c = v.copy(order=order)
        emit([expr, 'copy', order, c.flags.c_contiguous, c.flags.f_contiguous], c)
    emit([expr, 'T'], v.T)
    emit([expr, 'transpose'], v.transpose(*reversed(range(v.ndim - 1)), v.ndim - 1))
`,
    [base],
  );
  let k = 0;
  for (const [, make] of views) {
    const v = make(base);
    for (const order of ["C", "F"] as const) {
      const reshaped = frames[k++]!;
      assert.deepEqual(
        v.reshape([-1, v.shape[v.ndim - 1]!], order).toNested(),
        reshaped.array!.toNested(),
      );
      assert.deepEqual(v.ravel(order).toNested(), frames[k++]!.array!.toNested());
      const copied = frames[k++]!;
      const c = v.copy(order);
      const [, , , cc, fc] = copied.value as [string, string, string, boolean, boolean];
      assert.deepEqual([c.isCContiguous, c.isFContiguous], [cc, fc]);
      assert.deepEqual(c.toNested(), copied.array!.toNested());
      assert.ok(c.data !== base.data);
    }
    assert.deepEqual(v.T.toNested(), frames[k++]!.array!.toNested());
    const axes = [...Array(v.ndim - 1).keys()].reverse().concat([v.ndim - 1]);
    assert.deepEqual(v.transpose(axes).toNested(), frames[k++]!.array!.toNested());
  }
  assert.throws(() => base.reshape([7, -1]), ArgumentError);
  assert.throws(() => base.reshape([-1, -1]), ArgumentError);
  assert.throws(() => base.transpose([0, 0, 1]), ArgumentError);
  // A contiguous reshape is a view.
  assert.equal(base.reshape([120]).data, base.data);
  assert.deepEqual(new NDArray("<f8", [0, 3]).reshape([-1, 3]).shape, [0, 3]);
});

Deno.test("toNative and withByteOrder keep values and match NumPy's bytes", async () => {
  const big = randint(-30000, 30000, [3, 4], { seed: 8 }).astype(">i2").index("::-1, 1:");
  const complex = fromNested([[new Complex(1, 2), new Complex(-0.5, 1e300)]]).astype(">c16");
  const text = fromNested(["ab", "é😀"]).astype(">U2");
  const frames = await numpy(
    `
for a in inputs:
    emit(None, a.astype(a.dtype.newbyteorder('=')))
    emit(None, a.astype(a.dtype.newbyteorder('>')))
`,
    [big, complex, text],
  );
  [big, complex, text].forEach((a, i) => {
    const native = a.toNative();
    assert.ok(native.dtype.isNative);
    assert.deepEqual(native.toNested(), a.toNested());
    assert.deepEqual(bytesOf(native), bytesOf(frames[2 * i]!.array!));
    const swapped = native.withByteOrder(">");
    assert.deepEqual(bytesOf(swapped), bytesOf(frames[2 * i + 1]!.array!));
    assert.equal(native.toNative(), native);
  });
});

Deno.test("toTypedArray is zero-copy when the layout allows, a correct copy otherwise", () => {
  const a = arange(12, { dtype: "<f8" }).reshape([3, 4]);
  const view = a.toTypedArray();
  assert.ok(view instanceof Float64Array);
  assert.equal(view.buffer, a.data.buffer);
  view[0] = 42;
  assert.equal(a.get(0, 0), 42);
  // A contiguous slice is still a view, at its offset.
  const row = a.index("1").toTypedArray();
  assert.equal(row.buffer, a.data.buffer);
  assert.deepEqual([...row], [4, 5, 6, 7]);
  // Strided, big-endian or misaligned data is copied into C order.
  assert.deepEqual([...a.T.toTypedArray()], [42, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  assert.notEqual(a.T.toTypedArray().buffer, a.data.buffer);
  assert.deepEqual([...a.astype(">f8").toTypedArray()].slice(0, 3), [42, 1, 2]);
  const odd = new NDArray("<i4", [2], {
    data: new Uint8Array([0, 1, 0, 0, 0, 2, 0, 0, 0]),
    offset: 1,
  });
  assert.deepEqual([...odd.toTypedArray()], [1, 2]);
  // Complex interleaves, bool is bytes, int64 is BigInt64Array.
  assert.deepEqual([...fromNested([new Complex(1, 2)]).toTypedArray()], [1, 2]);
  assert.ok(fromNested([true]).toTypedArray() instanceof Uint8Array);
  assert.ok(fromNested([1]).toTypedArray() instanceof BigInt64Array);
  assert.throws(() => fromNested(["a"]).toTypedArray(), ArgumentError);
});

// ---------------------------------------------------------------------------
// Creation.

Deno.test("fromNested infers the dtype np.array infers", async () => {
  const cases: [unknown, string][] = [
    [[1, 2, 3], "[1, 2, 3]"],
    [[true, false], "[True, False]"],
    [[true, 2], "[True, 2]"],
    [[1, 2.5], "[1, 2.5]"],
    [[1, new PyFloat(2)], "[1, 2.0]"],
    [[-0], "[-0.0]"],
    [[NaN, 1], "[float('nan'), 1]"],
    [[1, new Complex(0, 1)], "[1, 1j]"],
    [[[1], [2.5]], "[[1], [2.5]]"],
    [[], "[]"],
    [[[], []], "[[], []]"],
    [[2n ** 63n], "[2**63]"],
    [[2n ** 63n, 2n ** 64n - 1n], "[2**63, 2**64 - 1]"],
    [[2n ** 63n, 0], "[2**63, 0]"],
    [[2n ** 64n - 1n, true], "[2**64 - 1, True]"],
    [[2n ** 63n - 1n, 5], "[2**63 - 1, 5]"],
    [2n ** 63n, "2**63"],
    [5, "5"],
    [["ab", "c"], "['ab', 'c']"],
    [["é😀", ""], "['é😀', '']"],
    [[new Uint8Array([97, 98]), new Uint8Array([99])], "[b'ab', b'c']"],
    [["ab", new Uint8Array([99, 100, 101])], "['ab', b'cde']"],
    [["a", 1], "['a', 1]"],
    [["a", -5, 2.5], "['a', -5, 2.5]"],
    [["a", true], "['a', True]"],
    [["a", 2n ** 64n - 1n], "['a', 2**64 - 1]"],
    [["a", new Complex(0, 1)], "['a', 1j]"],
    [["a", 1e300], "['a', 1e300]"],
    [[new Uint8Array([97]), 1.5], "[b'a', 1.5]"],
  ];
  const frames = await numpy(
    `
for e in json.loads(${JSON.stringify(JSON.stringify(cases.map(([, py]) => py)))}):
    emit(e, np.array(eval(e)))
`,
  );
  cases.forEach(([value, py], i) => {
    const want = frames[i]!.array!;
    const got = fromNested(value);
    assert.equal(got.dtype.str, want.dtype.str, py);
    assert.deepEqual(got.shape, want.shape, py);
    assert.deepEqual(bytesOf(got), bytesOf(want), py);
  });
  assert.throws(() => fromNested([[1, 2], [3]]), ArgumentError);
  assert.throws(() => fromNested([2n ** 64n]), ArgumentError);
  assert.throws(() => fromNested([1, null]), ArgumentError);
});

Deno.test("arange fills as np.arange does, in the dtype's own arithmetic", async () => {
  const cases: [number[], string | undefined, string][] = [
    [[5], undefined, "np.arange(5)"],
    [[1, 7, 2], undefined, "np.arange(1, 7, 2)"],
    [[0.1, 1, 0.1], undefined, "np.arange(0.1, 1, 0.1)"],
    [[5, 1, -1.5], undefined, "np.arange(5, 1, -1.5)"],
    [[1e16, 1e16 + 5], "<f8", "np.arange(1e16, 1e16 + 5)"],
    [[1, 2, 0.3], "<f4", "np.arange(1, 2, 0.3, dtype='<f4')"],
    [[0, 3, 0.1], "<f2", "np.arange(0, 3, 0.1, dtype='<f2')"],
    [[40000], "<i2", "np.arange(40000, dtype='<i2')"],
    [[3], "|u1", "np.arange(3, dtype='|u1')"],
    [[-5, 5, 0.7], "<i4", "np.arange(-5, 5, 0.7, dtype='<i4')"],
    [[10], ">f8", "np.arange(10, dtype='>f8')"],
    [[0, 5, 0.5], "<c8", "np.arange(0, 5, 0.5, dtype='<c8')"],
    [[2 ** 40, 2 ** 40 + 10, 3], "<u8", "np.arange(2**40, 2**40 + 10, 3, dtype='<u8')"],
    [[7, 2], undefined, "np.arange(7, 2)"],
  ];
  const frames = await numpy(
    `
import warnings
warnings.simplefilter('ignore')
for e in json.loads(${JSON.stringify(JSON.stringify(cases.map(([, , py]) => py)))}):
    emit(e, eval(e))
`,
  );
  cases.forEach(([args, dtype, py], i) => {
    const [a, b, c] = args;
    const options = dtype === undefined ? {} : { dtype };
    const got = b === undefined
      ? arange(a!, options)
      : c === undefined
      ? arange(a!, b, options)
      : arange(a!, b, c, options);
    const want = frames[i]!.array!;
    assert.equal(got.dtype.str, want.dtype.str, py);
    assert.deepEqual(bytesOf(got), bytesOf(want), py);
  });
});

Deno.test("assign copies arrays of the same dtype by bytes, overlapping views included", () => {
  const a = arange(10, { dtype: "<i4" });
  a.index("1:").assign(a.index(":-1"));
  assert.deepEqual(a.toNested(), [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const b = arange(6, { dtype: "<f8" }).reshape([2, 3]);
  const target = new NDArray("<f8", [3, 2]);
  target.assign(b.T);
  assert.deepEqual(target.toNested(), [[0, 3], [1, 4], [2, 5]]);
  const strided = new NDArray("<f8", [3, 4]).index(":, ::2");
  strided.assign(b.T);
  assert.deepEqual(strided.toNested(), [[0, 3], [1, 4], [2, 5]]);
  assert.throws(() => target.assign(b), ArgumentError);
  const cast = new NDArray("<i2", [2, 3]);
  cast.assign(b);
  assert.deepEqual(cast.toNested(), [[0, 1, 2], [3, 4, 5]]);
});

Deno.test("toNested refuses an empty axis longer than a JS array with a typed error", () => {
  // A crasher of the npy fuzzer: shape (12345678901, 0) is a valid empty array.
  const a = new NDArray("<f4", [12345678901, 0]);
  assert.throws(() => a.toNested(), (e: unknown) => e instanceof OutOfRangeError);
  assert.deepEqual(new NDArray("<f4", [2 ** 32 - 1, 0]).index("-2:").toNested(), [[], []]);
});
