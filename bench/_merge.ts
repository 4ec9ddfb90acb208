/**
 * Folds a partial run (`--only ...`) into earlier results: its cases,
 * ceilings and conversions replace the earlier ones of the same operation
 * and dataset, the rest is kept, and each run's conditions are listed.
 * Targets are evaluated again over the merged cases. Pure.
 *
 * @module
 */

import type { RunPart, RunResults } from "./_results.ts";
import { evaluateTargets } from "./_targets.ts";

/** The conditions of a run, as a part of merged results. */
export function partOf(r: RunResults): RunPart {
  return {
    started: r.started,
    finished: r.finished,
    seconds: r.seconds,
    mode: r.mode,
    only: r.only ?? null,
    loadavgStart: r.machine.loadavgStart,
    loadavgEnd: r.machine.loadavgEnd,
  };
}

function replace<T>(old: readonly T[], fresh: readonly T[], key: (item: T) => string): T[] {
  const replaced = new Set(fresh.map(key));
  return [...old.filter((item) => !replaced.has(key(item))), ...fresh];
}

/** `fresh` folded into `old` (same mode only: a quick run never mixes with a full one). */
export function mergeResults(
  old: RunResults,
  fresh: RunResults,
  reasons: Readonly<Record<string, string>> = {},
): RunResults {
  if (old.mode !== fresh.mode) return fresh;
  const cases = replace(old.cases, fresh.cases, (c) => `${c.variant} ${c.dataset.id}`);
  // Report order: smallest dataset first, as a single run gives them.
  cases.sort((a, b) =>
    a.dataset.nbytes - b.dataset.nbytes || a.dataset.id.localeCompare(b.dataset.id)
  );
  const parts = [...(old.parts ?? [partOf(old)]), ...(fresh.parts ?? [partOf(fresh)])];
  return {
    ...fresh,
    started: parts.map((p) => p.started).sort()[0]!,
    seconds: Math.round(parts.reduce((sum, p) => sum + p.seconds, 0) * 10) / 10,
    parts,
    cases,
    ceilings: replace(old.ceilings, fresh.ceilings, (c) => `${c.id} ${c.dataset.id}`),
    cli: replace(old.cli, fresh.cli, (c) => `${c.id} ${c.dataset.id}`),
    targets: evaluateTargets(cases, undefined, reasons),
  };
}
