/**
 * A progress bar on stderr, drawn only when stderr is a terminal, only when
 * not `--quiet`, and only once the work has taken longer than about a
 * second — short commands print nothing extra.
 *
 * @module
 */

import type { ByteSink, ByteSource, SeekableByteSink } from "@ndio/core";
import type { Output, TextOut } from "./_output.ts";

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** The clock, in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
  /** Nothing is drawn before this many milliseconds (default 1000). */
  readonly delay?: number;
  /** Minimum milliseconds between redraws (default 100). */
  readonly interval?: number;
  /** Bar width in characters (default 30). */
  readonly width?: number;
}

/** Progress of work measured in units (bytes, steps) against a total; without a total, bytes. */
export class Progress {
  #err: TextOut | null;
  #label: string;
  #total: number;
  #done = 0;
  #now: () => number;
  #start: number;
  #delay: number;
  #interval: number;
  #width: number;
  #lastDraw = -Infinity;
  #drawn = false;

  /**
   * Starts tracking; draws nothing yet.
   *
   * @param output The run's output (the bar goes to its stderr).
   * @param label What is being done.
   * @param total Units of work in all (0 when unknown).
   * @param options Clock, delay, redraw interval, width.
   */
  constructor(output: Output, label: string, total: number, options?: ProgressOptions) {
    this.#err = !output.quiet && output.err.isTerminal ? output.err : null;
    this.#label = label;
    this.#total = total;
    this.#now = options?.now ?? (() => performance.now());
    this.#start = this.#now();
    this.#delay = options?.delay ?? 1000;
    this.#interval = options?.interval ?? 100;
    this.#width = options?.width ?? 30;
  }

  /** Whether a bar can ever be drawn. */
  get enabled(): boolean {
    return this.#err !== null;
  }

  /** Units done so far. */
  get done(): number {
    return this.#done;
  }

  /** Starts a new phase: a new label and total, with the count reset. */
  phase(label: string, total: number): void {
    this.#label = label;
    this.#total = total;
    this.#done = 0;
    this.#tick(true);
  }

  /** Adds `units` to the work done. */
  advance(units: number): void {
    this.#done += units;
    this.#tick(false);
  }

  /** Clears the bar, if one was drawn. */
  finish(): void {
    if (this.#drawn && this.#err !== null) this.#err.write("\r\x1b[2K");
    this.#drawn = false;
  }

  #tick(force: boolean): void {
    if (this.#err === null) return;
    const now = this.#now();
    if (now - this.#start < this.#delay) return;
    if (!force && now - this.#lastDraw < this.#interval) return;
    this.#lastDraw = now;
    this.#drawn = true;
    this.#err.write(`\r\x1b[2K${this.render()}`);
  }

  /** The bar as text: `label [#######.......]  45%`, or `label ... 52.4 MB` without a total. */
  render(): string {
    if (this.#total <= 0) {
      return this.#done > 0
        ? `${this.#label} ... ${(this.#done / 1e6).toFixed(1)} MB`
        : `${this.#label} ...`;
    }
    const fraction = Math.min(1, this.#done / this.#total);
    const full = Math.round(fraction * this.#width);
    const bar = "#".repeat(full) + ".".repeat(this.#width - full);
    return `${this.#label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
  }
}

/** A byte source that reports the bytes read to `progress`. */
export function sourceWithProgress(source: ByteSource, progress: Progress): ByteSource {
  if (!progress.enabled) return source;
  return {
    byteLength: source.byteLength,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const bytes = await source.read(offset, length);
      progress.advance(bytes.length);
      return bytes;
    },
  };
}

/** A sink that reports the bytes written to `progress`, keeping `writeAt` and `position`. */
export function sinkWithProgress<S extends ByteSink>(sink: S, progress: Progress): ByteSink {
  if (!progress.enabled) return sink;
  const seekable = sink as unknown as Partial<SeekableByteSink>;
  const wrapped: ByteSink = {
    async write(chunk: Uint8Array): Promise<void> {
      await sink.write(chunk);
      progress.advance(chunk.length);
    },
  };
  if (typeof seekable.writeAt === "function") {
    return Object.defineProperties(wrapped, {
      position: { get: () => seekable.position },
      writeAt: { value: (offset: number, chunk: Uint8Array) => seekable.writeAt!(offset, chunk) },
    });
  }
  return wrapped;
}
