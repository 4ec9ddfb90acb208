/**
 * Files in and out: detecting an input's format (magic bytes first, then the
 * file extension, or `--from`), reading its content through its plugin, and
 * writing content atomically through the plugin of `--to` or the output's
 * extension.
 *
 * @module
 */

import {
  type ByteSource,
  type Content,
  type FormatPlugin,
  NotDetectedError,
  type PluginOptions,
  type Registry,
} from "@ndio/core";
import { createAtomicFileSink, openFileSource } from "@ndio/core/fs";
import type { Context } from "./_context.ts";
import { UsageError, withContext } from "./_errors.ts";
import { readOptions } from "./_plugin_options.ts";
import { Progress, sinkWithProgress, sourceWithProgress } from "./_progress.ts";

/** How many leading bytes plugins get to sniff. */
const HEAD_BYTES = 4096;

/** A sniff score at or above which magic bytes outrank the file extension. */
const MAGIC_SCORE = 0.75;

/** An opened input file and the plugin that reads it. */
export interface InputFile extends Disposable {
  /** The path as given. */
  readonly path: string;
  /** The plugin of its format. */
  readonly plugin: FormatPlugin;
  /**
   * Its bytes, for plugins: a plain source without `close`, so that no
   * plugin closes the file under the command (the command closes it).
   */
  readonly source: ByteSource;
  /** Its first bytes. */
  readonly head: Uint8Array;
}

function canRead(plugin: FormatPlugin): boolean {
  return plugin.read !== undefined || plugin.decode !== undefined;
}

function canWrite(plugin: FormatPlugin): boolean {
  return plugin.write !== undefined || plugin.encode !== undefined;
}

/** The plugin with id `id`, or a usage error listing the loaded ids. */
export function pluginById(registry: Registry, id: string, option: string): FormatPlugin {
  const plugin = registry.get(id.toLowerCase());
  if (plugin === undefined) {
    throw new UsageError(
      `option "${option}" names no loaded format: "${id}" (loaded: ${
        registry.plugins.map((p) => `"${p.id}"`).join(", ") || "none"
      })`,
    );
  }
  return plugin;
}

/**
 * The plugin to read an input: one whose sniff is sure of the magic bytes;
 * else one claiming the file's extension; else the best sniff at all.
 */
export function detectInput(registry: Registry, head: Uint8Array, fileName: string): FormatPlugin {
  const ranked = registry.rank(head, { fileName }).filter((c) => canRead(c.plugin));
  const best = ranked[0];
  if (best !== undefined && best.score >= MAGIC_SCORE) return best.plugin;
  const byExtension = registry.forFileName(fileName).find(canRead);
  if (byExtension !== undefined) return byExtension;
  if (best !== undefined) return best.plugin;
  throw new NotDetectedError(registry.plugins.filter(canRead).map((p) => p.id));
}

/** Opens `path` and picks the plugin that reads it (`from` forces one by id). */
export function openInput(ctx: Context, path: string, from?: string): Promise<InputFile> {
  const forced = from === undefined ? undefined : pluginById(ctx.registry, from, "--from");
  if (forced !== undefined && !canRead(forced)) {
    throw new UsageError(`the "${forced.id}" format cannot be read`);
  }
  return withContext(`cannot read "${path}"`, async () => {
    const source = openFileSource(path);
    try {
      const head = await source.read(0, Math.min(HEAD_BYTES, source.byteLength));
      const plugin = forced ?? detectInput(ctx.registry, head, path);
      const view: ByteSource = {
        byteLength: source.byteLength,
        read: (offset, length) => source.read(offset, length),
      };
      return { path, plugin, source: view, head, [Symbol.dispose]: () => source.close() };
    } catch (error) {
      source.close();
      throw error;
    }
  });
}

/** Reads the whole content of an input through its plugin. */
export function readInput(
  input: InputFile,
  options: PluginOptions,
  progress?: Progress,
): Promise<Content> {
  return withContext(`cannot read "${input.path}"`, async () => {
    const { plugin } = input;
    progress?.phase(`reading ${input.path}`, input.source.byteLength);
    const source = progress === undefined
      ? input.source
      : sourceWithProgress(input.source, progress);
    if (plugin.read !== undefined) return await plugin.read(source, options);
    const bytes = await source.read(0, source.byteLength);
    return plugin.decode!(bytes, options);
  });
}

/** The plugin that writes `path`: `to` by id, else the one claiming its extension. */
export function outputPlugin(registry: Registry, path: string, to?: string): FormatPlugin {
  if (to !== undefined) {
    const plugin = pluginById(registry, to, "--to");
    if (!canWrite(plugin)) throw new UsageError(`the "${plugin.id}" format cannot be written`);
    return plugin;
  }
  const claimed = registry.forFileName(path);
  const plugin = claimed.find(canWrite);
  if (plugin === undefined) {
    throw new UsageError(
      claimed.length > 0
        ? `the "${claimed[0]!.id}" format of "${path}" cannot be written`
        : `cannot tell the format of "${path}" from its extension; name one with --to (${
          registry.plugins.filter(canWrite).map((p) => p.id).join(", ") ||
          "but no loaded format can be written"
        })`,
    );
  }
  return plugin;
}

/**
 * Writes content through `plugin` to `path` atomically: a temporary file in
 * the same directory renamed over `path` only once complete, removed on any
 * failure. Resolves to the bytes written.
 */
export function writeOutput(
  path: string,
  plugin: FormatPlugin,
  content: Content,
  options: PluginOptions,
  settings?: { readonly progress?: Progress; readonly fsync?: boolean },
): Promise<number> {
  return withContext(`cannot write "${path}"`, async () => {
    const sink = createAtomicFileSink(path, { fsync: settings?.fsync ?? true });
    try {
      const progress = settings?.progress;
      progress?.phase(`writing ${path}`, expectedBytes(plugin, content));
      const out = progress === undefined ? sink : sinkWithProgress(sink, progress);
      if (plugin.write !== undefined) {
        await plugin.write(content, out, options);
      } else {
        await out.write(plugin.encode!(content, options));
      }
      const written = sink.position;
      await sink.commit();
      return written;
    } finally {
      await sink.abort();
    }
  });
}

/**
 * The bytes a write will take, when the format makes it predictable (an
 * .npy is its array's bytes and a small header); else 0, and the bar counts
 * bytes written without a total (text, compressed archives, plugins).
 */
function expectedBytes(plugin: FormatPlugin, content: Content): number {
  return plugin.id === "npy" && content.kind === "array" ? content.array.nbytes : 0;
}

/** Opens, detects and reads a whole file. */
export async function loadFile(
  ctx: Context,
  path: string,
  values: Readonly<Record<string, string | boolean | string[] | undefined>>,
): Promise<Content> {
  using input = await openInput(ctx, path, values.from as string | undefined);
  const progress = new Progress(ctx.output, "reading", 0);
  try {
    return await readInput(input, readOptions(ctx, input.plugin, path, values), progress);
  } finally {
    progress.finish();
  }
}
