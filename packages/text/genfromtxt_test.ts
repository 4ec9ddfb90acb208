import assert from "node:assert/strict";
import { LimitError, MalformedError } from "@ndio/core";
import { pythonJson } from "../../testing/python.ts";
import { genfromtxt, type GenfromtxtOptions } from "./genfromtxt.ts";

/** Runs the same call in NumPy: the result's dtype descr and values as JSON. */
async function numpy(text: string, kwargs: string): Promise<{ descr: string; values: unknown }> {
  return await pythonJson(`
import numpy as np, io, json, math, warnings
warnings.simplefilter('ignore')
a = np.genfromtxt(io.StringIO(${JSON.stringify(text)}), encoding='utf-8', ${kwargs})
def plain(v):
    if isinstance(v, float) and math.isnan(v): return 'nan'
    return v
print(json.dumps({'descr': str(a.dtype.descr if a.dtype.names else a.dtype.str),
                  'values': json.loads(json.dumps(a.tolist(), default=str), parse_constant=str)},
                 default=str).replace('NaN', '"nan"'))
`);
}

function ours(text: string, options: GenfromtxtOptions): { descr: string; values: unknown } {
  const a = genfromtxt(text, options);
  const descr = a.dtype.fields === null
    ? a.dtype.str
    : `[${
      a.dtype.fields.map((f) => `('${f.name}', '${f.dtype.kind === "b" ? "|b1" : f.dtype.str}')`)
        .join(", ")
    }]`;
  const plain = (v: unknown): unknown => {
    if (typeof v === "number" && Number.isNaN(v)) return "nan";
    if (typeof v === "bigint") return Number(v);
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === "object") return Object.values(v).map(plain);
    return v;
  };
  return { descr: descr.replace("|b1", "|b1"), values: plain(a.toNested()) };
}

const CASES: [string, string, GenfromtxtOptions][] = [
  ["1 2\n3 4\n", "dtype=None", { dtype: null }],
  ["1,N/A,3\n4,5,6\n", "delimiter=',', missing_values='N/A', filling_values=0", {
    delimiter: ",",
    missingValues: "N/A",
    fillingValues: 0,
  }],
  ["1,,3\n4,5,6\n", "delimiter=',', dtype=int", { delimiter: ",", dtype: "int64" }],
  ["123456\n789012\n", "delimiter=[2,3,1], dtype=int", { delimiter: [2, 3, 1], dtype: "int64" }],
  ["1 2\n3\n4 5\n", "invalid_raise=False", { invalidRaise: false }],
  ["h\n1 2\n3 4\n5 6\nfoot\n", "skip_header=1, skip_footer=1", { skipHeader: 1, skipFooter: 1 }],
  ["1 2.5 x\n3 4 yy\n", "dtype=None", { dtype: null }],
];

Deno.test("genfromtxt agrees with np.genfromtxt", async (t) => {
  for (const [text, kwargs, options] of CASES) {
    await t.step(kwargs, async () => {
      const expected = await numpy(text, kwargs);
      const got = ours(text, options);
      assert.deepEqual(got.values, expected.values);
      if (!expected.descr.startsWith("[")) assert.equal(got.descr, expected.descr);
    });
  }
});

Deno.test("genfromtxt: names from the header, missing values filled, inferred types", () => {
  const a = genfromtxt("# x,y,label\n1,2.5,a\n3,,b\n", {
    delimiter: ",",
    names: true,
    dtype: null,
  });
  assert.equal(a.dtype.descrRepr(), "[('x', '<i8'), ('y', '<f8'), ('label', '<U1')]");
  const rows = a.toNested() as { x: bigint; y: number; label: string }[];
  assert.equal(rows[1]!.x, 3n);
  assert.ok(Number.isNaN(rows[1]!.y));
  assert.equal(rows[1]!.label, "b");
  const b = genfromtxt("1 True\n3 False\n", { dtype: null });
  assert.equal(b.dtype.fields!.map((f) => f.dtype.str).join(), "<i8,|b1");
});

Deno.test("genfromtxt: invalid rows are errors naming their lines, or skipped and reported", () => {
  const text = "1 2\n3\n4 5\n6 7 8\n";
  try {
    genfromtxt(text);
    assert.fail("no error");
  } catch (error) {
    assert.ok(error instanceof MalformedError);
    assert.equal(error.line, 2);
    assert.match(error.message, /line 2 has 1, line 4 has 3/);
  }
  const skipped: number[] = [];
  const a = genfromtxt(text, { invalidRaise: false, onInvalid: (line) => skipped.push(line) });
  assert.deepEqual(skipped, [2, 4]);
  assert.deepEqual(a.toNested(), [[1, 2], [4, 5]]);
  assert.throws(() => genfromtxt("1 x\n"), MalformedError);
});

Deno.test("genfromtxt: maxLineLength holds for every line, names and fixed widths included", () => {
  const text = "a b\n1 2 3 4\n";
  assert.deepEqual(genfromtxt(text, { skipHeader: 1, maxLineLength: 7 }).shape, [4]);
  const cases: GenfromtxtOptions[] = [
    { skipHeader: 1 },
    { names: true },
    { delimiter: [2, 2], skipHeader: 1 },
  ];
  for (const options of cases) {
    assert.throws(
      () => genfromtxt(text, { ...options, maxLineLength: 6 }),
      (e: unknown) => e instanceof LimitError && e.limit === "maxLineLength",
      JSON.stringify(options),
    );
  }
});
