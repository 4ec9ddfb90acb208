/**
 * The safetensors format plugin: a plain {@linkcode FormatPlugin} value,
 * built only from `@ndio/core`'s public interface.
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
  DType,
  type FormatPlugin,
  type IndexItem,
  type NDArray,
  type PluginOptions,
} from "@ndio/core";
import {
  type DecodeOptions,
  decodeSafetensors,
  numpyDescrOf,
  readSafetensors,
  readSafetensorsHeader,
  readSafetensorsIndex,
} from "./decode.ts";
import { type EncodeOptions, encodeSafetensors, writeSafetensors } from "./encode.ts";
import { parseJson } from "./_json.ts";

/** Plausible header lengths for sniffing: at least `{}`, at most 4 GiB. */
const MAX_SNIFF_LENGTH = 2 ** 32;

/**
 * How sure we are that `head` starts a safetensors file: a little-endian
 * length that fits, then `{` and a key or `}`; certain when the whole header
 * is in `head` and parses as a JSON object.
 */
function sniff(head: Uint8Array): number {
  if (head.length < 10 || head[8] !== 0x7b) return 0;
  const view = new DataView(head.buffer, head.byteOffset, 8);
  const length = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (length < 2 || length >= MAX_SNIFF_LENGTH) return 0;
  let i = 9;
  while (i < head.length && head[i] === 0x20) i++;
  if (i < head.length && head[i] !== 0x22 && head[i] !== 0x7d) return 0;
  if (8 + length <= head.length) {
    try {
      return parseJson(head.subarray(8, 8 + length), 8).kind === "object" ? 1 : 0;
    } catch {
      return 0;
    }
  }
  return 0.9;
}

function decodeOptions(options: PluginOptions | undefined): DecodeOptions {
  const out: Record<string, unknown> = {};
  for (const key of ["maxHeaderSize", "exoticFloats", "names"] as const) {
    if (options?.[key] !== undefined) out[key] = options[key];
  }
  return out as DecodeOptions;
}

function encodeOptions(options: PluginOptions | undefined): EncodeOptions {
  const out: Record<string, unknown> = {};
  for (const key of ["metadata", "bf16"] as const) {
    if (options?.[key] !== undefined) out[key] = options[key];
  }
  return out as EncodeOptions;
}

function arraysOf(content: Content): ReadonlyMap<string, NDArray> {
  const converted = convertContent(content, "arrays");
  if (converted.kind !== "arrays") {
    throw new ArgumentError("content-invalid", "safetensors holds named arrays");
  }
  return converted.arrays;
}

/**
 * The safetensors plugin. Reads every safetensors dtype NumPy can hold as
 * that dtype; BF16, F8_E4M3 and F8_E5M2 (which NumPy lacks) widen exactly to
 * float32, or stay raw bits with the option `exoticFloats: "bits"`. Writes
 * named arrays (one array becomes `arr_0`, as `np.savez`); the options
 * `metadata` and `bf16` reach {@linkcode encodeSafetensors}. The header's
 * `__metadata__` is not part of plugin content: use
 * {@linkcode decodeSafetensors} to read it.
 *
 * Options read: `maxHeaderSize`, `exoticFloats`, `names` (reading);
 * `metadata`, `bf16` (writing); `name` (`readIndex`: which tensor).
 *
 * @example Detecting and reading with a registry
 * ```ts
 * import { encodeSafetensors, safetensorsPlugin } from "@ndio-examples/safetensors";
 * import { arange, createRegistry } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSafetensors({ w: arange(4, { dtype: "<f4" }) });
 * const plugin = createRegistry([safetensorsPlugin]).detect(bytes.subarray(0, 512));
 * const content = plugin.decode!(bytes);
 * assert.equal(content.kind === "arrays" && content.arrays.get("w")?.dtype.str, "<f4");
 * ```
 */
export const safetensorsPlugin: FormatPlugin = Object.freeze({
  id: "safetensors",
  label: "Hugging Face safetensors",
  extensions: Object.freeze([".safetensors"]),
  mediaTypes: Object.freeze([]),
  content: "arrays",
  sniff,
  decode(bytes: Uint8Array, options?: PluginOptions): Content {
    return { kind: "arrays", arrays: decodeSafetensors(bytes, decodeOptions(options)).tensors };
  },
  async read(source: ByteSource, options?: PluginOptions): Promise<Content> {
    const file = await readSafetensors(source, decodeOptions(options));
    return { kind: "arrays", arrays: file.tensors };
  },
  encode(content: Content, options?: PluginOptions): Uint8Array {
    return encodeSafetensors(arraysOf(content), encodeOptions(options));
  },
  write(content: Content, sink: ByteSink, options?: PluginOptions): Promise<void> {
    return writeSafetensors(arraysOf(content), sink, encodeOptions(options));
  },
  async inspect(source: ByteSource, options?: PluginOptions): Promise<ArrayInfo[]> {
    const decode = decodeOptions(options);
    const header = await readSafetensorsHeader(source, decode);
    return header.tensors.map((t) => ({
      name: t.name,
      dtype: DType.parse(numpyDescrOf(t.dtype, decode.exoticFloats)),
      shape: t.shape,
      fortranOrder: false,
    }));
  },
  async readIndex(
    source: ByteSource,
    index: readonly IndexItem[],
    options?: PluginOptions,
  ): Promise<NDArray> {
    let name = options?.["name"];
    if (name === undefined) {
      const header = await readSafetensorsHeader(source, decodeOptions(options));
      if (header.tensors.length !== 1) {
        throw new ArgumentError(
          "content-needs-name",
          `the file holds ${header.tensors.length} tensors; choose one by name`,
        );
      }
      name = header.tensors[0]!.name;
    }
    if (typeof name !== "string") {
      throw new ArgumentError("option-invalid", "name must be a string");
    }
    return readSafetensorsIndex(source, name, index, decodeOptions(options));
  },
});
