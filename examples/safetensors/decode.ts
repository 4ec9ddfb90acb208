/**
 * Reading safetensors files into ndio arrays: from bytes in memory, or from
 * a random-access source touching only the header and the tensors asked for.
 *
 * @module
 */

import {
  ArgumentError,
  type ByteSource,
  contiguousStrides,
  extent,
  type IndexItem,
  indexLayout,
  NDArray,
  TruncatedError,
} from "@ndio/core";
import {
  DTYPE_SIZES,
  type HeaderOptions,
  parseSafetensorsHeader,
  readHeaderLength,
  type SafetensorsDType,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from "./header.ts";
import { bfloat16ToFloat32, float8E4M3ToFloat32, float8E5M2ToFloat32 } from "./_floats.ts";

/**
 * How to hand out the float types NumPy has no dtype for: `"float32"`
 * widens them exactly to `<f4` (the default), `"bits"` keeps their raw bits
 * as unsigned integers (`<u2` for BF16, `|u1` for the 8-bit floats).
 */
export type ExoticFloatMode = "float32" | "bits";

/** Options of {@linkcode decodeSafetensors} and {@linkcode readSafetensors}. */
export interface DecodeOptions extends HeaderOptions {
  /** How to hand out BF16, F8_E4M3 and F8_E5M2 tensors (default `"float32"`). */
  readonly exoticFloats?: ExoticFloatMode;
  /** Read only these tensors (default: all). An unknown name is an `ArgumentError`. */
  readonly names?: readonly string[];
}

/** A decoded safetensors file. */
export interface SafetensorsFile {
  /** The tensors by name, in header order. */
  readonly tensors: Map<string, NDArray>;
  /** The `__metadata__` strings. */
  readonly metadata: ReadonlyMap<string, string>;
  /** The parsed header. */
  readonly header: SafetensorsHeader;
}

const NUMPY_DESCR: Readonly<Record<SafetensorsDType, string>> = {
  BOOL: "|b1",
  U8: "|u1",
  I8: "|i1",
  F8_E5M2: "<f4",
  F8_E4M3: "<f4",
  I16: "<i2",
  U16: "<u2",
  F16: "<f2",
  BF16: "<f4",
  I32: "<i4",
  U32: "<u4",
  F32: "<f4",
  C64: "<c8",
  F64: "<f8",
  I64: "<i8",
  U64: "<u8",
};

const BITS_DESCR: Partial<Record<SafetensorsDType, string>> = {
  BF16: "<u2",
  F8_E4M3: "|u1",
  F8_E5M2: "|u1",
};

/**
 * The NumPy dtype (descr) a safetensors dtype is handed out as.
 *
 * @example
 * ```ts
 * import { numpyDescrOf } from "@ndio-examples/safetensors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(numpyDescrOf("F16"), "<f2");
 * assert.equal(numpyDescrOf("BF16"), "<f4");
 * assert.equal(numpyDescrOf("BF16", "bits"), "<u2");
 * ```
 *
 * @param dtype A safetensors dtype.
 * @param mode How BF16 and the 8-bit floats are handed out.
 * @returns A NumPy descr such as `"<f4"`.
 */
export function numpyDescrOf(dtype: SafetensorsDType, mode: ExoticFloatMode = "float32"): string {
  return (mode === "bits" ? BITS_DESCR[dtype] : undefined) ?? NUMPY_DESCR[dtype];
}

function checkOptions(options: DecodeOptions | undefined): ExoticFloatMode {
  const mode = options?.exoticFloats ?? "float32";
  if (mode !== "float32" && mode !== "bits") {
    throw new ArgumentError(
      "option-invalid",
      `exoticFloats must be "float32" or "bits", not ${JSON.stringify(mode)}`,
    );
  }
  for (const key of ["maxHeaderSize", "fileLength"] as const) {
    const v = options?.[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) {
      throw new ArgumentError("option-invalid", `${key} must be a non-negative integer, not ${v}`);
    }
  }
  const names = options?.names;
  if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== "string"))) {
    throw new ArgumentError("option-invalid", "names must be a list of strings");
  }
  return mode;
}

function selected(
  header: SafetensorsHeader,
  names: readonly string[] | undefined,
): SafetensorsTensorInfo[] {
  if (names === undefined) return [...header.tensors];
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  return names.map((name) => {
    const info = byName.get(name);
    if (info === undefined) throw noSuchTensor(header, name);
    return info;
  });
}

function noSuchTensor(header: SafetensorsHeader, name: string): ArgumentError {
  return new ArgumentError(
    "safetensors-no-such-tensor",
    `there is no tensor named "${name}" (the file has ${
      header.tensors.map((t) => `"${t.name}"`).join(", ") || "none"
    })`,
  );
}

/** Builds the array of one tensor over its bytes (a view for plain dtypes, a widened copy else). */
function toArray(info: SafetensorsTensorInfo, bytes: Uint8Array, mode: ExoticFloatMode): NDArray {
  const descr = numpyDescrOf(info.dtype, mode);
  let data = bytes;
  if (mode === "float32") {
    if (info.dtype === "BF16") data = new Uint8Array(bfloat16ToFloat32(bytes).buffer);
    else if (info.dtype === "F8_E4M3") data = new Uint8Array(float8E4M3ToFloat32(bytes).buffer);
    else if (info.dtype === "F8_E5M2") data = new Uint8Array(float8E5M2ToFloat32(bytes).buffer);
  }
  return new NDArray(descr, info.shape, { data });
}

/**
 * Decodes a whole safetensors file in memory. Tensors of NumPy dtypes are
 * zero-copy views of `bytes`; BF16 and 8-bit floats are widened to float32
 * unless `exoticFloats: "bits"`.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "@ndio-examples/safetensors";
 * import { array } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSafetensors({ w: array([[1, 2], [3, 4]], { dtype: "<f4" }) });
 * const file = decodeSafetensors(bytes);
 * assert.deepEqual(file.tensors.get("w")?.toNested(), [[1, 2], [3, 4]]);
 * ```
 *
 * @param bytes The file.
 * @param options Limits, which tensors, and how to hand out BF16.
 * @returns The tensors, the metadata and the header.
 */
export function decodeSafetensors(bytes: Uint8Array, options?: DecodeOptions): SafetensorsFile {
  const mode = checkOptions(options);
  const header = parseSafetensorsHeader(bytes, { ...options, fileLength: bytes.length });
  const tensors = new Map<string, NDArray>();
  for (const info of selected(header, options?.names)) {
    const start = header.dataOffset + info.dataOffsets[0];
    const end = header.dataOffset + info.dataOffsets[1];
    tensors.set(info.name, toArray(info, bytes.subarray(start, end), mode));
  }
  return { tensors, metadata: header.metadata, header };
}

/**
 * Reads and validates only the header of a safetensors source.
 *
 * @example
 * ```ts
 * import { encodeSafetensors, readSafetensorsHeader } from "@ndio-examples/safetensors";
 * import { bytesSource, zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const source = bytesSource(encodeSafetensors({ w: zeros([3, 4]) }));
 * const header = await readSafetensorsHeader(source);
 * assert.deepEqual(header.tensors.map((t) => [t.name, t.dtype]), [["w", "F64"]]);
 * ```
 *
 * @param source The file.
 * @param options The header size limit.
 * @returns The header.
 */
export async function readSafetensorsHeader(
  source: ByteSource,
  options?: HeaderOptions,
): Promise<SafetensorsHeader> {
  checkOptions(options);
  const fileLength = source.byteLength;
  const prefix = await source.read(0, Math.min(8, fileLength));
  const headerLength = readHeaderLength(prefix, { ...options, fileLength });
  const head = await source.read(0, 8 + headerLength);
  return parseSafetensorsHeader(head, { ...options, fileLength });
}

/**
 * Reads a safetensors file from a random-access source (a file, a URL with
 * range requests): the header, then each tensor's bytes.
 *
 * @example
 * ```ts
 * import { encodeSafetensors, readSafetensors } from "@ndio-examples/safetensors";
 * import { arange, bytesSource } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSafetensors({ a: arange(3, { dtype: "<i4" }), b: arange(2) });
 * const file = await readSafetensors(bytesSource(bytes), { names: ["a"] });
 * assert.deepEqual([...file.tensors.keys()], ["a"]);
 * ```
 *
 * @param source The file.
 * @param options Limits, which tensors, and how to hand out BF16.
 * @returns The tensors, the metadata and the header.
 */
export async function readSafetensors(
  source: ByteSource,
  options?: DecodeOptions,
): Promise<SafetensorsFile> {
  const mode = checkOptions(options);
  const header = await readSafetensorsHeader(source, options);
  const tensors = new Map<string, NDArray>();
  for (const info of selected(header, options?.names)) {
    const [begin, end] = info.dataOffsets;
    const bytes = await source.read(header.dataOffset + begin, end - begin);
    tensors.set(info.name, toArray(info, bytes, mode));
  }
  return { tensors, metadata: header.metadata, header };
}

/**
 * Reads part of one tensor (NumPy basic indexing), fetching only the bytes
 * between the selection's first and last element.
 *
 * @example
 * ```ts
 * import { encodeSafetensors, readSafetensorsIndex } from "@ndio-examples/safetensors";
 * import { arange, bytesSource, parseIndex } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSafetensors({ m: arange(12, { dtype: "<i4" }).reshape([3, 4]) });
 * const row = await readSafetensorsIndex(bytesSource(bytes), "m", parseIndex("1, 1:3"));
 * assert.deepEqual(row.toNested(), [5, 6]);
 * ```
 *
 * @param source The file.
 * @param name The tensor's name.
 * @param index The selection, as `parseIndex` gives it.
 * @param options Limits and how to hand out BF16.
 * @returns A new array holding the selection.
 */
export async function readSafetensorsIndex(
  source: ByteSource,
  name: string,
  index: readonly IndexItem[],
  options?: DecodeOptions,
): Promise<NDArray> {
  const mode = checkOptions(options);
  const header = await readSafetensorsHeader(source, options);
  const info = header.tensors.find((t) => t.name === name);
  if (info === undefined) throw noSuchTensor(header, name);
  const itemsize = DTYPE_SIZES[info.dtype];
  const layout = indexLayout(info.shape, contiguousStrides(info.shape, itemsize, "C"), index);
  let size = 1;
  for (const d of layout.shape) size *= d;
  const descr = numpyDescrOf(info.dtype, mode);
  if (size === 0) return new NDArray(descr, layout.shape);
  const { low, high } = extent(layout.shape, layout.strides, itemsize);
  const first = info.dataOffsets[0] + layout.offset + low;
  const length = high - low;
  if (first + length > info.dataOffsets[1]) {
    // indexLayout keeps selections in bounds; this guards the arithmetic above.
    throw new TruncatedError(`the selection of "${name}" reaches past its data`, {
      format: "safetensors",
      key: name,
    });
  }
  const span = await source.read(header.dataOffset + first, length);
  // View the fetched span with the raw dtype, then copy the selection out.
  const raw = new NDArray(rawDescr(info.dtype), layout.shape, {
    data: span,
    strides: layout.strides,
    offset: -low,
  }).copy("C");
  const rawBytes = raw.data.subarray(raw.offset, raw.offset + raw.nbytes);
  return toArray({ ...info, shape: layout.shape }, rawBytes, mode);
}

function rawDescr(dtype: SafetensorsDType): string {
  return BITS_DESCR[dtype] ?? NUMPY_DESCR[dtype];
}
