import assert from "node:assert/strict";
import { LimitError, MalformedError, NDArray } from "@ndio/core";
import { python, pythonJson } from "../../testing/python.ts";
import { loadtxt, type LoadtxtOptions, loadtxtStream } from "./loadtxt.ts";
import { savetxtBytes } from "./savetxt.ts";
import { decodeArray } from "./savetxt_test.ts";

interface LoadtxtCase {
  name: string;
  text: string;
  kwargs: Record<string, unknown>;
  result?: { descr: string; shape: number[]; data: string };
  error?: string;
}

const cases: LoadtxtCase[] = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/loadtxt_cases.json", import.meta.url)),
);

/** np.loadtxt's keyword arguments as loadtxt options (NumPy's float64 default made explicit). */
function optionsOf(kwargs: Record<string, unknown>): LoadtxtOptions {
  const o: Record<string, unknown> = { dtype: "float64", restoreShape: false };
  for (const [k, v] of Object.entries(kwargs)) o[k === "max_rows" ? "maxRows" : k] = v;
  return o as LoadtxtOptions;
}

function bytesOf(a: NDArray): Uint8Array {
  const c = a.isCContiguous ? a : a.copy("C");
  return c.data.slice(c.offset, c.offset + c.nbytes);
}

/** Where each error fixture goes wrong: [line, column]. */
const ERROR_AT: Record<string, [number, number]> = {
  errors_ragged: [2, 2],
  errors_value: [2, 2],
  errors_empty_field: [2, 2],
  errors_int_float: [1, 2],
  errors_int_range: [1, 1],
  errors_uint_negative: [1, 1],
  errors_int_overflow: [1, 1],
  errors_usecols: [2, 3],
  errors_nan_int: [1, 2],
};

Deno.test("loadtxt matches np.loadtxt on every fixture", async (t) => {
  for (const c of cases) {
    await t.step(c.name, () => {
      const options = optionsOf(c.kwargs);
      if (c.error !== undefined) {
        const error = assert.throws(() => loadtxt(c.text, options), MalformedError) as unknown;
        const e = (() => {
          try {
            loadtxt(c.text, options);
          } catch (x) {
            return x as MalformedError;
          }
          throw new Error("no error");
        })();
        void error;
        assert.deepEqual([e.line, e.column], ERROR_AT[c.name], e.message);
        return;
      }
      const got = loadtxt(c.text, options);
      const expected = decodeArray(c.result!);
      assert.equal(got.dtype.str, expected.dtype.str);
      assert.deepEqual([...got.shape], [...expected.shape]);
      assert.deepEqual(bytesOf(got), bytesOf(expected));
    });
  }
});

Deno.test("errors name the line, the column and the text", () => {
  const check = (
    text: string,
    options: LoadtxtOptions,
    code: string,
    line: number,
    column: number,
    found?: string,
  ) => {
    try {
      loadtxt(text, options);
    } catch (error) {
      assert.ok(error instanceof MalformedError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.line, line);
      assert.equal(error.column, column);
      if (found !== undefined) assert.ok(error.message.includes(`"${found}"`), error.message);
      return;
    }
    assert.fail("no error");
  };
  check("1 2\n3 4 5\n", {}, "text-ragged", 2, 3);
  check("# c\n\n1 2\n3\n", {}, "text-ragged", 4, 2);
  check("1 2\n3 4x\n", {}, "text-bad-value", 2, 2, "4x");
  check("1 2\n3 4.0\n", { dtype: "int64" }, "text-bad-value", 2, 2, "4.0");
  check("1,2\n,4\n", { delimiter: "," }, "text-bad-value", 2, 1, "");
  check("1\r\n2\r\nnope\r\n", {}, "text-bad-value", 3, 1, "nope");
  check('"a,b\n', { delimiter: ",", quotechar: '"', dtype: "str" }, "text-unclosed-quote", 1, 1);
  check("1 2 3\n", { dtype: [["a", "<i4"], ["b", "<i4"]] }, "text-column-count", 1, 3);
});

Deno.test("limits: line length and column count", () => {
  assert.throws(() => loadtxt("1 2 3\n", { maxColumns: 2 }), LimitError);
  assert.throws(() => loadtxt("1 2 3\n4 5 6\n", { maxLineLength: 4 }), LimitError);
  assert.throws(() => loadtxt("1 2 3\n4 5 6\n", { maxBytes: 5 }), LimitError);
  assert.equal(loadtxt("1 2 3\n", { maxColumns: 3 }).size, 3);
});

Deno.test("type inference: int64 when every field is an integer, else float64", () => {
  assert.equal(loadtxt("1 2\n3 4\n").dtype.str, "<i8");
  assert.equal(loadtxt("1 2\n3 4.5\n").dtype.str, "<f8");
  assert.equal(loadtxt("1 2\n3 nan\n").dtype.str, "<f8");
  assert.equal(loadtxt("9223372036854775807\n").get(), 9223372036854775807n);
  assert.equal(loadtxt("9223372036854775808\n").dtype.str, "<f8");
  assert.equal(loadtxt("").dtype.str, "<f8");
});

Deno.test("number grammar: float.hex strings, complex forms, specials", () => {
  assert.deepEqual(loadtxt("0x1.8p1 -0X1P-2 0x.8\n").toNested(), [3, -0.25, 0.5]);
  assert.equal(loadtxt(`${(0.1).toString()}\n`, { dtype: "f8" }).get(), 0.1);
  const c = loadtxt("(1+2j) -3.5-0j nanj inf+infj\n", { dtype: "c16" }).toNested() as {
    re: number;
    im: number;
  }[];
  assert.deepEqual(c.map((z) => [z.re, z.im]), [[1, 2], [-3.5, -0], [0, NaN], [
    Infinity,
    Infinity,
  ]]);
  assert.ok(Object.is(loadtxt("-0.0\n").get(), -0));
});

Deno.test("streams: any chunking gives the same array", async () => {
  const text = "# shape: (2, 3, 2)\n1,2\r\n3,4\n#x\n5,6\n\n7,8\r\n9,10\n11,12";
  const whole = loadtxt(text, { delimiter: "," });
  const bytes = new TextEncoder().encode(text);
  for (const size of [1, 2, 3, 5, 7, 64]) {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
        controller.close();
      },
    });
    const got = await loadtxtStream(stream, { delimiter: "," });
    assert.deepEqual(got.shape, [2, 3, 2]);
    assert.deepEqual(got.toNested(), whole.toNested());
  }
});

Deno.test("round trip: random doubles, subnormals and extremes parse exactly", async () => {
  const n = 20000;
  const floats = new Float64Array(n);
  const words = new Uint32Array(floats.buffer);
  for (let i = 0; i < words.length; i++) words[i] = (Math.random() * 2 ** 32) >>> 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(floats[i]!)) floats[i] = 0;
    if (i % 10 === 1) floats[i] = (Math.random() - 0.5) * 2 ** -1060; // subnormal
    if (i % 10 === 2) floats[i] = Math.random() * 10 ** Math.floor(Math.random() * 40 - 20);
  }
  floats[0] = 5e-324;
  floats[3] = 1.7976931348623157e308;
  floats[4] = 2.2250738585072014e-308;
  // Python writes them with repr, %.18e and %.17g; all must come back bit for bit.
  const text = await python(
    `
import sys, struct
data = sys.stdin.buffer.read()
xs = struct.unpack('<%dd' % (len(data) // 8), data)
out = []
for x in xs:
    out.append('%s %.18e %.17g %.25e' % (repr(x), x, x, x))
sys.stdout.write('\\n'.join(out))
`,
    { stdin: new Uint8Array(floats.buffer) },
  );
  const parsed = loadtxt(text, { dtype: "f8" });
  const got = parsed.toTypedArray() as Float64Array;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 4; k++) {
      if (!Object.is(got[4 * i + k], floats[i])) {
        assert.fail(`row ${i} column ${k}: ${got[4 * i + k]} !== ${floats[i]}`);
      }
    }
  }
});

Deno.test("live: loadtxt reads np.savetxt output of every kind", async () => {
  const out = await pythonJson<Record<string, string>>(`
import numpy as np, io, json
rng = np.random.default_rng(5)
res = {}
def save(name, a, **kw):
    s = io.StringIO(); np.savetxt(s, a, **kw); res[name] = s.getvalue()
    res[name + ".sum"] = repr(float(np.sum(np.abs(a)))) if a.dtype.kind != 'c' else repr(complex(np.sum(a)))
save("ints", rng.integers(-10**12, 10**12, size=(30, 4)), fmt="%d", delimiter="\\t", header="Original shape: (3, 10, 4)")
save("floats", rng.standard_normal((30, 4)), delimiter=",", newline="\\r\\n", footer="end")
save("complex", rng.standard_normal((5, 2)) + 1j * rng.standard_normal((5, 2)))
print(json.dumps(res))
`);
  const ints = loadtxt(out.ints!, { delimiter: "\t" });
  assert.deepEqual(ints.shape, [3, 10, 4]);
  assert.equal(ints.dtype.str, "<i8");
  const floats = loadtxt(out.floats!, { delimiter: "," });
  assert.deepEqual(floats.shape, [30, 4]);
  const complex = loadtxt(out.complex!, { dtype: "complex" });
  assert.deepEqual(complex.shape, [5, 2]);
  // Checked in Python: load ours back and compare the arrays exactly.
  const same = await pythonJson<boolean>(
    `
import numpy as np, sys, io
a = np.loadtxt(io.StringIO(${JSON.stringify(out.floats)}), delimiter=',')
b = np.frombuffer(sys.stdin.buffer.read(), dtype='<f8').reshape(a.shape)
print('true' if np.array_equal(a, b) else 'false')
`,
    {
      stdin: (floats.toTypedArray() as Float64Array).slice().buffer
        ? new Uint8Array((floats.toTypedArray() as Float64Array).slice().buffer)
        : new Uint8Array(),
    },
  );
  assert.equal(same, true);
  void savetxtBytes;
});

Deno.test("the store grows when later lines are longer than the first", () => {
  const lines = ["1 2"];
  for (let i = 0; i < 5000; i++) lines.push(`${1e12 + i} -${i * 1000003}`);
  const a = loadtxt(lines.join("\n"));
  assert.equal(a.dtype.str, "<i8");
  assert.deepEqual([...a.shape], [5001, 2]);
  assert.equal(a.get(5000, 0), BigInt(1e12 + 4999));
  assert.equal(a.get(5000, 1), -BigInt(4999 * 1000003));
  const f = loadtxt(lines.join("\n"), { dtype: "float64" });
  assert.equal(f.get(4000, 1), -3999 * 1000003);
  // The same through the loop for one-byte delimiters, and for int32.
  const tabbed = lines.join("\n").replaceAll(" ", "\t");
  const t = loadtxt(tabbed, { delimiter: "\t" });
  assert.deepEqual(t.toNested(), a.toNested());
  const small = ["1,2", ...Array.from({ length: 5000 }, (_, i) => `${100000 + i},-${i}`)];
  const s32 = loadtxt(small.join("\n"), { delimiter: ",", dtype: "<i4" });
  assert.equal(s32.get(5000, 0), 104999);
  assert.equal(s32.get(5000, 1), -4999);
});

Deno.test("float fields: every spelling np.loadtxt takes, and the ones it refuses", async () => {
  // The fast path parses a plain decimal in one pass and hands anything
  // else to the full grammar; both must agree with NumPy, bit for bit.
  const good = [
    "1.5",
    ".5",
    "5.",
    "+.5e-3",
    "-0",
    "-0.0e0",
    "1e400",
    "-1e-400",
    "1E+2",
    "00012.50",
    "0.000000000000000000000123456789012345678901",
    "12345678901234567890123",
    "9007199254740993",
    "2.2250738585072011e-308",
    "4.9406564584124654e-324",
    "1.7976931348623157e308",
    "inf",
    "-Infinity",
    "NaN",
    "0x1p-2",
  ];
  // The bits Python's float() gives (float.fromhex for hex strings).
  const expected = await pythonJson<string[]>(`
import json, struct
tokens = ${JSON.stringify(good)}
print(json.dumps([struct.pack("<d", float.fromhex(t) if "0x" in t else float(t)).hex() for t in tokens]))
`);
  const bits = (a: NDArray) =>
    Array.from(
      { length: a.size },
      (_, i) =>
        Array.from(
          a.copy("C").data.subarray(8 * i, 8 * i + 8),
          (b) => b.toString(16).padStart(2, "0"),
        ).join(""),
    );
  for (const delimiter of ["\t", null]) {
    // Twice: the first line sizes the store, the second runs the fast loop.
    const line = good.join(delimiter ?? " ");
    const a = loadtxt(`${line}\n${line}\n`, { delimiter, dtype: "f8" });
    assert.deepEqual(bits(a.index("0")), expected);
    assert.deepEqual(bits(a.index("1")), expected);
  }
  for (const bad of [".inf", "1e", "1.5.3", "..5", "e5", "--1", ".", "-", "1.5x", "+", "1e+"]) {
    for (const delimiter of ["\t", null]) {
      const sep = delimiter ?? " ";
      assert.throws(
        () => loadtxt(`1${sep}2\n1${sep}${bad}\n`, { delimiter, dtype: "f8" }),
        (e: unknown) =>
          e instanceof MalformedError && e.line === 2 && e.column === 2 &&
          e.message.includes(`"${bad}"`),
        bad,
      );
    }
  }
});

Deno.test("loadtxt: a shape header restores an empty array's shape", () => {
  // Found by the cross-format property test: savetxt writes "# shape: (2, 0, 3)"
  // for an empty 3-d array, which read back as shape (0,).
  for (const shape of [[2, 0, 3], [0, 3], [1, 0], [0]]) {
    const text = savetxtBytes(new NDArray("<f8", shape), {
      header: `shape: (${shape.join(", ")}${shape.length === 1 ? "," : ""})`,
    });
    assert.deepEqual(loadtxt(text).shape, shape);
  }
  // Without a header an empty file is still NumPy's empty 1-d array.
  assert.deepEqual(loadtxt("").shape, [0]);
});

Deno.test("delimited integers: fields the fast loop hands to the full parser", async () => {
  // Signs, blanks, comments after the last field, CRLF, long and big
  // integers, a float turning an inferred column into floats: each line
  // leaves the tight loop somewhere, and the result must be NumPy's.
  const text = "1\t-2\t3\n+4\t 5\t6 # c\n7\t8\t9\r\n-0\t00012\t123456789012345678\n" +
    "10\t11\t12#x\n";
  const expected = await pythonJson<string[][]>(`
import io, json, numpy as np
a = np.loadtxt(io.StringIO(${JSON.stringify(text)}), delimiter="\\t", dtype=np.int64)
print(json.dumps([[str(v) for v in row] for row in a.tolist()]))
`);
  for (const dtype of ["int64", undefined] as const) {
    const a = loadtxt(text, { delimiter: "\t", ...(dtype === undefined ? {} : { dtype }) });
    assert.equal(a.dtype.str, "<i8");
    assert.deepEqual((a.toNested() as bigint[][]).map((r) => r.map(String)), expected);
  }
  const mixed = loadtxt("1\t2\n3\t4.5\n5\t6\n", { delimiter: "\t" });
  assert.deepEqual(mixed.toNested(), [[1, 2], [3, 4.5], [5, 6]]);
  const small = loadtxt("1,2\n3,-4\n", { delimiter: ",", dtype: "<i2" });
  assert.deepEqual(small.toNested(), [[1, 2], [3, -4]]);
  for (
    const [bad, line, column] of [
      ["1\t2\n3\t\n", 2, 2],
      ["1\t2\n3\t4\t\n", 2, 3],
      ["1\t2\n3\tx\n", 2, 2],
      ["1\t2\n3\n", 2, 2],
    ] as const
  ) {
    assert.throws(
      () => loadtxt(bad, { delimiter: "\t", dtype: "int64" }),
      (e: unknown) => e instanceof MalformedError && e.line === line && e.column === column,
      JSON.stringify(bad),
    );
  }
  assert.throws(
    () => loadtxt("1,2\n3,40000\n", { delimiter: ",", dtype: "<i2" }),
    (e: unknown) => e instanceof MalformedError && e.line === 2 && e.column === 2,
  );
});

Deno.test("live: the seed's text file gets its original shape back", async () => {
  // As the seed: a 3-d array saved as rows of 10 columns (not its last axis)
  // under "Original shape"; loading restores it row-major, as NumPy's reshape.
  const out = await pythonJson<{ text: string; flat: number[] }>(`
import numpy as np, io, json
arr = np.random.default_rng(3).integers(1, 100, 8000).reshape(20, 20, 20)
s = io.StringIO()
np.savetxt(s, arr.reshape(800, 10), fmt="%d", delimiter="\\t", header="Original shape: (20, 20, 20)")
print(json.dumps({"text": s.getvalue(), "flat": arr.ravel().tolist()}))
`);
  const got = loadtxt(out.text, { delimiter: "\t" });
  assert.deepEqual(got.shape, [20, 20, 20]);
  assert.equal(got.dtype.str, "<i8");
  const values = new BigInt64Array(got.data.buffer, got.data.byteOffset, got.size);
  assert.deepEqual([...values].map(Number), out.flat);
});

Deno.test("loadtxt: a shape header whose element count differs is ignored", () => {
  for (const header of ["# shape: (2, 5)", "# Original shape: (3, 3)", "# shape: ()"]) {
    assert.deepEqual(loadtxt(`${header}\n1 2\n3 4\n5 6\n`).shape, [3, 2], header);
  }
  assert.deepEqual(loadtxt("# shape: (2, 3)\n1 2\n3 4\n5 6\n").shape, [2, 3]);
  assert.deepEqual(loadtxt("# shape: (6,)\n1 2\n3 4\n5 6\n").shape, [6]);
});
