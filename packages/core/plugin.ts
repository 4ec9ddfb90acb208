/**
 * The format-plugin interface: what every format package (and any
 * third-party format) provides so that the registry and the CLI can detect,
 * read and write it.
 *
 * @module
 */

import type { ByteSink, ByteSource } from "./byte_source.ts";
import type { DType } from "./dtype.ts";
import type { IndexItem } from "./index_expr.ts";
import type { NDArray } from "./ndarray.ts";
import type { PyValue } from "./value.ts";

/**
 * What a format holds: one array (`.npy`), named arrays (`.npz`), or a
 * Python value tree (pickles).
 */
export type ContentKind = "array" | "arrays" | "value";

/** One array. */
export interface ArrayContent {
  /** Marks the content kind. */
  readonly kind: "array";
  /** The array. */
  readonly array: NDArray;
}

/** Named arrays, in order. */
export interface ArraysContent {
  /** Marks the content kind. */
  readonly kind: "arrays";
  /** The arrays by name. */
  readonly arrays: ReadonlyMap<string, NDArray>;
}

/** A Python value tree. */
export interface ValueContent {
  /** Marks the content kind. */
  readonly kind: "value";
  /** The value. */
  readonly value: PyValue;
}

/** What a plugin reads or writes. */
export type Content = ArrayContent | ArraysContent | ValueContent;

/** What a plugin may use, besides the bytes, to decide whether input is its own. */
export interface SniffHint {
  /** The file name or URL path, if known. */
  readonly fileName?: string;
  /** The media type, if known. */
  readonly mediaType?: string;
}

/** An array's description from its header alone. */
export interface ArrayInfo {
  /** Its name in a container, or null for single-array formats. */
  readonly name: string | null;
  /** Its dtype. */
  readonly dtype: DType;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Whether the data is stored in Fortran order. */
  readonly fortranOrder: boolean;
}

/**
 * Options passed through to a plugin. Each plugin documents the options it
 * reads and rejects values of the wrong type with an `ArgumentError`.
 */
export interface PluginOptions {
  /** Any option of the plugin. */
  readonly [option: string]: unknown;
}

/**
 * A format plugin: a plain value. Reading needs `decode` (and `read` for
 * large inputs); writing needs `encode` (and `write` for streaming).
 *
 * @example A toy plugin
 * ```ts
 * import { array, createRegistry, type FormatPlugin } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytesPlugin: FormatPlugin = {
 *   id: "raw-u8",
 *   label: "Raw bytes",
 *   extensions: [".u8"],
 *   mediaTypes: [],
 *   content: "array",
 *   sniff: (head) => (head[0] === 0xfe ? 1 : 0),
 *   decode: (bytes) => ({ kind: "array", array: array(bytes.slice(1)) }),
 *   read: async (source) => ({ kind: "array", array: array((await source.read(0, source.byteLength)).slice(1)) }),
 * };
 * const registry = createRegistry([bytesPlugin]);
 * assert.equal(registry.detect(new Uint8Array([0xfe, 1, 2])).id, "raw-u8");
 * ```
 */
export interface FormatPlugin {
  /** A short unique id, lowercase (`npy`, `npz`, `text`, `pickle`). */
  readonly id: string;
  /** A human-readable name. */
  readonly label: string;
  /** File extensions with the dot, lowercase (`.npy`). */
  readonly extensions: readonly string[];
  /** Media types, if any. */
  readonly mediaTypes: readonly string[];
  /** What the format holds. */
  readonly content: ContentKind;
  /**
   * How sure the plugin is that `head` (the first bytes of the input, at
   * least 512 when the input is that long) is its format: 0 (not mine) to 1
   * (certain, e.g. a magic string). Pure; never throws.
   */
  sniff(head: Uint8Array, hint?: SniffHint): number;
  /** Decodes a whole input in memory. */
  decode?(bytes: Uint8Array, options?: PluginOptions): Content;
  /** Reads from a random-access source, touching only the bytes needed. */
  read?(source: ByteSource, options?: PluginOptions): Promise<Content>;
  /** Encodes content to bytes. */
  encode?(content: Content, options?: PluginOptions): Uint8Array;
  /** Writes content to a sink in pieces. */
  write?(content: Content, sink: ByteSink, options?: PluginOptions): Promise<void>;
  /** Describes the arrays from headers alone, without reading the data. */
  inspect?(source: ByteSource, options?: PluginOptions): Promise<ArrayInfo[]>;
  /** Reads only the selected part of an array (named by `options.name` in containers). */
  readIndex?(
    source: ByteSource,
    index: readonly IndexItem[],
    options?: PluginOptions,
  ): Promise<NDArray>;
}

/**
 * Pickle encoding and decoding, passed by the caller to formats that embed
 * pickles (object arrays in `.npy` and `.npz`), so those formats need not
 * depend on a pickle package. `@ndio/pickle` provides one.
 *
 * @example A codec that refuses everything
 * ```ts
 * import { ForbiddenError, type PickleCodec } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const refuse: PickleCodec = {
 *   loads: () => {
 *     throw new ForbiddenError("pickle-refused", "pickles are not accepted here");
 *   },
 *   dumps: () => {
 *     throw new ForbiddenError("pickle-refused", "pickles are not accepted here");
 *   },
 * };
 * assert.throws(() => refuse.loads(new Uint8Array()), ForbiddenError);
 * ```
 */
export interface PickleCodec {
  /** Decodes a pickle into the Python value tree, safely. */
  loads(bytes: Uint8Array, options?: PluginOptions): PyValue;
  /** Encodes a value tree as a pickle. */
  dumps(value: PyValue, options?: PluginOptions): Uint8Array;
  /**
   * Optional: decodes the pickle at the start of `bytes`, which may be
   * followed by other data, and says how many bytes it took (up to and
   * including its STOP opcode). Lets `.npy` streams hold object arrays
   * before other arrays.
   */
  loadsPrefix?(bytes: Uint8Array, options?: PluginOptions): PicklePrefix;
}

/** What {@linkcode PickleCodec.loadsPrefix} returns. */
export interface PicklePrefix {
  /** The decoded value. */
  readonly value: PyValue;
  /** The length of the pickle in bytes, its STOP opcode included. */
  readonly length: number;
}
