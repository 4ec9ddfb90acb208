// Property tests across formats: random dtypes of every kind (structured,
// nested, subarray fields, both byte orders, datetimes, strings, long
// doubles), random shapes (0-d and empty included), C and Fortran order and
// strided views, through .npy (in memory and on disk), .npz (stored and
// compressed) and delimited text, equal afterwards; seeded samples go
// through NumPy both ways, and NumPy's pickles of them load equal.
// (packages/npy/property_test.ts covers partial reads and damaged headers.)

import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesSink, bytesSource, type Descr, DType, NDArray } from "@ndio/core";
import { decodeNpy, decodeNpyStream, encodeNpy, readNpyBlocks } from "@ndio/npy";
import { load, save } from "@ndio/npy/fs";
import { loadtxt, loadtxtBlocks, savetxtBytes } from "@ndio/text";
import { decodeNpz, encodeNpz, loadNpz, NpzWriter } from "@ndio/npz";
import { dumps, loads } from "@ndio/pickle";
import { python } from "../python.ts";

const UNITS = [
  "Y",
  "M",
  "W",
  "D",
  "h",
  "m",
  "s",
  "ms",
  "us",
  "ns",
  "ps",
  "fs",
  "as",
  "10ms",
  "25s",
];

const orderArb = fc.constantFrom("<", ">");

/** Every scalar kind NumPy writes to .npy, either byte order where it has one. */
const scalarArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("|b1", "|i1", "|u1"),
  fc.tuple(orderArb, fc.constantFrom("i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8")).map(
    ([o, t]) => o + t,
  ),
  fc.tuple(orderArb, fc.constantFrom("c8", "c16", "f16", "c32")).map(([o, t]) => o + t),
  fc.integer({ min: 1, max: 6 }).map((n) => `|S${n}`),
  fc.tuple(orderArb, fc.integer({ min: 1, max: 4 })).map(([o, n]) => `${o}U${n}`),
  fc.integer({ min: 1, max: 5 }).map((n) => `|V${n}`),
  fc.tuple(orderArb, fc.constantFrom("M8", "m8"), fc.constantFrom(...UNITS)).map(
    ([o, t, u]) => `${o}${t}[${u}]`,
  ),
);

const subShapeArb = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 });

/** A descr: a scalar, or a structure of up to three fields nested up to `depth`. */
function descrArb(depth: number): fc.Arbitrary<Descr> {
  if (depth === 0) return scalarArb;
  const fieldArb = fc.tuple(
    descrArb(depth - 1),
    fc.option(subShapeArb, { freq: 3 }),
  );
  const structArb = fc.uniqueArray(fc.constantFrom("a", "b", "x", "y_1", "name"), {
    minLength: 1,
    maxLength: 3,
  }).chain((names) =>
    fc.tuple(...names.map(() => fieldArb)).map((fields) =>
      fields.map(([d, shape], i) => shape === null ? [names[i]!, d] : [names[i]!, d, shape])
    )
  );
  return fc.oneof({ weight: 3, arbitrary: scalarArb }, {
    weight: 1,
    arbitrary: structArb,
  }) as fc.Arbitrary<Descr>;
}

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 });

interface Spec {
  descr: Descr;
  shape: number[];
  order: "C" | "F";
  seed: number;
  view: string | null;
  transpose: boolean;
}

const stepArb = fc.constantFrom("", ":", "::2", "::-1", "1:", ":-1", "1::2");

const specArb: fc.Arbitrary<Spec> = fc.record({
  descr: descrArb(2),
  shape: shapeArb,
  order: fc.constantFrom("C" as const, "F" as const),
  seed: fc.integer({ min: 0, max: 255 }),
  view: fc.option(fc.array(stepArb, { minLength: 1, maxLength: 3 }).map((s) => s.join(",")), {
    freq: 2,
  }),
  transpose: fc.boolean(),
});

/** An array of `spec` filled with seeded bytes, or its strided view. */
function build(spec: Spec, fill?: (i: number, seed: number) => number): NDArray {
  const dtype = DType.parse(spec.descr);
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const byte = fill ?? ((i: number, seed: number) => (i * 131 + seed * 7 + (i >> 3)) & 0xff);
  const data = Uint8Array.from({ length: size * dtype.itemsize }, (_, i) => byte(i, spec.seed));
  let array = new NDArray(dtype, spec.shape, { data, order: spec.order });
  if (spec.view !== null && array.ndim > 0) {
    const items = spec.view.split(",").slice(0, array.ndim).map((s) => s === "" ? ":" : s);
    array = array.index(items.join(","));
  }
  return spec.transpose ? array.T : array;
}

/** The C-order bytes of an array (a view included). */
function bytesOf(array: NDArray): Uint8Array {
  const chunks = [...array.chunks()];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function assertSame(got: NDArray, want: NDArray, what: string): void {
  assert.equal(got.dtype.descrRepr(), want.dtype.descrRepr(), what);
  assert.deepEqual(got.shape, want.shape, what);
  assert.deepEqual(bytesOf(got), bytesOf(want), what);
}

Deno.test("property: any dtype, shape, order or view survives .npy in memory", () => {
  fc.assert(
    fc.property(specArb, (spec) => {
      const array = build(spec);
      const bytes = encodeNpy(array);
      assertSame(decodeNpy(bytes), array, JSON.stringify(spec));
      // The same bytes as writing the view's copy: layout is not content.
      assert.deepEqual(bytes, encodeNpy(array.copy(array.isFContiguous ? "F" : "C")));
    }),
    { numRuns: 400, seed: 91 },
  );
});

Deno.test("property: .npy files on disk round trip through save and load", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ndio_property_" });
  try {
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const array = build(spec);
        const path = `${dir}/a.npy`;
        await save(path, array);
        assertSame(await load(path), array, JSON.stringify(spec));
      }),
      { numRuns: 60, seed: 92 },
    );
    const left = [];
    for await (const entry of Deno.readDir(dir)) left.push(entry.name);
    assert.deepEqual(left, ["a.npy"], "no temp files left beside the target");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("property: a seeded sample of arrays goes through NumPy's np.load and np.save", async () => {
  const specs = fc.sample(specArb, { numRuns: 40, seed: 93 });
  const arrays = specs.map((s) => build(s));
  const stream = new Uint8Array(arrays.reduce((n, a) => n + encodeNpy(a).length, 0));
  let at = 0;
  for (const a of arrays) {
    const bytes = encodeNpy(a);
    stream.set(bytes, at);
    at += bytes.length;
  }
  // NumPy reads each of our files and writes it back with np.save.
  const out = await python(
    `
import sys, io, numpy as np
src = io.BytesIO(sys.stdin.buffer.read())
dst = io.BytesIO()
for _ in range(${arrays.length}):
    np.save(dst, np.load(src))
sys.stdout.buffer.write(dst.getvalue())
`,
    { stdin: stream },
  );
  // np.save writes what encodeNpy wrote, byte for byte, and it decodes equal.
  assert.deepEqual(out, stream);
  const back = decodeNpyStream(out);
  assert.equal(back.length, arrays.length);
  back.forEach((b, i) => assertSame(b, arrays[i]!, JSON.stringify(specs[i])));
});

// Text holds numbers and plain strings: no datetimes, voids or structures.
const textScalarArb = fc.oneof(
  fc.tuple(orderArb, fc.constantFrom("i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8")).map(
    ([o, t]) => ({ descr: o + t, fmt: "%d" }),
  ),
  fc.tuple(orderArb, fc.constantFrom("f2", "f4", "f8", "c8", "c16")).map(([o, t]) => ({
    descr: o + t,
    fmt: undefined,
  })),
);

const textSpecArb = fc.record({
  scalar: textScalarArb,
  shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
  order: fc.constantFrom("C" as const, "F" as const),
  seed: fc.integer({ min: 0, max: 255 }),
  view: fc.option(fc.array(stepArb, { minLength: 1, maxLength: 3 }).map((s) => s.join(",")), {
    freq: 2,
  }),
  transpose: fc.boolean(),
  delimiter: fc.constantFrom(" ", ",", "\t", ";"),
});

type TextSpec = typeof textSpecArb extends fc.Arbitrary<infer T> ? T : never;

function buildText(spec: TextSpec): NDArray {
  return build({ ...spec, descr: spec.scalar.descr });
}

function textOf(array: NDArray, spec: TextSpec): Uint8Array {
  // Empty tables have no rows to count: the shape header keeps their shape
  // (savetxt writes it itself for more than two dimensions).
  const shape = array.shape.length === 1 ? `${array.shape[0]},` : array.shape.join(", ");
  return savetxtBytes(array, {
    delimiter: spec.delimiter,
    ...(array.size === 0 && array.ndim <= 2 ? { header: `shape: (${shape})` } : {}),
    ...(spec.scalar.fmt === undefined ? {} : { fmt: spec.scalar.fmt }),
  });
}

/** Values as comparable JSON: NaNs equal, -0 kept, bigints as strings. */
function valuesOf(array: NDArray): string {
  return JSON.stringify(array.toNested(), (_, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number") return Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "nan" : v;
    return v;
  });
}

Deno.test("property: numbers of any width, order and view survive savetxt and loadtxt", () => {
  fc.assert(
    fc.property(textSpecArb, (spec) => {
      const array = buildText(spec);
      const text = textOf(array, spec);
      const back = loadtxt(text, {
        dtype: spec.scalar.descr,
        delimiter: spec.delimiter === " " ? null : spec.delimiter,
        ndmin: Math.min(array.ndim, 2) as 1 | 2,
      });
      assert.deepEqual(back.shape, array.shape, JSON.stringify(spec));
      assert.equal(back.dtype.str, array.dtype.str);
      assert.equal(valuesOf(back), valuesOf(array), JSON.stringify(spec));
    }),
    { numRuns: 300, seed: 94 },
  );
});

Deno.test("property: a seeded sample of savetxt output reads the same in np.loadtxt", async () => {
  // NumPy reads no shape header: empty tables are left out.
  const specs = fc.sample(textSpecArb, { numRuns: 40, seed: 95 }).filter((s) =>
    buildText(s).size > 0
  );
  const cases = specs.map((spec) => {
    const array = buildText(spec);
    return { spec, array, text: new TextDecoder().decode(textOf(array, spec)) };
  });
  // NumPy has no shape header: it reads the rows of the last axis (ndmin=2).
  const out = await python(
    `
import sys, io, json, numpy as np
cases = json.load(sys.stdin)
dst = io.BytesIO()
for c in cases:
    d = None if c['delimiter'] == ' ' else c['delimiter']
    np.save(dst, np.loadtxt(io.StringIO(c['text']), dtype=c['descr'], delimiter=d, ndmin=2))
sys.stdout.buffer.write(dst.getvalue())
`,
    {
      stdin: new TextEncoder().encode(JSON.stringify(cases.map((c) => ({
        text: c.text,
        descr: c.spec.scalar.descr,
        delimiter: c.spec.delimiter,
      })))),
    },
  );
  const back = decodeNpyStream(out);
  back.forEach((got, i) => {
    const { array, spec } = cases[i]!;
    // savetxt writes a 1-d array one value a line, so NumPy reads a column.
    const columns = array.ndim === 1 ? 1 : array.shape.at(-1)!;
    const want = array.copy("C").reshape([array.size / columns, columns]);
    assert.equal(got.dtype.str, want.dtype.str);
    assert.equal(valuesOf(got), valuesOf(want), JSON.stringify(spec));
  });
});

Deno.test("property: any arrays survive .npz, stored and compressed", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(specArb, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      async (specs, compress) => {
        const arrays = Object.fromEntries(specs.map((s, i) => [`m${i}`, build(s)]));
        const sink = bytesSink();
        const writer = new NpzWriter(sink, { compress });
        for (const [name, array] of Object.entries(arrays)) await writer.add(name, array);
        await writer.close();
        const back = decodeNpz(sink.bytes());
        assert.deepEqual(
          [...back.keys()].sort(),
          Object.keys(arrays).sort(),
        );
        for (const [name, array] of Object.entries(arrays)) {
          assertSame(back.get(name) as NDArray, array, JSON.stringify(specs));
        }
      },
    ),
    { numRuns: 100, seed: 96 },
  );
});

Deno.test("property: a seeded sample of .npz archives goes through np.load and np.savez", async () => {
  const specs = fc.sample(specArb, { numRuns: 30, seed: 97 });
  const arrays = specs.map((s) => build(s));
  const archive = encodeNpz(Object.fromEntries(arrays.map((a, i) => [`a${i}`, a])));
  // NumPy reads our archive and writes every member back, compressed.
  const out = await python(
    `
import sys, io, numpy as np
src = np.load(io.BytesIO(sys.stdin.buffer.read()))
dst = io.BytesIO()
np.savez_compressed(dst, **{k: src[k] for k in src.files})
sys.stdout.buffer.write(dst.getvalue())
`,
    { stdin: archive },
  );
  const back = decodeNpz(out);
  arrays.forEach((a, i) => assertSame(back.get(`a${i}`) as NDArray, a, JSON.stringify(specs[i])));
});

Deno.test("property: a seeded sample of arrays pickled by NumPy (protocols 2 to 5) loads equal", async () => {
  // Object dtypes aside, every dtype NumPy pickles is rebuilt by the safe machine.
  const specs = fc.sample(specArb, { numRuns: 40, seed: 98 });
  const arrays = specs.map((s) => build(s));
  const stream = new Uint8Array(arrays.reduce((n, a) => n + encodeNpy(a).length, 0));
  let at = 0;
  for (const a of arrays) {
    const bytes = encodeNpy(a);
    stream.set(bytes, at);
    at += bytes.length;
  }
  // NumPy pickles each, and loads its own pickle: ndio must load what NumPy loads
  // (for protocols 2 to 4, NumPy itself loads big-endian arrays in native order).
  const out = await python(
    `
import sys, io, pickle, struct, numpy as np
src = io.BytesIO(sys.stdin.buffer.read())
for i in range(${arrays.length}):
    p = pickle.dumps(np.load(src), protocol=2 + i % 4)
    back = io.BytesIO()
    np.save(back, pickle.loads(p))
    for part in (p, back.getvalue()):
        sys.stdout.buffer.write(struct.pack('<I', len(part)) + part)
`,
    { stdin: stream },
  );
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let pos = 0;
  const next = () => {
    const n = view.getUint32(pos, true);
    pos += 4 + n;
    return out.subarray(pos - n, pos);
  };
  arrays.forEach((array, i) => {
    const value = loads(next());
    const numpyLoaded = decodeNpy(next());
    const what = `protocol ${2 + i % 4} ${JSON.stringify(specs[i])}`;
    assert.ok(value instanceof NDArray, what);
    assertSame(value, numpyLoaded, what);
    if (value.dtype.str === array.dtype.str) assert.deepEqual(bytesOf(value), bytesOf(array), what);
  });
});

Deno.test("property: a seeded sample of ndio's pickles (protocols 2 to 5) loads in NumPy and ndio as NumPy's own", async () => {
  const specs = fc.sample(specArb, { numRuns: 40, seed: 99 });
  const arrays = specs.map((s) => build(s));
  const pickles = arrays.map((a, i) => dumps(a, { protocol: (2 + i % 4) as 2 | 3 | 4 | 5 }));
  const frame = (parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) {
      new DataView(out.buffer).setUint32(at, p.length, true);
      out.set(p, at + 4);
      at += 4 + p.length;
    }
    return out;
  };
  // NumPy loads each of our pickles and compares it with what pickling the
  // array itself gives; it sends back that, as .npy, for ndio's loads.
  const out = await python(
    `
import sys, io, json, pickle, struct, numpy as np
contiguous = json.loads("${JSON.stringify(arrays.map((a) => a.isCContiguous || a.isFContiguous))}")
data = sys.stdin.buffer.read()
parts, pos = [], 0
while pos < len(data):
    (n,) = struct.unpack_from('<I', data, pos)
    parts.append(data[pos + 4:pos + 4 + n])
    pos += 4 + n
half = len(parts) // 2
bad, identical, dst = [], 0, io.BytesIO()
for i in range(half):
    a = np.load(io.BytesIO(parts[i]))
    if not contiguous[i]:
        # The same values in a view that is not contiguous, as ndio pickled
        # (protocol 5 pickles contiguous arrays out of band, others in band).
        # (np.stack would canonicalize a structured dtype's byte order.)
        x = np.empty(a.shape + (2,), dtype=a.dtype)[..., 0]
        x[...] = a
        a = x
        assert not (a.flags.c_contiguous or a.flags.f_contiguous)
    ours = parts[half + i]
    theirs = pickle.dumps(a, protocol=2 + i % 4)
    identical += ours == theirs
    b, c = pickle.loads(ours), pickle.loads(theirs)
    if b.dtype != c.dtype or b.shape != c.shape or b.tobytes() != c.tobytes():
        bad.append([i, str(b.dtype), str(c.dtype), list(b.shape), list(c.shape)])
    np.save(dst, c)
sys.stdout.buffer.write(json.dumps({'bad': bad, 'identical': identical}).encode() + b'\\n')
sys.stdout.buffer.write(dst.getvalue())
`,
    { stdin: frame([...arrays.map((a) => encodeNpy(a)), ...pickles]) },
  );
  const newline = out.indexOf(10);
  const report = JSON.parse(new TextDecoder().decode(out.subarray(0, newline)));
  assert.deepEqual(report.bad, [], JSON.stringify(report.bad.map((b: number[]) => specs[b[0]!])));
  const numpyLoaded = decodeNpyStream(out.subarray(newline + 1));
  arrays.forEach((_, i) => {
    assertSame(loads(pickles[i]!) as NDArray, numpyLoaded[i]!, JSON.stringify(specs[i]));
  });
  // Most are byte for byte what NumPy writes (CPython's memo and framing choices aside).
  assert.ok(report.identical > 0);
});

Deno.test("property: blocks of any size stack up to the array (readNpyBlocks, loadtxtBlocks)", async () => {
  await fc.assert(
    fc.asyncProperty(specArb, fc.integer({ min: 1, max: 4096 }), async (spec, blockBytes) => {
      const array = build(spec);
      const blocks: NDArray[] = [];
      for await (const b of readNpyBlocks(bytesSource(encodeNpy(array)), { blockBytes })) {
        blocks.push(b);
      }
      const what = `${JSON.stringify(spec)} blockBytes ${blockBytes}`;
      assert.deepEqual(concatBytes(blocks.map(bytesOf)), bytesOf(array), what);
      if (array.ndim > 0) {
        assert.equal(blocks.reduce((n, b) => n + b.shape[0]!, 0), array.shape[0], what);
      }
    }),
    { numRuns: 200, seed: 100 },
  );
  await fc.assert(
    fc.asyncProperty(textSpecArb, fc.integer({ min: 1, max: 512 }), async (spec, blockBytes) => {
      const array = buildText(spec);
      if (array.size === 0) return;
      const text = textOf(array, spec);
      const delimiter = spec.delimiter === " " ? null : spec.delimiter;
      // Blocks are rows: no shape header applied.
      const whole = loadtxt(text, {
        dtype: spec.scalar.descr,
        delimiter,
        ndmin: 2,
        restoreShape: false,
      });
      const blocks: NDArray[] = [];
      const stream = new Blob([text as BlobPart]).stream();
      for await (
        const b of loadtxtBlocks(stream, { dtype: spec.scalar.descr, delimiter, blockBytes })
      ) {
        blocks.push(b);
      }
      assert.equal(valuesOf(concatRows(blocks)), valuesOf(whole), JSON.stringify(spec));
    }),
    { numRuns: 150, seed: 101 },
  );
});

Deno.test("property: NpzFile.blocks of any block and read size stack up to the member, stored or deflated", async () => {
  await fc.assert(
    fc.asyncProperty(
      specArb,
      fc.boolean(),
      fc.integer({ min: 1, max: 4096 }),
      fc.integer({ min: 1, max: 5000 }),
      async (spec, compress, blockBytes, readBytes) => {
        const array = build(spec);
        using npz = await loadNpz(encodeNpz({ a: array }, { compress }));
        const blocks: NDArray[] = [];
        for await (const b of npz.blocks("a", { blockBytes, readBytes })) blocks.push(b);
        const what = `${JSON.stringify(spec)} compress ${compress} blockBytes ${blockBytes}`;
        assert.deepEqual(concatBytes(blocks.map(bytesOf)), bytesOf(array), what);
        for (const b of blocks) assert.equal(b.dtype.str, array.dtype.str, what);
        if (array.ndim > 0) {
          assert.equal(blocks.reduce((n, b) => n + b.shape[0]!, 0), array.shape[0], what);
        }
      },
    ),
    { numRuns: 150, seed: 102 },
  );
});

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Blocks of rows as one array. */
function concatRows(blocks: NDArray[]): NDArray {
  const first = blocks[0]!;
  const rows = blocks.reduce((n, b) => n + b.shape[0]!, 0);
  return new NDArray(first.dtype, [rows, ...first.shape.slice(1)], {
    data: concatBytes(blocks.map(bytesOf)),
  });
}
