/**
 * The speed and size targets of the format issues (#3 npy, #4 npz, #5 text,
 * #6 pickle), the cases that measure them, and why a miss happens when it
 * does. Evaluation is pure.
 *
 * @module
 */

import type { CaseResult, TargetResult } from "./_results.ts";

/** A target: a minimum ratio NumPy time / ndio time on one case (or a size bound). */
export interface TargetSpec {
  readonly id: string;
  readonly issue: number;
  /** The target as the issue states it. */
  readonly text: string;
  /** The case: operation variant and dataset id. */
  readonly variant: string;
  readonly dataset: string;
  /**
   * `speed`: NumPy median / ndio median ≥ `min`; `size`: ndio's output bytes /
   * NumPy's ≤ `min`.
   */
  readonly kind: "speed" | "size";
  readonly min: number;
  /** Why it is missed when it is (shown only for a miss). */
  readonly reason: string;
}

const SEED = "seed";
const BIG = "f8-100000000";

function speed(
  id: string,
  issue: number,
  text: string,
  variant: string,
  dataset: string,
  min: number,
  reason = "",
): TargetSpec {
  return { id, issue, text, variant, dataset, kind: "speed", min, reason };
}

/** Every target of the format issues. */
export const TARGETS: readonly TargetSpec[] = [
  speed("npy-save-seed", 3, "np.save, 8 MB int64: ≥ 1×", "npy.save", SEED, 1),
  speed("npy-load-seed", 3, "np.load, 8 MB int64: ≥ 1×", "npy.load", SEED, 1),
  speed("npy-save-big", 3, "np.save, 800 MB float64: ≥ 1×", "npy.save", BIG, 1),
  speed("npy-load-big", 3, "np.load, 800 MB float64: ≥ 1×", "npy.load", BIG, 1),
  speed(
    "npz-compressed-seed",
    4,
    "savezCompressed, seed 8 MB int64, single-threaded: ≥ 2.5×",
    "npz.save_compressed",
    SEED,
    2.5,
  ),
  speed(
    "npz-compressed-seed-workers",
    4,
    "savezCompressed, seed 8 MB int64, with workers: ≥ 4×",
    "npz.save_compressed_workers",
    SEED,
    4,
  ),
  speed(
    "npz-compressed-big",
    4,
    "savezCompressed, 800 MB float64, single-threaded: ≥ 2.5×",
    "npz.save_compressed",
    BIG,
    2.5,
  ),
  speed(
    "npz-compressed-big-workers",
    4,
    "savezCompressed, 800 MB float64, with workers: ≥ 4×",
    "npz.save_compressed_workers",
    BIG,
    4,
  ),
  speed(
    "npz-load-compressed-seed",
    4,
    "compressed member load, seed: ≥ 1.2×",
    "npz.load_compressed",
    SEED,
    1.2,
  ),
  speed(
    "npz-load-compressed-big",
    4,
    "compressed member load, 800 MB: ≥ 1.2×",
    "npz.load_compressed",
    BIG,
    1.2,
  ),
  speed("npz-stored-seed", 4, "stored savez, seed: ≥ 2×", "npz.save_stored", SEED, 2),
  speed("npz-stored-big", 4, "stored savez, 800 MB: ≥ 2×", "npz.save_stored", BIG, 2),
  speed("npz-load-stored-seed", 4, "stored member load, seed: ≥ 1×", "npz.load_stored", SEED, 1),
  speed("npz-load-stored-big", 4, "stored member load, 800 MB: ≥ 1×", "npz.load_stored", BIG, 1),
  {
    id: "npz-size-seed",
    issue: 4,
    text: "compressed size, seed: ≤ NumPy's + 1%",
    variant: "npz.save_compressed",
    dataset: SEED,
    kind: "size",
    min: 1.01,
    reason: "",
  },
  {
    id: "npz-size-big",
    issue: 4,
    text: "compressed size, 800 MB float64: ≤ NumPy's + 1%",
    variant: "npz.save_compressed",
    dataset: BIG,
    kind: "size",
    min: 1.01,
    reason: "",
  },
  speed(
    "text-loadtxt-int-1m",
    5,
    "loadtxt 1M tab-separated ints: ≥ 1.5×",
    "text.loadtxt_int",
    SEED,
    1.5,
  ),
  speed(
    "text-loadtxt-int-10m",
    5,
    "loadtxt 10M tab-separated ints: ≥ 1.5×",
    "text.loadtxt_int",
    "i8-10000000",
    1.5,
  ),
  speed(
    "text-loadtxt-float-1m",
    5,
    "loadtxt 1M '%.18e' floats: ≥ 1.5×",
    "text.loadtxt_float",
    "f8-1000000",
    1.5,
  ),
  speed("text-savetxt-int-1m", 5, "savetxt 1M ints '%d': ≥ 10×", "text.savetxt_int", SEED, 10),
  speed(
    "text-savetxt-float-1m",
    5,
    "savetxt 1M floats '%.18e': ≥ 1×",
    "text.savetxt_float",
    "f8-1000000",
    1,
  ),
  speed(
    "pickle-loads-big",
    6,
    "loads 800 MB float64 (protocol 5): ≥ 1×",
    "pickle.loads.p5",
    BIG,
    1,
  ),
  speed(
    "pickle-dumps-big",
    6,
    "dumps 800 MB float64 (protocol 5): ≥ 1×",
    "pickle.dumps.p5",
    BIG,
    1,
  ),
  speed(
    "pickle-loads-big-p4",
    6,
    "loads 800 MB float64 (protocol 4): ≥ 1×",
    "pickle.loads.p4",
    BIG,
    1,
  ),
  speed(
    "pickle-dumps-big-p4",
    6,
    "dumps 800 MB float64 (protocol 4): ≥ 1×",
    "pickle.dumps.p4",
    BIG,
    1,
  ),
];

/** Checks each target against the cases of a run. */
export function evaluateTargets(
  cases: readonly CaseResult[],
  targets: readonly TargetSpec[] = TARGETS,
  reasons: Readonly<Record<string, string>> = {},
): TargetResult[] {
  return targets.map((t) => {
    const c = cases.find((c) => c.variant === t.variant && c.dataset.id === t.dataset);
    const base = { id: t.id, issue: t.issue, text: t.text };
    if (c === undefined) {
      return { ...base, measured: null, verdict: "not measured", reason: "not in this run" };
    }
    let measured: number | null;
    if (t.kind === "size") {
      const ours = c.ndio?.outputBytes ?? null;
      const theirs = c.numpy?.outputBytes ?? null;
      measured = ours !== null && theirs !== null && theirs > 0 ? ours / theirs : null;
    } else {
      measured = c.ratio;
    }
    if (measured === null || !Number.isFinite(measured)) {
      return {
        ...base,
        measured: null,
        verdict: "not measured",
        reason: c.error ?? "a side gave no result",
      };
    }
    const met = t.kind === "size" ? measured <= t.min : measured >= t.min;
    return {
      ...base,
      measured,
      verdict: met ? "met" : "missed",
      reason: met ? "" : reasons[t.id] ?? t.reason,
    };
  });
}
