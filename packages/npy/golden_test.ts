// Golden fixtures written by NumPy (testdata/make_fixtures.py): every dtype in
// both byte orders, C and Fortran order, each header version, 0-d and empty
// arrays. Each is read and checked against the manifest, then written back
// and compared byte for byte with NumPy's file.

import assert from "node:assert/strict";
import { bytesSource, NDArray, type PickleCodec } from "@ndio/core";
import {
  decodeNpy,
  decodeNpyStream,
  encodeNpy,
  type NpyVersion,
  parseNpyHeader,
  readNpyStream,
} from "./mod.ts";

interface GoldenEntry {
  file: string;
  descr: string;
  str: string;
  shape: number[];
  fortran_order: boolean;
  version: number;
  forced_version: [number, number] | null;
  elements_le_hex: string | null;
  elements_hex: string;
  nbytes: number;
  values?: string[];
}

const here = new URL("./testdata/", import.meta.url);
const manifest: GoldenEntry[] = JSON.parse(
  await Deno.readTextFile(new URL("golden.json", here)),
);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function cOrderBytes(array: NDArray): Uint8Array {
  const out = new Uint8Array(array.nbytes);
  let at = 0;
  for (const chunk of array.chunks({ order: "C" })) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

Deno.test("golden fixtures: the manifest covers the table the issue asks for", () => {
  assert.ok(manifest.length > 100);
  const strs = new Set(manifest.map((e) => e.str));
  for (const s of ["<f8", ">f8", ">c32", "<f16", "|S5", ">U3", "|V4", ">M8[10ms]", "<m8[s]"]) {
    assert.ok(strs.has(s), s);
  }
  assert.ok(manifest.some((e) => e.fortran_order));
  assert.ok(manifest.some((e) => e.shape.length === 0));
  assert.ok(manifest.some((e) => e.shape.includes(0)));
  assert.deepEqual(new Set(manifest.map((e) => e.version)), new Set([1, 2, 3]));
  // np.save's own choice of 2.0 (header over 65535 bytes) and 3.0 (non-latin-1 names).
  const auto = manifest.filter((e) => e.forced_version === null);
  assert.ok(auto.some((e) => e.version === 2));
  assert.ok(auto.some((e) => e.version === 3));
  // 0-d and empty arrays in both byte orders.
  assert.ok(manifest.some((e) => e.shape.length === 0 && e.str.startsWith(">")));
  assert.ok(manifest.some((e) => e.shape.includes(0) && e.str.startsWith(">")));
});

for (const entry of manifest) {
  Deno.test(`golden ${entry.file}: read and write back byte for byte`, async () => {
    const bytes = await Deno.readFile(new URL(`golden/${entry.file}`, here));
    const header = parseNpyHeader(bytes);
    assert.equal(header.version, entry.version);
    assert.equal(header.fortranOrder, entry.fortran_order);
    assert.deepEqual(header.shape, entry.shape);
    assert.equal(header.dtype.descrRepr(), entry.descr);
    assert.equal(header.dataOffset % 64, 0);

    const array = decodeNpy(bytes);
    assert.deepEqual(array.shape, entry.shape);
    assert.equal(array.dtype.str, entry.str);
    assert.equal(array.nbytes, entry.nbytes);
    assert.equal(array.isFContiguous && !array.isCContiguous, entry.fortran_order);
    // Zero-copy: the array views the file's bytes.
    assert.equal(array.data.buffer, bytes.buffer);

    assert.equal(hex(cOrderBytes(array)), entry.elements_hex);
    if (entry.elements_le_hex !== null) {
      assert.equal(hex(cOrderBytes(array.toNative())), entry.elements_le_hex);
    }
    if (entry.values !== undefined) {
      const flat = array.size === 0
        ? []
        : [...array.values()].map((v) =>
          typeof v === "boolean" ? (v ? "True" : "False") : String(v)
        );
      assert.deepEqual(flat, entry.values);
    }

    const version = entry.forced_version === null
      ? undefined
      : entry.forced_version[0] as NpyVersion;
    const written = encodeNpy(array, version === undefined ? {} : { version });
    assert.equal(hex(written), hex(bytes));
    // A C-order copy of a Fortran array is written in C order, like NumPy would.
    if (entry.fortran_order && array.size > 1) {
      const c = array.copy("C");
      const header2 = parseNpyHeader(encodeNpy(c));
      assert.equal(header2.fortranOrder, false);
    }
  });
}

Deno.test("golden object.npy: the pickle payload goes to the codec only when allowed", async () => {
  const bytes = await Deno.readFile(new URL("object.npy", here));
  const header = parseNpyHeader(bytes);
  assert.equal(header.dtype.str, "|O");
  assert.equal(header.dataLength, null);
  const seen: { bytes?: Uint8Array } = {};
  const objects = new NDArray("|O", [4]);
  ["1", "two", null, [3.5]].forEach((v, i) => objects.set([i], v));
  const codec: PickleCodec = {
    loads(payload) {
      seen.bytes = payload;
      return objects;
    },
    dumps() {
      return bytes.subarray(header.dataOffset);
    },
  };
  assert.throws(() => decodeNpy(bytes, { pickle: codec }), (e: Error) => {
    assert.equal((e as { code?: string }).code, "npy-pickle-forbidden");
    assert.match(e.message, /pickle/);
    assert.match(e.message, /allowPickle: true/);
    return true;
  });
  assert.equal(seen.bytes === undefined, true);
  const array = decodeNpy(bytes, { allowPickle: true, pickle: codec });
  assert.equal(array, objects);
  assert.deepEqual(seen.bytes, bytes.subarray(header.dataOffset));
  assert.equal(seen.bytes?.at(-1), 0x2e); // the pickle's STOP opcode
  // Writing pickles the array through the codec, after NumPy's header.
  assert.deepEqual(encodeNpy(objects, { pickle: codec }), bytes);
});

interface StreamPart {
  start: number;
  end: number;
  str: string;
  shape: number[];
  elements_hex: string;
}

Deno.test("golden stream.npy: every array np.save wrote through one handle", async () => {
  const bytes = await Deno.readFile(new URL("stream.npy", here));
  const parts: StreamPart[] = JSON.parse(await Deno.readTextFile(new URL("stream.json", here)));
  assert.ok(parts.length >= 5);
  const check = (arrays: NDArray[]) => {
    assert.equal(arrays.length, parts.length);
    arrays.forEach((array, i) => {
      const part = parts[i]!;
      assert.equal(array.dtype.str, part.str, `part ${i}`);
      assert.deepEqual(array.shape, part.shape, `part ${i}`);
      assert.equal(hex(cOrderBytes(array)), part.elements_hex, `part ${i}`);
      // Each part written back is the bytes np.save wrote for it.
      assert.equal(hex(encodeNpy(array)), hex(bytes.subarray(part.start, part.end)), `part ${i}`);
    });
  };
  check(decodeNpyStream(bytes));
  const read: NDArray[] = [];
  for await (const array of readNpyStream(bytesSource(bytes))) read.push(array);
  check(read);
});

interface TolerantEntry {
  file: string;
  header: string;
  version: number;
  align: number;
  str: string;
  shape: number[];
  fortran_order: boolean;
  values: number[];
}

Deno.test("tolerant fixtures: headers NumPy reads but no longer writes", async () => {
  const entries: TolerantEntry[] = JSON.parse(
    await Deno.readTextFile(new URL("tolerant.json", here)),
  );
  assert.ok(entries.some((e) => e.align === 16));
  assert.ok(entries.some((e) => e.header.includes("L)")));
  for (const entry of entries) {
    const bytes = await Deno.readFile(new URL(`tolerant/${entry.file}`, here));
    const header = parseNpyHeader(bytes);
    assert.equal(header.version, entry.version, entry.file);
    assert.equal(header.dataOffset % entry.align, 0, entry.file);
    assert.equal(header.fortranOrder, entry.fortran_order, entry.file);
    const array = decodeNpy(bytes);
    assert.equal(array.dtype.str, entry.str, entry.file);
    assert.deepEqual(array.shape, entry.shape, entry.file);
    assert.deepEqual([...array.copy("C").values()], entry.values, entry.file);
  }
});
