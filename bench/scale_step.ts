/**
 * One step of the bounded-memory scale run (`bench/scale.ts`), run in its own
 * process so that its peak resident memory is its own. Every step streams:
 * it holds one block of rows (about `BLOCK_BYTES`) at a time.
 *
 *   make-npy OUT BYTES          a C-order <f8 .npy of BYTES data bytes (1024 columns)
 *   npy-to-npy IN OUT           copy through block reads and the stream writer
 *   make-text OUT BYTES         about BYTES of np.savetxt-style text (8 columns, "%.18e")
 *   text-to-npy IN OUT          loadtxtBlocks into the stream writer
 *   npy-to-text IN OUT          block reads into savetxtChunks and an atomic file sink
 *   npy-to-npz IN OUT           into a compressed .npz with savezFromNpy (4 MiB pieces)
 *   npz-to-npy IN OUT           back out of it in blocks (NpzFile.blocks inflates as it streams)
 *   compare A B                 two .npy files equal, block by block
 *   check-text-npy NPY BYTES    the .npy read from make-text's output holds its values
 *
 * Reading goes through `readNpyBlocks`, writing through `createNpyWriter`,
 * `loadtxtBlocks` and `savetxtChunks`.
 *
 * Prints one JSON line: the step, bytes in and out, and the peak RSS that
 * /proc/self/status reports (VmHWM), for machines without /usr/bin/time.
 *
 * @module
 */

import { NDArray } from "@ndio/core";
import { createAtomicFileSink, openFileSource } from "@ndio/core/fs";
import { type NpyHeader, readNpyBlocks, readNpyHeader } from "@ndio/npy";
import { createNpyWriter } from "@ndio/npy/fs";
import { loadNpz, savezFromNpy } from "@ndio/npz/fs";
import { loadtxtBlocks, savetxtChunks } from "@ndio/text";

const BLOCK_BYTES = 8 * 1024 * 1024;
const NPY_COLUMNS = 1024;
const TEXT_COLUMNS = 8;

/** The value at row r, column c of the generated arrays: exact in float64, varied digits. */
function fill(block: NDArray, firstRow: number): NDArray {
  const values = block.toTypedArray() as Float64Array;
  const columns = block.shape[1]!;
  for (let i = 0; i < values.length; i++) {
    const r = firstRow + Math.floor(i / columns);
    values[i] = r * 1.25 + (i % columns) / 1024 - 7;
  }
  return block;
}

async function makeNpy(path: string, bytes: number): Promise<number> {
  const rows = Math.floor(bytes / (8 * NPY_COLUMNS));
  const blockRows = BLOCK_BYTES / (8 * NPY_COLUMNS);
  await using writer = createNpyWriter(path, { dtype: "<f8", rowShape: [NPY_COLUMNS] }, { rows });
  const block = new NDArray("<f8", [blockRows, NPY_COLUMNS]);
  for (let r = 0; r < rows; r += blockRows) {
    const n = Math.min(blockRows, rows - r);
    await writer.append(fill(n === blockRows ? block : new NDArray("<f8", [n, NPY_COLUMNS]), r));
  }
  await writer.close();
  return rows * NPY_COLUMNS * 8;
}

/** The blocks of rows of a .npy file, read through a file source. */
async function* npyBlocks(path: string): AsyncGenerator<NDArray> {
  using source = openFileSource(path);
  yield* readNpyBlocks(source, { blockBytes: BLOCK_BYTES });
}

async function npyToNpy(from: string, to: string): Promise<number> {
  let writer: ReturnType<typeof createNpyWriter> | undefined;
  let written = 0;
  try {
    for await (const block of npyBlocks(from)) {
      writer ??= createNpyWriter(to, { dtype: block.dtype, rowShape: block.shape.slice(1) });
      await writer.append(block);
      written += block.size * block.dtype.itemsize;
    }
    await writer?.close();
  } finally {
    await writer?.abort();
  }
  return written;
}

async function makeText(path: string, bytes: number): Promise<number> {
  // "%.18e" of these values takes 24 or 25 characters, plus the delimiter.
  const blockRows = 16384;
  await using sink = createAtomicFileSink(path);
  let written = 0;
  for (let r = 0; written < bytes; r += blockRows) {
    const block = fill(new NDArray("<f8", [blockRows, TEXT_COLUMNS]), r);
    for (const chunk of savetxtChunks(block, { delimiter: " " })) {
      await sink.write(chunk);
      written += chunk.length;
    }
  }
  await sink.commit();
  return written;
}

async function textToNpy(from: string, to: string): Promise<number> {
  using file = await Deno.open(from);
  let writer: ReturnType<typeof createNpyWriter> | undefined;
  let written = 0;
  try {
    for await (const block of loadtxtBlocks(file.readable, { dtype: "<f8" })) {
      writer ??= createNpyWriter(to, { dtype: block.dtype, rowShape: block.shape.slice(1) });
      await writer.append(block);
      written += block.size * 8;
    }
    await writer?.close();
  } finally {
    await writer?.abort();
  }
  return written;
}

/** Reads `file` from `offset` into `buf` until full or at the end; returns the bytes read. */
async function readInto(file: Deno.FsFile, buf: Uint8Array, offset: number): Promise<number> {
  await file.seek(offset, Deno.SeekMode.Start);
  let n = 0;
  while (n < buf.length) {
    const got = await file.read(buf.subarray(n));
    if (got === null) break;
    n += got;
  }
  return n;
}

async function npyToText(from: string, to: string): Promise<number> {
  await using sink = createAtomicFileSink(to);
  for await (const block of npyBlocks(from)) {
    for (const chunk of savetxtChunks(block, { delimiter: " " })) await sink.write(chunk);
  }
  await sink.commit();
  return sink.position;
}

async function npyToNpz(from: string, to: string): Promise<number> {
  await savezFromNpy(to, { a: from }, { compress: true });
  using source = openFileSource(from);
  return (await readNpyHeader(source)).dataLength!;
}

async function npzToNpy(from: string, to: string): Promise<number> {
  using npz = await loadNpz(from);
  let writer: ReturnType<typeof createNpyWriter> | undefined;
  let written = 0;
  try {
    for await (const block of npz.blocks("a", { blockBytes: BLOCK_BYTES })) {
      writer ??= createNpyWriter(to, { dtype: block.dtype, rowShape: block.shape.slice(1) });
      await writer.append(block);
      written += block.nbytes;
    }
    await writer?.close();
  } finally {
    await writer?.abort();
  }
  return written;
}

async function compare(a: string, b: string): Promise<number> {
  const headers = await Promise.all([a, b].map(async (path) => {
    using source = openFileSource(path);
    return await readNpyHeader(source);
  }));
  const [x, y] = headers as [NpyHeader, NpyHeader];
  if (x.dtype.str !== y.dtype.str || x.shape.join() !== y.shape.join()) {
    throw new Error(`"${a}" and "${b}" differ in dtype or shape`);
  }
  // Two fixed buffers: the comparison allocates nothing per block.
  using left = await Deno.open(a);
  using right = await Deno.open(b);
  const p = new Uint8Array(BLOCK_BYTES), q = new Uint8Array(BLOCK_BYTES);
  for (let done = 0; done < x.dataLength!;) {
    const n = await readInto(left, p, x.dataOffset + done);
    const m = await readInto(right, q, y.dataOffset + done);
    if (n !== m) throw new Error(`"${a}" and "${b}" have different lengths`);
    if (n === 0) throw new Error(`"${a}" ends early`);
    for (let i = 0; i < n; i++) {
      if (p[i] !== q[i]) throw new Error(`"${a}" and "${b}" differ at data byte ${done + i}`);
    }
    done += n;
  }
  return x.dataLength!;
}

async function checkTextNpy(path: string): Promise<number> {
  let row = 0;
  for await (const block of npyBlocks(path)) {
    // The values fill() gave, computed in place: nothing allocated per block.
    const got = block.toTypedArray() as Float64Array;
    const columns = block.shape[1]!;
    for (let i = 0; i < got.length; i++) {
      const r = row + Math.floor(i / columns);
      if (got[i] !== r * 1.25 + (i % columns) / 1024 - 7) {
        throw new Error(`value ${row * columns + i} differs`);
      }
    }
    row += block.shape[0]!;
  }
  return row * TEXT_COLUMNS * 8;
}

function peakRssKb(): number | null {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

if (import.meta.main) {
  const [step, a, b] = Deno.args;
  const start = performance.now();
  let bytes: number;
  switch (step) {
    case "make-npy":
      bytes = await makeNpy(a!, Number(b));
      break;
    case "npy-to-npy":
      bytes = await npyToNpy(a!, b!);
      break;
    case "make-text":
      bytes = await makeText(a!, Number(b));
      break;
    case "text-to-npy":
      bytes = await textToNpy(a!, b!);
      break;
    case "npy-to-text":
      bytes = await npyToText(a!, b!);
      break;
    case "npy-to-npz":
      bytes = await npyToNpz(a!, b!);
      break;
    case "npz-to-npy":
      bytes = await npzToNpy(a!, b!);
      break;
    case "compare":
      bytes = await compare(a!, b!);
      break;
    case "check-text-npy":
      bytes = await checkTextNpy(a!);
      break;
    default:
      throw new Error(`unknown step "${step}"`);
  }
  console.log(JSON.stringify({
    step,
    bytes,
    seconds: (performance.now() - start) / 1000,
    peakRssKb: peakRssKb(),
  }));
}
