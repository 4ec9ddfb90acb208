/**
 * The pickle format plugin for ndio's registry and CLI, and the pickle
 * codec that `.npy` and `.npz` readers use for object arrays.
 *
 * @module
 */

import {
  type ByteSource,
  type Content,
  convertContent,
  type FormatPlugin,
  type PickleCodec,
  type PicklePrefix,
  type PluginOptions,
  type PyValue,
  type SniffHint,
} from "@ndio/core";
import { loads, loadsPrefix } from "./loads.ts";
import { dumps, type DumpsOptions } from "./dumps.ts";
import type { LoadsOptions } from "./_options.ts";
import { opcodeName, PROTO } from "./_opcodes.ts";

const EXTENSIONS = [".pkl", ".pickle"];

function hasExtension(hint: SniffHint | undefined): boolean {
  const name = hint?.fileName?.toLowerCase();
  return name !== undefined && EXTENSIONS.some((e) => name.endsWith(e));
}

/**
 * The pickle plugin: detects pickles by their PROTO opcode (protocols 2 to
 * 5) or by the `.pkl` and `.pickle` extensions; reads them safely with
 * {@linkcode loads} and writes them with {@linkcode dumps}.
 *
 * Options (all optional): reading — `inert`, `buffers` and the limits of
 * {@linkcode LoadsOptions}; writing — `protocol` (2 to 5, default 4) and
 * `numpyNames`. Content of any kind is written as a Python value (named
 * arrays as a dict).
 *
 * @example
 * ```ts
 * import { picklePlugin } from "@ndio/pickle";
 * import { arange, createRegistry } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = picklePlugin.encode!({ kind: "array", array: arange(3) });
 * assert.equal(createRegistry([picklePlugin]).detect(bytes).id, "pickle");
 * const content = picklePlugin.decode!(bytes);
 * assert.equal(content.kind, "value");
 * ```
 */
export const picklePlugin: FormatPlugin = {
  id: "pickle",
  label: "Python pickle (.pkl)",
  extensions: EXTENSIONS,
  mediaTypes: ["application/x-python-pickle"],
  content: "value",
  sniff(head: Uint8Array, hint?: SniffHint): number {
    const extension = hasExtension(hint);
    if (head.length >= 3 && head[0] === PROTO && head[1]! >= 2 && head[1]! <= 5) {
      // The next byte must be an opcode too (protocols 4 and 5 start with FRAME).
      if (opcodeName(head[2]!).startsWith("0x")) return extension ? 0.3 : 0;
      return extension ? 1 : 0.8;
    }
    return extension ? 0.5 : 0;
  },
  decode(bytes: Uint8Array, options?: PluginOptions): Content {
    return { kind: "value", value: loads(bytes, options as LoadsOptions) };
  },
  async read(source: ByteSource, options?: PluginOptions): Promise<Content> {
    const bytes = await source.read(0, source.byteLength);
    return { kind: "value", value: loads(bytes, options as LoadsOptions) };
  },
  encode(content: Content, options?: PluginOptions): Uint8Array {
    const value = (convertContent(content, "value") as { value: PyValue }).value;
    return dumps(value, writeOptions(options));
  },
};

function writeOptions(options: PluginOptions | undefined): DumpsOptions {
  const out: Record<string, unknown> = {};
  if (options?.protocol !== undefined) out.protocol = options.protocol;
  if (options?.numpyNames !== undefined) out.numpyNames = options.numpyNames;
  return out as DumpsOptions;
}

/**
 * The pickle codec for formats that embed pickles: pass it as the `pickle`
 * option of `@ndio/npy` (with `allowPickle: true`) to read and write
 * object arrays. Reading is as safe as {@linkcode loads}.
 *
 * @example
 * ```ts
 * import { pickleCodec } from "@ndio/pickle";
 * import assert from "node:assert/strict";
 *
 * const bytes = pickleCodec.dumps(["a", 1]);
 * assert.deepEqual(pickleCodec.loads(bytes), ["a", 1]);
 * ```
 */
export const pickleCodec: PickleCodec = {
  loads(bytes: Uint8Array, options?: PluginOptions): PyValue {
    return loads(bytes, options as LoadsOptions);
  },
  dumps(value: PyValue, options?: PluginOptions): Uint8Array {
    return dumps(value, writeOptions(options));
  },
  loadsPrefix(bytes: Uint8Array, options?: PluginOptions): PicklePrefix {
    return loadsPrefix(bytes, options as LoadsOptions);
  },
};
