/**
 * The safetensors header: an 8-byte little-endian length, then that many
 * bytes of JSON naming each tensor's dtype, shape and byte range, then the
 * raw data. Parsing validates everything a hostile file could get wrong.
 *
 * @module
 */

import {
  LimitError,
  MalformedError,
  OutOfRangeError,
  TruncatedError,
  UnsupportedError,
} from "@ndio/core";
import { type JsonEntry, type JsonNode, parseJson } from "./_json.ts";

/** The dtype names of the safetensors format. */
export type SafetensorsDType =
  | "BOOL"
  | "U8"
  | "I8"
  | "F8_E5M2"
  | "F8_E4M3"
  | "I16"
  | "U16"
  | "F16"
  | "BF16"
  | "I32"
  | "U32"
  | "F32"
  | "C64"
  | "F64"
  | "I64"
  | "U64";

/**
 * Bytes per element of each dtype ndio reads.
 *
 * @example
 * ```ts
 * import { DTYPE_SIZES } from "@ndio-examples/safetensors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DTYPE_SIZES.BF16, 2);
 * ```
 */
export const DTYPE_SIZES: Readonly<Record<SafetensorsDType, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  C64: 8,
  F64: 8,
  I64: 8,
  U64: 8,
});

/** Dtypes of newer safetensors versions that pack elements below a byte, or that ndio does not decode. */
const KNOWN_UNSUPPORTED: ReadonlySet<string> = new Set(["F4", "F6_E2M3", "F6_E3M2", "F8_E8M0"]);

/**
 * The default of `maxHeaderSize`: the limit of the reference implementation.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_HEADER_SIZE, readHeaderLength } from "@ndio-examples/safetensors";
 * import assert from "node:assert/strict";
 *
 * const prefix = new Uint8Array(8);
 * new DataView(prefix.buffer).setUint32(0, DEFAULT_MAX_HEADER_SIZE + 1, true);
 * assert.throws(() => readHeaderLength(prefix, { fileLength: 2 ** 30 }), /maxHeaderSize/);
 * ```
 */
export const DEFAULT_MAX_HEADER_SIZE = 100_000_000;

/** One tensor as the header describes it. */
export interface SafetensorsTensorInfo {
  /** The tensor's name (its key in the header). */
  readonly name: string;
  /** Its dtype. */
  readonly dtype: SafetensorsDType;
  /** Its shape (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** Its bytes, `[begin, end)`, relative to the start of the data. */
  readonly dataOffsets: readonly [begin: number, end: number];
}

/** A parsed and validated header. */
export interface SafetensorsHeader {
  /** The JSON header's length in bytes (the first 8 bytes of the file). */
  readonly headerLength: number;
  /** Where the data starts in the file: `8 + headerLength`. */
  readonly dataOffset: number;
  /** The length of the data, which the tensors cover without gaps. */
  readonly dataLength: number;
  /** The tensors, in the order of the header. */
  readonly tensors: readonly SafetensorsTensorInfo[];
  /** The free-form `__metadata__` strings, in order. */
  readonly metadata: ReadonlyMap<string, string>;
}

/** Options of {@linkcode parseSafetensorsHeader}. */
export interface HeaderOptions {
  /** The largest JSON header accepted, in bytes (default 100,000,000, as the reference implementation). */
  readonly maxHeaderSize?: number;
  /** The whole file's length, when `bytes` holds only its start (default `bytes.length`). */
  readonly fileLength?: number;
}

const FORMAT = "safetensors";

/**
 * The length of the JSON header from the first 8 bytes, checked against the
 * limit and the file length.
 *
 * @example
 * ```ts
 * import { readHeaderLength } from "@ndio-examples/safetensors";
 * import assert from "node:assert/strict";
 *
 * assert.equal(readHeaderLength(new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0]), { fileLength: 16 }), 8);
 * ```
 *
 * @param prefix At least the first 8 bytes of the file.
 * @param options The limit and the file length.
 * @returns The header length.
 */
export function readHeaderLength(prefix: Uint8Array, options?: HeaderOptions): number {
  const fileLength = options?.fileLength ?? prefix.length;
  const limit = options?.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
  if (fileLength < 8 || prefix.length < 8) {
    throw new TruncatedError(
      `a safetensors file starts with an 8-byte header length, but the input has ${fileLength} bytes`,
      { format: FORMAT, offset: fileLength },
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const high = view.getUint32(4, true);
  const length = high * 2 ** 32 + view.getUint32(0, true);
  if (length > limit) {
    throw new LimitError(
      "maxHeaderSize",
      limit,
      `the header says it is ${length} bytes long`,
      { format: FORMAT, offset: 0 },
    );
  }
  if (8 + length > fileLength) {
    throw new TruncatedError(
      `the header says it is ${length} bytes long but the file has ${
        fileLength - 8
      } after the length`,
      { format: FORMAT, offset: fileLength },
    );
  }
  return length;
}

function schemaError(message: string, at: number, key?: string): MalformedError {
  return new MalformedError("safetensors-header-invalid", message, {
    format: FORMAT,
    offset: at,
    ...(key === undefined ? {} : { key }),
  });
}

function nonNegativeInteger(node: JsonNode, what: string, name: string): number {
  if (node.kind !== "number" || !/^(0|[1-9][0-9]*)$/.test(node.text)) {
    throw schemaError(
      `tensor "${name}" has ${what} that is not a non-negative integer`,
      node.at,
      name,
    );
  }
  const value = Number(node.text);
  if (!Number.isSafeInteger(value)) {
    throw new OutOfRangeError(
      "safetensors-too-large",
      `tensor "${name}" has ${what} ${node.text}, too large to address`,
      { format: FORMAT, offset: node.at, key: name },
    );
  }
  return value;
}

function tensorInfo(entry: JsonEntry): SafetensorsTensorInfo & { at: number } {
  const name = entry.key;
  const node = entry.value;
  if (node.kind !== "object") {
    throw schemaError(`tensor "${name}" is not described by an object`, node.at, name);
  }
  let dtype: SafetensorsDType | undefined;
  let shape: number[] | undefined;
  let offsets: [number, number] | undefined;
  for (const field of node.entries) {
    const v = field.value;
    switch (field.key) {
      case "dtype": {
        if (v.kind !== "string") {
          throw schemaError(`tensor "${name}" has a dtype that is not a string`, v.at, name);
        }
        if (Object.hasOwn(DTYPE_SIZES, v.value)) {
          dtype = v.value as SafetensorsDType;
        } else if (KNOWN_UNSUPPORTED.has(v.value)) {
          throw new UnsupportedError(
            "safetensors-dtype-unsupported",
            `tensor "${name}" has dtype "${v.value}", which ndio does not decode`,
            { format: FORMAT, key: name },
          );
        } else {
          throw new UnsupportedError(
            "safetensors-dtype-unknown",
            `tensor "${name}" has an unknown dtype ${JSON.stringify(v.value)}`,
            { format: FORMAT, key: name },
          );
        }
        break;
      }
      case "shape":
        if (v.kind !== "array") {
          throw schemaError(`tensor "${name}" has a shape that is not a list`, v.at, name);
        }
        shape = v.items.map((item) => nonNegativeInteger(item, "a dimension", name));
        break;
      case "data_offsets":
        if (v.kind !== "array" || v.items.length !== 2) {
          throw schemaError(
            `tensor "${name}" needs data_offsets [begin, end]`,
            v.at,
            name,
          );
        }
        offsets = [
          nonNegativeInteger(v.items[0]!, "a data offset", name),
          nonNegativeInteger(v.items[1]!, "a data offset", name),
        ];
        break;
      default:
        throw schemaError(
          `tensor "${name}" has an unknown field "${field.key}" (expected dtype, shape, data_offsets)`,
          field.at,
          name,
        );
    }
  }
  const missing = dtype === undefined
    ? "dtype"
    : shape === undefined
    ? "shape"
    : offsets === undefined
    ? "data_offsets"
    : undefined;
  if (missing !== undefined) {
    throw schemaError(`tensor "${name}" has no ${missing}`, node.at, name);
  }
  return { name, dtype: dtype!, shape: shape!, dataOffsets: offsets!, at: entry.at };
}

/**
 * Parses and validates a safetensors header. `bytes` holds the start of the
 * file, at least through the JSON header. Checks, as the format requires:
 * the header fits the limit and the file; it is UTF-8 JSON starting with
 * `{`; no key repeats; every tensor has a known dtype, a shape of
 * non-negative integers and `data_offsets` spanning exactly shape × dtype
 * bytes; the tensors' byte ranges do not overlap and cover the data with no
 * gap; the data ends where the file ends; `__metadata__` maps strings to
 * strings.
 *
 * @example
 * ```ts
 * import { parseSafetensorsHeader } from "@ndio-examples/safetensors";
 * import assert from "node:assert/strict";
 *
 * const json = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
 * const file = new Uint8Array(8 + json.length + 8);
 * file[0] = json.length;
 * file.set(new TextEncoder().encode(json), 8);
 * const header = parseSafetensorsHeader(file);
 * assert.deepEqual(header.tensors[0]?.shape, [2]);
 * assert.equal(header.dataOffset, 8 + json.length);
 * ```
 *
 * @param bytes The start of the file.
 * @param options The header size limit and the whole file's length.
 * @returns The header.
 */
export function parseSafetensorsHeader(
  bytes: Uint8Array,
  options?: HeaderOptions,
): SafetensorsHeader {
  const fileLength = options?.fileLength ?? bytes.length;
  const headerLength = readHeaderLength(bytes, { ...options, fileLength });
  if (bytes.length < 8 + headerLength) {
    throw new TruncatedError(
      `the header is ${headerLength} bytes long but only ${bytes.length - 8} were given`,
      { format: FORMAT, offset: bytes.length },
    );
  }
  const json = bytes.subarray(8, 8 + headerLength);
  if (json[0] !== 0x7b) {
    throw new MalformedError(
      "safetensors-header-start",
      'the header does not start with "{"',
      { format: FORMAT, offset: 8 },
    );
  }
  const root = parseJson(json, 8);
  if (root.kind !== "object") throw schemaError("the header is not a JSON object", 8);

  const seen = new Set<string>();
  const tensors: (SafetensorsTensorInfo & { at: number })[] = [];
  const metadata = new Map<string, string>();
  for (const entry of root.entries) {
    if (seen.has(entry.key)) {
      throw new MalformedError(
        "safetensors-duplicate-key",
        `the header names "${entry.key}" twice`,
        { format: FORMAT, offset: entry.at, key: entry.key },
      );
    }
    seen.add(entry.key);
    if (entry.key === "__metadata__") {
      if (entry.value.kind !== "object") {
        throw schemaError("__metadata__ is not an object", entry.value.at);
      }
      for (const item of entry.value.entries) {
        if (metadata.has(item.key)) {
          throw new MalformedError(
            "safetensors-duplicate-key",
            `__metadata__ names "${item.key}" twice`,
            { format: FORMAT, offset: item.at, key: item.key },
          );
        }
        if (item.value.kind !== "string") {
          throw schemaError(
            `__metadata__ value "${item.key}" is not a string`,
            item.value.at,
            item.key,
          );
        }
        metadata.set(item.key, item.value.value);
      }
      continue;
    }
    tensors.push(tensorInfo(entry));
  }

  // Each tensor's range must hold exactly its elements.
  for (const t of tensors) {
    const [begin, end] = t.dataOffsets;
    if (end < begin) {
      throw new MalformedError(
        "safetensors-offsets",
        `tensor "${t.name}" has data_offsets [${begin}, ${end}] that end before they begin`,
        { format: FORMAT, offset: t.at, key: t.name },
      );
    }
    let count = 1;
    for (const d of t.shape) count *= d;
    const expected = count * DTYPE_SIZES[t.dtype];
    if (!Number.isSafeInteger(expected)) {
      throw new OutOfRangeError(
        "safetensors-too-large",
        `tensor "${t.name}" has shape (${t.shape.join(", ")}), too large to address`,
        { format: FORMAT, offset: t.at, key: t.name },
      );
    }
    if (end - begin !== expected) {
      throw new MalformedError(
        "safetensors-size-mismatch",
        `tensor "${t.name}" of dtype ${t.dtype} and shape (${
          t.shape.join(", ")
        }) needs ${expected} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}`,
        { format: FORMAT, offset: t.at, key: t.name },
      );
    }
  }

  // The ranges, in file order, must tile the data: no overlap, no gap.
  const dataOffset = 8 + headerLength;
  const dataLength = fileLength - dataOffset;
  const byStart = [...tensors].sort((a, b) =>
    a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]
  );
  let covered = 0;
  let previous: string | undefined;
  for (const t of byStart) {
    const [begin, end] = t.dataOffsets;
    if (begin < covered) {
      throw new MalformedError(
        "safetensors-offsets",
        `tensor "${t.name}" starts at data byte ${begin}, inside tensor "${previous}", which ends at ${covered}`,
        { format: FORMAT, offset: t.at, key: t.name },
      );
    }
    if (begin > covered) {
      throw new MalformedError(
        "safetensors-offsets",
        `tensor "${t.name}" starts at data byte ${begin}, leaving bytes ${covered} to ${begin} unused`,
        { format: FORMAT, offset: t.at, key: t.name },
      );
    }
    if (end > dataLength) {
      throw new TruncatedError(
        `tensor "${t.name}" ends at data byte ${end} but the file has ${dataLength} bytes of data`,
        { format: FORMAT, offset: fileLength, key: t.name },
      );
    }
    covered = end;
    if (end > begin) previous = t.name;
  }
  if (covered !== dataLength) {
    throw new MalformedError(
      "safetensors-trailing-data",
      `the tensors cover ${covered} bytes of data but the file has ${dataLength}`,
      { format: FORMAT, offset: dataOffset + covered },
    );
  }
  return {
    headerLength,
    dataOffset,
    dataLength,
    tensors: tensors.map(({ name, dtype, shape, dataOffsets }) =>
      Object.freeze({ name, dtype, shape: Object.freeze(shape), dataOffsets })
    ),
    metadata,
  };
}
