/**
 * The `.npz` format plugin for ndio's registry and CLI.
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
  NDArray,
  type PluginOptions,
  type SniffHint,
} from "@ndio/core";
import { decodeNpz } from "./decode.ts";
import { type LoadNpzOptions, NpzFile } from "./npz_file.ts";
import { encodeNpz, savez, type SavezOptions } from "./writer.ts";

const READ_OPTIONS = [
  "maxMembers",
  "maxMemberSize",
  "maxTotalSize",
  "maxHeaderSize",
  "maxGap",
  "allowPickle",
  "pickle",
  "pickleOptions",
  "copy",
] as const;
const WRITE_OPTIONS = ["compress", "level", "align", "allowPickle", "pickle", "pickleOptions"];

function pick<T>(options: PluginOptions | undefined, names: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (options?.[name] !== undefined) out[name] = options[name];
  }
  return out as T;
}

function arraysOf(content: Content): ReadonlyMap<string, NDArray> {
  return (convertContent(content, "arrays") as { arrays: ReadonlyMap<string, NDArray> }).arrays;
}

function arraysContent(members: Iterable<[string, NDArray | Uint8Array]>): Content {
  const arrays = new Map<string, NDArray>();
  for (const [name, value] of members) if (value instanceof NDArray) arrays.set(name, value);
  return { kind: "arrays", arrays };
}

function memberName(options: PluginOptions | undefined, npz: NpzFile): string {
  const name = options?.name;
  if (name === undefined) {
    if (npz.files.length === 1) return npz.names[0]!;
    throw new ArgumentError(
      "npz-name-needed",
      `the archive has ${npz.files.length} members: say which with the name option`,
    );
  }
  if (typeof name !== "string") {
    throw new ArgumentError("option-invalid", `name must be a string, not ${String(name)}`);
  }
  return name;
}

// try/finally rather than `using`: the published JavaScript keeps `using`
// as it is, and Node.js 20 cannot parse it.
async function withArchive<T>(
  source: ByteSource,
  options: PluginOptions | undefined,
  run: (npz: NpzFile) => Promise<T>,
): Promise<T> {
  const npz = await NpzFile.open(source, pick<LoadNpzOptions>(options, READ_OPTIONS));
  try {
    return await run(npz);
  } finally {
    npz.close();
  }
}

/**
 * The `.npz` plugin: detects zip archives (`PK\x03\x04`, or `PK\x05\x06`
 * for an empty one) named `.npz`; reads every array, headers alone, or a
 * NumPy index selection of one member; writes as `np.savez` (or
 * `np.savez_compressed` with `compress: true`). Members that are not
 * `.npy` files are left out of the content.
 *
 * Options (all optional): reading — `maxMembers`, `maxMemberSize`,
 * `maxTotalSize`, `maxHeaderSize`, `allowPickle`, `pickle` (a
 * `PickleCodec`), `pickleOptions`, `copy`, `name` (the member for
 * `readIndex`); writing — `compress`, `level`, `align`, `allowPickle`,
 * `pickle`.
 *
 * @example
 * ```ts
 * import { npzPlugin } from "@ndio/npz";
 * import { arange, createRegistry } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const arrays = new Map([["x", arange(3)]]);
 * const bytes = npzPlugin.encode!({ kind: "arrays", arrays }, { compress: true });
 * const registry = createRegistry([npzPlugin]);
 * assert.equal(registry.detect(bytes, { fileName: "a.npz" }).id, "npz");
 * const content = npzPlugin.decode!(bytes);
 * assert.equal(content.kind === "arrays" && content.arrays.get("x")!.get(2), 2n);
 * ```
 */
export const npzPlugin: FormatPlugin = {
  id: "npz",
  label: "NumPy archive (.npz)",
  extensions: [".npz"],
  mediaTypes: [],
  content: "arrays",
  sniff(head: Uint8Array, hint?: SniffHint): number {
    if (head.length < 4 || head[0] !== 0x50 || head[1] !== 0x4b) return 0;
    const local = head[2] === 3 && head[3] === 4;
    const empty = head[2] === 5 && head[3] === 6;
    if (!local && !empty) return 0;
    // Any zip starts so; the name or a .npy first member makes it an npz.
    if (hint?.fileName?.toLowerCase().endsWith(".npz")) return 1;
    if (local && head.length >= 30) {
      const nameLength = head[26]! | (head[27]! << 8);
      const name = new TextDecoder().decode(head.subarray(30, 30 + nameLength));
      if (name.endsWith(".npy")) return 0.9;
    }
    return 0.5;
  },
  decode(bytes: Uint8Array, options?: PluginOptions): Content {
    return arraysContent(decodeNpz(bytes, pick<LoadNpzOptions>(options, READ_OPTIONS)));
  },
  read(source: ByteSource, options?: PluginOptions): Promise<Content> {
    return withArchive(source, options, async (npz) => {
      const members: [string, NDArray | Uint8Array][] = [];
      for await (const entry of npz.entries()) members.push(entry);
      return arraysContent(members);
    });
  },
  encode(content: Content, options?: PluginOptions): Uint8Array {
    return encodeNpz(arraysOf(content), pick<SavezOptions>(options, WRITE_OPTIONS));
  },
  write(content: Content, sink: ByteSink, options?: PluginOptions): Promise<void> {
    return savez(sink, arraysOf(content), pick<SavezOptions>(options, WRITE_OPTIONS));
  },
  inspect(source: ByteSource, options?: PluginOptions): Promise<ArrayInfo[]> {
    return withArchive(source, options, (npz) => npz.inspect());
  },
  readIndex(
    source: ByteSource,
    index: readonly IndexItem[],
    options?: PluginOptions,
  ): Promise<NDArray> {
    return withArchive(source, options, (npz) => npz.index(memberName(options, npz), index));
  },
};
