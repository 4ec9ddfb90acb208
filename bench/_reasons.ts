/**
 * Why targets are missed, as measured and explained by the format
 * engineers (their sections of BENCHMARKS.md): shown beside a target only
 * when this run misses it.
 *
 * @module
 */

/** Target id → the reason for a miss. */
export const MISS_REASONS: Readonly<Record<string, string>> = {};
