/**
 * The format plugins built into the `ndio` command.
 *
 * @module
 */

import type { FormatPlugin, PickleCodec } from "@ndio/core";
import { npyPlugin } from "@ndio/npy";
import { npzPlugin } from "@ndio/npz";
import { pickleCodec, picklePlugin } from "@ndio/pickle";
import { textPlugin } from "@ndio/text";

/**
 * The plugins built into the command, in order of preference.
 *
 * @example
 * ```ts
 * import { builtinPlugins } from "@ndio/cli";
 * import { createRegistry } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(createRegistry(builtinPlugins).plugins.length, builtinPlugins.length);
 * ```
 */
export const builtinPlugins: readonly FormatPlugin[] = Object.freeze([
  npyPlugin,
  npzPlugin,
  picklePlugin,
  textPlugin,
]);

/** The safe pickle codec for object arrays inside .npy and .npz files (`--allow-pickle`). */
export const builtinPickleCodec: PickleCodec | undefined = pickleCodec;
