/**
 * Summaries of timing samples: median, minimum, maximum; ratios and
 * throughputs. Pure functions.
 *
 * @module
 */

/** Samples and their summary. */
export interface Summary {
  /** Every sample, in the order taken. */
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The median of some numbers (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, minimum and maximum of samples (NaN for none). */
export function summarize(samples: readonly number[]): Summary {
  return {
    samples: [...samples],
    median: median(samples),
    min: samples.length === 0 ? NaN : Math.min(...samples),
    max: samples.length === 0 ? NaN : Math.max(...samples),
  };
}

/** NumPy time / ndio time: above 1, ndio is faster. NaN when either is missing. */
export function speedRatio(numpyMs: number, ndioMs: number): number {
  if (!(numpyMs > 0) || !(ndioMs > 0)) return NaN;
  return numpyMs / ndioMs;
}

/** Bytes per second of `bytes` processed in `ms` milliseconds. */
export function throughput(bytes: number, ms: number): number {
  return ms > 0 ? bytes / (ms / 1000) : NaN;
}

/** The largest of some numbers, ignoring null and undefined; null when there are none. */
export function maxOf(values: readonly (number | null | undefined)[]): number | null {
  let best: number | null = null;
  for (const v of values) if (typeof v === "number" && (best === null || v > best)) best = v;
  return best;
}
