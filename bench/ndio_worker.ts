/**
 * The ndio side of `deno task bench:numpy` (bench/numpy_compare.ts): a
 * long-lived Deno process answering the same JSON-line requests as
 * bench/numpy_worker.py, running each operation through ndio's public API
 * in-process. Run by the orchestrator with `--allow-all` (so @ndio/npy's
 * `load` may ask for huge pages through FFI) and `--expose-gc` (loaded
 * arrays are freed between samples, outside the timed part, as NumPy frees
 * them when their last reference goes).
 *
 * @module
 */

import process from "node:process";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { NDArray } from "@ndio/core";
import { readFileBytes, writeFileAtomic } from "@ndio/core/fs";
import { load, save } from "@ndio/npy/fs";
import { loadNpz, savez, savezCompressed } from "@ndio/npz/fs";
import { savetxtBytes } from "@ndio/text";
import { loadtxtFile } from "@ndio/text/fs";
import { dumps, loads } from "@ndio/pickle";
import { lineSplitter } from "./_lines.ts";

interface Dataset {
  readonly id: string;
  readonly path: string;
  readonly array: NDArray;
}

/** One operation on one dataset, ready to run. */
interface Case {
  /** Runs the operation once (`k`: which of the sample's calls); the size it wrote or made. */
  run(k: number): Promise<number | void> | number | void;
  /** Files the last sample wrote, removed before the next one. */
  readonly outputs: string[];
  close?(): void;
}

const datasets = new Map<string, Dataset>();
const cases = new Map<string, Case>();

function bytesOf(array: NDArray): Uint8Array {
  return array.data.subarray(array.offset, array.offset + array.nbytes);
}

// savetxt takes 2-D arrays: others as rows of 10, as the seed's tutorial does.
function as2d(array: NDArray): NDArray {
  return array.ndim === 2 ? array : array.reshape([-1, 10]);
}

function isInt(array: NDArray): boolean {
  return array.dtype.kind === "i";
}

function inputPath(ds: Dataset, suffix: string): string {
  return `${ds.path.slice(0, ds.path.lastIndexOf("/"))}/${ds.id}.${suffix}`;
}

function fileSize(path: string): number {
  return Deno.statSync(path).size;
}

function readInto(path: string, buffer: Uint8Array): void {
  using file = Deno.openSync(path, { read: true });
  let done = 0;
  while (done < buffer.length) {
    const n = file.readSync(buffer.subarray(done));
    if (n === null || n === 0) break;
    done += n;
  }
}

function writeAll(path: string, bytes: Uint8Array): void {
  using file = Deno.openSync(path, { write: true, create: true, truncate: true });
  let done = 0;
  while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
}

function setup(op: string, ds: Dataset, dir: string): Case {
  const outputs: string[] = [];
  const out = (k: number, ext: string): string => {
    const path = `${dir}/ndio-${ds.id}-${k}.${ext}`;
    outputs.push(path);
    return path;
  };
  const a = ds.array;
  switch (op) {
    case "npy.save":
      return {
        outputs,
        run: async (k) => {
          const path = out(k, "npy");
          await save(path, a);
          return fileSize(path);
        },
      };
    case "npy.load":
      return { outputs, run: async () => void await load(ds.path) };
    case "npy.load_reuse": {
      const buffer = new Uint8Array(fileSize(ds.path));
      return { outputs, run: async () => void await load(ds.path, { buffer }) };
    }
    case "npz.save_stored":
      return {
        outputs,
        run: async (k) => fileSize(await savez(out(k, "npz"), [a], { fsync: false })),
      };
    case "npz.save_compressed":
    case "npz.save_compressed_workers": {
      const workers = op === "npz.save_compressed" ? 0 : 2;
      return {
        outputs,
        run: async (k) =>
          fileSize(await savezCompressed(out(k, "npz"), [a], { fsync: false, workers })),
      };
    }
    case "npz.load_stored":
    case "npz.load_compressed": {
      const input = inputPath(ds, op === "npz.load_stored" ? "stored.npz" : "compressed.npz");
      return {
        outputs,
        run: async () => {
          using npz = await loadNpz(input);
          await npz.get("arr_0");
        },
      };
    }
    case "text.savetxt_int":
    case "text.savetxt_float": {
      const options = isInt(a) ? { fmt: "%d", delimiter: "\t" } : {};
      return {
        outputs,
        run: async (k) => {
          const path = out(k, "txt");
          const bytes = savetxtBytes(as2d(a), options);
          await writeFileAtomic(path, bytes, { fsync: false });
          return bytes.length;
        },
      };
    }
    case "text.loadtxt_int":
    case "text.loadtxt_float": {
      const input = inputPath(ds, "txt");
      const options = isInt(a) ? { delimiter: "\t", dtype: "int64" } : { dtype: "float64" };
      return { outputs, run: async () => void await loadtxtFile(input, options) };
    }
    case "pickle.dumps.p4":
    case "pickle.dumps.p5": {
      const protocol = op.endsWith("5") ? 5 : 4;
      return { outputs, run: () => dumps(a, { protocol }).length };
    }
    case "pickle.loads.p4":
    case "pickle.loads.p5": {
      const input = readFileBytes(inputPath(ds, `p${op.at(-1)}.pkl`));
      return { outputs, run: () => void loads(input) };
    }
    case "ceiling.memcpy": {
      const buffer = new Uint8Array(a.nbytes).fill(1);
      const source = bytesOf(a);
      return { outputs, run: () => void buffer.set(source) };
    }
    case "ceiling.first_touch":
      return {
        outputs,
        run: () => {
          const fresh = new Uint8Array(a.nbytes);
          for (let i = 0; i < fresh.length; i += 4096) fresh[i] = 1;
          return undefined;
        },
      };
    case "ceiling.read": {
      const buffer = new Uint8Array(fileSize(ds.path));
      return { outputs, run: () => readInto(ds.path, buffer) };
    }
    case "ceiling.write": {
      const source = bytesOf(a);
      return { outputs, run: (k) => writeAll(out(k, "bin"), source) };
    }
    case "ceiling.write_atomic": {
      const source = bytesOf(a);
      return {
        outputs,
        run: (k) => {
          const path = out(k, "bin");
          writeAll(`${path}.tmp`, source);
          Deno.renameSync(`${path}.tmp`, path);
        },
      };
    }
    case "ceiling.deflate": {
      const source = bytesOf(a);
      return { outputs, run: () => deflateRawSync(source, { level: 6 }).length };
    }
    case "ceiling.inflate": {
      const compressed = deflateRawSync(bytesOf(a), { level: 6 });
      return { outputs, run: () => void inflateRawSync(compressed) };
    }
  }
  throw new Error(`unknown operation "${op}"`);
}

function statusBytes(field: string): number {
  const text = Deno.readTextFileSync("/proc/self/status");
  const match = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return match === null ? 0 : Number(match[1]) * 1024;
}

// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
function resetPeak(): boolean {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

// V8 frees large backing stores on a background thread after a collection;
// a short pause lets that finish (NumPy frees at once when `del` drops the
// last reference).
async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 10));
}

function removeAll(paths: string[]): void {
  for (const path of paths.splice(0)) {
    try {
      Deno.removeSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

async function run(c: Case, inner: number): Promise<Record<string, unknown>> {
  removeAll(c.outputs);
  await collect();
  const measured = resetPeak();
  const rss = statusBytes("VmRSS");
  const cpu = process.cpuUsage();
  const t = performance.now();
  let size: number | void = undefined;
  for (let k = 0; k < inner; k++) size = await c.run(k);
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const peak = statusBytes("VmHWM");
  return {
    ms: wall / inner,
    cpuMs: (used.user + used.system) / 1000 / inner,
    rssBytes: measured ? rss : null,
    peakBytes: measured ? peak : null,
    outputBytes: size ?? null,
  };
}

async function handle(request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const key = `${request.op} ${request.id}`;
  switch (request.cmd) {
    case "hello":
      return {
        runtime: `Deno ${Deno.version.deno}`,
        v8: Deno.version.v8,
        typescript: Deno.version.typescript,
      };
    case "open": {
      const path = String(request.path);
      datasets.set(String(request.id), { id: String(request.id), path, array: await load(path) });
      return {};
    }
    case "drop":
      datasets.delete(String(request.id));
      await collect();
      return {};
    case "setup": {
      const ds = datasets.get(String(request.id));
      if (ds === undefined) throw new Error(`no dataset "${request.id}"`);
      cases.set(key, setup(String(request.op), ds, String(request.dir)));
      return {};
    }
    case "run": {
      const c = cases.get(key);
      if (c === undefined) throw new Error(`no case "${key}"`);
      return await run(c, Number(request.inner ?? 1));
    }
    case "teardown": {
      const c = cases.get(key);
      cases.delete(key);
      if (c !== undefined) {
        removeAll(c.outputs);
        c.close?.();
      }
      await collect();
      return {};
    }
  }
  throw new Error(`unknown command "${request.cmd}"`);
}

function reply(value: Record<string, unknown>): void {
  const bytes = new TextEncoder().encode(JSON.stringify(value) + "\n");
  let done = 0;
  while (done < bytes.length) done += Deno.stdout.writeSync(bytes.subarray(done));
}

if (import.meta.main) {
  reply({ ready: true });
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).pipeThrough(
    lineSplitter(),
  );
  for await (const line of lines) {
    const request = JSON.parse(line) as Record<string, unknown>;
    if (request.cmd === "quit") break;
    try {
      reply(await handle(request));
    } catch (error) {
      reply({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
}
