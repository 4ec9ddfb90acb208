import assert from "node:assert/strict";
import { arange, bytesSource, DType, MalformedError, type NDArray, zeros } from "@ndio/core";
import { decodeNpy, encodeNpy, encodeNpyHeader, parseNpyHeader, readNpyHeader } from "./mod.ts";

/** An .npy with the given header text, padded to `align` bytes, then `data`. */
function npyWith(text: string, data: Uint8Array, options?: { align?: number; version?: number }) {
  const version = options?.version ?? 1;
  const align = options?.align ?? 64;
  const body = version === 3 ? new TextEncoder().encode(text) : latin1(text);
  const prefix = version === 1 ? 10 : 12;
  const pad = (align - ((prefix + body.length + 1) % align)) % align;
  const headerLength = body.length + pad + 1;
  const out = new Uint8Array(prefix + headerLength + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  new DataView(out.buffer).setUint32(8, headerLength, true);
  if (version === 1) out[10] = out[11] = 0; // overwritten below by the body
  out.set(body, prefix);
  out.fill(0x20, prefix + body.length, prefix + headerLength - 1);
  out[prefix + headerLength - 1] = 0x0a;
  out.set(data, prefix + headerLength);
  return out;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

const i4 = new Uint8Array(new Int32Array([7, -8]).buffer);

Deno.test("header parser: any key order, trailing commas or none, double quotes", () => {
  for (
    const text of [
      "{'shape': (2,), 'fortran_order': False, 'descr': '<i4'}",
      '{"descr": "<i4", "shape": (2,), "fortran_order": False,}',
      "{'fortran_order':False,'descr':'<i4','shape':(2,)}",
      "{ 'descr' : '<i4' ,\n 'fortran_order' : False ,\t'shape' : ( 2 , ) , }",
      "{u'descr': u'<i4', 'fortran_order': False, 'shape': (2,)}",
      "{'descr': '<i4', 'fortran_order': True, 'shape': (2,), 'shape': (2,)}".replace(
        "True",
        "False",
      ),
    ]
  ) {
    const a = decodeNpy(npyWith(text, i4));
    assert.deepEqual(a.toNested(), [7, -8], text);
  }
});

Deno.test("header parser: Python 2 long suffixes and 16-byte aligned legacy headers", () => {
  const a = decodeNpy(npyWith("{'descr': '<i4', 'fortran_order': False, 'shape': (1L, 2L), }", i4));
  assert.deepEqual(a.shape, [1, 2]);
  const legacy = npyWith("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", i4, {
    align: 16,
  });
  const header = parseNpyHeader(legacy);
  assert.equal(header.dataOffset % 16, 0);
  assert.notEqual(header.dataOffset % 64, 0);
  assert.deepEqual(decodeNpy(legacy).toNested(), [7, -8]);
});

Deno.test("header parser: descr forms — nested, titled, subarray, (descr, shape) tuples", () => {
  const cases: [string, string][] = [
    ["[('a', '<i2'), ('b', [('c', '>f4')], (2,))]", "[('a', '<i2'), ('b', [('c', '>f4')], (2,))]"],
    ["[(('T', 'n'), '<i2')]", "[(('T', 'n'), '<i2')]"],
    ["[('a', '|u1'), ('', '|V3'), ('b', '<i4')]", "[('a', '|u1'), ('', '|V3'), ('b', '<i4')]"],
    ["[('m', '<f4', 3)]", "[('m', '<f4', (3,))]"],
    ["[('m', ('<f4', (2,)))]", "[('m', '<f4', (2,))]"],
    ["'<M8[10ms]'", "'<M8[10ms]'"],
    ['"<U3"', "'<U3'"],
  ];
  for (const [descr, repr] of cases) {
    const text = `{'descr': ${descr}, 'fortran_order': False, 'shape': (0,), }`;
    const header = parseNpyHeader(npyWith(text, new Uint8Array()));
    assert.equal(header.dtype.descrRepr(), repr, descr);
  }
  // A top-level (descr, shape) tuple is a subarray dtype, absorbed into the shape.
  const text = "{'descr': ('<i4', (2,)), 'fortran_order': False, 'shape': (1,), }";
  const a = decodeNpy(npyWith(text, i4));
  assert.deepEqual(a.shape, [1, 2]);
  assert.deepEqual(a.toNested(), [[7, -8]]);
});

Deno.test("header parser: string escapes and version 3 UTF-8 names", () => {
  const text = "{'descr': [('\\xe9\\u4e2d\\U0001F600\\'q', '<i4')], 'fortran_order': False, " +
    "'shape': (1,), }";
  const header = parseNpyHeader(npyWith(text, i4));
  assert.equal(header.dtype.fields![0]!.name, "\u00e9\u4e2d\u{1F600}'q");
  const utf8 = "{'descr': [('\u00e9t\u00e9', '<i4')], 'fortran_order': False, 'shape': (1,), }";
  const v3 = parseNpyHeader(npyWith(utf8, i4, { version: 3 }));
  assert.equal(v3.version, 3);
  assert.equal(v3.dtype.fields![0]!.name, "\u00e9t\u00e9");
  // The same bytes read as latin-1 (version 2) are different characters, as in NumPy.
  const v2 = parseNpyHeader(npyWith(utf8, i4, { version: 3 }).fill(2, 6, 7));
  assert.equal(v2.dtype.fields![0]!.name, "\u00c3\u00a9t\u00c3\u00a9");
  const bad = npyWith(
    "{'descr': [('\u00e9', '<i4')], 'fortran_order': False, 'shape': (1,), }",
    i4,
    { version: 2 },
  );
  bad[6] = 3; // latin-1 bytes in a UTF-8 header
  assert.throws(() => parseNpyHeader(bad), /not valid UTF-8/);
});

Deno.test("header parser: refuses what is not a plain literal", () => {
  const bad = [
    "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), } x",
    "{'descr': '<i4', 'fortran_order': false, 'shape': (2,)}",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (2.0,)}",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (02,)}",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 1: 2}",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), **x}",
    "{'descr': '<i4', 'fortran_order': False, 'shape': (True,)}",
    "{'descr': '<i4\n', 'fortran_order': False, 'shape': (2,)}",
    "{'descr': b'<i4', 'fortran_order': False, 'shape': (2,)}",
    "{'descr': [('a',)], 'fortran_order': False, 'shape': (2,)}",
    "{'descr': [(1, '<i4')], 'fortran_order': False, 'shape': (2,)}",
    "{'descr': 4, 'fortran_order': False, 'shape': (2,)}",
    `{'descr': '<i4', 'fortran_order': False, 'shape': (${"1, ".repeat(65)})}`,
  ];
  for (const text of bad) {
    assert.throws(() => decodeNpy(npyWith(text, new Uint8Array(64))), MalformedError, text);
  }
});

Deno.test("header parser: linear on a long header of many fields", () => {
  const fields = Array.from({ length: 20000 }, (_, i) => `('f${i}', '<u1')`).join(", ");
  const text = `{'descr': [${fields}], 'fortran_order': False, 'shape': (1,), }`;
  const bytes = npyWith(text, new Uint8Array(20000), { version: 2 });
  const start = performance.now();
  const header = parseNpyHeader(bytes);
  assert.equal(header.dtype.fields!.length, 20000);
  assert.ok(performance.now() - start < 5000);
});

Deno.test("header writer: NumPy's padding and growth spaces", () => {
  const text = (shape: number[], fortranOrder = false) => {
    const bytes = encodeNpyHeader({ dtype: DType.parse("<f8"), shape, fortranOrder });
    assert.equal(bytes.length % 64, 0);
    assert.equal(bytes.at(-1), 0x0a);
    return new TextDecoder().decode(bytes.subarray(10, -1));
  };
  const base = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
  assert.equal(text([3]), base + " ".repeat(128 - 11 - base.length));
  // No growth spaces for 0-d arrays; the growth axis is the last in Fortran order.
  assert.equal(text([]).trimEnd(), "{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
  const f = text([1000, 3], true);
  assert.match(f, /'shape': \(1000, 3\), \}/);
  // A header that exactly fills a 64-byte block still gets a full block of padding.
  for (let n = 1; n < 70; n++) {
    const names = "x".repeat(n);
    const bytes = encodeNpyHeader({
      dtype: DType.parse([[names, "<i4"]]),
      shape: [1],
      fortranOrder: false,
    });
    const dictEnd = bytes.indexOf(0x7d) + 1;
    const spaces = bytes.length - 1 - dictEnd;
    assert.ok(spaces >= 20 + 1 && spaces <= 20 + 64, `${n}: ${spaces}`);
  }
});

Deno.test("header writer: oldest version that fits; forced versions", () => {
  const many = DType.structured(
    Array.from({ length: 5000 }, (_, i) => ({ name: `field_${i}`, dtype: "<u1" })),
  );
  const big = encodeNpyHeader({ dtype: many, shape: [1], fortranOrder: false });
  assert.equal(big[6], 2);
  assert.equal(parseNpyHeader(big).dtype.fields!.length, 5000);
  assert.throws(
    () => encodeNpyHeader({ dtype: many, shape: [1], fortranOrder: false }, { version: 1 }),
    TypeError,
  );
  const cjk = DType.parse([["\u4e2d", "<i4"]]);
  assert.equal(encodeNpyHeader({ dtype: cjk, shape: [], fortranOrder: false })[6], 3);
  assert.throws(
    () => encodeNpyHeader({ dtype: cjk, shape: [], fortranOrder: false }, { version: 2 }),
    TypeError,
  );
  const latin = DType.parse([["\u00e9", "<i4"]]);
  assert.equal(encodeNpyHeader({ dtype: latin, shape: [], fortranOrder: false })[6], 1);
  const v2 = encodeNpy(zeros([2]), { version: 2 });
  assert.equal(v2[6], 2);
  assert.equal(parseNpyHeader(v2).dataOffset, 128);
});

Deno.test("writer: order, strided views and big-endian data", () => {
  const a = arange(24, { dtype: ">i2" }).reshape([4, 6]);
  const view = a.index("1:, ::-2");
  const bytes = encodeNpy(view);
  const back = decodeNpy(bytes);
  assert.deepEqual(back.toNested(), view.toNested());
  assert.equal(back.dtype.str, ">i2");
  assert.equal(parseNpyHeader(encodeNpy(a.T)).fortranOrder, true);
  assert.deepEqual(decodeNpy(encodeNpy(a.T)).toNested(), a.T.toNested());
  // Unit axes and empty arrays count as C-contiguous, as in NumPy.
  assert.equal(parseNpyHeader(encodeNpy(zeros([1, 5]).T)).fortranOrder, false);
  assert.equal(parseNpyHeader(encodeNpy(zeros([0, 5]).T)).fortranOrder, false);
  assert.throws(() => encodeNpy([1, 2] as unknown as NDArray), TypeError);
});

Deno.test("header reader: a sign with no number at the header's end is a MalformedError", async () => {
  // A crasher of the npy fuzzer: describing the missing number read past
  // the header's bytes (the header ends in spaces, with no newline).
  const bytes = npyWith(
    "{'descr': '<f8', 'fortran_order': False, 'shape': (0,), -",
    new Uint8Array(),
  );
  bytes[bytes.length - 1] = 0x20;
  await assert.rejects(
    () => readNpyHeader(bytesSource(bytes)),
    (e: unknown) => e instanceof MalformedError && /the end of the header/.test(e.message),
  );
});
