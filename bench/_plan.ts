/**
 * What `deno task bench:numpy` measures: the datasets (the seed's array, a
 * float64 and an int64 scaling series), the operations run on each side,
 * the CLI conversions, the machine ceilings, and how many repetitions each
 * mode takes. Pure data and pure functions.
 *
 * @module
 */

/** `quick`: a run under a minute, to check the harness; `full`: every size up to 800 MB. */
export type Mode = "quick" | "full";

/** The kinds of data: the seed's int64 array, float64 and int64 series. */
export type DataKind = "seed" | "f8" | "i8";

/** An array both sides work on, written by NumPy. */
export interface DatasetSpec {
  /** Unique id, also the stem of its files: `seed`, `f8-1000000`. */
  readonly id: string;
  readonly kind: DataKind;
  /** NumPy's dtype name. */
  readonly dtype: "int64" | "float64";
  readonly shape: readonly number[];
  /** Size of the array's data in bytes. */
  readonly nbytes: number;
  /** A short label: `seed 8 MB int64`, `80 MB float64`. */
  readonly label: string;
}

/**
 * The processes of a run: NumPy's and ndio's, a second pair whose glibc
 * backs large allocations with transparent huge pages
 * (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`), to show what fresh-memory page
 * faults cost each side, and a third whose glibc keeps the memory it is
 * given back ({@linkcode KEEP_FREED_TUNABLES}).
 */
export type WorkerKind =
  | "numpy"
  | "numpy-hugetlb"
  | "numpy-keep"
  | "ndio"
  | "ndio-hugetlb"
  | "ndio-keep";

/**
 * glibc settings under which freed memory stays in the process for reuse:
 * no mmap for blocks under 32 MiB (the default threshold moves with what
 * was freed last) and no trimming of the heap's top below 1 GiB.
 */
export const KEEP_FREED_TUNABLES =
  "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824";

/** The GLIBC_TUNABLES a worker process is started with, if any. */
export function tunablesFor(kind: WorkerKind): string | undefined {
  if (kind.endsWith("-hugetlb")) return "glibc.malloc.hugetlb=1";
  if (kind.endsWith("-keep")) return KEEP_FREED_TUNABLES;
  return undefined;
}

/** One way of running an operation on the ndio side (e.g. with or without workers). */
export interface NdioVariant {
  /** The variant's id, unique in a run (the case's `variant`). */
  readonly id: string;
  /** The ndio worker's operation id. */
  readonly op: string;
  /** How the variant differs, shown beside the operation (empty for the plain one). */
  readonly note: string;
  /** The process it runs in. */
  readonly worker: "ndio" | "ndio-hugetlb" | "ndio-keep";
  /** The NumPy process it is compared with (default `numpy`). */
  readonly numpyWorker?: "numpy" | "numpy-hugetlb" | "numpy-keep";
  /** Only on datasets this large. */
  readonly minBytes?: number;
  /** Only on datasets this small. */
  readonly maxBytes?: number;
  /** Only in these modes (all when absent). */
  readonly modes?: readonly Mode[];
}

/** An operation timed on both sides. */
export interface OpSpec {
  /** The NumPy worker's operation id; also the case's id. */
  readonly id: string;
  /** The group it is reported under: `npy`, `npz`, `text`, `pickle`. */
  readonly family: string;
  /** What each side runs, e.g. `np.save(path, a)` against `save(path, a)`. */
  readonly label: string;
  readonly numpy: string;
  readonly ndio: string;
  /** The ndio variants timed against the same NumPy runs. */
  readonly variants: readonly NdioVariant[];
  /** The data it runs on. */
  readonly kinds: readonly DataKind[];
  /** Largest dataset (bytes of array data) per mode. */
  readonly maxBytes: Readonly<Record<Mode, number>>;
  /** Smallest dataset, if any. */
  readonly minBytes?: number;
}

const MB = 1_000_000;
const ALL = { quick: Infinity, full: Infinity } as const;

function one(id: string): readonly NdioVariant[] {
  return [{ id, op: id, note: "", worker: "ndio" }];
}

/** The note of the load into a buffer the caller keeps. */
export const REUSE_NOTE = "into a buffer the caller reuses ({ buffer })";

/** The note of variants run with glibc keeping freed memory. */
export const KEEP_NOTE = "both sides with glibc keeping freed memory";

/** The note of variants run with glibc's huge pages. */
export const HUGETLB_NOTE = "both sides with glibc huge pages";

// The plain variant, and both sides again in the huge-page processes (full mode, 8 MB and up).
function withHugePages(id: string): readonly NdioVariant[] {
  return [...one(id), {
    id: `${id}+hugetlb`,
    op: id,
    note: HUGETLB_NOTE,
    worker: "ndio-hugetlb",
    numpyWorker: "numpy-hugetlb",
    minBytes: 5 * MB,
    modes: ["full"],
  }];
}

/** The variants of an operation run on a dataset in a mode. */
export function variantsFor(op: OpSpec, ds: DatasetSpec, mode: Mode): NdioVariant[] {
  return op.variants.filter((v) =>
    ds.nbytes >= (v.minBytes ?? 0) && ds.nbytes <= (v.maxBytes ?? Infinity) &&
    (v.modes === undefined || v.modes.includes(mode))
  );
}

/** The timed operations, in report order. */
export const OPS: readonly OpSpec[] = [
  {
    id: "npy.save",
    family: "npy",
    label: "save to a new file",
    numpy: "np.save(path, a)",
    ndio: "save(path, a) (@ndio/npy/fs, atomic)",
    variants: one("npy.save"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "npy.load",
    family: "npy",
    label: "load a warm file",
    numpy: "np.load(path)",
    ndio: "load(path) (@ndio/npy/fs)",
    // The same read into a buffer the caller keeps: no new buffer for V8
    // to allocate and zero.
    variants: [...one("npy.load"), {
      id: "npy.load_reuse",
      op: "npy.load_reuse",
      note: REUSE_NOTE,
      worker: "ndio",
      minBytes: MB,
    }, {
      // Under 1 MB a sample is many calls, whose buffers V8 frees only at
      // a collection; this shows what glibc's handling of that memory costs.
      id: "npy.load+keep",
      op: "npy.load",
      note: KEEP_NOTE,
      worker: "ndio-keep",
      numpyWorker: "numpy-keep",
      minBytes: 10_000,
      maxBytes: MB - 1,
      modes: ["full"],
    }],
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "npz.save_stored",
    family: "npz",
    label: "savez (stored) to a new file",
    numpy: "np.savez(path, a)",
    ndio: "savez(path, [a], { fsync: false }) (@ndio/npz/fs)",
    variants: one("npz.save_stored"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "npz.save_compressed",
    family: "npz",
    label: "savez_compressed (level 6) to a new file",
    numpy: "np.savez_compressed(path, a)",
    ndio: "savezCompressed(path, [a], { fsync: false, workers: 0 }) (@ndio/npz/fs)",
    variants: [
      ...one("npz.save_compressed"),
      {
        id: "npz.save_compressed_workers",
        op: "npz.save_compressed_workers",
        note: "2 workers",
        worker: "ndio",
      },
    ],
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "npz.load_stored",
    family: "npz",
    label: "member load, stored archive",
    numpy: "np.load(path)['arr_0']",
    ndio: "(await loadNpz(path)).get('arr_0') (@ndio/npz/fs)",
    variants: withHugePages("npz.load_stored"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "npz.load_compressed",
    family: "npz",
    label: "member load, compressed archive",
    numpy: "np.load(path)['arr_0']",
    ndio: "(await loadNpz(path)).get('arr_0') (@ndio/npz/fs)",
    variants: withHugePages("npz.load_compressed"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "text.savetxt_int",
    family: "text",
    label: "savetxt of int64, '%d', tab-separated",
    numpy: "np.savetxt(path, a, fmt='%d', delimiter='\\t')",
    ndio: "savetxtBytes + writeFileAtomic",
    variants: one("text.savetxt_int"),
    kinds: ["i8"],
    maxBytes: { quick: 10 * MB, full: 100 * MB },
  },
  {
    id: "text.loadtxt_int",
    family: "text",
    label: "loadtxt of int64, tab-separated",
    numpy: "np.loadtxt(path, delimiter='\\t', dtype=np.int64)",
    ndio: "loadtxtFile(path, { delimiter: '\\t', dtype: 'int64' }) (@ndio/text/fs)",
    variants: withHugePages("text.loadtxt_int"),
    kinds: ["i8"],
    maxBytes: { quick: 10 * MB, full: 100 * MB },
  },
  {
    id: "text.savetxt_float",
    family: "text",
    label: "savetxt of float64, default '%.18e'",
    numpy: "np.savetxt(path, a)",
    ndio: "savetxtBytes + writeFileAtomic",
    variants: one("text.savetxt_float"),
    kinds: ["f8"],
    maxBytes: { quick: 1 * MB, full: 10 * MB },
  },
  {
    id: "text.loadtxt_float",
    family: "text",
    label: "loadtxt of float64 written with '%.18e'",
    numpy: "np.loadtxt(path)",
    ndio: "loadtxtFile(path, { dtype: 'float64' }) (@ndio/text/fs)",
    variants: withHugePages("text.loadtxt_float"),
    kinds: ["f8"],
    maxBytes: { quick: 1 * MB, full: 10 * MB },
  },
  {
    id: "pickle.dumps.p5",
    family: "pickle",
    label: "dumps, protocol 5 (in-band buffer)",
    numpy: "pickle.dumps(a, protocol=5)",
    ndio: "dumps(a, { protocol: 5 })",
    variants: withHugePages("pickle.dumps.p5"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "pickle.loads.p5",
    family: "pickle",
    label: "loads, protocol 5",
    numpy: "pickle.loads(b)",
    ndio: "loads(b)",
    variants: withHugePages("pickle.loads.p5"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
  },
  {
    id: "pickle.dumps.p4",
    family: "pickle",
    label: "dumps, protocol 4 (the default)",
    numpy: "pickle.dumps(a, protocol=4)",
    ndio: "dumps(a)",
    variants: withHugePages("pickle.dumps.p4"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
    minBytes: 1 * MB,
  },
  {
    id: "pickle.loads.p4",
    family: "pickle",
    label: "loads, protocol 4",
    numpy: "pickle.loads(b)",
    ndio: "loads(b)",
    variants: withHugePages("pickle.loads.p4"),
    kinds: ["seed", "f8"],
    maxBytes: ALL,
    minBytes: 1 * MB,
  },
];

/** A machine ceiling, measured in both runtimes. */
export interface CeilingSpec {
  readonly id: string;
  readonly label: string;
  /** What each runtime runs. */
  readonly how: string;
  readonly kinds: readonly DataKind[];
  readonly minBytes: number;
  readonly maxBytes: number;
}

/** The physical ceilings: what each operation can be read against. */
export const CEILINGS: readonly CeilingSpec[] = [
  {
    id: "ceiling.memcpy",
    label: "memcpy into a touched buffer",
    how: "Uint8Array.set / np.copyto",
    kinds: ["f8"],
    minBytes: 5 * MB,
    maxBytes: Infinity,
  },
  {
    id: "ceiling.first_touch",
    label: "first touch of fresh memory (one write per 4 KiB)",
    how: "new Uint8Array(n) / np.empty(n) (NumPy: huge pages via madvise)",
    kinds: ["f8"],
    minBytes: 5 * MB,
    maxBytes: Infinity,
  },
  {
    id: "ceiling.read",
    label: "read a warm file into a preallocated buffer",
    how: "Deno.openSync + readSync / readinto",
    kinds: ["f8"],
    minBytes: 5 * MB,
    maxBytes: Infinity,
  },
  {
    id: "ceiling.write",
    label: "write a new file from memory",
    how: "Deno.openSync + writeSync / open('wb').write",
    kinds: ["f8"],
    minBytes: 5 * MB,
    maxBytes: Infinity,
  },
  {
    id: "ceiling.write_atomic",
    label: "write a new file through a temporary file and rename",
    how: "as above, then Deno.renameSync / os.replace",
    kinds: ["f8"],
    minBytes: 5 * MB,
    maxBytes: Infinity,
  },
  {
    id: "ceiling.deflate",
    label: "zlib deflate, level 6 (raw)",
    how: "node:zlib deflateRawSync (zlib-ng) / zlib.compressobj",
    kinds: ["seed", "f8"],
    minBytes: 5 * MB,
    maxBytes: 10 * MB,
  },
  {
    id: "ceiling.inflate",
    label: "zlib inflate (raw)",
    how: "node:zlib inflateRawSync / zlib.decompress",
    kinds: ["seed", "f8"],
    minBytes: 5 * MB,
    maxBytes: 10 * MB,
  },
];

/** A whole-process conversion: `ndio convert` against a `python3 -c` one-liner. */
export interface CliSpec {
  readonly id: string;
  readonly label: string;
  readonly kinds: readonly DataKind[];
  /** The input file's suffix after the dataset id (made by NumPy: see numpy_worker.py). */
  readonly input: string;
  /** The output file's extension. */
  readonly output: string;
  /** Arguments of `ndio` after `convert IN OUT`. */
  readonly ndio: readonly string[];
  /** The Python program, with `i` and `o` the input and output paths. */
  readonly python: string;
}

/** The CLI conversions. */
export const CLI: readonly CliSpec[] = [
  {
    id: "cli.startup",
    label: "start only: ndio --version / import numpy",
    kinds: ["seed"],
    input: "npy",
    output: "none",
    ndio: [],
    python: "import numpy",
  },
  {
    id: "cli.npy_to_tsv",
    label: "npy → tsv ('%d')",
    kinds: ["seed"],
    input: "npy",
    output: "tsv",
    ndio: ["--fmt", "%d"],
    python: "a = np.load(i); np.savetxt(o, a.reshape(-1, a.shape[-1]), fmt='%d', " +
      "delimiter='\\t', header='shape: ' + str(a.shape))",
  },
  {
    id: "cli.tsv_to_npy",
    label: "tsv ('Original shape' header) → npy",
    kinds: ["seed"],
    input: "cli.tsv",
    output: "npy",
    ndio: ["--dtype", "int64"],
    python: "np.save(o, np.loadtxt(i, delimiter='\\t', dtype=np.int64).reshape(100, 100, 100))",
  },
  {
    id: "cli.npy_to_npz",
    label: "npy → npz compressed",
    kinds: ["seed", "f8"],
    input: "npy",
    output: "npz",
    ndio: ["--compress"],
    python: "np.savez_compressed(o, np.load(i))",
  },
  {
    id: "cli.npz_to_npy",
    label: "npz compressed → npy",
    kinds: ["seed", "f8"],
    input: "compressed.npz",
    output: "npy",
    ndio: [],
    python: "np.save(o, np.load(i)['arr_0'])",
  },
  {
    id: "cli.npy_to_pkl",
    label: "npy → pickle (protocol 4)",
    kinds: ["seed", "f8"],
    input: "npy",
    output: "pkl",
    ndio: [],
    python: "import pickle; pickle.dump(np.load(i), open(o, 'wb'), protocol=4)",
  },
  {
    id: "cli.pkl_to_npy",
    label: "pickle (protocol 4) → npy",
    kinds: ["seed", "f8"],
    input: "p4.pkl",
    output: "npy",
    ndio: [],
    python: "import pickle; np.save(o, pickle.load(open(i, 'rb')))",
  },
];

/** Repetitions, warm-up and sample length of a mode. */
export interface Settings {
  /** Untimed runs per side before the samples. */
  readonly warmup: number;
  /** Samples per side, by dataset size. */
  readonly repeats: (nbytes: number) => number;
  /** A sample repeats the call until it lasts at least this long (small arrays). */
  readonly minSampleMs: number;
  /** At most this many calls per sample. */
  readonly maxInner: number;
  /** Whole-process runs per side. */
  readonly cliRepeats: number;
}

/** The settings of each mode. */
export const SETTINGS: Readonly<Record<Mode, Settings>> = {
  quick: {
    warmup: 1,
    repeats: () => 3,
    minSampleMs: 5,
    maxInner: 200,
    cliRepeats: 2,
  },
  full: {
    warmup: 2,
    repeats: (nbytes) => nbytes > 200 * MB ? 3 : nbytes > 20 * MB ? 5 : 9,
    minSampleMs: 25,
    maxInner: 2000,
    cliRepeats: 7,
  },
};

/** Columns of a 2-D array of `count` elements (savetxt writes 2-D arrays). */
function columns(count: number): number {
  return count % 10 === 0 ? 10 : 8;
}

/** A size for labels: `1 KiB`, `800 KiB`, `8 MB`, `800 MB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.round(bytes / 1024)} KiB`;
  const mb = bytes / MB;
  return `${mb >= 10 ? Math.round(mb) : Number(mb.toPrecision(2))} MB`;
}

function series(kind: "f8" | "i8", count: number): DatasetSpec {
  const cols = columns(count);
  const nbytes = count * 8;
  const dtype = kind === "f8" ? "float64" : "int64";
  return {
    id: `${kind}-${count}`,
    kind,
    dtype,
    shape: [count / cols, cols],
    nbytes,
    label: `${formatSize(nbytes)} ${dtype}`,
  };
}

/** The seed's array: `randint(1, 100, [100, 100, 100])`, int64, 8 MB. */
export const SEED: DatasetSpec = {
  id: "seed",
  kind: "seed",
  dtype: "int64",
  shape: [100, 100, 100],
  nbytes: 8 * MB,
  label: "seed 8 MB int64",
};

const COUNTS: Readonly<Record<Mode, readonly number[]>> = {
  quick: [128, 10_240, 1_000_000],
  full: [128, 1024, 10_240, 102_400, 1_000_000, 10_000_000, 100_000_000],
};

/**
 * The datasets of a mode, smallest first: the seed, float64 at every size
 * of the series, int64 (for text) at every size but 8 MB, where the seed
 * stands in (the same 1M values in rows of 10, as the seed's tutorial).
 */
export function datasets(mode: Mode, maxBytes = Infinity): DatasetSpec[] {
  const out: DatasetSpec[] = [SEED];
  for (const count of COUNTS[mode]) {
    out.push(series("f8", count));
    if (count !== 1_000_000 && count * 8 <= 100 * MB) out.push(series("i8", count));
  }
  return out
    .filter((d) => d.nbytes <= maxBytes)
    .sort((a, b) => a.nbytes - b.nbytes || a.id.localeCompare(b.id));
}

function fits(
  spec: { kinds: readonly DataKind[]; minBytes?: number },
  max: number,
  ds: DatasetSpec,
): boolean {
  // The seed is int64 data like the i8 series.
  const kindOk = spec.kinds.includes(ds.kind) || (ds.kind === "seed" && spec.kinds.includes("i8"));
  return kindOk && ds.nbytes <= max && ds.nbytes >= (spec.minBytes ?? 0);
}

/** The operations run on a dataset. */
export function opsFor(ds: DatasetSpec, mode: Mode, ops: readonly OpSpec[] = OPS): OpSpec[] {
  return ops.filter((op) => fits(op, op.maxBytes[mode], ds));
}

/** The ceilings measured on a dataset. */
export function ceilingsFor(ds: DatasetSpec, mode: Mode): CeilingSpec[] {
  // Quick mode measures the ceilings at 8 MB only, zlib on the seed only.
  if (mode === "quick" && ds.kind === "f8") {
    return CEILINGS.filter((c) => !c.id.includes("flate") && fits(c, 10 * MB, ds));
  }
  return CEILINGS.filter((c) => fits(c, c.maxBytes, ds));
}

/** The float64 size the CLI conversions run on in full mode (besides the seed). */
export const CLI_FLOAT_BYTES = 80 * MB;

/** The CLI conversions run on a dataset: the seed, and 80 MB float64 in full mode. */
export function cliFor(ds: DatasetSpec, mode: Mode): CliSpec[] {
  const wanted = ds.kind === "seed" ||
    (mode === "full" && ds.kind === "f8" && ds.nbytes === CLI_FLOAT_BYTES);
  return wanted ? CLI.filter((c) => c.kinds.includes(ds.kind)) : [];
}
