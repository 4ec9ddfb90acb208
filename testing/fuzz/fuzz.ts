/**
 * The mutation fuzzer of ndio's decoders. Each input is a seeded mutation of
 * a corpus file, run in a worker under a time limit. The rules: the only
 * exceptions are ndio's typed errors (`instanceof NdioError`); no input runs
 * past the time limit (a hang); the output stays within a budget
 * proportional to the input and the process's resident memory under a cap
 * (no allocation from what the input claims); a failed conversion leaves no
 * output file. Anything else is a finding, saved with its bytes.
 *
 * ```sh
 * deno task fuzz                                  # every target, 60 s each
 * deno task fuzz --target npy-decode --seconds 600 --seed 7
 * deno task fuzz --replay testing/fuzz/testdata   # re-run saved crashers
 * ```
 *
 * Not published.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { mutate, Prng } from "./mutate.ts";
import { findTarget, type FuzzTarget, TARGETS } from "./targets.ts";
import type { WorkReply, WorkRequest } from "./_worker.ts";

/** A rule an input broke. */
export interface Finding {
  readonly target: string;
  /** crash: an exception that is not ndio's; hang: past the time limit; memory: past a budget. */
  readonly kind: "crash" | "hang" | "memory";
  /** What happened. */
  readonly detail: string;
  /** The input. */
  readonly input: Uint8Array;
  /** The seed and iteration that produced it. */
  readonly seed: number;
  readonly iteration: number;
}

/** Options of {@linkcode fuzz}. */
export interface FuzzOptions {
  /** The targets to run (default all). */
  readonly targets?: readonly string[];
  /** The PRNG seed (default 1). */
  readonly seed?: number;
  /** Inputs per target; the run stops at whichever of this and `seconds` comes first. */
  readonly iterations?: number;
  /** Seconds per target (default unlimited when `iterations` is set, else 60). */
  readonly seconds?: number;
  /** The time limit of one input, in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** The resident-memory cap of the whole process, in bytes (default 1.5 GiB). */
  readonly maxRss?: number;
  /** Where to save findings (`DIR/<target>/<hash>.bin` and `.txt`); none by default. */
  readonly saveDir?: string;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** What one target's run did. */
export interface TargetSummary {
  readonly target: string;
  readonly runs: number;
  /** Inputs that decoded without error. */
  readonly ok: number;
  /** Inputs refused with an ndio error. */
  readonly typed: number;
  readonly findings: Finding[];
  /** The slowest input, in milliseconds. */
  readonly slowestMs: number;
}

/** Output allowed for an input of `n` bytes: decoders may not amplify what they are given. */
export function outputBudget(n: number, factor = 16): number {
  return 65536 + factor * n;
}

/** How long a new worker may take to load its modules (slow on a loaded machine). */
const STARTUP_MS = 120_000;

/** A worker that runs inputs one at a time and is replaced after a hang. */
class Runner {
  #worker: Worker | null = null;
  #ready: Promise<Worker> | null = null;
  #next = 0;

  /** A worker whose modules are loaded, so that input clocks measure inputs only. */
  #start(): Promise<Worker> {
    this.#ready ??= new Promise((resolve, reject) => {
      const worker = new Worker(new URL("./_worker.ts", import.meta.url).href, {
        type: "module",
      });
      this.#worker = worker;
      const timer = setTimeout(() => {
        this.stop();
        reject(new Error(`the fuzz worker did not start within ${STARTUP_MS} ms`));
      }, STARTUP_MS);
      worker.onmessage = () => {
        clearTimeout(timer);
        worker.onmessage = null;
        resolve(worker);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        clearTimeout(timer);
        this.stop();
        reject(new Error(`the fuzz worker failed to start: ${event.message}`));
      };
    });
    return this.#ready;
  }

  /** Runs one input; resolves to the reply, or null after `timeoutMs`. */
  async run(target: string, input: Uint8Array, timeoutMs: number): Promise<WorkReply | null> {
    const worker = await this.#start();
    const id = ++this.#next;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.onmessage = null;
        this.stop();
        resolve(null);
      }, timeoutMs);
      worker.onmessage = (event: MessageEvent<WorkReply>) => {
        if (event.data.id !== id) return;
        clearTimeout(timer);
        worker.onmessage = null;
        resolve(event.data);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        clearTimeout(timer);
        this.stop();
        resolve({ id, outcome: "crash", output: 0, error: `worker died: ${event.message}`, ms: 0 });
      };
      worker.postMessage({ id, target, input } satisfies WorkRequest);
    });
  }

  /** Terminates the worker (a new one starts on the next run). */
  stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = null;
  }
}

async function hash(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function save(dir: string, finding: Finding): Promise<string> {
  const folder = `${dir}/${finding.target}`;
  await Deno.mkdir(folder, { recursive: true });
  const name = `${folder}/${await hash(finding.input)}`;
  await Deno.writeFile(`${name}.bin`, finding.input);
  await Deno.writeTextFile(
    `${name}.txt`,
    `${finding.kind} in ${finding.target} (seed ${finding.seed}, iteration ${finding.iteration})\n` +
      `${finding.detail}\n`,
  );
  return `${name}.bin`;
}

/** Judges one reply against the rules; null when the input kept them. */
export function judge(
  reply: WorkReply | null,
  inputLength: number,
  timeoutMs: number,
  maxRss: number,
  outputFactor = 16,
): Pick<Finding, "kind" | "detail"> | null {
  if (reply === null) return { kind: "hang", detail: `no result within ${timeoutMs} ms` };
  if (reply.outcome === "crash") {
    return { kind: "crash", detail: `${reply.error}\n${reply.stack ?? ""}`.trim() };
  }
  if (reply.output > outputBudget(inputLength, outputFactor)) {
    return {
      kind: "memory",
      detail: `${reply.output} bytes of output from ${inputLength} bytes of input`,
    };
  }
  const rss = Deno.memoryUsage().rss;
  if (rss > maxRss) return { kind: "memory", detail: `resident memory ${rss} bytes after it` };
  return null;
}

async function fuzzTarget(
  target: FuzzTarget,
  runner: Runner,
  options: FuzzOptions,
): Promise<TargetSummary> {
  const seed = options.seed ?? 1;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxRss = options.maxRss ?? 1.5 * 2 ** 30;
  const seconds = options.seconds ?? (options.iterations === undefined ? 60 : Infinity);
  const iterations = options.iterations ?? Infinity;
  const corpus = await target.corpus();
  if (corpus.length === 0) throw new Error(`the corpus of "${target.name}" is empty`);
  // Each target gets its own stream, so adding a target changes no other's inputs.
  const rng = new Prng(
    seed ^ [...target.name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7),
  );
  const mutateOptions = {
    corpus,
    ...(target.dictionary === undefined ? {} : { dictionary: target.dictionary }),
    ...(target.lengthFields === undefined ? {} : { lengthFields: target.lengthFields }),
    maxLength: 1 << 16,
  };
  const findings: Finding[] = [];
  const signatures = new Set<string>();
  let ok = 0, typed = 0, runs = 0, slowestMs = 0;
  const deadline = performance.now() + seconds * 1000;
  for (let i = 0; i < iterations && performance.now() < deadline; i++) {
    // One input in eight is a corpus file as it is: the seeds must pass too.
    const base = rng.pick(corpus);
    const input = rng.chance(0.125) ? base : mutate(base, rng, mutateOptions).bytes;
    let reply = await runner.run(target.name, input, timeoutMs);
    runs++;
    slowestMs = Math.max(slowestMs, reply?.ms ?? timeoutMs);
    let verdict = judge(reply, input.length, timeoutMs, maxRss, target.outputFactor);
    if (verdict?.kind === "memory" && verdict.detail.startsWith("resident")) {
      // Resident memory may be an earlier input's (a terminated worker's
      // heap is freed late): run this one again in a fresh worker to be sure.
      runner.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      reply = await runner.run(target.name, input, timeoutMs);
      verdict = judge(reply, input.length, timeoutMs, maxRss, target.outputFactor);
    }
    if (verdict === null) {
      if (reply!.outcome === "ok") ok++;
      else typed++;
      continue;
    }
    if (verdict.kind === "memory") runner.stop();
    // One finding per distinct failure: the first line and top frame.
    const signature = verdict.kind + verdict.detail.split("\n").slice(0, 2).join("|")
      .replace(/\d+/g, "N");
    if (signatures.has(signature)) continue;
    signatures.add(signature);
    const finding: Finding = { target: target.name, ...verdict, input, seed, iteration: i };
    findings.push(finding);
    const where = options.saveDir === undefined
      ? ""
      : ` saved as ${await save(options.saveDir, finding)}`;
    options.log?.(
      `${target.name}: ${verdict.kind} at iteration ${i}${where}\n  ${
        verdict.detail.split("\n")[0]
      }`,
    );
  }
  return { target: target.name, runs, ok, typed, findings, slowestMs };
}

/**
 * Fuzzes the chosen targets in turn.
 *
 * @param options Targets, seed, budget, limits.
 * @returns A summary per target.
 */
export async function fuzz(options: FuzzOptions = {}): Promise<TargetSummary[]> {
  const names = options.targets ?? TARGETS.map((t) => t.name);
  const runner = new Runner();
  const out: TargetSummary[] = [];
  try {
    for (const name of names) {
      const target = findTarget(name);
      if (target === undefined) {
        throw new Error(`no fuzz target "${name}" (have ${TARGETS.map((t) => t.name).join(", ")})`);
      }
      const summary = await fuzzTarget(target, runner, options);
      options.log?.(
        `${name}: ${summary.runs} inputs, ${summary.ok} decoded, ${summary.typed} typed errors, ` +
          `${summary.findings.length} findings, slowest ${summary.slowestMs.toFixed(0)} ms`,
      );
      out.push(summary);
    }
  } finally {
    runner.stop();
  }
  return out;
}

/**
 * Re-runs saved inputs (`DIR/<target>/*.bin`) through their targets.
 *
 * @param dir The folder of saved inputs.
 * @param options The time limit and memory cap.
 * @returns The inputs that still break a rule.
 */
export async function replay(
  dir: string,
  options: Pick<FuzzOptions, "timeoutMs" | "maxRss"> = {},
): Promise<{ runs: number; findings: Finding[] }> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxRss = options.maxRss ?? 1.5 * 2 ** 30;
  const runner = new Runner();
  const findings: Finding[] = [];
  let runs = 0;
  try {
    for await (const folder of Deno.readDir(dir)) {
      if (!folder.isDirectory) continue;
      const files = [];
      for await (const f of Deno.readDir(`${dir}/${folder.name}`)) {
        if (f.name.endsWith(".bin")) files.push(f.name);
      }
      for (const file of files.sort()) {
        const input = await Deno.readFile(`${dir}/${folder.name}/${file}`);
        const reply = await runner.run(folder.name, input, timeoutMs);
        runs++;
        const factor = findTarget(folder.name)?.outputFactor;
        const verdict = judge(reply, input.length, timeoutMs, maxRss, factor);
        if (verdict !== null) {
          findings.push({ target: folder.name, ...verdict, input, seed: 0, iteration: 0 });
        }
      }
    }
  } finally {
    runner.stop();
  }
  return { runs, findings };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      target: { type: "string", multiple: true },
      seconds: { type: "string" },
      iterations: { type: "string" },
      seed: { type: "string" },
      timeout: { type: "string" },
      out: { type: "string" },
      replay: { type: "string" },
      list: { type: "boolean" },
    },
  });
  const log = (line: string) => console.log(line);
  if (values.list) {
    for (const t of TARGETS) console.log(`${t.name.padEnd(18)} ${t.description}`);
    Deno.exit(0);
  }
  const timeoutMs = Number(values.timeout ?? 5000);
  if (values.replay !== undefined) {
    const { runs, findings } = await replay(values.replay, { timeoutMs });
    for (const f of findings) log(`${f.target}: ${f.kind}: ${f.detail.split("\n")[0]}`);
    log(`replayed ${runs} inputs, ${findings.length} still break a rule`);
    Deno.exit(findings.length === 0 ? 0 : 1);
  }
  const seed = Number(values.seed ?? Date.now() % 0x7fffffff);
  log(`seed ${seed}`);
  const summaries = await fuzz({
    ...(values.target === undefined ? {} : { targets: values.target }),
    seed,
    ...(values.iterations === undefined ? {} : { iterations: Number(values.iterations) }),
    ...(values.seconds === undefined ? {} : { seconds: Number(values.seconds) }),
    timeoutMs,
    saveDir: values.out ?? "testing/fuzz/crashers",
    log,
  });
  const total = summaries.reduce((n, s) => n + s.findings.length, 0);
  log(`${total} findings`);
  Deno.exit(total === 0 ? 0 : 1);
}
