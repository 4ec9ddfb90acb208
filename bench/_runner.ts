/**
 * Drives the two workers through the plan: for each dataset (smallest
 * first) NumPy writes the data, both sides load it, and each operation is
 * warmed up, then sampled with the two sides alternating sample by sample
 * (so both see the same machine load), NumPy first on even samples and ndio
 * first on odd ones.
 *
 * @module
 */

import {
  ceilingsFor,
  type CeilingSpec,
  cliFor,
  type CliSpec,
  type DatasetSpec,
  type Mode,
  opsFor,
  type OpSpec,
  type Settings,
} from "./_plan.ts";
import type {
  CaseResult,
  CeilingResult,
  CliResult,
  ProcessResult,
  SideResult,
} from "./_results.ts";
import { maxOf, speedRatio, summarize } from "./_stats.ts";
import type { Reply, WorkerProcess } from "./_worker.ts";

/** Peak memory is probed on datasets at least this large (below, it is lost in the runtime's own). */
export const PROBE_BYTES = 5_000_000;

/** Datasets at least this large are run holding the shared big-memory lock. */
export const BIG_BYTES = 400_000_000;
const BIG_LOCK = "/tmp/ndio-bigmem.lock";

/** What the runner needs: the two workers, the plan, a directory, a logger. */
export interface RunnerContext {
  readonly numpy: WorkerProcess;
  readonly ndio: WorkerProcess;
  readonly mode: Mode;
  readonly settings: Settings;
  readonly dir: string;
  /** `deno run ... packages/cli/main.ts` as argv, for the CLI conversions. */
  readonly ndioCli: readonly string[];
  /** Starts a fresh worker of a side, for the peak-memory probes. */
  readonly start: (side: "numpy" | "ndio") => Promise<WorkerProcess>;
  /** Only operations whose id matches (all when undefined). */
  readonly only?: RegExp;
  readonly log: (line: string) => void;
}

/** Everything one dataset produced. */
export interface DatasetResults {
  readonly cases: CaseResult[];
  readonly ceilings: CeilingResult[];
  readonly cli: CliResult[];
}

interface Sample {
  readonly ms: number;
  readonly cpuMs: number;
  readonly rssBytes: number | null;
  readonly peakBytes: number | null;
  readonly outputBytes: number | null;
}

function sample(reply: Reply): Sample {
  const num = (v: unknown): number | null => typeof v === "number" ? v : null;
  return {
    ms: Number(reply.ms),
    cpuMs: Number(reply.cpuMs),
    rssBytes: num(reply.rssBytes),
    peakBytes: num(reply.peakBytes),
    outputBytes: num(reply.outputBytes),
  };
}

function sideResult(samples: readonly Sample[], inner: number, memory: Memory | null): SideResult {
  return {
    ms: summarize(samples.map((s) => s.ms)),
    cpuMs: summarize(samples.map((s) => s.cpuMs)),
    inner,
    peakBytes: memory?.peakBytes ?? null,
    peakExtraBytes: memory?.peakExtraBytes ?? null,
    outputBytes: samples.at(-1)?.outputBytes ?? null,
  };
}

/** Peak RSS of a fresh process running an operation once, and that minus its RSS just before. */
interface Memory {
  readonly peakBytes: number | null;
  readonly peakExtraBytes: number | null;
}

/**
 * Runs an operation once in a fresh worker: its peak RSS (VmHWM reset just
 * before) is then the operation's own, not hidden by memory that a
 * long-lived process's allocator kept from earlier runs.
 */
async function probeMemory(
  ctx: RunnerContext,
  side: "numpy" | "ndio",
  op: string,
  ds: DatasetSpec,
): Promise<Memory | null> {
  const worker = await ctx.start(side);
  try {
    await worker.request({ cmd: "open", id: ds.id, path: `${ctx.dir}/${ds.id}.npy` });
    await worker.request({ cmd: "setup", op, id: ds.id, dir: ctx.dir });
    const s = sample(await worker.request({ cmd: "run", op, id: ds.id, inner: 1 }));
    await worker.request({ cmd: "teardown", op, id: ds.id });
    return {
      peakBytes: s.peakBytes,
      peakExtraBytes: s.peakBytes === null || s.rssBytes === null ? null : s.peakBytes - s.rssBytes,
    };
  } catch {
    return null;
  } finally {
    await worker.close();
  }
}

// Quick mode probes only the npy operations on the seed, to keep under a minute.
function probes(ctx: RunnerContext, op: OpSpec, ds: DatasetSpec): boolean {
  return ctx.mode === "quick"
    ? ds.kind === "seed" && op.family === "npy"
    : ds.nbytes >= PROBE_BYTES;
}

function loadavg(): number {
  return Deno.loadavg()[0] ?? NaN;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A side of a timed comparison: a worker and the operation id it runs. */
interface Side {
  readonly worker: WorkerProcess;
  readonly op: string;
  inner: number;
  readonly samples: Sample[];
  error?: string;
}

async function runOnce(side: Side, id: string, inner: number): Promise<Sample | null> {
  if (side.error !== undefined) return null;
  try {
    return sample(await side.worker.request({ cmd: "run", op: side.op, id, inner }));
  } catch (error) {
    side.error = message(error);
    return null;
  }
}

/**
 * Warm-up then alternating samples of several sides on one dataset. Each
 * side's calls per sample come from its last warm-up run.
 */
async function timeSides(
  ctx: RunnerContext,
  sides: Side[],
  ds: DatasetSpec,
): Promise<void> {
  for (const side of sides) {
    try {
      await side.worker.request({ cmd: "setup", op: side.op, id: ds.id, dir: ctx.dir });
    } catch (error) {
      side.error = message(error);
    }
  }
  const { warmup, minSampleMs, maxInner } = ctx.settings;
  for (const side of sides) {
    let last: Sample | null = null;
    for (let i = 0; i < Math.max(1, warmup); i++) last = await runOnce(side, ds.id, 1);
    if (last !== null) {
      side.inner = Math.min(
        maxInner,
        Math.max(1, Math.ceil(minSampleMs / Math.max(last.ms, 1e-3))),
      );
    }
  }
  const repeats = ctx.settings.repeats(ds.nbytes);
  for (let i = 0; i < repeats; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const s = await runOnce(side, ds.id, side.inner);
      if (s !== null) side.samples.push(s);
    }
  }
  for (const side of sides) {
    try {
      await side.worker.request({ cmd: "teardown", op: side.op, id: ds.id });
    } catch (error) {
      side.error ??= message(error);
    }
  }
}

function result(side: Side, memory: Memory | null = null): SideResult | null {
  return side.error === undefined && side.samples.length > 0
    ? sideResult(side.samples, side.inner, memory)
    : null;
}

async function runOp(ctx: RunnerContext, op: OpSpec, ds: DatasetSpec): Promise<CaseResult[]> {
  const load = loadavg();
  const numpy: Side = { worker: ctx.numpy, op: op.id, inner: 1, samples: [] };
  const variants: Side[] = op.variants.map((v) => ({
    worker: ctx.ndio,
    op: v.id,
    inner: 1,
    samples: [],
  }));
  await timeSides(ctx, [numpy, ...variants], ds);
  const probe = probes(ctx, op, ds);
  const numpyMemory = probe && numpy.error === undefined
    ? await probeMemory(ctx, "numpy", op.id, ds)
    : null;
  const memories: (Memory | null)[] = [];
  for (const v of variants) {
    memories.push(
      probe && v.error === undefined ? await probeMemory(ctx, "ndio", v.op, ds) : null,
    );
  }
  return op.variants.map((v, i) => {
    const side = variants[i]!;
    const np = result(numpy, numpyMemory);
    const nd = result(side, memories[i]);
    const errors = [
      numpy.error === undefined ? undefined : `NumPy: ${numpy.error}`,
      side.error === undefined ? undefined : `ndio: ${side.error}`,
    ].filter((e) => e !== undefined);
    const ratio = np !== null && nd !== null ? speedRatio(np.ms.median, nd.ms.median) : null;
    const cpuRatio = np !== null && nd !== null
      ? speedRatio(np.cpuMs.median, nd.cpuMs.median)
      : null;
    const out: CaseResult = {
      op: op.id,
      variant: v.id,
      note: v.note,
      family: op.family,
      label: op.label,
      dataset: ds,
      numpy: np,
      ndio: nd,
      ratio,
      cpuRatio,
      loadavg: load,
      ...(errors.length > 0 ? { error: errors.join("; ") } : {}),
    };
    return out;
  });
}

async function runCeiling(
  ctx: RunnerContext,
  spec: CeilingSpec,
  ds: DatasetSpec,
): Promise<CeilingResult> {
  const python: Side = { worker: ctx.numpy, op: spec.id, inner: 1, samples: [] };
  const deno: Side = { worker: ctx.ndio, op: spec.id, inner: 1, samples: [] };
  await timeSides(ctx, [python, deno], ds);
  const errors = [python.error, deno.error].filter((e) => e !== undefined);
  return {
    id: spec.id,
    label: spec.label,
    how: spec.how,
    dataset: ds,
    deno: result(deno),
    python: result(python),
    ...(errors.length > 0 ? { error: errors.join("; ") } : {}),
  };
}

/** Shell-like rendering of argv for the report. */
function shellWords(argv: readonly string[]): string {
  return argv.map((a) => /^[\w@%+=:,./<>-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

async function runCli(ctx: RunnerContext, spec: CliSpec, ds: DatasetSpec): Promise<CliResult> {
  const load = loadavg();
  const input = `${ctx.dir}/${ds.id}.${spec.input}`;
  const out = (side: string) => `${ctx.dir}/cli-${side}-${ds.id}.${spec.output}`;
  const startOnly = spec.output === "none";
  const ndioArgv = startOnly
    ? [...ctx.ndioCli, "--version"]
    : [...ctx.ndioCli, "convert", "--quiet", input, out("ndio"), ...spec.ndio];
  const pythonArgv = startOnly ? ["python3", "-c", spec.python] : [
    "python3",
    "-c",
    `import sys, numpy as np; i, o = sys.argv[1], sys.argv[2]; ${spec.python}`,
    input,
    out("numpy"),
  ];
  const runs: Record<"ndio" | "numpy", Sample[]> = { ndio: [], numpy: [] };
  const errors: string[] = [];
  try {
    await ctx.numpy.request({ cmd: "setup", op: spec.id, id: ds.id, dir: ctx.dir });
    const spawn = async (side: "ndio" | "numpy", argv: string[]): Promise<void> => {
      const reply = await ctx.numpy.request({
        cmd: "spawn",
        argv,
        cwd: Deno.cwd(),
        remove: startOnly ? [] : [out(side)],
      });
      if (reply.code !== 0) {
        throw new Error(`${side} exited with ${reply.code}: ${String(reply.stderr).trim()}`);
      }
      runs[side].push(sample(reply));
    };
    // One untimed run each: the page cache and Deno's module cache are warm.
    await spawn("ndio", ndioArgv);
    await spawn("numpy", pythonArgv);
    runs.ndio.length = 0;
    runs.numpy.length = 0;
    for (let i = 0; i < ctx.settings.cliRepeats; i++) {
      if (i % 2 === 0) {
        await spawn("numpy", pythonArgv);
        await spawn("ndio", ndioArgv);
      } else {
        await spawn("ndio", ndioArgv);
        await spawn("numpy", pythonArgv);
      }
    }
  } catch (error) {
    errors.push(message(error));
  } finally {
    await ctx.numpy.request({ cmd: "teardown", op: spec.id, id: ds.id }).catch(() => {});
    for (const side of ["ndio", "numpy"]) {
      await Deno.remove(out(side)).catch(() => {});
    }
  }
  const processResult = (samples: Sample[]): ProcessResult | null =>
    samples.length === 0 || errors.length > 0 ? null : {
      ms: summarize(samples.map((s) => s.ms)),
      cpuMs: summarize(samples.map((s) => s.cpuMs)),
      peakBytes: maxOf(samples.map((s) => s.peakBytes)),
    };
  const ndio = processResult(runs.ndio);
  const numpy = processResult(runs.numpy);
  return {
    id: spec.id,
    label: spec.label,
    dataset: ds,
    ndioCommand: shellWords(
      startOnly ? ["ndio", "--version"] : ["ndio", "convert", "-q", "IN", "OUT", ...spec.ndio],
    ),
    pythonCommand: startOnly
      ? shellWords(pythonArgv)
      : `python3 -c "import sys, numpy as np; i, o = sys.argv[1], sys.argv[2]; ${spec.python}" IN OUT`,
    ndio,
    numpy,
    ratio: ndio !== null && numpy !== null ? speedRatio(numpy.ms.median, ndio.ms.median) : null,
    loadavg: load,
    ...(errors.length > 0 ? { error: errors.join("; ") } : {}),
  };
}

async function removeDatasetFiles(dir: string, id: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(`${id}.`)) await Deno.remove(`${dir}/${entry.name}`);
  }
}

async function withBigLock<T>(
  ctx: RunnerContext,
  ds: DatasetSpec,
  fn: () => Promise<T>,
): Promise<T> {
  if (ds.nbytes < BIG_BYTES) return await fn();
  const file = await Deno.open(BIG_LOCK, { read: true, write: true, create: true });
  try {
    ctx.log(`waiting for ${BIG_LOCK}`);
    await file.lock(true);
    return await fn();
  } finally {
    file.close();
  }
}

/** Runs every operation, ceiling and conversion planned for one dataset. */
export function runDataset(ctx: RunnerContext, ds: DatasetSpec): Promise<DatasetResults> {
  return withBigLock(ctx, ds, async () => {
    const out: DatasetResults = { cases: [], ceilings: [], cli: [] };
    const wanted = (id: string) => ctx.only === undefined || ctx.only.test(id);
    const ops = opsFor(ds, ctx.mode).filter((op) => wanted(op.id));
    const ceilings = ceilingsFor(ds, ctx.mode).filter((c) => wanted(c.id));
    const cli = cliFor(ds, ctx.mode).filter((c) => wanted(c.id));
    if (ops.length + ceilings.length + cli.length === 0) return out;
    const path = `${ctx.dir}/${ds.id}.npy`;
    ctx.log(`${ds.label} (${ds.id}): NumPy writes the data`);
    await ctx.numpy.request({
      cmd: "make",
      path,
      kind: ds.kind === "seed" ? "i8" : ds.kind,
      shape: ds.shape,
    });
    try {
      await ctx.numpy.request({ cmd: "open", id: ds.id, path });
      await ctx.ndio.request({ cmd: "open", id: ds.id, path });
      for (const spec of ceilings) {
        const c = await runCeiling(ctx, spec, ds);
        ctx.log(`  ${spec.id}: ${c.error ?? "done"}`);
        out.ceilings.push(c);
      }
      for (const op of ops) {
        const t = performance.now();
        const rows = await runOp(ctx, op, ds);
        for (const row of rows) {
          const ratio = row.ratio === null ? "—" : `${row.ratio.toFixed(2)}×`;
          ctx.log(
            `  ${row.variant}: NumPy ${row.numpy?.ms.median.toFixed(3) ?? "—"} ms, ndio ${
              row.ndio?.ms.median.toFixed(3) ?? "—"
            } ms, ratio ${ratio}${row.error === undefined ? "" : ` (${row.error})`} [${
              ((performance.now() - t) / 1000).toFixed(1)
            } s]`,
          );
        }
        out.cases.push(...rows);
      }
      for (const spec of cli) {
        const c = await runCli(ctx, spec, ds);
        ctx.log(
          `  ${spec.id}: NumPy ${c.numpy?.ms.median.toFixed(0) ?? "—"} ms, ndio ${
            c.ndio?.ms.median.toFixed(0) ?? "—"
          } ms${c.error === undefined ? "" : ` (${c.error})`}`,
        );
        out.cli.push(c);
      }
    } finally {
      await ctx.numpy.request({ cmd: "drop", id: ds.id }).catch(() => {});
      await ctx.ndio.request({ cmd: "drop", id: ds.id }).catch(() => {});
      await removeDatasetFiles(ctx.dir, ds.id);
    }
    return out;
  });
}
