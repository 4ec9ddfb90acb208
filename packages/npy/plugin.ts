/**
 * The `.npy` format plugin for ndio's registry and CLI.
 *
 * @module
 */

import {
  ArgumentError,
  type ArrayInfo,
  type ByteSink,
  type ByteSource,
  type Content,
  convertContent,
  type FormatPlugin,
  type IndexItem,
  type NDArray,
  type PluginOptions,
} from "@ndio/core";
import { NPY_MAGIC, type NpyVersion } from "./header.ts";
import { decodeNpy, type DecodeNpyOptions } from "./decode.ts";
import { encodeNpy, writeNpy, type WriteNpyOptions } from "./encode.ts";
import { readNpy, readNpyHeader, readNpyIndex, type ReadNpyIndexOptions } from "./read.ts";
import { checkBoolean, checkCodec } from "./_options.ts";

function readOptions(options: PluginOptions | undefined): DecodeNpyOptions & ReadNpyIndexOptions {
  const o = options ?? {};
  const out: Record<string, unknown> = {};
  if (o.maxHeaderSize !== undefined) out.maxHeaderSize = o.maxHeaderSize;
  if (o.maxGap !== undefined) out.maxGap = o.maxGap;
  const allowPickle = checkBoolean("allowPickle", o.allowPickle);
  if (allowPickle !== undefined) out.allowPickle = allowPickle;
  const copy = checkBoolean("copy", o.copy);
  if (copy !== undefined) out.copy = copy;
  const pickle = checkCodec(o.pickle);
  if (pickle !== undefined) out.pickle = pickle;
  if (o.pickleOptions !== undefined) out.pickleOptions = o.pickleOptions;
  return out as DecodeNpyOptions & ReadNpyIndexOptions;
}

function writeOptions(options: PluginOptions | undefined): WriteNpyOptions {
  const o = options ?? {};
  const out: Record<string, unknown> = {};
  if (o.version !== undefined) out.version = o.version as NpyVersion;
  if (o.chunkBytes !== undefined) out.chunkBytes = o.chunkBytes;
  const allowPickle = checkBoolean("allowPickle", o.allowPickle);
  if (allowPickle !== undefined) out.allowPickle = allowPickle;
  const pickle = checkCodec(o.pickle);
  if (pickle !== undefined) out.pickle = pickle;
  if (o.pickleOptions !== undefined) out.pickleOptions = o.pickleOptions;
  return out as WriteNpyOptions;
}

function arrayOf(content: Content, options: PluginOptions | undefined): NDArray {
  const name = options?.name;
  if (name !== undefined && typeof name !== "string") {
    throw new ArgumentError("option-invalid", `name must be a string, not ${String(name)}`);
  }
  const converted = convertContent(content, "array", name === undefined ? {} : { name });
  return (converted as { array: NDArray }).array;
}

/**
 * The `.npy` plugin: detects files by the `\x93NUMPY` magic string; reads
 * whole arrays, headers alone and NumPy index selections; writes byte for
 * byte as `np.save`.
 *
 * Options (all optional): reading — `maxHeaderSize`, `allowPickle`,
 * `pickle` (a `PickleCodec`), `pickleOptions`, `copy`, `maxGap`; writing —
 * `version` (1, 2 or 3), `chunkBytes`, `allowPickle`, `pickle`, `name`
 * (which array to write when the content holds several).
 *
 * @example
 * ```ts
 * import { npyPlugin } from "@ndio/npy";
 * import { arange, createRegistry } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = npyPlugin.encode!({ kind: "array", array: arange(3, { dtype: "<i8" }) });
 * const registry = createRegistry([npyPlugin]);
 * assert.equal(registry.detect(bytes).id, "npy");
 * const content = npyPlugin.decode!(bytes);
 * assert.equal(content.kind === "array" && content.array.get(2), 2n);
 * ```
 */
export const npyPlugin: FormatPlugin = {
  id: "npy",
  label: "NumPy array (.npy)",
  extensions: [".npy"],
  mediaTypes: [],
  content: "array",
  sniff(head: Uint8Array): number {
    if (head.length < NPY_MAGIC.length) return 0;
    for (let i = 0; i < NPY_MAGIC.length; i++) if (head[i] !== NPY_MAGIC[i]) return 0;
    return 1;
  },
  decode(bytes: Uint8Array, options?: PluginOptions): Content {
    return { kind: "array", array: decodeNpy(bytes, readOptions(options)) };
  },
  async read(source: ByteSource, options?: PluginOptions): Promise<Content> {
    return { kind: "array", array: await readNpy(source, readOptions(options)) };
  },
  encode(content: Content, options?: PluginOptions): Uint8Array {
    return encodeNpy(arrayOf(content, options), writeOptions(options));
  },
  write(content: Content, sink: ByteSink, options?: PluginOptions): Promise<void> {
    return writeNpy(arrayOf(content, options), sink, writeOptions(options));
  },
  async inspect(source: ByteSource, options?: PluginOptions): Promise<ArrayInfo[]> {
    const header = await readNpyHeader(source, readOptions(options));
    return [{
      name: null,
      dtype: header.dtype,
      shape: header.shape,
      fortranOrder: header.fortranOrder,
    }];
  },
  readIndex(
    source: ByteSource,
    index: readonly IndexItem[],
    options?: PluginOptions,
  ): Promise<NDArray> {
    return readNpyIndex(source, index, readOptions(options));
  },
};
