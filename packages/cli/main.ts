/**
 * The `ndio` command-line entry point.
 *
 * @module
 */

import { createRegistry, type FormatPlugin } from "@ndio/core";

/** The plugins built into the command. */
export const builtinPlugins: readonly FormatPlugin[] = [];

/**
 * Runs the command with `args`; resolves to the exit code.
 *
 * @example
 * ```ts
 * import { main } from "@ndio/cli";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await main(["formats"]), 0);
 * ```
 *
 * @param args The command-line arguments.
 * @returns The exit code.
 */
export function main(args: readonly string[]): Promise<number> {
  const registry = createRegistry(builtinPlugins);
  const [command] = args;
  if (command === "formats") {
    for (const plugin of registry.plugins) {
      console.log(`${plugin.id}\t${plugin.extensions.join(" ")}\t${plugin.label}`);
    }
    return Promise.resolve(0);
  }
  console.error(
    `ndio: unknown command ${
      command === undefined ? "(none)" : `"${command}"`
    }; try "ndio formats"`,
  );
  return Promise.resolve(2);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
