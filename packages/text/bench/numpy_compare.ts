/**
 * Times @ndio/text against NumPy on the same data in the same run, for
 * BENCHMARKS.md and the repo-wide NumPy comparison. Not published.
 *
 * Each case is a complete task on a warm file: np.savetxt(path, ...) against
 * savetxtBytes + Deno.writeFile, np.loadtxt(path, ...) against
 * Deno.readFile + loadtxt. The two sides alternate run by run (NumPy in a
 * persistent python3 process) and report medians of wall and CPU time: CPU
 * time stays comparable when other work loads the machine.
 *
 * Run: `./deno run --allow-all packages/text/bench/numpy_compare.ts [repeats]`
 *
 * @module
 */

import process from "node:process";
import { NDArray } from "@ndio/core";
import { loadtxt, savetxtBytes } from "../mod.ts";

/** One comparison: what runs on each side, and the target ratio. */
export interface TextBenchCase {
  /** A short name, also the data file's stem. */
  readonly name: string;
  /** What is timed. */
  readonly label: string;
  /** The speed ratio (NumPy time / ndio time) the issue asks for. */
  readonly target: number;
  /** Python statement timed on the NumPy side (`path`, `arr`, `np` in scope). */
  readonly numpy: string;
  /** The ndio side. */
  readonly ndio: (dir: string) => unknown;
}

/** A case's timings, in milliseconds (medians). */
export interface TextBenchResult {
  readonly name: string;
  readonly label: string;
  readonly target: number;
  readonly numpyMs: number;
  readonly ndioMs: number;
  /** NumPy time / ndio time. */
  readonly ratio: number;
}

const arrays = new Map<string, NDArray>();

function arrayOf(dir: string, stem: string, descr: string, shape: number[]): NDArray {
  const key = `${dir}/${stem}`;
  let a = arrays.get(key);
  if (a === undefined) {
    a = new NDArray(descr, shape, { data: Deno.readFileSync(`${dir}/${stem}.bin`) });
    arrays.set(key, a);
  }
  return a;
}

/** The cases: loadtxt of 1M and 10M tab-separated ints and 1M %.18e floats; savetxt of ints (%d) and floats (%.18e). */
export const TEXT_CASES: readonly TextBenchCase[] = [
  {
    name: "loadtxt_ints_1m",
    label: "loadtxt 1M tab-separated ints (100000×10)",
    target: 1.5,
    numpy: "np.loadtxt(path + '/ints_1m.tsv', delimiter='\\t', dtype=np.int64)",
    ndio: (dir) =>
      loadtxt(Deno.readFileSync(`${dir}/ints_1m.tsv`), { delimiter: "\t", dtype: "int64" }),
  },
  {
    name: "loadtxt_ints_10m",
    label: "loadtxt 10M tab-separated ints (1000000×10)",
    target: 1.5,
    numpy: "np.loadtxt(path + '/ints_10m.tsv', delimiter='\\t', dtype=np.int64)",
    ndio: (dir) =>
      loadtxt(Deno.readFileSync(`${dir}/ints_10m.tsv`), { delimiter: "\t", dtype: "int64" }),
  },
  {
    name: "loadtxt_floats_1m",
    label: "loadtxt 1M floats written with %.18e (100000×10)",
    target: 1.5,
    numpy: "np.loadtxt(path + '/floats_1m.txt')",
    ndio: (dir) => loadtxt(Deno.readFileSync(`${dir}/floats_1m.txt`), { dtype: "float64" }),
  },
  {
    name: "savetxt_ints_1m",
    label: "savetxt 1M int64 with %d, tab-separated",
    target: 10,
    numpy: "np.savetxt(path + '/out_np.txt', ints, fmt='%d', delimiter='\\t')",
    ndio: (dir) => {
      const a = arrayOf(dir, "ints_1m", "<i8", [100000, 10]);
      Deno.writeFileSync(`${dir}/out_ndio.txt`, savetxtBytes(a, { fmt: "%d", delimiter: "\t" }));
    },
  },
  {
    name: "savetxt_floats_1m",
    label: "savetxt 1M float64 with the default %.18e",
    target: 1,
    numpy: "np.savetxt(path + '/out_np.txt', floats)",
    ndio: (dir) => {
      const a = arrayOf(dir, "floats_1m", "<f8", [100000, 10]);
      Deno.writeFileSync(`${dir}/out_ndio.txt`, savetxtBytes(a));
    },
  },
];

const PREPARE = `
import numpy as np, sys
path = sys.argv[1]
rng = np.random.default_rng(0)
ints = rng.integers(1, 100, size=(100000, 10))
ints.astype('<i8').tofile(path + '/ints_1m.bin')
np.savetxt(path + '/ints_1m.tsv', ints, fmt='%d', delimiter='\\t')
big = rng.integers(1, 100, size=(1000000, 10))
np.savetxt(path + '/ints_10m.tsv', big, fmt='%d', delimiter='\\t')
floats = rng.standard_normal((100000, 10))
floats.astype('<f8').tofile(path + '/floats_1m.bin')
np.savetxt(path + '/floats_1m.txt', floats)
`;

// A persistent NumPy process: reads "name" lines, runs that case once,
// answers "wall_ms cpu_ms". Lets the two sides alternate run by run, so both
// see the same machine load.
const NUMPY_SERVER = `
import numpy as np, sys, time, json
path = sys.argv[1]
stmts = json.loads(sys.argv[2])
ints = np.fromfile(path + '/ints_1m.bin', dtype='<i8').reshape(100000, 10)
floats = np.fromfile(path + '/floats_1m.bin', dtype='<f8').reshape(100000, 10)
codes = {name: compile(stmt, name, 'exec') for name, stmt in stmts.items()}
print('ready', flush=True)
for line in sys.stdin:
    name = line.strip()
    if not name:
        break
    c = time.process_time(); t = time.perf_counter()
    exec(codes[name])
    wall = (time.perf_counter() - t) * 1000; cpu = (time.process_time() - c) * 1000
    print('%.3f %.3f' % (wall, cpu), flush=True)
`;

async function run(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command("python3", {
    args,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout);
}

/** Writes the data files (with NumPy) into `dir`. */
export async function prepareTextBench(dir: string): Promise<void> {
  await run(["-c", PREPARE, dir]);
}

/** Wall and CPU milliseconds of one run. */
export interface TextTiming {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** A NumPy process that runs the cases on request. */
export class NumpyTextRunner {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;

  private constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())
      [Symbol.asyncIterator]();
  }

  /** Starts python3 with the cases' statements, once `prepareTextBench(dir)` has run. */
  static async start(dir: string, cases: readonly TextBenchCase[]): Promise<NumpyTextRunner> {
    const stmts = Object.fromEntries(cases.map((c) => [c.name, c.numpy]));
    const child = new Deno.Command("python3", {
      args: ["-c", NUMPY_SERVER, dir, JSON.stringify(stmts)],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const runner = new NumpyTextRunner(child);
    await runner.#line();
    return runner;
  }

  async #line(): Promise<string> {
    const next = await this.#lines.next();
    if (next.done) throw new Error("the NumPy process ended early");
    return next.value;
  }

  /** Runs one case once in NumPy. */
  async run(name: string): Promise<TextTiming> {
    await this.#writer.write(new TextEncoder().encode(name + "\n"));
    const [wall, cpu] = (await this.#line()).split(" ").map(Number);
    return { wallMs: wall!, cpuMs: cpu! };
  }

  /** Stops the process. */
  async close(): Promise<void> {
    await this.#writer.write(new TextEncoder().encode("\n"));
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
      for (const p of parts) controller.enqueue(p);
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(rest);
    },
  });
}

/** Runs one case once in ndio. */
export async function runNdioText(dir: string, c: TextBenchCase): Promise<TextTiming> {
  const before = process.cpuUsage();
  const t = performance.now();
  await c.ndio(dir);
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(before);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A case's medians on both sides (wall and CPU time), alternating run by run. */
export interface TextComparison extends TextBenchResult {
  readonly numpyCpuMs: number;
  readonly ndioCpuMs: number;
  /** NumPy CPU time / ndio CPU time. */
  readonly cpuRatio: number;
}

/** Prepares the data, then times NumPy and ndio alternately, run by run. */
export async function compareText(
  repeats = 7,
  cases: readonly TextBenchCase[] = TEXT_CASES,
  warmup = 5,
): Promise<TextComparison[]> {
  const dir = await Deno.makeTempDir({ prefix: "ndio-text-bench-" });
  const results: TextComparison[] = [];
  try {
    await prepareTextBench(dir);
    const numpy = await NumpyTextRunner.start(dir, cases);
    try {
      for (const c of cases) {
        // Warm-up: the JIT compiles ndio's parser during the first runs.
        for (let i = 0; i < warmup; i++) {
          await numpy.run(c.name);
          await runNdioText(dir, c);
        }
        const np: TextTiming[] = [];
        const nd: TextTiming[] = [];
        for (let i = 0; i < repeats; i++) {
          np.push(await numpy.run(c.name));
          nd.push(await runNdioText(dir, c));
        }
        const numpyMs = median(np.map((t) => t.wallMs));
        const ndioMs = median(nd.map((t) => t.wallMs));
        const numpyCpuMs = median(np.map((t) => t.cpuMs));
        const ndioCpuMs = median(nd.map((t) => t.cpuMs));
        results.push({
          name: c.name,
          label: c.label,
          target: c.target,
          numpyMs,
          ndioMs,
          ratio: numpyMs / ndioMs,
          numpyCpuMs,
          ndioCpuMs,
          cpuRatio: numpyCpuMs / ndioCpuMs,
        });
      }
    } finally {
      await numpy.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return results;
}

if (import.meta.main) {
  const repeats = Number(Deno.args[0] ?? 7);
  const results = await compareText(repeats);
  console.log("| case | NumPy ms | ndio ms | ratio | CPU ms NumPy / ndio | CPU ratio | target |");
  console.log("|---|---:|---:|---:|---:|---:|---|");
  for (const r of results) {
    const verdict = r.ratio >= r.target ? "met" : "MISSED";
    console.log(
      `| ${r.label} | ${r.numpyMs.toFixed(1)} | ${r.ndioMs.toFixed(1)} | ${
        r.ratio.toFixed(2)
      }× | ` +
        `${r.numpyCpuMs.toFixed(1)} / ${r.ndioCpuMs.toFixed(1)} | ${r.cpuRatio.toFixed(2)}× | ` +
        `≥ ${r.target}× ${verdict} |`,
    );
  }
}
