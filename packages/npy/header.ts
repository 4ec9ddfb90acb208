/**
 * The `.npy` header: magic string, version, header length and the Python
 * dict that gives the dtype, the shape and the memory order.
 *
 * @module
 */

import {
  ArgumentError,
  type Descr,
  type DescrField,
  DType,
  LimitError,
  MalformedError,
  NdioError,
  OutOfRangeError,
  TruncatedError,
  UnsupportedError,
} from "@ndio/core";
import { type LiteralNode, literalText, parseLiteral, UNEXPECTED_END } from "./_literal.ts";

/** The format versions of `.npy`: 1.0, 2.0 (4-byte header length) and 3.0 (UTF-8 header). */
export type NpyVersion = 1 | 2 | 3;

/**
 * The six bytes every `.npy` file starts with: `\x93NUMPY`.
 *
 * @example
 * ```ts
 * import { encodeNpy, NPY_MAGIC } from "@ndio/npy";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(encodeNpy(zeros([1])).subarray(0, 6), NPY_MAGIC);
 * ```
 */
export const NPY_MAGIC: Uint8Array = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/**
 * The default limit on the header length, in bytes: 1 MiB.
 *
 * NumPy's default is 10000 because it parses the header with
 * `ast.literal_eval`, which can be slow or crash on large inputs. ndio's
 * parser is linear in the header length with bounded nesting, so the limit
 * here only bounds memory; 1 MiB admits structured dtypes with thousands of
 * fields that NumPy itself refuses without `max_header_size`.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_HEADER_SIZE, maxHeaderSizeOf } from "@ndio/npy";
 * import assert from "node:assert/strict";
 *
 * assert.equal(maxHeaderSizeOf({}), DEFAULT_MAX_HEADER_SIZE);
 * ```
 */
export const DEFAULT_MAX_HEADER_SIZE: number = 1 << 20;

/**
 * NumPy aligns the start of the data to this many bytes.
 *
 * @example
 * ```ts
 * import { encodeNpy, NPY_ALIGNMENT, parseNpyHeader } from "@ndio/npy";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseNpyHeader(encodeNpy(zeros([3]))).dataOffset % NPY_ALIGNMENT, 0);
 * ```
 */
export const NPY_ALIGNMENT = 64;

/**
 * Spaces NumPy leaves after the dict so the length of the growth axis (the
 * first axis, the last in Fortran order) can be rewritten in place: room for
 * 21 digits, the length of `str(8 * 2**64 - 1)`.
 *
 * @example
 * ```ts
 * import { GROWTH_AXIS_MAX_DIGITS } from "@ndio/npy";
 * import assert from "node:assert/strict";
 *
 * assert.equal(String(8n * 2n ** 64n - 1n).length, GROWTH_AXIS_MAX_DIGITS);
 * ```
 */
export const GROWTH_AXIS_MAX_DIGITS = 21;

/** What a `.npy` header says. */
export interface NpyHeader {
  /** The format version (major; the minor is always 0). */
  readonly version: NpyVersion;
  /** The element dtype. A subarray descr stays a subarray dtype here. */
  readonly dtype: DType;
  /** The array's shape. */
  readonly shape: readonly number[];
  /** Whether the data is stored in Fortran (column-major) order. */
  readonly fortranOrder: boolean;
  /** The header-length field: bytes of the dict and its padding after the fixed prefix. */
  readonly headerLength: number;
  /** The offset of the data from the start of the `.npy` (a multiple of 64 for NumPy's files). */
  readonly dataOffset: number;
  /**
   * Bytes of data the header announces (elements × itemsize), or null for
   * object arrays, whose data is a pickle of unknown length.
   */
  readonly dataLength: number | null;
}

/** Options of the header readers. */
export interface NpyHeaderOptions {
  /**
   * The largest header length accepted, in bytes (default
   * {@linkcode DEFAULT_MAX_HEADER_SIZE}, 1 MiB). Larger headers throw a
   * `LimitError` before they are read.
   */
  readonly maxHeaderSize?: number;
}

/** The fixed part of a header: version and where the dict lies. */
export interface NpyPrefix {
  /** The version. */
  readonly version: NpyVersion;
  /** The header-length field. */
  readonly headerLength: number;
  /** The offset of the dict (10 for version 1.0, 12 after). */
  readonly dictOffset: number;
  /** The offset of the data. */
  readonly dataOffset: number;
}

/**
 * Bytes needed to read the fixed prefix of any version.
 *
 * @example
 * ```ts
 * import { encodeNpy, NPY_PREFIX_LENGTH, parseNpyPrefix } from "@ndio/npy";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const prefix = parseNpyPrefix(encodeNpy(zeros([2])).subarray(0, NPY_PREFIX_LENGTH));
 * assert.equal(prefix.version, 1);
 * ```
 */
export const NPY_PREFIX_LENGTH = 12;

/**
 * Checks and returns the `maxHeaderSize` option.
 *
 * @example
 * ```ts
 * import { maxHeaderSizeOf } from "@ndio/npy";
 * import { ArgumentError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(maxHeaderSizeOf({ maxHeaderSize: 10000 }), 10000);
 * assert.throws(() => maxHeaderSizeOf({ maxHeaderSize: -1 }), ArgumentError);
 * ```
 *
 * @param options The options.
 * @returns The limit in bytes.
 */
export function maxHeaderSizeOf(options: NpyHeaderOptions | undefined): number {
  const limit = options?.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new ArgumentError(
      "option-invalid",
      `maxHeaderSize must be a non-negative integer, not ${String(limit)}`,
    );
  }
  return limit;
}

/**
 * Reads the fixed prefix of a header (magic, version, header length) from
 * the first bytes of a `.npy`. `base` is added to error offsets, for
 * headers inside a larger input.
 *
 * @example
 * ```ts
 * import { parseNpyPrefix } from "@ndio/npy";
 * import assert from "node:assert/strict";
 *
 * const head = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
 * assert.deepEqual(parseNpyPrefix(head), { version: 1, headerLength: 118, dictOffset: 10, dataOffset: 128 });
 * ```
 *
 * @param bytes At least the first 10 bytes (12 for versions 2.0 and 3.0).
 * @param options The header size limit.
 * @param base The offset of `bytes` in the whole input, for error messages.
 * @returns The prefix.
 */
export function parseNpyPrefix(
  bytes: Uint8Array,
  options?: NpyHeaderOptions,
  base = 0,
): NpyPrefix {
  const limit = maxHeaderSizeOf(options);
  const magicBytes = Math.min(bytes.length, NPY_MAGIC.length);
  for (let i = 0; i < magicBytes; i++) {
    if (bytes[i] !== NPY_MAGIC[i]) {
      throw new MalformedError(
        "npy-bad-magic",
        `not an npy file: it starts with ${
          hexBytes(bytes.subarray(0, 6))
        } instead of the magic string "\\x93NUMPY"`,
        { format: "npy", offset: base + i },
      );
    }
  }
  if (bytes.length < 8) {
    throw new TruncatedError(
      `the npy input ends after ${bytes.length} bytes, inside its magic string`,
      { format: "npy", offset: base + bytes.length },
    );
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw new UnsupportedError(
      "npy-unsupported-version",
      `npy format version ${major}.${minor} is not supported (only 1.0, 2.0 and 3.0 are)`,
      { format: "npy" },
    );
  }
  const fieldBytes = major === 1 ? 2 : 4;
  const dictOffset = 8 + fieldBytes;
  if (bytes.length < dictOffset) {
    throw new TruncatedError(
      `the npy input ends after ${bytes.length} bytes, inside its header length`,
      { format: "npy", offset: base + bytes.length },
    );
  }
  const headerLength = major === 1
    ? bytes[8]! | (bytes[9]! << 8)
    : (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 2 ** 24;
  if (headerLength > limit) {
    throw new LimitError(
      "maxHeaderSize",
      limit,
      `the npy header is ${headerLength} bytes long`,
      { format: "npy", offset: base + 8 },
    );
  }
  return {
    version: major as NpyVersion,
    headerLength,
    dictOffset,
    dataOffset: dictOffset + headerLength,
  };
}

/**
 * Parses a `.npy` header. `bytes` must hold the whole header (the data may
 * follow, or not).
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpyHeader } from "@ndio/npy";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const header = parseNpyHeader(encodeNpy(zeros([2, 3], { dtype: ">i2" })));
 * assert.equal(header.dtype.str, ">i2");
 * assert.deepEqual(header.shape, [2, 3]);
 * assert.equal(header.dataOffset, 128);
 * ```
 *
 * @param bytes The start of a `.npy`.
 * @param options The header size limit.
 * @returns The header.
 */
export function parseNpyHeader(bytes: Uint8Array, options?: NpyHeaderOptions): NpyHeader {
  return parseNpyHeaderAt(bytes, options, 0);
}

/**
 * {@linkcode parseNpyHeader} with error offsets shifted by `base`, for a
 * `.npy` inside a larger input (an `.npz` member, a stream).
 *
 * @example
 * ```ts
 * import { encodeNpy, parseNpyHeaderAt } from "@ndio/npy";
 * import { zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeNpy(zeros([2]));
 * assert.throws(() => parseNpyHeaderAt(bytes.subarray(0, 20), undefined, 1000), {
 *   offset: 1020,
 * });
 * ```
 *
 * @param bytes The start of the `.npy`.
 * @param options The header size limit.
 * @param base The offset of `bytes` in the whole input.
 * @returns The header.
 */
export function parseNpyHeaderAt(
  bytes: Uint8Array,
  options: NpyHeaderOptions | undefined,
  base: number,
): NpyHeader {
  const prefix = parseNpyPrefix(bytes, options, base);
  if (bytes.length < prefix.dataOffset) {
    throw new TruncatedError(
      `the npy header says it is ${prefix.headerLength} bytes long but the input ends ${
        bytes.length - prefix.dictOffset
      } bytes into it`,
      { format: "npy", offset: base + bytes.length },
    );
  }
  return parseHeaderDict(bytes, prefix, base);
}

function headerError(message: string, at: number, code = "npy-bad-header"): MalformedError {
  return new MalformedError(code, message, { format: "npy", offset: at });
}

function parseHeaderDict(bytes: Uint8Array, prefix: NpyPrefix, base: number): NpyHeader {
  const { dictOffset, dataOffset } = prefix;
  const view = bytes;
  let parsed: { node: LiteralNode; end: number };
  try {
    parsed = parseLiteral(view, dictOffset, dataOffset, prefix.version === 3);
  } catch (error) {
    // NumPy's headers end with a newline; a header that does not suggests its
    // length field is wrong rather than its text.
    const lengthLooksRight = view[dataOffset - 1] === 0x0a;
    if (error instanceof MalformedError && error.code === UNEXPECTED_END && lengthLooksRight) {
      throw headerError(
        `the npy header ends (byte ${base + dataOffset}) before its dictionary is complete`,
        base + dataOffset,
      );
    }
    if (error instanceof MalformedError && error.code === UNEXPECTED_END) {
      throw headerError(
        `the npy header length ${prefix.headerLength} ends the header at byte ${
          base + dataOffset
        }, inside its dictionary: the length is wrong or the header is cut`,
        base + dataOffset,
        "npy-bad-header-length",
      );
    }
    if (error instanceof MalformedError) {
      throw headerError(
        `the npy header is not a valid Python literal: ${error.message}`,
        base + (error.offset ?? dictOffset),
      );
    }
    throw error;
  }
  const { node } = parsed;
  for (let p = parsed.end; p < dataOffset; p++) {
    const b = view[p]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x09 && b !== 0x0d && b !== 0x0c) {
      if (view[dataOffset - 1] === 0x0a) {
        throw headerError(
          `the npy header has ${describeByte(b)} after its dictionary, at byte ${base + p}`,
          base + p,
        );
      }
      throw headerError(
        `the npy header length ${prefix.headerLength} runs past the end of the header dictionary ` +
          `(byte ${base + parsed.end}) into bytes that are not padding (byte ${base + p})`,
        base + p,
        "npy-bad-header-length",
      );
    }
  }
  if (node.kind !== "dict") {
    throw headerError(
      `the npy header is not a dictionary but ${literalText(node)}`,
      base + node.offset,
    );
  }
  const values = new Map<string, LiteralNode>();
  for (const [key, value] of node.entries) {
    if (key.kind !== "str") {
      throw headerError(
        `the npy header has a key ${literalText(key)} that is not a string`,
        base + key.offset,
        "npy-header-keys",
      );
    }
    // As in Python, a repeated key keeps its last value.
    values.set(key.value, value);
  }
  const expected = ["descr", "fortran_order", "shape"];
  const keys = [...values.keys()].sort();
  if (keys.join("\0") !== expected.join("\0")) {
    throw headerError(
      `the npy header must have exactly the keys 'descr', 'fortran_order' and 'shape', not ${
        keys.map((k) => `'${k}'`).join(", ") || "none"
      }`,
      base + node.offset,
      "npy-header-keys",
    );
  }
  const descrNode = values.get("descr")!;
  const orderNode = values.get("fortran_order")!;
  const shapeNode = values.get("shape")!;
  if (orderNode.kind !== "bool") {
    throw headerError(
      `fortran_order in the npy header is ${literalText(orderNode)}, not True or False`,
      base + orderNode.offset,
    );
  }
  const shape = shapeOf(shapeNode, base);
  const dtype = descrOf(descrNode, base);
  let count = 1;
  const dims = dtype.subarray === null ? shape : [...shape, ...dtype.subarray.shape];
  for (const d of dims) count *= d;
  const elementSize = dtype.subarray === null ? dtype.itemsize : dtype.subarray.base.itemsize;
  const dataLength = count * elementSize;
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(dataLength)) {
    throw new OutOfRangeError(
      "npy-size-overflow",
      `the npy header's shape (${shape.join(", ")}) of "${dtype.str}" elements needs more than ` +
        `2**53 bytes`,
      { format: "npy", offset: base + shapeNode.offset },
    );
  }
  return {
    version: prefix.version,
    dtype,
    shape,
    fortranOrder: orderNode.value,
    headerLength: prefix.headerLength,
    dataOffset,
    dataLength: dtype.hasObject ? null : dataLength,
  };
}

// NumPy refuses arrays of more dimensions than this.
const MAX_DIMS = 64;

function shapeOf(node: LiteralNode, base: number): number[] {
  if (node.kind !== "tuple") {
    throw headerError(
      `shape in the npy header is ${literalText(node)}, not a tuple of integers`,
      base + node.offset,
    );
  }
  if (node.items.length > MAX_DIMS) {
    throw headerError(
      `shape in the npy header has ${node.items.length} dimensions, more than NumPy's ${MAX_DIMS}`,
      base + node.offset,
    );
  }
  return node.items.map((item) => {
    if (item.kind !== "int" || item.value < 0n || item.value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw headerError(
        `shape in the npy header is ${literalText(node)}: ${literalText(item)} is not ${
          item.kind === "int" ? "a length below 2**53" : "an integer"
        }`,
        base + item.offset,
      );
    }
    return Number(item.value);
  });
}

function descrOf(node: LiteralNode, base: number): DType {
  const bad = (why: string, at: LiteralNode): MalformedError =>
    headerError(`descr in the npy header is not valid: ${why}`, base + at.offset);
  const dimsOf = (n: LiteralNode): number[] => {
    const items = n.kind === "int" ? [n] : n.kind === "tuple" ? n.items : null;
    if (items === null) throw bad(`the subarray shape ${literalText(n)} is not a tuple`, n);
    return items.map((item) => {
      if (item.kind !== "int" || item.value < 0n || item.value > 2n ** 31n) {
        throw bad(`the subarray shape ${literalText(n)} holds ${literalText(item)}`, item);
      }
      return Number(item.value);
    });
  };
  // Strings and field lists become core descrs; a (descr, shape) tuple, which
  // descr_to_dtype also accepts, becomes a subarray DType in the same tree.
  const convert = (n: LiteralNode): Descr | DType => {
    if (n.kind === "str") return n.value;
    if (n.kind === "tuple" && n.items.length === 2) {
      const [inner, shape] = n.items as [LiteralNode, LiteralNode];
      return DType.subarrayOf(parse(inner), dimsOf(shape));
    }
    if (n.kind !== "list") {
      throw bad(`${literalText(n)} is neither a type string nor a list of fields`, n);
    }
    return n.items.map((field): DescrField => {
      if (field.kind !== "tuple" || (field.items.length !== 2 && field.items.length !== 3)) {
        throw bad(
          `the field ${literalText(field)} is not (name, descr) or (name, descr, shape)`,
          field,
        );
      }
      const [nameNode, typeNode, shapeNode] = field.items as [
        LiteralNode,
        LiteralNode,
        LiteralNode | undefined,
      ];
      let name: string | [string, string];
      if (nameNode.kind === "str") name = nameNode.value;
      else if (
        nameNode.kind === "tuple" && nameNode.items.length === 2 &&
        nameNode.items[0]!.kind === "str" && nameNode.items[1]!.kind === "str"
      ) {
        name = [nameNode.items[0]!.value, nameNode.items[1]!.value];
      } else {
        throw bad(
          `the field name ${literalText(nameNode)} is not a string or (title, name)`,
          nameNode,
        );
      }
      // DType.parse takes a DType where a descr is expected.
      const type = convert(typeNode) as Descr;
      return shapeNode === undefined ? [name, type] : [name, type, dimsOf(shapeNode)];
    });
  };
  const parse = (n: LiteralNode): DType => {
    const descr = convert(n);
    try {
      return DType.parse(descr);
    } catch (error) {
      if (!(error instanceof NdioError)) throw error;
      throw new MalformedError(
        "npy-unknown-dtype",
        `the npy header's descr ${literalText(n)} is not a dtype ndio knows: ${
          (error as Error).message
        }`,
        { format: "npy", offset: base + n.offset, cause: error },
      );
    }
  };
  return parse(node);
}

/** The header fields a writer needs. */
export interface NpyHeaderFields {
  /** The dtype. */
  readonly dtype: DType;
  /** The shape. */
  readonly shape: readonly number[];
  /** Whether the data is in Fortran order. */
  readonly fortranOrder: boolean;
}

/** Options of {@linkcode encodeNpyHeader}. */
export interface EncodeNpyHeaderOptions {
  /**
   * Write this version, or fail when it cannot hold the header. By default
   * the oldest version that can: 1.0, then 2.0 for headers of 65536 bytes or
   * more, then 3.0 for field names outside latin-1, as NumPy chooses.
   */
  readonly version?: NpyVersion;
}

/**
 * The header bytes NumPy writes for an array: magic, version, length, the
 * dict with sorted keys, growth spaces for the first axis (the last in
 * Fortran order), and space padding so the data starts at a multiple of 64.
 *
 * @example
 * ```ts
 * import { encodeNpyHeader } from "@ndio/npy";
 * import { DType } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const header = encodeNpyHeader({ dtype: DType.parse("<f8"), shape: [3], fortranOrder: false });
 * assert.equal(header.length, 128);
 * const text = new TextDecoder().decode(header.subarray(10)).trimEnd();
 * assert.equal(text, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
 * ```
 *
 * @param fields The dtype, shape and order.
 * @param options A version to force.
 * @returns The header, ready to be followed by the data.
 */
export function encodeNpyHeader(
  fields: NpyHeaderFields,
  options?: EncodeNpyHeaderOptions,
): Uint8Array {
  const { dtype, shape, fortranOrder } = fields;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let text = `{'descr': ${dtype.descrRepr()}, 'fortran_order': ${
    fortranOrder ? "True" : "False"
  }, 'shape': ${shapeText}, }`;
  if (shape.length > 0) {
    const growth = String(fortranOrder ? shape[shape.length - 1] : shape[0]);
    text += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - growth.length));
  }
  const forced = options?.version;
  if (forced !== undefined && forced !== 1 && forced !== 2 && forced !== 3) {
    throw new ArgumentError(
      "option-invalid",
      `version must be 1, 2 or 3, not ${String(forced)}`,
    );
  }
  const latin1 = isLatin1(text);
  const body = latin1 ? latin1Bytes(text) : new TextEncoder().encode(text);
  const wrap = (version: NpyVersion): Uint8Array | null => {
    const fieldBytes = version === 1 ? 2 : 4;
    const hlen = body.length + 1;
    const padlen = NPY_ALIGNMENT - ((8 + fieldBytes + hlen) % NPY_ALIGNMENT);
    const headerLength = hlen + padlen;
    if (version === 1 && headerLength > 0xffff) return null;
    if (headerLength > 0xffffffff) return null;
    const out = new Uint8Array(8 + fieldBytes + headerLength);
    out.set(NPY_MAGIC);
    out[6] = version;
    out[7] = 0;
    out[8] = headerLength & 0xff;
    out[9] = (headerLength >>> 8) & 0xff;
    if (fieldBytes === 4) {
      out[10] = (headerLength >>> 16) & 0xff;
      out[11] = (headerLength >>> 24) & 0xff;
    }
    const start = 8 + fieldBytes;
    out.set(body, start);
    out.fill(0x20, start + body.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  };
  if (forced !== undefined) {
    if (forced !== 3 && !latin1) {
      throw new ArgumentError(
        "npy-version-too-old",
        `npy version ${forced}.0 cannot hold this header: its field names are not latin-1 (use version 3)`,
      );
    }
    const out = wrap(forced);
    if (out === null) {
      throw new ArgumentError(
        "npy-version-too-old",
        `npy version ${forced}.0 cannot hold a header of ${body.length} bytes (use version 2)`,
      );
    }
    return out;
  }
  if (!latin1) return wrap(3)!;
  return wrap(1) ?? wrap(2)!;
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function describeByte(b: number): string {
  return b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16)}`;
}

function hexBytes(bytes: Uint8Array): string {
  return `"${[...bytes].map((b) => "\\x" + b.toString(16).padStart(2, "0")).join("")}"`;
}
