/**
 * Writing ndio arrays as a safetensors file.
 *
 * @module
 */

import { ArgumentError, type ByteSink, NDArray, UnsupportedError } from "@ndio/core";
import { DTYPE_SIZES, type SafetensorsDType } from "./header.ts";
import { float32ToBfloat16 } from "./_floats.ts";

/** Arrays to write, by name: a `Map` or a plain record. */
export type NamedArrays = ReadonlyMap<string, NDArray> | Readonly<Record<string, NDArray>>;

/** Options of {@linkcode encodeSafetensors} and {@linkcode writeSafetensors}. */
export interface EncodeOptions {
  /** Free-form strings stored as the header's `__metadata__`. */
  readonly metadata?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Store float32 tensors as BF16, rounding to nearest even: `true` for all
   * of them, or a list of names. Other dtypes named here are an `ArgumentError`.
   */
  readonly bf16?: boolean | readonly string[];
}

/** The safetensors dtype of each NumPy kind and size (little-endian; byte order is converted). */
const SAFETENSORS_DTYPE: Readonly<Record<string, SafetensorsDType>> = {
  b1: "BOOL",
  u1: "U8",
  i1: "I8",
  i2: "I16",
  u2: "U16",
  f2: "F16",
  i4: "I32",
  u4: "U32",
  f4: "F32",
  c8: "C64",
  f8: "F64",
  i8: "I64",
  u8: "U64",
};

/**
 * The safetensors dtype an array is stored as, or an `UnsupportedError` for
 * dtypes safetensors cannot hold (complex128, strings, datetimes, records,
 * objects).
 *
 * @example
 * ```ts
 * import { safetensorsDTypeOf } from "@ndio-examples/safetensors";
 * import { DType } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(safetensorsDTypeOf(DType.parse(">i4")), "I32");
 * assert.throws(() => safetensorsDTypeOf(DType.parse("<U3")));
 * ```
 *
 * @param dtype A NumPy dtype.
 * @param name The array's name, for the error message.
 * @returns The safetensors dtype.
 */
export function safetensorsDTypeOf(dtype: NDArray["dtype"], name = "the array"): SafetensorsDType {
  const code = dtype.fields === null && dtype.subarray === null
    ? SAFETENSORS_DTYPE[`${dtype.kind}${dtype.itemsize}`]
    : undefined;
  if (code === undefined) {
    throw new UnsupportedError(
      "safetensors-dtype-unsupported",
      `${
        name === "the array" ? name : `array "${name}"`
      } has dtype "${dtype.str}", which safetensors cannot hold`,
      { format: "safetensors", key: name },
    );
  }
  return code;
}

interface Planned {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly array: NDArray;
  readonly byteLength: number;
}

function entriesOf(arrays: NamedArrays): [string, NDArray][] {
  if (arrays instanceof Map) return [...arrays];
  if (arrays === null || typeof arrays !== "object" || arrays instanceof NDArray) {
    throw new ArgumentError(
      "argument-invalid",
      "safetensors takes named arrays: a Map or a record of NDArray",
    );
  }
  return Object.entries(arrays);
}

function stringEntries(
  metadata: EncodeOptions["metadata"],
): [string, string][] {
  if (metadata === undefined) return [];
  const entries = metadata instanceof Map
    ? [...metadata]
    : typeof metadata === "object" && metadata !== null
    ? Object.entries(metadata)
    : undefined;
  if (
    entries === undefined ||
    entries.some(([k, v]) => typeof k !== "string" || typeof v !== "string")
  ) {
    throw new ArgumentError("option-invalid", "metadata must map strings to strings");
  }
  return entries as [string, string][];
}

/** Orders tensors largest element first (so every tensor's data is aligned) and builds the header. */
function plan(
  arrays: NamedArrays,
  options: EncodeOptions | undefined,
): { header: Uint8Array; tensors: Planned[] } {
  const bf16 = options?.bf16 ?? false;
  if (
    typeof bf16 !== "boolean" && !(Array.isArray(bf16) && bf16.every((n) => typeof n === "string"))
  ) {
    throw new ArgumentError("option-invalid", "bf16 must be true, false or a list of names");
  }
  const entries = entriesOf(arrays);
  const names = new Set(entries.map(([name]) => name));
  if (Array.isArray(bf16)) {
    for (const name of bf16) {
      if (!names.has(name)) {
        throw new ArgumentError(
          "option-invalid",
          `bf16 names "${name}", which is not an array given`,
        );
      }
    }
  }
  const planned: Planned[] = entries.map(([name, array]) => {
    if (!(array instanceof NDArray)) {
      throw new ArgumentError("argument-invalid", `"${name}" is not an NDArray`);
    }
    if (name === "__metadata__") {
      throw new ArgumentError("argument-invalid", 'an array cannot be named "__metadata__"');
    }
    let dtype = safetensorsDTypeOf(array.dtype, name);
    const asBf16 = bf16 === true ? dtype === "F32" : Array.isArray(bf16) && bf16.includes(name);
    if (asBf16) {
      if (dtype !== "F32") {
        throw new ArgumentError(
          "option-invalid",
          `only float32 arrays can be stored as BF16, and "${name}" has dtype "${array.dtype.str}"`,
        );
      }
      dtype = "BF16";
    }
    return { name, dtype, array, byteLength: array.size * DTYPE_SIZES[dtype] };
  });
  // Stable: within one element size, the order given.
  planned.sort((a, b) => DTYPE_SIZES[b.dtype] - DTYPE_SIZES[a.dtype]);

  const metadata = stringEntries(options?.metadata);
  // Built by hand: a record would reorder integer-like keys and treat "__proto__" specially.
  const parts = metadata.length === 0
    ? []
    : [`"__metadata__":{${
      metadata.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")
    }}`];
  let offset = 0;
  for (const t of planned) {
    const info = JSON.stringify({
      dtype: t.dtype,
      shape: t.array.shape,
      data_offsets: [offset, offset + t.byteLength],
    });
    parts.push(`${JSON.stringify(t.name)}:${info}`);
    offset += t.byteLength;
  }
  let json = `{${parts.join(",")}}`;
  // Pad with spaces to a multiple of 8 so the data starts aligned, as the reference writer does.
  const encoded = new TextEncoder().encode(json);
  const padded = Math.ceil(encoded.length / 8) * 8;
  json += " ".repeat(padded - encoded.length);
  const bytes = new Uint8Array(8 + padded);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, padded % 2 ** 32, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  bytes.set(new TextEncoder().encode(json), 8);
  return { header: bytes, tensors: planned };
}

/** The little-endian bytes of one tensor, in C order, in chunks. */
function* tensorChunks(t: Planned): Generator<Uint8Array, void, undefined> {
  const array = t.array.dtype.byteOrder === ">" ? t.array.withByteOrder("<") : t.array;
  if (t.dtype === "BF16") {
    for (const chunk of array.chunks({ order: "C" })) {
      const copy = chunk.slice();
      yield float32ToBfloat16(new Float32Array(copy.buffer, 0, copy.length / 4));
    }
    return;
  }
  yield* array.chunks({ order: "C" });
}

/**
 * Encodes named arrays as a safetensors file. Tensors are laid out largest
 * element first (the order given within one size) so that each tensor's
 * data is aligned; the header is padded with spaces to a multiple of 8.
 * Big-endian arrays are stored little-endian; strided views in C order.
 *
 * @example
 * ```ts
 * import { encodeSafetensors } from "@ndio-examples/safetensors";
 * import { array } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSafetensors(
 *   { bias: array([0.5, -1], { dtype: "<f4" }) },
 *   { metadata: { format: "np" } },
 * );
 * assert.equal(bytes.length % 8, 0);
 * ```
 *
 * @param arrays The arrays by name.
 * @param options Metadata and which tensors to store as BF16.
 * @returns The file's bytes.
 */
export function encodeSafetensors(arrays: NamedArrays, options?: EncodeOptions): Uint8Array {
  const { header, tensors } = plan(arrays, options);
  const total = tensors.reduce((n, t) => n + t.byteLength, header.length);
  const out = new Uint8Array(total);
  out.set(header);
  let at = header.length;
  for (const t of tensors) {
    for (const chunk of tensorChunks(t)) {
      out.set(chunk, at);
      at += chunk.length;
    }
  }
  return out;
}

/**
 * Writes named arrays as a safetensors file to a sink, tensor by tensor,
 * without building the whole file in memory.
 *
 * @example
 * ```ts
 * import { encodeSafetensors, writeSafetensors } from "@ndio-examples/safetensors";
 * import { arange, bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const arrays = { x: arange(10) };
 * const sink = bytesSink();
 * await writeSafetensors(arrays, sink);
 * assert.deepEqual(sink.bytes(), encodeSafetensors(arrays));
 * ```
 *
 * @param arrays The arrays by name.
 * @param sink Where the bytes go.
 * @param options Metadata and which tensors to store as BF16.
 */
export async function writeSafetensors(
  arrays: NamedArrays,
  sink: ByteSink,
  options?: EncodeOptions,
): Promise<void> {
  const { header, tensors } = plan(arrays, options);
  await sink.write(header);
  for (const t of tensors) {
    for (const chunk of tensorChunks(t)) await sink.write(chunk);
  }
}
