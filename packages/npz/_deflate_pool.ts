// Threads that deflate pieces of members in parallel (_deflate_worker.ts),
// kept for the life of the process so each save does not pay for starting
// them (about 100 ms each). node:worker_threads rather than Web Workers:
// its threads can be unref'd while idle, so a kept pool never holds the
// process open; they are ref'd while a piece is in flight.

import { Worker } from "node:worker_threads";

/** What a thread sends back: the deflated piece, and the input buffer for reuse. */
interface Reply {
  id: number;
  buffer: ArrayBuffer;
  out?: ArrayBuffer;
  error?: string;
}

// Input buffers kept for reuse: a fresh buffer per piece would cost a page
// fault per 4 KiB touched, which on a busy machine costs more than the copy.
const FREE_BUFFERS = 16;

interface Job {
  resolve(out: Uint8Array): void;
  reject(error: unknown): void;
}

/** A set of deflate threads; results come back in the order asked for per call. */
export class DeflatePool {
  #workers: Worker[] = [];
  #jobs = new Map<number, Job>();
  #free: ArrayBuffer[] = [];
  // Set when a thread cannot start or fails: no more are started.
  #broken = false;
  #next = 0;
  #turn = 0;

  /** The number of threads. */
  get size(): number {
    return this.#workers.length;
  }

  /** Starts threads until there are `size`. */
  grow(size: number): void {
    while (!this.#broken && this.#workers.length < size) {
      let worker: Worker;
      try {
        worker = new Worker(new URL("./_deflate_worker.ts", import.meta.url));
      } catch {
        this.#broken = true; // Deflate stays on the calling thread.
        return;
      }
      worker.unref();
      worker.on("message", (message: Reply) => {
        const job = this.#jobs.get(message.id);
        this.#settled(message.id);
        if (this.#free.length < FREE_BUFFERS) this.#free.push(message.buffer);
        if (message.out !== undefined) job?.resolve(new Uint8Array(message.out));
        else job?.reject(new Error(message.error ?? "a deflate thread failed"));
      });
      worker.on("error", (error: unknown) => {
        this.#broken = true;
        for (const [id, job] of this.#jobs) {
          this.#settled(id);
          job.reject(error);
        }
        this.#workers = this.#workers.filter((w) => w !== worker);
      });
      this.#workers.push(worker);
    }
  }

  /**
   * Deflates a piece after its history on the next thread. Both are copied
   * into a buffer that is transferred there and back (plain ArrayBuffers:
   * Deno's worker_threads copies typed arrays slowly, transferred buffers
   * cost nothing) and then reused.
   */
  deflate(
    piece: Uint8Array,
    history: Uint8Array,
    level: number,
    last: boolean,
  ): Promise<Uint8Array> {
    if (this.#workers.length === 0) {
      return Promise.reject(new Error("no deflate thread is running"));
    }
    const id = this.#next++;
    const worker = this.#workers[this.#turn++ % this.#workers.length]!;
    if (this.#jobs.size === 0) {
      for (const w of this.#workers) w.ref();
    }
    const length = history.length + piece.length;
    let buffer = this.#free.pop();
    if (buffer === undefined || buffer.byteLength < length) {
      buffer = new ArrayBuffer(Math.max(length, (4 << 20) + (32 << 10)));
    }
    new Uint8Array(buffer).set(history);
    new Uint8Array(buffer).set(piece, history.length);
    const historyLength = history.length;
    return new Promise((resolve, reject) => {
      this.#jobs.set(id, { resolve, reject });
      worker.postMessage({ id, buffer, historyLength, length, level, last }, [buffer]);
    });
  }

  #settled(id: number): void {
    this.#jobs.delete(id);
    if (this.#jobs.size === 0) { for (const w of this.#workers) w.unref(); }
  }
}

let shared: DeflatePool | null = null;

/** The process's pool, grown to at least `size` threads. */
export function deflatePool(size: number): DeflatePool {
  shared ??= new DeflatePool();
  shared.grow(size);
  return shared;
}
