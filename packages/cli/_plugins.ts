/**
 * Loading third-party plugins given with `--plugin`: a file path or a module
 * specifier whose default export is a plugin or a list of plugins, checked by
 * `createRegistry` like the built-in ones.
 *
 * @module
 */

import { createRegistry, type FormatPlugin, type Registry } from "@ndio/core";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describeError, UsageError } from "./_errors.ts";

/** A registry and the origin of each plugin in it. */
export interface LoadedRegistry {
  /** The registry of every plugin. */
  readonly registry: Registry;
  /** Where each plugin came from, by id. */
  readonly origins: ReadonlyMap<string, string>;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]+:/i;

function moduleSpecifier(specifier: string): string {
  if (URL_LIKE.test(specifier)) return specifier;
  const path = isAbsolute(specifier) ? specifier : resolve(Deno.cwd(), specifier);
  let isFile = false;
  try {
    isFile = Deno.statSync(path).isFile;
  } catch {
    // Not a file: perhaps a bare specifier of the import map.
  }
  if (isFile) return pathToFileURL(path).href;
  if (specifier.startsWith(".") || specifier.startsWith("/") || /\.[cm]?[jt]sx?$/.test(specifier)) {
    throw new Error("no such file");
  }
  return specifier;
}

async function importPlugins(specifier: string): Promise<FormatPlugin[]> {
  const url = moduleSpecifier(specifier);
  const module = await import(url) as { default?: unknown };
  if (!("default" in module) || module.default === undefined) {
    throw new Error("the module has no default export (a plugin or a list of plugins)");
  }
  const value = module.default;
  const plugins = (Array.isArray(value) ? value : [value]) as FormatPlugin[];
  // Validates each plugin, naming problems before they mix with others.
  createRegistry(plugins);
  return plugins;
}

/**
 * Loads the `--plugin` modules and builds the registry of the built-in
 * plugins followed by the loaded ones.
 */
export async function loadRegistry(
  builtins: readonly FormatPlugin[],
  specifiers: readonly string[],
): Promise<LoadedRegistry> {
  let registry = createRegistry(builtins);
  const origins = new Map<string, string>(builtins.map((p) => [p.id, "built-in"]));
  for (const specifier of specifiers) {
    try {
      const plugins = await importPlugins(specifier);
      registry = registry.with(plugins);
      for (const plugin of plugins) origins.set(plugin.id, specifier);
    } catch (error) {
      // A plugin that cannot be used is a mistake in the command line.
      throw new UsageError(
        `cannot load plugin "${specifier}": ${describeError(error)}`,
        undefined,
        error,
      );
    }
  }
  return { registry, origins };
}
