import assert from "node:assert/strict";
import { ArgumentError, array, matmul, NDArray, randint, UnsupportedError } from "./mod.ts";
import { numpy } from "../../testing/numpy.ts";

Deno.test("the seed's arr[2:6, 4, 3:4] @ arr[8:9, 3, 4:8] equals NumPy's on the same data", async () => {
  const arr = randint(1, 100, [100, 100, 100], { seed: 2024 });
  const left = arr.index("2:6, 4, 3:4");
  const right = arr.index("8:9, 3, 4:8");
  const product = left.matmul(right);
  const [frame] = await numpy(
    `
arr = inputs[0]
p = arr[2:6, 4, 3:4] @ arr[8:9, 3, 4:8]
emit(repr(p), p)
`,
    [arr],
  );
  assert.equal(product.dtype.str, frame!.array!.dtype.str);
  assert.deepEqual(product.shape, [4, 4]);
  assert.deepEqual(product.toNested(), frame!.array!.toNested());
  assert.equal(product.toString(), frame!.value);
});

interface Case {
  a: [string, number[]];
  b: [string, number[]];
  big?: boolean;
}

const CASES: Case[] = [
  { a: ["<i8", [5]], b: ["<i8", [5]] },
  { a: ["<i8", [3]], b: ["<i8", [3, 4]] },
  { a: ["<i8", [4, 3]], b: ["<i8", [3]] },
  { a: ["<i8", [4, 3]], b: ["<i8", [3, 5]] },
  { a: ["<i8", [2, 4, 3]], b: ["<i8", [3, 5]] },
  { a: ["<i8", [2, 1, 3, 4]], b: ["<i8", [5, 4, 2]] },
  { a: ["<i8", [7]], b: ["<i8", [3, 7, 2]] },
  { a: ["<i8", [3, 0]], b: ["<i8", [0, 2]] },
  { a: ["<i8", [0, 3]], b: ["<i8", [3, 2]] },
  { a: ["<i8", [4, 6]], b: ["<i8", [6, 3]], big: true },
  { a: ["<u8", [4, 6]], b: ["<u8", [6, 3]], big: true },
  { a: ["<i4", [5, 6]], b: ["<i4", [6, 4]], big: true },
  { a: ["<u4", [5, 6]], b: ["<u4", [6, 4]], big: true },
  { a: ["|i1", [5, 6]], b: ["|u1", [6, 4]], big: true },
  { a: ["<i2", [5, 6]], b: ["<i2", [6, 4]], big: true },
  { a: ["|u1", [3, 6]], b: ["|u1", [6, 4]], big: true },
  { a: ["|b1", [4, 6]], b: ["|b1", [6, 3]] },
  { a: ["|b1", [4, 6]], b: ["<i2", [6, 3]] },
  { a: ["<f4", [6, 9]], b: ["<f4", [9, 5]] },
  { a: ["<f8", [6, 9]], b: ["<i4", [9, 5]] },
  { a: ["<i8", [6, 9]], b: ["<f4", [9]] },
  { a: ["<f2", [6, 9]], b: ["<f2", [9, 5]] },
  { a: ["<c8", [4, 7]], b: ["<c8", [7, 3]] },
  { a: ["<c16", [4, 7]], b: ["<f4", [7, 3]] },
  { a: [">f8", [3, 4]], b: [">i4", [4, 2]] },
  { a: ["<f8", [2, 3, 40, 30]], b: ["<f8", [3, 30, 20]] },
];

Deno.test("matmul matches np.matmul: shapes, broadcasting, result dtype and values", async () => {
  const inputs: NDArray[] = [];
  CASES.forEach((c, i) => {
    for (const [descr, shape] of [c.a, c.b]) {
      const size = shape.reduce((p, d) => p * d, 1);
      const dtype = descr.slice(1);
      // Small integer-valued data keeps float results exact; "big" reaches overflow.
      const high = c.big ? (dtype === "i8" || dtype === "u8" ? 2 ** 32 : 2 ** 31 - 1) : 10;
      const ints = randint(0, high, [size], { seed: i * 2 + inputs.length });
      let x = ints.astype(descr);
      if (descr.includes("c")) x = ints.astype("<f8").astype(descr);
      inputs.push(x.reshape(shape));
    }
  });
  // Spread the big 64-bit cases over the whole range, to force wraparound.
  for (const i of [9, 10]) {
    for (const side of [0, 1]) {
      const typed = inputs[2 * i + side]!.toTypedArray() as BigInt64Array;
      for (let j = 0; j < typed.length; j++) typed[j] = typed[j]! * 4294967311n + 12345n;
    }
  }
  const frames = await numpy(
    `
import warnings
warnings.simplefilter('ignore')
for i in range(0, len(inputs), 2):
    p = np.matmul(inputs[i], inputs[i + 1])
    emit(repr(p), np.asarray(p))
`,
    inputs,
  );
  CASES.forEach((c, i) => {
    const a = inputs[2 * i]!;
    const b = inputs[2 * i + 1]!;
    const want = frames[i]!.array!;
    const got = matmul(a, b);
    const label = `${c.a[0]}${JSON.stringify(c.a[1])} @ ${c.b[0]}${JSON.stringify(c.b[1])}`;
    assert.equal(got.dtype.str, want.dtype.str, label);
    assert.deepEqual(got.shape, want.shape, label);
    const kind = got.dtype.kind;
    if (kind === "f" || kind === "c") {
      const x = [...got.astype(kind === "c" ? "<c16" : "<f8").toTypedArray() as Float64Array];
      const y = [...want.astype(kind === "c" ? "<c16" : "<f8").toTypedArray() as Float64Array];
      const tolerance = got.dtype.itemsize === (kind === "c" ? 8 : 4) ? 1e-6 : 1e-12;
      x.forEach((v, j) =>
        assert.ok(Math.abs(v - y[j]!) <= tolerance * Math.max(1, Math.abs(y[j]!)), label)
      );
    } else {
      assert.deepEqual(got.toNested(), want.toNested(), label);
    }
  });
});

Deno.test("matmul of views (transposes, negative steps, big-endian) equals NumPy's", async () => {
  const base = randint(-50, 50, [6, 8, 5], { seed: 11 }).astype(">i4");
  const frames = await numpy(
    `
a = inputs[0]
emit(None, a[::-1, ::2, :].transpose(0, 2, 1) @ a[1, 1:5, ::-2])
emit(None, a[2].T @ a[3])
`,
    [base],
  );
  assert.deepEqual(
    base.index("::-1, ::2, :").transpose([0, 2, 1]).matmul(base.index("1, 1:5, ::-2")).toNested(),
    frames[0]!.array!.toNested(),
  );
  assert.deepEqual(
    base.index("2").T.matmul(base.index("3")).toNested(),
    frames[1]!.array!.toNested(),
  );
});

Deno.test("float16 matmul sums in float32 as NumPy does, bit for bit", async () => {
  const a = randint(-1000, 1000, [7, 40], { seed: 5 }).astype("<f8");
  const b = randint(-1000, 1000, [40, 6], { seed: 6 }).astype("<f8");
  const ah = array(new Float64Array(a.toTypedArray() as Float64Array).map((v) => v / 97), {
    shape: [7, 40],
  }).astype("<f2");
  const bh = array(new Float64Array(b.toTypedArray() as Float64Array).map((v) => v / 89), {
    shape: [40, 6],
  }).astype("<f2");
  const [frame] = await numpy(`emit(None, inputs[0] @ inputs[1])`, [ah, bh]);
  assert.deepEqual(
    [...(ah.matmul(bh).astype("<f8").toTypedArray() as Float64Array)],
    [...(frame!.array!.astype("<f8").toTypedArray() as Float64Array)],
  );
});

Deno.test("matmul rejects what NumPy rejects, with typed errors", () => {
  assert.throws(() => matmul(array([1, 2]), array([1, 2, 3])), (e: unknown) => {
    assert.ok(e instanceof ArgumentError);
    assert.equal(e.code, "matmul-shape");
    assert.match(e.message, /size 3 is different from 2/);
    return true;
  });
  assert.throws(() => matmul(array(1), array([1])), /does not have enough dimensions/);
  assert.throws(
    () => matmul(new NDArray("<f8", [2, 3, 4]), new NDArray("<f8", [5, 4, 2])),
    ArgumentError,
  );
  assert.throws(() => matmul(array(["a"]), array(["b"])), ArgumentError);
  assert.throws(
    () => matmul(new NDArray("<f16", [2, 2]), array([[1, 2], [3, 4]])),
    UnsupportedError,
  );
  assert.throws(() => matmul(new NDArray("<c32", [2]), new NDArray("<c32", [2])), UnsupportedError);
});
