/**
 * What every command receives: the output streams and settings, and the
 * registry of loaded plugins.
 *
 * @module
 */

import type { PickleCodec, Registry } from "@ndio/core";
import type { Output } from "./_output.ts";

/** The state of one run of the command. */
export interface Context {
  /** Where results and messages go. */
  readonly output: Output;
  /** Every loaded plugin. */
  readonly registry: Registry;
  /** Where each plugin came from (`built-in` or its `--plugin` value), by id. */
  readonly origins: ReadonlyMap<string, string>;
  /** The safe pickle codec for object arrays in .npy and .npz, when @ndio/pickle is built in. */
  readonly pickle: PickleCodec | undefined;
  /** Print stack traces. */
  readonly debug: boolean;
}

/** Writes a message to stderr unless `--quiet`. */
export function note(ctx: Context, text: string): void {
  if (!ctx.output.quiet) ctx.output.err.write(text.endsWith("\n") ? text : text + "\n");
}
