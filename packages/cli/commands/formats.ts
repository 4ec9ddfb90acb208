/**
 * `ndio formats`: the loaded plugins.
 *
 * @module
 */

import type { Command } from "../_command.ts";
import { table } from "../_output.ts";

/** The `formats` command. */
export const formatsCommand: Command = {
  name: "formats",
  usage: "[options]",
  summary: "list the loaded format plugins",
  description: `
Lists every loaded format plugin, built-in or given with --plugin: its id (for
--from and --to), the file extensions it claims, what it holds (one array, named
arrays, or a Python value tree), whether it reads and writes, and its origin.`,
  options: {},
  positionals: [0, 0],
  run(ctx) {
    const rows = [["id", "extensions", "content", "read", "write", "label", "from"]];
    for (const plugin of ctx.registry.plugins) {
      rows.push([
        plugin.id,
        plugin.extensions.join(" ") || "-",
        plugin.content,
        plugin.read !== undefined || plugin.decode !== undefined ? "yes" : "no",
        plugin.write !== undefined || plugin.encode !== undefined ? "yes" : "no",
        plugin.label,
        ctx.origins.get(plugin.id) ?? "built-in",
      ]);
    }
    ctx.output.out.write(table(rows, { color: ctx.output.colorOut }));
    return Promise.resolve(0);
  },
};
