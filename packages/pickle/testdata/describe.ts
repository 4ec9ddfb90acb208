// The TypeScript side of describe.py: a value of the tree as the JSON form
// the tests compare with Python's description of the same value.

import {
  Complex,
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
} from "@ndio/core";

function hex(bytes: Uint8Array): string {
  if (bytes.length > 256) {
    let h = 0x811c9dc5;
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return `fnv1a:${bytes.length}:${h.toString(16).padStart(8, "0")}`;
  }
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function floatRepr(v: number): string {
  return new PyFloat(v).toString();
}

function arrayBytes(a: NDArray): string {
  const chunks = [...a.chunks()];
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return hex(all);
}

/**
 * Describes a value as describe.py describes the Python value; with
 * `native`, big-endian arrays as their native-order equivalents.
 */
export function describe(v: PyValue | undefined, options?: { native?: boolean }): unknown {
  const d = (x: PyValue | undefined) => describe(x, options);
  if (v === null || v === undefined) return ["None"];
  if (typeof v === "boolean") return ["bool", v];
  if (typeof v === "bigint") return ["int", v.toString()];
  if (typeof v === "number") {
    return Number.isInteger(v) ? ["int", BigInt(v).toString()] : ["float", floatRepr(v)];
  }
  if (typeof v === "string") return ["str", v];
  if (v instanceof PyFloat) return ["float", floatRepr(v.value)];
  if (v instanceof Complex) return ["complex", floatRepr(v.re), floatRepr(v.im)];
  if (v instanceof Uint8Array) return ["bytes", hex(v)];
  if (v instanceof PyByteArray) return ["bytearray", hex(v.bytes)];
  if (Array.isArray(v)) return ["list", v.map(d)];
  if (v instanceof PyTuple) return ["tuple", v.items.map(d)];
  if (v instanceof Map) return ["dict", [...v].map(([k, x]) => [d(k), d(x)])];
  if (v instanceof PySet) {
    const items = v.items.map(d).sort((a, b) => {
      const x = pyJson(a), y = pyJson(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return [v.frozen ? "frozenset" : "set", items];
  }
  if (v instanceof PySlice) return ["slice", d(v.start), d(v.stop), d(v.step)];
  if (v instanceof PyRange) return ["range", String(v.start), String(v.stop), String(v.step)];
  if (v instanceof NumpyScalar) return ["scalar", v.dtype.descr, arrayBytes(v.array)];
  if (v instanceof NDArray) {
    if (v.dtype.kind === "O") {
      return ["ndarray", "|O", [...v.shape], objectsInOrder(v).map(d)];
    }
    const a = options?.native && v.dtype.byteOrder === ">" ? v.toNative() : v;
    return ["ndarray", a.dtype.descr, [...a.shape], arrayBytes(a)];
  }
  if (v instanceof PyObject) return ["object", v.qualifiedName];
  throw new TypeError(`cannot describe ${String(v)}`);
}

// json.dumps with Python's default separators, for sorting set items alike.
function pyJson(v: unknown): string {
  if (Array.isArray(v)) return "[" + v.map(pyJson).join(", ") + "]";
  if (typeof v === "string") {
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) =>
      "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  }
  return JSON.stringify(v);
}

function objectsInOrder(a: NDArray): PyValue[] {
  const out: PyValue[] = [];
  const index = new Array<number>(a.ndim).fill(0);
  for (let n = 0; n < a.size; n++) {
    out.push(a.get(...index) as PyValue);
    for (let d = a.ndim - 1; d >= 0; d--) {
      if (++index[d]! < a.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
