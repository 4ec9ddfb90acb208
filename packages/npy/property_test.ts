// Property tests: random arrays, views and indexes round trip; random field
// names survive the header writer and parser; damaged files give ndio errors.

import assert from "node:assert/strict";
import fc from "fast-check";
import { bytesSource, DType, NDArray, NdioError } from "@ndio/core";
import { decodeNpy, encodeNpy, parseNpyHeader, readNpyIndex } from "./mod.ts";

const DESCRS = ["|u1", "<i2", ">i4", "<f8", ">c8", "|S3", "<U2", ">M8[s]", "|b1"];

const arrayArb = fc.record({
  descr: fc.constantFrom(...DESCRS),
  shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 }),
  order: fc.constantFrom("C", "F" as const),
  seed: fc.integer({ min: 0, max: 255 }),
});

function build(spec: { descr: string; shape: number[]; order: "C" | "F"; seed: number }) {
  const dtype = DType.parse(spec.descr);
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const data = Uint8Array.from(
    { length: size * dtype.itemsize },
    (_, i) => (i * 31 + spec.seed) & 0xff,
  );
  return new NDArray(dtype, spec.shape, { data, order: spec.order });
}

const sliceArb = fc.tuple(
  fc.option(fc.integer({ min: -7, max: 7 })),
  fc.option(fc.integer({ min: -7, max: 7 })),
  fc.option(fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0)),
).map(([a, b, c]) => `${a ?? ""}:${b ?? ""}${c === null ? "" : ":" + c}`);

// An integer index (only for non-empty axes) or a slice.
const itemArb = (n: number) =>
  n === 0 ? sliceArb : fc.oneof(fc.integer({ min: -n, max: n - 1 }).map(String), sliceArb);

Deno.test("property: any array or view encodes, decodes and reads back in part", async () => {
  await fc.assert(
    fc.asyncProperty(
      arrayArb.chain((spec) =>
        fc.tuple(fc.constant(spec), fc.tuple(...spec.shape.map((n) => itemArb(n))))
      ),
      async ([spec, items]) => {
        const array = build(spec);
        const bytes = encodeNpy(array);
        const back = decodeNpy(bytes);
        assert.deepEqual(back.shape, array.shape);
        assert.deepEqual(back.toNested(), array.toNested());
        const index = items.join(", ");
        const expected = array.index(index);
        const part = await readNpyIndex(bytesSource(bytes), index, { maxGap: 0 });
        assert.deepEqual(part.toNested(), expected.toNested());
        // A view is written as its own array would be.
        assert.deepEqual(encodeNpy(expected), encodeNpy(expected.copy("K")));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("property: any field names survive the header writer and parser", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6, unit: "binary" }), {
        minLength: 1,
        maxLength: 4,
      }),
      (names) => {
        const dtype = DType.parse(names.map((n) => [n, "<i2"]) as never);
        const bytes = encodeNpy(new NDArray(dtype, [1]));
        const header = parseNpyHeader(bytes);
        assert.deepEqual(header.dtype.fields!.map((f) => f.name), names);
        assert.equal(header.dtype.descrRepr(), dtype.descrRepr());
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("property: damaged files give ndio errors, never other exceptions", () => {
  const base = encodeNpy(build({ descr: "<f8", shape: [3, 2], order: "F", seed: 1 }));
  const structured = encodeNpy(new NDArray([["a", "<i4"], ["b", "|S2", [2]]] as never, [2]));
  fc.assert(
    fc.property(
      fc.constantFrom(base, structured),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.nat(),
      (file, edits, cut) => {
        const bytes = file.slice(0, file.length - (cut % 8 === 0 ? cut % file.length : 0));
        for (const [at, value] of edits) {
          // Mostly inside the header, where the structure is.
          bytes[at % Math.min(bytes.length, 130)] = value;
        }
        try {
          decodeNpy(bytes);
        } catch (error) {
          assert.ok(error instanceof NdioError, String(error));
        }
      },
    ),
    { numRuns: 2000 },
  );
});
