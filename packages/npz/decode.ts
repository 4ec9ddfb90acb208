/**
 * Decoding a whole `.npz` held in memory, synchronously.
 *
 * @module
 */

import { ArgumentError, type NDArray } from "@ndio/core";
import { decodeNpy } from "@ndio/npy";
import { inflateSyncBounded } from "./_codec.ts";
import { crc32 } from "./_crc32.ts";
import { checkCrc, METHOD_STORED } from "./_zip.ts";
import {
  checkDuplicates,
  checkMember,
  checkTotal,
  driveSync,
  type LoadNpzOptions,
  locateMember,
  readDirectory,
  withMember,
} from "./npz_file.ts";

/**
 * Decodes every member of an `.npz` held in memory, synchronously: arrays
 * for `.npy` members (keyed by name without `.npy`, as `dict(np.load(f))`),
 * bytes for the others. Checks every CRC-32 and size. Stored arrays are
 * views of `bytes` unless `copy` is set. For large archives prefer
 * {@linkcode loadNpz}, which reads members only when asked.
 *
 * @example
 * ```ts
 * import { decodeNpz, encodeNpz } from "@ndio/npz";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const arrays = decodeNpz(encodeNpz({ a: arange(2), b: arange(3) }));
 * assert.deepEqual([...arrays.keys()], ["a", "b"]);
 * ```
 *
 * @param bytes The archive.
 * @param options Limits, pickle handling, copy.
 * @returns The members by name.
 */
export function decodeNpz(
  bytes: Uint8Array,
  options?: LoadNpzOptions,
): Map<string, NDArray | Uint8Array> {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArgumentError("npz-bad-input", "the archive must be a Uint8Array");
  }
  const directory = driveSync(readDirectory(bytes.length, options), bytes);
  checkDuplicates(directory.entries);
  checkTotal(directory.entries, options);
  const out = new Map<string, NDArray | Uint8Array>();
  for (const entry of directory.entries) {
    checkMember(entry, options);
    const { dataOffset, data } = driveSync(
      locateMember(entry, directory.shift, bytes.length, true),
      bytes,
    );
    const member = entry.method === METHOD_STORED
      ? data!
      : inflateSyncBounded(data!, entry.size, entry.name, dataOffset);
    checkCrc(entry, crc32(member), dataOffset);
    const npy = entry.name.endsWith(".npy");
    out.set(
      npy ? entry.name.slice(0, -4) : entry.name,
      npy ? withMember(entry, () => decodeNpy(member, options)) : member,
    );
  }
  return out;
}
