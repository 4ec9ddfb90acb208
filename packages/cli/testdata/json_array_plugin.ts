// A toy third-party format plugin, loaded by the CLI tests with --plugin: one
// array as JSON, {"json-array": 1, "descr": "<i8", "shape": [2, 3], "data": [...]},
// values flat in C order. 64-bit integers are strings, so nothing is lost;
// -0, NaN and infinities are strings too. It imports only @ndio/core, as a
// plugin published on its own would.
import {
  type Content,
  DType,
  type FormatPlugin,
  MalformedError,
  NDArray,
  UnsupportedError,
} from "@ndio/core";

const MAGIC = '{"json-array"';

function encodeValue(v: unknown): unknown {
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") {
    if (Object.is(v, -0)) return "-0";
    if (!Number.isFinite(v)) return String(v);
    return v;
  }
  return v;
}

function decodeValue(v: unknown, dtype: DType): unknown {
  if (dtype.itemsize === 8 && (dtype.kind === "i" || dtype.kind === "u")) return BigInt(v as string);
  if (typeof v === "string" && dtype.kind === "f") return Number(v);
  return v;
}

function check(dtype: DType): void {
  if (!"biuf".includes(dtype.kind) || dtype.fields !== null) {
    throw new UnsupportedError("json-array-dtype", `json-array cannot hold dtype "${dtype.str}"`);
  }
}

const jsonArrayPlugin: FormatPlugin = {
  id: "json-array",
  label: "JSON array (test plugin)",
  extensions: [".jsonarray"],
  mediaTypes: [],
  content: "array",
  sniff: (head) => (new TextDecoder().decode(head.subarray(0, MAGIC.length)) === MAGIC ? 1 : 0),
  decode(bytes): Content {
    let parsed: { descr: string; shape: number[]; data: unknown[] };
    try {
      parsed = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new MalformedError("json-array-syntax", `the JSON is malformed: ${(error as Error).message}`, {
        format: "json-array",
      });
    }
    const dtype = DType.parse(parsed.descr);
    check(dtype);
    const array = new NDArray(dtype, parsed.shape);
    let i = 0;
    for (const index of indices(parsed.shape)) array.set(index, decodeValue(parsed.data[i++], dtype));
    return { kind: "array", array };
  },
  encode(content): Uint8Array {
    if (content.kind !== "array") throw new UnsupportedError("json-array-content", "one array only");
    const { array } = content;
    check(array.dtype);
    const data = [...array.values()].map(encodeValue);
    const text = JSON.stringify({ "json-array": 1, descr: array.dtype.str, shape: array.shape, data });
    return new TextEncoder().encode(text + "\n");
  },
};

function* indices(shape: readonly number[]): Generator<number[]> {
  const size = shape.reduce((a, b) => a * b, 1);
  const index = shape.map(() => 0);
  for (let k = 0; k < size; k++) {
    yield [...index];
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++index[a]! < shape[a]!) break;
      index[a] = 0;
    }
  }
}

export default jsonArrayPlugin;
