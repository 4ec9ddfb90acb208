/**
 * `./deno task bench:numpy [--quick]`: ndio against NumPy, every format, on
 * the same data in the same run on the same machine, both in-process. Writes
 * bench/results.json, bench/throughput.svg and the generated section of
 * BENCHMARKS.md (the rest of that file is kept as it is).
 *
 * Options:
 *   --quick         a short run (under a minute): sizes up to 8 MB, 3 samples
 *   --only RE       only operations whose id matches RE (e.g. "npy|ceiling")
 *   --max-bytes N   only datasets up to N bytes
 *   --dir DIR       where the data files go (default: a new temporary directory)
 *   --no-write      print the results, write no file
 *   --json PATH     where the JSON goes (default bench/results.json)
 *   --update        fold this run into the JSON's earlier results (same mode): its
 *                   cases replace the same operations and sizes, the rest is kept
 *   --from-json     run nothing: write the report and chart from the JSON
 *
 * @module
 */

import { parseArgs } from "node:util";
import { datasets, type Mode, SETTINGS, tunablesFor, type WorkerKind } from "./_plan.ts";
import type { CaseResult, CeilingResult, CliResult, Machine, RunResults } from "./_results.ts";
import { runDataset } from "./_runner.ts";
import { evaluateTargets } from "./_targets.ts";
import { missReasons } from "./_reasons.ts";
import { renderReport, spliceReport } from "./_report.ts";
import { mergeResults } from "./_merge.ts";
import { chartPanels, renderChart } from "./_chart.ts";
import { WorkerProcess } from "./_worker.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

function machine(loadavgStart: number[]): Machine {
  const cpu = readText("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown";
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    kernel: Deno.osRelease(),
    transparentHugePages: readText("/sys/kernel/mm/transparent_hugepage/enabled").trim(),
    loadavgStart,
    loadavgEnd: Deno.loadavg(),
  };
}

/** The `ndio` task's command (root deno.json) as argv, with this Deno. */
function ndioCommand(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)) as {
    tasks: Record<string, string>;
  };
  const words = config.tasks.ndio!.split(/\s+/);
  if (words[0] !== "deno") throw new Error(`unexpected ndio task: ${config.tasks.ndio}`);
  return [Deno.execPath(), ...words.slice(1).map((w) => w.endsWith(".ts") ? `${ROOT}/${w}` : w)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      "max-bytes": { type: "string" },
      dir: { type: "string" },
      "no-write": { type: "boolean", default: false },
      json: { type: "string", default: `${ROOT}/bench/results.json` },
      update: { type: "boolean", default: false },
      "from-json": { type: "boolean", default: false },
    },
  });
  if (values["from-json"]) {
    const saved = JSON.parse(await Deno.readTextFile(values.json)) as RunResults;
    await writeOutputs(withTargets(saved), values.json);
    return;
  }
  const mode: Mode = values.quick ? "quick" : "full";
  const settings = SETTINGS[mode];
  const started = new Date();
  const loadavgStart = Deno.loadavg();
  const log = (line: string) =>
    console.error(`[${((Date.now() - started.getTime()) / 1000).toFixed(1)} s] ${line}`);
  const dir = values.dir ?? await Deno.makeTempDir({ prefix: "ndio-bench-" });
  await Deno.mkdir(dir, { recursive: true });
  const start = (kind: WorkerKind): Promise<WorkerProcess> => {
    const tunables = tunablesFor(kind);
    const env: Record<string, string> = tunables === undefined ? {} : { GLIBC_TUNABLES: tunables };
    if (kind.startsWith("numpy")) {
      return WorkerProcess.start(kind, "python3", [`${ROOT}/bench/numpy_worker.py`], env);
    }
    const args = ["run", "--allow-all", "--v8-flags=--expose-gc", `${ROOT}/bench/ndio_worker.ts`];
    return WorkerProcess.start(kind, Deno.execPath(), args, env);
  };
  const running = new Map<WorkerKind, Promise<WorkerProcess>>();
  const worker = (kind: WorkerKind): Promise<WorkerProcess> => {
    let w = running.get(kind);
    if (w === undefined) running.set(kind, w = start(kind));
    return w;
  };
  const cases: CaseResult[] = [];
  const ceilings: CeilingResult[] = [];
  const cli: CliResult[] = [];
  let versions: Record<string, string> = {};
  try {
    const py = await (await worker("numpy")).request({ cmd: "hello" });
    const dn = await (await worker("ndio")).request({ cmd: "hello" });
    versions = {
      deno: String(dn.runtime),
      v8: String(dn.v8),
      python: String(py.runtime),
      numpy: String(py.numpy),
      pythonZlib: String(py.zlib),
    };
    log(`${mode} run: ${versions.deno}, ${versions.python}, NumPy ${versions.numpy}; in ${dir}`);
    const maxBytes = values["max-bytes"] === undefined ? Infinity : Number(values["max-bytes"]);
    for (const ds of datasets(mode, maxBytes)) {
      const r = await runDataset({
        worker,
        mode,
        settings,
        dir,
        ndioCli: ndioCommand(),
        start,
        ...(values.only === undefined ? {} : { only: new RegExp(values.only) }),
        log,
      }, ds);
      cases.push(...r.cases);
      ceilings.push(...r.ceilings);
      cli.push(...r.cli);
    }
  } finally {
    for (const w of running.values()) await (await w).close();
    if (values.dir === undefined) await Deno.remove(dir, { recursive: true });
  }
  const finished = new Date();
  const run: RunResults = {
    schema: 1,
    mode,
    only: values.only ?? null,
    started: started.toISOString(),
    finished: finished.toISOString(),
    seconds: Math.round((finished.getTime() - started.getTime()) / 100) / 10,
    machine: machine(loadavgStart),
    versions,
    settings: {
      warmup: settings.warmup,
      minSampleMs: settings.minSampleMs,
      cliRepeats: settings.cliRepeats,
    },
    cases,
    ceilings,
    cli,
    targets: [],
  };
  log(`done in ${run.seconds} s`);
  if (values["no-write"]) {
    console.log(renderReport(withTargets(run)));
    return;
  }
  const earlier = values.update ? readText(values.json) : "";
  const results = earlier === "" ? run : mergeResults(JSON.parse(earlier) as RunResults, run);
  await writeOutputs(withTargets(results), values.json);
  log(`wrote ${values.json}, bench/throughput.svg and BENCHMARKS.md`);
}

/** The results with their targets evaluated (and the reasons for misses). */
function withTargets(r: RunResults): RunResults {
  return { ...r, targets: evaluateTargets(r.cases, undefined, missReasons(r)) };
}

/** Writes the JSON, the chart and the generated section of BENCHMARKS.md. */
async function writeOutputs(results: RunResults, json: string): Promise<void> {
  await Deno.writeTextFile(json, JSON.stringify(results, null, 2) + "\n");
  const chart = `${ROOT}/bench/throughput.svg`;
  await Deno.writeTextFile(chart, renderChart(chartPanels(results)));
  const markdown = `${ROOT}/BENCHMARKS.md`;
  await Deno.writeTextFile(markdown, spliceReport(readText(markdown), renderReport(results)));
  // The repository's formatter has the last word on the files it checks.
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", markdown, json, chart],
    cwd: ROOT,
  }).output();
  if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
}

if (import.meta.main) await main();
