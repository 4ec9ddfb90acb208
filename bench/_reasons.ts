/**
 * Why targets are missed, shown beside a target only when a run misses it.
 * The causes come from the format engineers' measurements (their sections
 * of BENCHMARKS.md, kept below the generated one) and from this harness's
 * own: the machine ceilings and the huge-page rows of the same run, whose
 * figures are quoted here so each reason can be checked against the tables.
 * Pure.
 *
 * @module
 */

import type { CaseResult, CeilingResult } from "./_results.ts";
import { throughput } from "./_stats.ts";

/** What the reasons are computed from. */
export interface ReasonInput {
  readonly cases: readonly CaseResult[];
  readonly ceilings: readonly CeilingResult[];
}

const SEED = "seed";
const F8_8MB = "f8-1000000";
const BIG = "f8-100000000";

function ratioText(r: number): string {
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

function mbps(bytesPerSecond: number): string {
  const mb = bytesPerSecond / 1e6;
  return mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB/s` : `${Math.round(mb)} MB/s`;
}

function gbps(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e9).toFixed(1)} GB/s`;
}

function ceilingRates(
  r: ReasonInput,
  id: string,
  dataset: string,
): { deno: number; python: number } | null {
  const c = r.ceilings.find((c) => c.id === id && c.dataset.id === dataset);
  if (c?.deno == null || c.python == null) return null;
  return {
    deno: throughput(c.dataset.nbytes, c.deno.ms.median),
    python: throughput(c.dataset.nbytes, c.python.ms.median),
  };
}

// "With glibc huge pages on both sides the ratio is 1.40× (ndio 29 ms, NumPy 41 ms): ..."
function hugePages(r: ReasonInput, variant: string, dataset: string, target: number): string {
  const c = r.cases.find((c) => c.variant === `${variant}+hugetlb` && c.dataset.id === dataset);
  if (c?.ratio == null || c.ndio === null || c.numpy === null) return "";
  const verdict = c.ratio >= target
    ? "so the page faults account for the miss."
    : "so page faults are not the whole difference (or the kernel had no free 2 MiB blocks " +
      "at the time: see the note on huge pages).";
  return ` With glibc huge pages on both sides (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) the ` +
    `ratio is ${ratioText(c.ratio)} (ndio ${c.ndio.ms.median.toPrecision(3)} ms, NumPy ` +
    `${c.numpy.ms.median.toPrecision(3)} ms), ${verdict}`;
}

function firstTouch(r: ReasonInput, dataset: string): string {
  const t = ceilingRates(r, "ceiling.first_touch", dataset);
  if (t === null) return "";
  return ` First touch of fresh memory runs at ${mbps(t.deno)} in Deno (4 KiB pages) against ` +
    `${mbps(t.python)} for NumPy's madvised buffers (ceilings table).`;
}

const PAGE_FAULTS =
  "The cost is fresh memory, not the format: each call fills a new buffer, and on this VM a " +
  "4 KiB page fault is expensive, so a buffer that is not backed by huge pages costs far more " +
  "to touch than to fill.";

function deflateBound(r: ReasonInput, dataset: string, workers: boolean): string {
  // The float64 ceiling is measured at 8 MB: deflate speed does not depend on size past that.
  const d = ceilingRates(r, "ceiling.deflate", dataset === BIG ? F8_8MB : dataset);
  const plain = d === null
    ? ""
    : ` (plain level 6 deflates this data at ${mbps(d.deno)} in zlib-ng, ${mbps(d.python)} in ` +
      "Python's zlib: ceilings table)";
  return "ndio deflates each 4 MiB piece the cheapest way that stays as small as zlib's level 6 " +
    "on a sample of it — Huffman coding alone on random floats, an 8 KiB window on the seed's " +
    `small integers${plain} — so what is left is that deflate's own CPU time` +
    (workers
      ? "; two workers need two idle cores, and the harness's own processes share the same two " +
        "cores."
      : ".") +
    " See ## npz below.";
}

// "The same load into a buffer the caller reuses (nothing to zero) measured 0.82× ..."
function reuseText(r: ReasonInput): string {
  const c = r.cases.find((c) => c.variant === "npy.load_reuse" && c.dataset.id === SEED);
  if (c?.ratio == null || c.ndio === null) return "";
  const plain = r.cases.find((c) => c.variant === "npy.load" && c.dataset.id === SEED);
  const faster = plain?.ndio != null && c.ndio.ms.median < plain.ndio.ms.median;
  return `The same load into a buffer the caller reuses, with nothing to zero, measured ` +
    `${ratioText(c.ratio)} (ndio ${c.ndio.ms.median.toPrecision(3)} ms; row below)` +
    (faster
      ? ", so the zeroing is part of the difference, not all of it. "
      : ": no faster (likely because a copy into memory just zeroed finds it in the cache), " +
        "so the zeroing is not what the difference is made of. ");
}

/** Target id → the reason for a miss, from a run's results. */
export function missReasons(r: ReasonInput): Record<string, string> {
  const npyLoad = (dataset: string) =>
    dataset === SEED
      ? "Both sides make one read of the file into memory the allocator kept from the array " +
        "freed before; NumPy uses it as it is, while V8 zeroes every new ArrayBuffer first. " +
        reuseText(r) + "What is left is the kernel's copy into memory whose state (4 KiB " +
        "pages, in the cache or not) JavaScript cannot choose, and the harness's 10 ms pause " +
        "before ndio's calls and not NumPy's, which costs `np.load` itself about 0.15 ms when " +
        "it is added (details in ## npy below)."
      : PAGE_FAULTS + firstTouch(r, dataset) +
        " Both sides ask for huge pages for this buffer (ndio through FFI when FFI is " +
        "allowed, as here) and ndio reads it in parallel parts, so what is left is how fast " +
        "this VM hands out and zeroes fresh memory, which varies by an order of magnitude " +
        "between allocations (details in ## npy below).";
  const npySave = (dataset: string) => {
    const c = r.cases.find((c) => c.variant === "npy.save" && c.dataset.id === dataset);
    const plain = ceilingRates(r, "ceiling.write", dataset === SEED ? F8_8MB : dataset);
    const atomic = ceilingRates(r, "ceiling.write_atomic", dataset === SEED ? F8_8MB : dataset);
    const figures = c?.ndio != null && c.numpy !== null && plain !== null && atomic !== null
      ? ` On this machine a plain write of a new file runs at ${gbps(plain.deno)} in Deno ` +
        `(${gbps(plain.python)} in Python), through a temporary file and a rename at ` +
        `${gbps(atomic.deno)} (${gbps(atomic.python)}); \`save\` runs at ` +
        `${gbps(throughput(c.dataset.nbytes, c.ndio.ms.median))} and \`np.save\` at ` +
        `${gbps(throughput(c.dataset.nbytes, c.numpy.ms.median))} (ceilings table).`
      : "";
    return "Both sides copy the array's bytes into the page cache of a new file, with its " +
      "blocks reserved first (fallocate; ndio through FFI when FFI is allowed, as here); ndio " +
      "writes it atomically (a temporary file renamed over the target)." + figures +
      (plain !== null && atomic !== null && atomic.deno >= 0.9 * plain.deno
        ? " The rename costs nothing measurable, and `save` measured no slower than a bare " +
          "write of the same bytes through a temporary file in one process, so the difference " +
          "is in writing into the page cache of a busy machine, which swung by 2× between runs."
        : "") +
      " See ## npy below.";
  };
  const load = (variant: string, dataset: string, target: number) =>
    PAGE_FAULTS + firstTouch(r, dataset === SEED ? F8_8MB : dataset) +
    hugePages(r, variant, dataset, target);
  return {
    "npy-load-seed": npyLoad(SEED),
    "npy-load-big": npyLoad(BIG),
    "npy-save-seed": npySave(SEED),
    "npy-save-big": npySave(BIG),
    "npz-compressed-seed": deflateBound(r, SEED, false),
    "npz-compressed-seed-workers": deflateBound(r, SEED, true),
    "npz-compressed-big": deflateBound(r, BIG, false),
    "npz-compressed-big-workers": deflateBound(r, BIG, true),
    "npz-load-compressed-seed": load("npz.load_compressed", SEED, 1.2),
    "npz-load-compressed-big": load("npz.load_compressed", BIG, 1.2),
    "npz-load-stored-seed": load("npz.load_stored", SEED, 1),
    "npz-load-stored-big": load("npz.load_stored", BIG, 1),
    "npz-stored-seed":
      "A stored savez is a file write plus a CRC-32; at 8 MB the fixed costs (archive " +
      "structure, the atomic temporary file) weigh more than at 800 MB (see ## npz below).",
    "npz-stored-big": "A stored savez is a file write plus a CRC-32 (see ## npz below).",
    "text-loadtxt-int-1m": "Parsing is not what is left: warm, ndio parses 1M ints in 7–12 ms " +
      "of CPU (a bare loop over the same bytes takes 5). The same call, timed alone on the " +
      "seed's text, runs at about 11–12 ms or about 17–18 ms, in stretches of 10 to 30 " +
      "consecutive calls, with the same JIT trace and no page faults in both; the row is timed " +
      "within one such stretch (see ## text below).",
    "text-loadtxt-int-10m": "loadtxtFile reads the file in 1 MiB pieces and asks for huge pages " +
      "for the 80 MB result when FFI is allowed (as here); what is left is the parse and the " +
      "machine's load (see ## text below)." +
      hugePages(r, "text.loadtxt_int", "i8-10000000", 1.5),
    "text-loadtxt-float-1m": "'%.18e' fields have 19 significant digits; ndio parses them in " +
      "one pass from the bytes, exactly (a double-double fast path, with a fallback near " +
      "rounding ties) (see ## text below)." +
      hugePages(r, "text.loadtxt_float", F8_8MB, 1.5),
    "text-savetxt-int-1m": "ndio's formatting takes a few ms; the file write and the machine's " +
      "load dominate a task this short (see ## text below).",
    "pickle-loads-big": load("pickle.loads.p5", BIG, 1),
    "pickle-dumps-big": load("pickle.dumps.p5", BIG, 1),
    "pickle-loads-big-p4": load("pickle.loads.p4", BIG, 1),
    "pickle-dumps-big-p4": load("pickle.dumps.p4", BIG, 1),
  };
}
