/**
 * The shape of a run's results, as written to bench/results.json and read
 * by the report and chart generators.
 *
 * @module
 */

import type { DatasetSpec, Mode } from "./_plan.ts";
import type { Summary } from "./_stats.ts";

/** One side's samples of one operation on one dataset. */
export interface SideResult {
  /** Wall time per call, milliseconds. */
  readonly ms: Summary;
  /** CPU time (all threads of the process) per call, milliseconds. */
  readonly cpuMs: Summary;
  /** Calls per sample (small arrays are timed over many calls). */
  readonly inner: number;
  /** Peak RSS of the process while the operation ran, bytes (largest over the samples). */
  readonly peakBytes: number | null;
  /** That peak minus the RSS just before: the memory the operation itself took, bytes. */
  readonly peakExtraBytes: number | null;
  /** Size of what the operation wrote or made (file, pickle, deflate stream), bytes. */
  readonly outputBytes: number | null;
}

/** One operation (one ndio variant) on one dataset, both sides. */
export interface CaseResult {
  /** The operation id (also NumPy's). */
  readonly op: string;
  /** The ndio variant's id. */
  readonly variant: string;
  /** How the variant differs ("" for the plain one). */
  readonly note: string;
  readonly family: string;
  readonly label: string;
  readonly dataset: DatasetSpec;
  readonly numpy: SideResult | null;
  readonly ndio: SideResult | null;
  /** NumPy median / ndio median (wall time); null when a side failed. */
  readonly ratio: number | null;
  /** The same for CPU time. */
  readonly cpuRatio: number | null;
  /** 1-minute load average when the case started. */
  readonly loadavg: number;
  /** Why a side has no result. */
  readonly error?: string;
}

/** A machine ceiling measured in both runtimes. */
export interface CeilingResult {
  readonly id: string;
  readonly label: string;
  readonly how: string;
  readonly dataset: DatasetSpec;
  readonly deno: SideResult | null;
  readonly python: SideResult | null;
  readonly error?: string;
}

/** One side of a whole-process conversion. */
export interface ProcessResult {
  readonly ms: Summary;
  readonly cpuMs: Summary;
  /** ru_maxrss of the process, bytes (largest over the runs). */
  readonly peakBytes: number | null;
}

/** A whole-process conversion, both sides. */
export interface CliResult {
  readonly id: string;
  readonly label: string;
  readonly dataset: DatasetSpec;
  /** The two commands, for the report. */
  readonly ndioCommand: string;
  readonly pythonCommand: string;
  readonly ndio: ProcessResult | null;
  readonly numpy: ProcessResult | null;
  readonly ratio: number | null;
  readonly loadavg: number;
  readonly error?: string;
}

/** A speed (or size) target from an issue, against what was measured. */
export interface TargetResult {
  readonly id: string;
  readonly issue: number;
  /** The target as the issue states it. */
  readonly text: string;
  /** The measured ratio (or size ratio), null when not measured in this run. */
  readonly measured: number | null;
  /** `met`, `missed`, or `not measured`. */
  readonly verdict: "met" | "missed" | "not measured";
  /** Why it was missed (or not measured), plainly. */
  readonly reason: string;
}

/** Where and how the run happened. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  /** /sys/kernel/mm/transparent_hugepage/enabled. */
  readonly transparentHugePages: string;
  /** 1-, 5-, 15-minute load averages at the start and the end of the run. */
  readonly loadavgStart: readonly number[];
  readonly loadavgEnd: readonly number[];
}

/** The conditions of one run whose results were merged into others (`--update`). */
export interface RunPart {
  readonly started: string;
  readonly finished: string;
  readonly seconds: number;
  readonly mode: Mode;
  /** The `--only` filter of the run, or null. */
  readonly only: string | null;
  readonly loadavgStart: readonly number[];
  readonly loadavgEnd: readonly number[];
}

/** A whole run. */
export interface RunResults {
  readonly schema: 1;
  readonly mode: Mode;
  /** The run's `--only` filter. */
  readonly only?: string | null;
  /** The runs these results were assembled from, when more than one (`--update`). */
  readonly parts?: readonly RunPart[];
  readonly started: string;
  readonly finished: string;
  readonly seconds: number;
  readonly machine: Machine;
  readonly versions: Readonly<Record<string, string>>;
  readonly settings: {
    readonly warmup: number;
    readonly minSampleMs: number;
    readonly cliRepeats: number;
  };
  readonly cases: readonly CaseResult[];
  readonly ceilings: readonly CeilingResult[];
  readonly cli: readonly CliResult[];
  readonly targets: readonly TargetResult[];
}
