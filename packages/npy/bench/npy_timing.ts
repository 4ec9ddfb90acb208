/**
 * Timing of `.npy` save and load, ndio against NumPy, in the same run on the
 * same machine, both in-process: plain functions a benchmark command can
 * call, plus a command-line entry point that prints a Markdown table.
 *
 *   ./deno run -A --v8-flags=--expose-gc packages/npy/bench/npy_timing.ts [--big] [--repeats N]
 *
 * With `--expose-gc`, each loaded array is freed between repetitions
 * (untimed), as NumPy's `del b` frees it; the table also shows ndio without
 * huge pages and without that collection.
 *
 * `--big` adds the 800 MB float64 case; run it under
 * `flock /tmp/ndio-bigmem.lock` on shared machines. Not published.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { NDArray } from "@ndio/core";
import { load, save } from "../fs.ts";

/** One array to time: its file, made by NumPy so both sides use the same data. */
export interface NpyTimingCase {
  /** A label such as `"8 MB int64"`. */
  readonly label: string;
  /** A NumPy expression building the array (`np` in scope). */
  readonly numpy: string;
  /** Timed repetitions of each operation. */
  readonly repeats: number;
}

/** Milliseconds of each repetition and their median. */
export interface Timing {
  /** Every repetition, in milliseconds. */
  readonly runs: number[];
  /** The median, in milliseconds. */
  readonly median: number;
  /** The fastest repetition, in milliseconds. */
  readonly min: number;
}

/** Save and load timings of one side for one case. */
export interface SaveLoadTimings {
  /** Writing the array to a new file. */
  readonly save: Timing;
  /** Reading the file back into memory. */
  readonly load: Timing;
}

/** The cases the issue asks for. */
export const NPY_CASES: Readonly<Record<string, NpyTimingCase>> = {
  small: {
    label: "8 MB int64",
    numpy: "np.random.default_rng(0).integers(0, 2**62, size=1_000_000, dtype=np.int64)",
    repeats: 21,
  },
  big: {
    label: "800 MB float64",
    numpy: "np.random.default_rng(0).random(100_000_000)",
    repeats: 5,
  },
};

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timing(runs: number[]): Timing {
  return { runs, median: median(runs), min: Math.min(...runs) };
}

async function runPython(code: string, args: string[]): Promise<string> {
  const command = new Deno.Command("python3", {
    args: ["-c", code, ...args],
    stdout: "piped",
    stderr: "piped",
  });
  const { code: status, stdout, stderr } = await command.output();
  if (status !== 0) {
    throw new Error(`python3 failed (${status}): ${new TextDecoder().decode(stderr)}`);
  }
  return new TextDecoder().decode(stdout);
}

/** Writes the case's array with NumPy to `path` (the source both sides load). */
export async function makeSource(c: NpyTimingCase, path: string): Promise<void> {
  await runPython(`import sys, numpy as np\nnp.save(sys.argv[1], ${c.numpy})`, [path]);
}

const NUMPY_SCRIPT = `
import json, os, sys, time
import numpy as np
a = np.load(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    path = line.strip()
    t = time.perf_counter()
    np.save(path, a)
    saved = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    b = np.load(path)
    loaded = (time.perf_counter() - t) * 1000
    del b
    os.remove(path)
    print(json.dumps([saved, loaded]), flush=True)
`;

/**
 * A python3 process holding the source array, timing one `np.save` +
 * `np.load` + `del` round per request, so NumPy and ndio rounds can
 * alternate under the same machine conditions.
 */
export class NumpyNpyRunner {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(lineSplitter())[Symbol.asyncIterator]();
  }

  /** Starts python3 and loads `source`. */
  static async start(source: string): Promise<NumpyNpyRunner> {
    const child = new Deno.Command("python3", {
      args: ["-c", NUMPY_SCRIPT, source],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const runner = new NumpyNpyRunner(child);
    if ((await runner.#next()) !== "ready") throw new Error("python3 did not start");
    return runner;
  }

  async #next(): Promise<string> {
    const { value, done } = await this.#lines.next();
    if (done === true) throw new Error("python3 ended early");
    return value;
  }

  /** One round: save to `path` (then deleted), load, free; milliseconds of each. */
  async round(path: string): Promise<{ save: number; load: number }> {
    await this.#writer.write(new TextEncoder().encode(path + "\n"));
    const [save, load] = JSON.parse(await this.#next()) as [number, number];
    return { save, load };
  }

  /** Ends the process. */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#child.status;
  }
}

function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const part of parts) controller.enqueue(part);
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(rest);
    },
  });
}

/** Times `np.save` and `np.load` of the array in `source`, inside one python3 process. */
export async function timeNumpy(
  source: string,
  directory: string,
  repeats: number,
): Promise<SaveLoadTimings> {
  const runner = await NumpyNpyRunner.start(source);
  try {
    const saves: number[] = [];
    const loads: number[] = [];
    for (let i = -1; i < repeats; i++) {
      const r = await runner.round(`${directory}/numpy_${i}.npy`);
      if (i >= 0) {
        saves.push(r.save);
        loads.push(r.load);
      }
    }
    return { save: timing(saves), load: timing(loads) };
  } finally {
    await runner.close();
  }
}

/** Options of {@linkcode timeNdio}. */
export interface NdioTimingOptions {
  /** Passed to `load`: ask for transparent huge pages (default true). */
  readonly hugePages?: boolean;
  /**
   * Free the loaded array between repetitions, outside the timed part, as
   * NumPy's `del b` does (default true). Needs `--v8-flags=--expose-gc`;
   * without it this does nothing.
   */
  readonly collect?: boolean;
  /** Load into one buffer reused across repetitions (`load`'s `buffer` option). */
  readonly reuseBuffer?: boolean;
}

/** Whether `gc()` is available (Deno run with `--v8-flags=--expose-gc`). */
export function canCollect(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === "function";
}

// V8 frees large backing stores on a background thread after a collection;
// a short pause lets that finish, as NumPy's `del` frees at once.
async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Times ndio's `save` and `load` of the array in `source`, in this process. */
export async function timeNdio(
  source: string,
  directory: string,
  repeats: number,
  options?: NdioTimingOptions,
): Promise<SaveLoadTimings> {
  return (await timeNdioVariants(source, directory, repeats, [options ?? {}])).ndio[0]!;
}

/** One ndio round: save `array` to `path`, load it back, free it; milliseconds of each. */
export async function ndioRound(
  array: NDArray,
  path: string,
  variant: NdioTimingOptions = {},
  buffer?: Uint8Array,
): Promise<{ save: number; load: number }> {
  let t = performance.now();
  await save(path, array);
  const saved = performance.now() - t;
  t = performance.now();
  let back: NDArray | null = await load(path, {
    hugePages: variant.hugePages ?? true,
    ...(buffer === undefined ? {} : { buffer }),
  });
  const loaded = performance.now() - t;
  if (back.size !== array.size) throw new Error("the file read back differs");
  back = null;
  if (variant.collect ?? true) await collect();
  await Deno.remove(path);
  return { save: saved, load: loaded };
}

/**
 * Times several ways of running ndio's `save` and `load` (and NumPy's,
 * when a runner is given), interleaved round by round so that they share
 * the machine's conditions; the order rotates from round to round.
 */
export async function timeNdioVariants(
  source: string,
  directory: string,
  repeats: number,
  variants: readonly NdioTimingOptions[],
  numpy?: NumpyNpyRunner,
): Promise<{ ndio: SaveLoadTimings[]; numpy?: SaveLoadTimings }> {
  const array = await load(source);
  const sides = variants.length + (numpy === undefined ? 0 : 1);
  const runs = Array.from(
    { length: sides },
    () => ({ save: [] as number[], load: [] as number[] }),
  );
  const buffers = variants.map((v) =>
    v.reuseBuffer === true ? new Uint8Array(array.nbytes + 4096) : undefined
  );
  await collect();
  for (let i = -1; i < repeats; i++) { // round -1 warms up and is not recorded
    for (let j = 0; j < sides; j++) {
      const k = (j + i + 1) % sides;
      const path = `${directory}/round_${k}_${i}.npy`;
      const r = k === variants.length
        ? await numpy!.round(path)
        : await ndioRound(array, path, variants[k], buffers[k]);
      if (i >= 0) {
        runs[k]!.save.push(r.save);
        runs[k]!.load.push(r.load);
      }
    }
  }
  const timings = runs.map((r) => ({ save: timing(r.save), load: timing(r.load) }));
  return {
    ndio: timings.slice(0, variants.length),
    ...(numpy === undefined ? {} : { numpy: timings[variants.length]! }),
  };
}

/** One row of the comparison. */
export interface NpyComparison {
  /** The case. */
  readonly label: string;
  /** NumPy's timings. */
  readonly numpy: SaveLoadTimings;
  /** ndio's timings. */
  readonly ndio: SaveLoadTimings;
  /** ndio's timings without huge pages, for the explanation. */
  readonly ndioNoHugePages?: SaveLoadTimings;
  /** ndio's timings when loaded arrays are left to the garbage collector. */
  readonly ndioNoCollect?: SaveLoadTimings;
  /** ndio's timings loading into one reused buffer. */
  readonly ndioReusedBuffer?: SaveLoadTimings;
}

/**
 * Times NumPy and ndio on one case, their rounds alternating (one at a
 * time: the machine has two cores).
 */
export async function compareCase(
  c: NpyTimingCase,
  directory: string,
  options?: { readonly repeats?: number; readonly variants?: boolean },
): Promise<NpyComparison> {
  const source = `${directory}/source.npy`;
  await makeSource(c, source);
  try {
    const repeats = options?.repeats ?? c.repeats;
    const variants: NdioTimingOptions[] = options?.variants === true
      ? [{}, { hugePages: false }, { reuseBuffer: true }]
      : [{}];
    const runner = await NumpyNpyRunner.start(source);
    let result: { ndio: SaveLoadTimings[]; numpy?: SaveLoadTimings };
    try {
      result = await timeNdioVariants(source, directory, repeats, variants, runner);
    } finally {
      await runner.close();
    }
    const [ndio, ndioNoHugePages, ndioReusedBuffer] = result.ndio;
    if (options?.variants !== true) return { label: c.label, numpy: result.numpy!, ndio: ndio! };
    // Alone: the garbage it leaves would slow whichever side ran next.
    const ndioNoCollect = canCollect()
      ? await timeNdio(source, directory, repeats, { collect: false })
      : undefined;
    return {
      label: c.label,
      numpy: result.numpy!,
      ndio: ndio!,
      ndioNoHugePages: ndioNoHugePages!,
      ndioReusedBuffer: ndioReusedBuffer!,
      ...(ndioNoCollect === undefined ? {} : { ndioNoCollect }),
    };
  } finally {
    await Deno.remove(source);
  }
}

/**
 * The comparison as a Markdown table: medians and fastest runs, and their
 * ratios (NumPy time / ndio time: above 1 means ndio is faster).
 */
export function formatComparison(rows: readonly NpyComparison[]): string {
  const lines = [
    "| operation | NumPy median (ms) | ndio median (ms) | ratio | NumPy best | ndio best | ratio |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  const line = (label: string, np: Timing, nd: Timing) =>
    `| ${label} | ${np.median.toFixed(2)} | ${nd.median.toFixed(2)} | ${
      (np.median / nd.median).toFixed(2)
    } | ${np.min.toFixed(2)} | ${nd.min.toFixed(2)} | ${(np.min / nd.min).toFixed(2)} |`;
  for (const row of rows) {
    for (const op of ["save", "load"] as const) {
      lines.push(line(`${op} ${row.label}`, row.numpy[op], row.ndio[op]));
    }
    const variants: [string, SaveLoadTimings | undefined][] = [
      ["no huge pages", row.ndioNoHugePages],
      ["arrays left to the GC", row.ndioNoCollect],
      ["into a reused buffer", row.ndioReusedBuffer],
    ];
    for (const [what, timings] of variants) {
      if (timings !== undefined) {
        lines.push(line(`load ${row.label}, ndio ${what}`, row.numpy.load, timings.load));
      }
    }
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      big: { type: "boolean", default: false },
      repeats: { type: "string" },
      dir: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const directory = values.dir ?? await Deno.makeTempDir({ prefix: "ndio-npy-bench-" });
  const repeats = values.repeats === undefined ? undefined : Number(values.repeats);
  const rows: NpyComparison[] = [];
  try {
    for (const key of values.big ? ["small", "big"] : ["small"]) {
      rows.push(
        await compareCase(NPY_CASES[key]!, directory, {
          variants: true,
          ...(repeats === undefined ? {} : { repeats }),
        }),
      );
    }
  } finally {
    if (values.dir === undefined) await Deno.remove(directory, { recursive: true });
  }
  console.log(values.json ? JSON.stringify(rows, null, 1) : formatComparison(rows));
}
