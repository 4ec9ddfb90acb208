/**
 * Why targets are missed, from the format engineers' measurements and
 * explanations (their sections of BENCHMARKS.md, kept below the generated
 * one) and from the ceilings this harness measures: shown beside a target
 * only when a run misses it.
 *
 * @module
 */

const LOAD =
  "A load's cost here is touching a fresh buffer, not reading: NumPy's 8 MB load reuses the " +
  "heap memory glibc kept from the previous array, and its large loads fault memory in with huge " +
  "pages (madvise); V8 frees an ArrayBuffer only after a garbage collection, so every ndio load " +
  "faults new pages, with huge pages only when FFI is allowed (compare the first-touch ceiling; " +
  "details in ## npy below).";

const SAVE =
  "Both sides copy the array's bytes into the page cache; ndio writes a temporary file and " +
  "renames it (atomic writes are a project rule) — the rename and the extra directory " +
  "operations are the difference, small against the load swings (see ## npy below).";

const TEXT_LOAD_INT =
  "Parsing is not the bottleneck: the cost is fresh memory for the file buffer and the result " +
  "(page faults; NumPy's allocations get huge pages, a runtime-agnostic package cannot ask for " +
  "them) and, for the smaller file, JIT warm-up (see ## text below).";

/** Target id → the reason for a miss. */
export const MISS_REASONS: Readonly<Record<string, string>> = {
  "npy-load-seed": LOAD,
  "npy-load-big": LOAD,
  "npy-save-seed": SAVE,
  "npy-save-big": SAVE,
  "text-loadtxt-int-1m": TEXT_LOAD_INT,
  "text-loadtxt-int-10m": TEXT_LOAD_INT,
  "text-loadtxt-float-1m":
    "'%.18e' fields have 19 significant digits; ndio parses them exactly (a double-double fast " +
    "path, with a fallback near rounding ties), NumPy's C parser is close to that speed, and the " +
    "fresh result memory costs as for ints (see ## text below).",
  "text-savetxt-int-1m":
    "ndio's formatting takes a few ms; the rest is the file write and machine load, which " +
    "dominate a task this short (see ## text below).",
};
