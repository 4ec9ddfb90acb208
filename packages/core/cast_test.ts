import assert from "node:assert/strict";
import {
  ArgumentError,
  array,
  canCast,
  type Casting,
  DType,
  NDArray,
  NdioError,
  promoteTypes,
  UnsupportedError,
} from "./mod.ts";
import { numpy } from "../../testing/numpy.ts";
import { pythonJson } from "../../testing/python.ts";

const CODES = "?bhilqBHILQefdgFDG".split("");
const RULES: Casting[] = ["no", "equiv", "safe", "same_kind", "unsafe"];

Deno.test("canCast agrees with np.can_cast for every numeric pair and rule", async () => {
  const expected = await pythonJson<boolean[][][]>(
    `
import json, numpy as np
codes = '?bhilqBHILQefdgFDG'
rules = ['no', 'equiv', 'safe', 'same_kind', 'unsafe']
print(json.dumps([[[bool(np.can_cast(a, b, r)) for r in rules] for b in codes] for a in codes]))
`,
  );
  CODES.forEach((a, i) =>
    CODES.forEach((b, j) =>
      RULES.forEach((rule, r) =>
        assert.equal(canCast(a, b, rule), expected[i]![j]![r], `${a} -> ${b} (${rule})`)
      )
    )
  );
  // Byte order: equivalent, not identical.
  assert.equal(canCast(">i4", "<i4", "no"), false);
  assert.equal(canCast(">i4", "<i4", "equiv"), true);
  assert.equal(canCast(">f8", "<f4", "same_kind"), true);
  assert.throws(() => canCast("<i4", "<i4", "nope" as Casting), ArgumentError);
  assert.throws(() => canCast("<i4", "<U3", "safe"), UnsupportedError);
});

Deno.test("promoteTypes agrees with np.promote_types for every numeric pair", async () => {
  const codes = [...CODES, ">i4", ">f8", "<u2"];
  const expected = await pythonJson<string[][]>(
    `
import json, sys, numpy as np
codes = json.loads(sys.argv[1])
print(json.dumps([[np.promote_types(a, b).str for b in codes] for a in codes]))
`,
    { args: [JSON.stringify(codes)] },
  );
  codes.forEach((a, i) =>
    codes.forEach((b, j) => assert.equal(promoteTypes(a, b).str, expected[i]![j], `${a} ${b}`))
  );
});

const NUMERIC = ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8"]
  .concat(["<c8", "<c16", ">i4", ">f8", ">c8", ">u8"]);

Deno.test("astype converts values exactly as NumPy's astype, for every pair of numeric dtypes", async () => {
  // Sources hold random in-range values of every sign and size, and the
  // edges of each type; NumPy casts each source to each target.
  const frames = await numpy(
    `
r = np.random.default_rng(3)
targets = json.loads(${JSON.stringify(JSON.stringify(NUMERIC))})
n = 48
for src in targets:
    dt = np.dtype(src)
    if dt.kind == 'b':
        a = r.integers(0, 2, n).astype(dt)
    elif dt.kind in 'iu':
        info = np.iinfo(dt)
        a = np.concatenate([r.integers(info.min, info.max, n - 8, dtype=dt.newbyteorder('=')),
                            np.array([info.min, info.max, 0, 1, info.max - 1, info.min + 1, 2, 3])]).astype(dt)
    elif dt.kind == 'f':
        base = r.standard_normal(n) * 10.0 ** r.integers(-3, 3, n)
        base[:6] = [0.0, -0.0, 0.5, -0.5, 1.5, -2.5]
        a = base.astype(dt)
    else:
        a = (r.standard_normal(n) * 100 + 1j * r.standard_normal(n) * 100).astype(dt)
        a[:3] = [0, 1j, -0.5]
    emit(src, a)
    for t in targets:
        emit([src, t], a.astype(t))
`,
  );
  const failures: string[] = [];
  let source: NDArray | null = null;
  for (const frame of frames) {
    if (typeof frame.value === "string") {
      source = frame.array;
      continue;
    }
    const [from, to] = frame.value as [string, string];
    const got = source!.astype(to);
    const want = frame.array!;
    if (!got.dtype.equals(want.dtype) || got.shape.join() !== want.shape.join()) {
      failures.push(`${from} -> ${to}: dtype ${got.dtype.str} vs ${want.dtype.str}`);
    } else if (!bytesEqual(got, want)) {
      failures.push(`${from} -> ${to}: values differ`);
    }
  }
  assert.deepEqual(failures, []);
});

function bytesEqual(a: NDArray, b: NDArray): boolean {
  const x = new Uint8Array([...a.chunks()].flatMap((c) => [...c]));
  const y = new Uint8Array([...b.chunks()].flatMap((c) => [...c]));
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

Deno.test("float-to-integer casts of NaN, infinities and out-of-range values match NumPy's vector loops", async () => {
  // NumPy calls these undefined (it warns); its x86-64 vector loops give the
  // values below for arrays whose length is a multiple of 16.
  const special = [NaN, Infinity, -Infinity, 1e10, -1e10, 3e9, -3e9, 300.7, -300.7, 70000.5, -1.5]
    .concat([
      2 ** 63,
      2 ** 64,
      -(2 ** 63),
      1e19,
      1.8e19,
      -1e19,
      255.9,
      128,
      -129,
      4294967301,
      -0.9,
    ]);
  const values = [...special, ...special.slice(0, 10)];
  const source = array(values);
  const targets = ["|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "|b1"];
  const frames = await numpy(
    `
a = inputs[0]
import warnings
warnings.simplefilter('ignore')
for t in json.loads(${JSON.stringify(JSON.stringify(targets))}):
    emit(t, a.astype(t))
    emit(t, a.astype('<f4').astype(t))
`,
    [source],
  );
  frames.forEach((frame, i) => {
    const from = i % 2 === 0 ? source : source.astype("<f4");
    assert.ok(bytesEqual(from.astype(frame.value as string), frame.array!), `${i} ${frame.value}`);
  });
});

Deno.test("astype enforces casting rules with NumPy's message, and keeps byte-order-only casts", async () => {
  const message = await pythonJson<string>(
    `
import json, numpy as np
try:
    np.array([1.5]).astype('i8', casting='safe')
except TypeError as e:
    print(json.dumps(str(e)))
`,
  );
  const a = array([1.5]);
  assert.throws(
    () => a.astype("<i8", { casting: "safe" }),
    (error: unknown) => {
      assert.ok(error instanceof ArgumentError && error instanceof NdioError);
      assert.equal(error.code, "cast-not-allowed");
      assert.equal(error.message, message[0]!.toLowerCase() + message.slice(1));
      return true;
    },
  );
  assert.equal(a.astype("<f4", { casting: "same_kind" }).dtype.str, "<f4");
  assert.throws(() => a.astype(">f8", { casting: "no" }), ArgumentError);
  assert.deepEqual(a.astype(">f8", { casting: "equiv" }).toNested(), [1.5]);
  assert.equal(a.astype("<f8", { copy: false }), a);
  assert.notEqual(a.astype("<f8"), a);
  // Records in mixed byte orders convert field by field.
  const mixed = new NDArray([["a", "<i4"], ["b", ">u2"], ["c", "|S2"]], [2]);
  mixed.assign([{ a: 1, b: 2, c: "x" }, { a: -3, b: 65535, c: "yz" }]);
  const target = DType.parse([["a", ">i4"], ["b", "<u2"], ["c", "|S2"]]);
  const swapped = mixed.astype(target);
  assert.ok(swapped.dtype.equals(target));
  assert.deepEqual(swapped.toNested(), mixed.toNested());
  assert.deepEqual(mixed.withByteOrder("<").toNested(), mixed.toNested());
  assert.equal(
    mixed.withByteOrder("<").dtype.descrRepr(),
    "[('a', '<i4'), ('b', '<u2'), ('c', '|S2')]",
  );
  const frames = await numpy(
    `emit(None, inputs[0].astype([('a', '>i4'), ('b', '<u2'), ('c', '|S2')]))`,
    [mixed],
  );
  assert.ok(bytesEqual(swapped, frames[0]!.array!));
  assert.throws(() => array(["a"]).astype("<i4"), UnsupportedError);
});

Deno.test("long doubles: byte order converts, arithmetic casts are unsupported", () => {
  const raw = new NDArray("<f16", [2]);
  assert.equal(raw.astype(">f16").dtype.str, ">f16");
  assert.throws(() => raw.astype("<f8"), (e: unknown) => e instanceof UnsupportedError);
  assert.throws(() => array([1.5]).astype("<f16"), UnsupportedError);
  assert.throws(() => raw.matmul(raw), UnsupportedError);
});
