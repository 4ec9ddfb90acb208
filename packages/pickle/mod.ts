/**
 * @ndio/pickle: pickles of NumPy data, loaded safely. `loads` runs the
 * pickle machine of protocols 0 to 5 without ever executing code: globals
 * resolve only through an allowlist of NumPy and builtin data constructors.
 * `dumps` writes protocols 2 to 5 as CPython and NumPy do; `scan` audits a
 * pickle without loading it; `picklePlugin` and `pickleCodec` plug it into
 * ndio's registry and into `@ndio/npy` for object arrays.
 *
 * @example
 * ```ts
 * import { loads } from "@ndio/pickle";
 * import assert from "node:assert/strict";
 *
 * // pickle.dumps([1, 2], protocol=2)
 * const bytes = new Uint8Array([0x80, 2, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x2e]);
 * assert.deepEqual(loads(bytes), [1, 2]);
 * ```
 *
 * @module
 */

export * from "./loads.ts";
export type { LoadsOptions } from "./_options.ts";
export * from "./dumps.ts";
export * from "./scan.ts";
export * from "./plugin.ts";
