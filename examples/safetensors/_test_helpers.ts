/**
 * Helpers shared by the plugin's tests (not published): NumPy's view of a
 * file through testdata/safetensors_numpy.py, and the raw bytes of arrays.
 *
 * @module
 */

import type { NDArray } from "@ndio/core";
import { pythonJson } from "../../testing/python.ts";

/** The directory of the fixtures. */
export const testdata: URL = new URL("./testdata/", import.meta.url);

/** What safetensors_numpy.py describe prints. */
export interface Described {
  readonly metadata: Record<string, string>;
  readonly order: string[];
  readonly tensors: Record<
    string,
    { code: string; dtype: string; shape: number[]; data: string }
  >;
}

/** NumPy's reading of a file, by the independent reader in testdata/. */
export function numpyDescribe(path: string): Promise<Described> {
  return numpyEval("json.dump(s.describe(sys.argv[2]), sys.stdout)", path);
}

/**
 * Runs Python `code` with `safetensors_numpy` imported as `s`, `json` and
 * `sys`, and `sys.argv[2]` = `path`; parses its output as JSON.
 */
export function numpyEval<T>(code: string, path: string): Promise<T> {
  return pythonJson<T>(
    `import sys, json; sys.path.insert(0, sys.argv[1]); import safetensors_numpy as s; ${code}`,
    { args: [new URL(".", testdata).pathname.replace(/\/$/, ""), path] },
  );
}

/** Reads a fixture. */
export function fixture(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, testdata));
}

/** The little-endian C-order bytes of an array. */
export function rawBytes(array: NDArray): Uint8Array {
  const le = array.dtype.byteOrder === ">" ? array.withByteOrder("<") : array;
  const out = new Uint8Array(le.nbytes);
  let at = 0;
  for (const chunk of le.chunks({ order: "C" })) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Bytes from base64. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
