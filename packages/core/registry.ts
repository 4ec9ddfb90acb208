/**
 * The plugin registry: an immutable list of format plugins and detection of
 * the format of an input by magic bytes, then file extension.
 *
 * @module
 */

import { ArgumentError, NotDetectedError } from "./errors.ts";
import type { FormatPlugin, SniffHint } from "./plugin.ts";

/** A plugin and how sure it is that an input is its format. */
export interface Candidate {
  /** The plugin. */
  readonly plugin: FormatPlugin;
  /** Its sniff score, 0 to 1. */
  readonly score: number;
  /** Whether the file name's extension is one of the plugin's. */
  readonly extensionMatch: boolean;
}

/** An immutable set of format plugins. */
export interface Registry {
  /** The plugins, in the order given. */
  readonly plugins: readonly FormatPlugin[];
  /** The plugin with this id, if loaded. */
  get(id: string): FormatPlugin | undefined;
  /** The plugins claiming the extension of `fileName` (`"a.NPY"` → npy). */
  forFileName(fileName: string): FormatPlugin[];
  /** Every plugin that claims the input, best first: by score, then extension, then order. */
  rank(head: Uint8Array, hint?: SniffHint): Candidate[];
  /** The best plugin for the input; throws `NotDetectedError` when none claims it. */
  detect(head: Uint8Array, hint?: SniffHint): FormatPlugin;
  /** A new registry with more plugins after these. */
  with(plugins: readonly FormatPlugin[]): Registry;
}

const ID = /^[a-z0-9][a-z0-9._-]*$/;

function validate(plugin: unknown, position: number): FormatPlugin {
  const p = plugin as Partial<FormatPlugin> | null;
  const where = `plugin ${position + 1}`;
  if (p === null || typeof p !== "object") {
    throw new ArgumentError("plugin-invalid", `${where} is not an object`);
  }
  if (typeof p.id !== "string" || !ID.test(p.id)) {
    throw new ArgumentError(
      "plugin-invalid",
      `${where} needs an id of lowercase letters, digits, ".", "_" or "-", not ${
        JSON.stringify(p.id)
      }`,
    );
  }
  const name = `plugin "${p.id}"`;
  if (typeof p.label !== "string") {
    throw new ArgumentError("plugin-invalid", `${name} needs a label`);
  }
  if (
    !Array.isArray(p.extensions) ||
    !p.extensions.every((e) => typeof e === "string" && e.startsWith("."))
  ) {
    throw new ArgumentError("plugin-invalid", `${name} needs extensions such as ".npy"`);
  }
  if (!Array.isArray(p.mediaTypes) || !p.mediaTypes.every((e) => typeof e === "string")) {
    throw new ArgumentError("plugin-invalid", `${name} needs a list of media types`);
  }
  if (p.content !== "array" && p.content !== "arrays" && p.content !== "value") {
    throw new ArgumentError("plugin-invalid", `${name} needs content "array", "arrays" or "value"`);
  }
  if (typeof p.sniff !== "function") {
    throw new ArgumentError("plugin-invalid", `${name} needs a sniff function`);
  }
  for (const fn of ["decode", "read", "encode", "write", "inspect", "readIndex"] as const) {
    if (p[fn] !== undefined && typeof p[fn] !== "function") {
      throw new ArgumentError("plugin-invalid", `${name} has a ${fn} that is not a function`);
    }
  }
  if (
    p.decode === undefined && p.read === undefined && p.encode === undefined &&
    p.write === undefined
  ) {
    throw new ArgumentError("plugin-invalid", `${name} can neither read nor write`);
  }
  return p as FormatPlugin;
}

/** The last path segment of a file name or URL, lowercased. */
function baseName(fileName: string): string {
  return (fileName.replace(/[?#].*$/, "").split(/[\\/]/).pop() ?? "").toLowerCase();
}

/** Whether the file name ends with one of the plugin's extensions (".tar.gz" works too). */
function claimsName(plugin: FormatPlugin, base: string): boolean {
  return plugin.extensions.some((e) => {
    const ext = e.toLowerCase();
    return base.length > ext.length && base.endsWith(ext);
  });
}

function safeScore(plugin: FormatPlugin, head: Uint8Array, hint: SniffHint | undefined): number {
  try {
    const score = plugin.sniff(head, hint);
    return typeof score === "number" && score > 0 ? Math.min(score, 1) : 0;
  } catch {
    // sniff must not throw; a plugin that does simply does not claim the input.
    return 0;
  }
}

/**
 * Creates a registry. Plugins are validated; duplicate ids are an error.
 *
 * @example
 * ```ts
 * import { createRegistry } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const registry = createRegistry([]);
 * assert.equal(registry.plugins.length, 0);
 * ```
 *
 * @param plugins The plugins, in order of preference for ties.
 * @returns The registry.
 */
export function createRegistry(plugins: readonly FormatPlugin[]): Registry {
  if (!Array.isArray(plugins)) {
    throw new ArgumentError("plugin-invalid", "createRegistry takes a list of plugins");
  }
  const list = Object.freeze(plugins.map(validate));
  const byId = new Map<string, FormatPlugin>();
  for (const plugin of list) {
    if (byId.has(plugin.id)) {
      throw new ArgumentError("plugin-duplicate", `two plugins have the id "${plugin.id}"`);
    }
    byId.set(plugin.id, plugin);
  }
  const registry: Registry = {
    plugins: list,
    get: (id) => byId.get(id),
    forFileName(fileName) {
      const base = baseName(fileName);
      return list.filter((p) => claimsName(p, base));
    },
    rank(head, hint) {
      const base = hint?.fileName === undefined ? "" : baseName(hint.fileName);
      return list
        .map((plugin, order) => ({
          plugin,
          order,
          score: safeScore(plugin, head, hint),
          extensionMatch: base !== "" && claimsName(plugin, base),
        }))
        .filter((c) => c.score > 0)
        .sort((a, b) =>
          b.score - a.score || Number(b.extensionMatch) - Number(a.extensionMatch) ||
          a.order - b.order
        )
        .map(({ plugin, score, extensionMatch }) => ({ plugin, score, extensionMatch }));
    },
    detect(head, hint) {
      const best = registry.rank(head, hint)[0];
      if (best === undefined) {
        throw new NotDetectedError(
          list.map((p) => p.id),
          hint?.fileName === undefined ? {} : { key: hint.fileName },
        );
      }
      return best.plugin;
    },
    with: (more) => createRegistry([...list, ...more]),
  };
  return Object.freeze(registry);
}
