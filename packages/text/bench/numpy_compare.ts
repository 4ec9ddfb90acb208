/**
 * Times @ndio/text against NumPy on the same data in the same run, for
 * BENCHMARKS.md and the repo-wide NumPy comparison. Not published.
 *
 * Each case is a complete task on a warm file: np.savetxt(path, ...) against
 * savetxtBytes + Deno.writeFile, np.loadtxt(path, ...) against
 * Deno.readFile + loadtxt. Both sides report the median of their runs.
 *
 * Run: `./deno run --allow-all packages/text/bench/numpy_compare.ts [repeats]`
 *
 * @module
 */

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
  readonly ndio: (dir: string) => Promise<unknown>;
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
    ndio: async (dir) =>
      loadtxt(await Deno.readFile(`${dir}/ints_1m.tsv`), { delimiter: "\t", dtype: "int64" }),
  },
  {
    name: "loadtxt_ints_10m",
    label: "loadtxt 10M tab-separated ints (1000000×10)",
    target: 1.5,
    numpy: "np.loadtxt(path + '/ints_10m.tsv', delimiter='\\t', dtype=np.int64)",
    ndio: async (dir) =>
      loadtxt(await Deno.readFile(`${dir}/ints_10m.tsv`), { delimiter: "\t", dtype: "int64" }),
  },
  {
    name: "loadtxt_floats_1m",
    label: "loadtxt 1M floats written with %.18e (100000×10)",
    target: 1.5,
    numpy: "np.loadtxt(path + '/floats_1m.txt')",
    ndio: async (dir) => loadtxt(await Deno.readFile(`${dir}/floats_1m.txt`), { dtype: "float64" }),
  },
  {
    name: "savetxt_ints_1m",
    label: "savetxt 1M int64 with %d, tab-separated",
    target: 10,
    numpy: "np.savetxt(path + '/out_np.txt', ints, fmt='%d', delimiter='\\t')",
    ndio: async (dir) => {
      const a = arrayOf(dir, "ints_1m", "<i8", [100000, 10]);
      await Deno.writeFile(`${dir}/out_ndio.txt`, savetxtBytes(a, { fmt: "%d", delimiter: "\t" }));
    },
  },
  {
    name: "savetxt_floats_1m",
    label: "savetxt 1M float64 with the default %.18e",
    target: 1,
    numpy: "np.savetxt(path + '/out_np.txt', floats)",
    ndio: async (dir) => {
      const a = arrayOf(dir, "floats_1m", "<f8", [100000, 10]);
      await Deno.writeFile(`${dir}/out_ndio.txt`, savetxtBytes(a));
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

const TIME_NUMPY = `
import numpy as np, sys, time, json
path, repeats = sys.argv[1], int(sys.argv[2])
names = sys.argv[3].split(',')
stmts = json.loads(sys.argv[4])
ints = np.fromfile(path + '/ints_1m.bin', dtype='<i8').reshape(100000, 10)
floats = np.fromfile(path + '/floats_1m.bin', dtype='<f8').reshape(100000, 10)
out = {}
for name, stmt in zip(names, stmts):
    code = compile(stmt, name, 'exec')
    exec(code)  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); exec(code); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out[name] = times[len(times) // 2]
print(json.dumps(out))
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

/** Median milliseconds of NumPy's side of each case. */
export async function timeNumpyText(
  dir: string,
  cases: readonly TextBenchCase[],
  repeats: number,
): Promise<Record<string, number>> {
  const out = await run([
    "-c",
    TIME_NUMPY,
    dir,
    String(repeats),
    cases.map((c) => c.name).join(","),
    JSON.stringify(cases.map((c) => c.numpy)),
  ]);
  return JSON.parse(out);
}

/** Median milliseconds of ndio's side of each case (after warm-up runs). */
export async function timeNdioText(
  dir: string,
  cases: readonly TextBenchCase[],
  repeats: number,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of cases) {
    for (let i = 0; i < 3; i++) await c.ndio(dir);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await c.ndio(dir);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    out[c.name] = times[Math.floor(times.length / 2)]!;
  }
  return out;
}

/** Prepares the data, times both sides alternately, and returns the ratios. */
export async function compareText(repeats = 7, cases = TEXT_CASES): Promise<TextBenchResult[]> {
  const dir = await Deno.makeTempDir({ prefix: "ndio-text-bench-" });
  try {
    await prepareTextBench(dir);
    const numpy = await timeNumpyText(dir, cases, repeats);
    const ndio = await timeNdioText(dir, cases, repeats);
    return cases.map((c) => ({
      name: c.name,
      label: c.label,
      target: c.target,
      numpyMs: numpy[c.name]!,
      ndioMs: ndio[c.name]!,
      ratio: numpy[c.name]! / ndio[c.name]!,
    }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const repeats = Number(Deno.args[0] ?? 7);
  const results = await compareText(repeats);
  console.log("| case | NumPy ms | ndio ms | ratio | target | |");
  console.log("|---|---:|---:|---:|---:|---|");
  for (const r of results) {
    console.log(
      `| ${r.label} | ${r.numpyMs.toFixed(1)} | ${r.ndioMs.toFixed(1)} | ${
        r.ratio.toFixed(2)
      }× | ≥ ${r.target}× | ${r.ratio >= r.target ? "met" : "MISSED"} |`,
    );
  }
}
