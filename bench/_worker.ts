/**
 * A long-lived worker process spoken to in JSON lines: one request per line
 * on its stdin, one reply per line on its stdout. Both sides of the NumPy
 * comparison run as such workers (bench/numpy_worker.py and
 * bench/ndio_worker.ts), so each is timed in-process, with no process start
 * per repetition, and neither holds the orchestrator's memory.
 *
 * @module
 */

import { lineSplitter } from "./_lines.ts";

/** A reply; `error` is set when the request failed in the worker. */
export type Reply = Record<string, unknown> & { readonly error?: string };

/** A worker process and its request/reply channel. */
export class WorkerProcess {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #name: string;

  private constructor(name: string, child: Deno.ChildProcess) {
    this.#name = name;
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(lineSplitter())[Symbol.asyncIterator]();
  }

  /** Starts `command args...` and waits for its first line (`{"ready": true}`). */
  static async start(name: string, command: string, args: string[]): Promise<WorkerProcess> {
    const child = new Deno.Command(command, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const worker = new WorkerProcess(name, child);
    await worker.#reply();
    return worker;
  }

  async #reply(): Promise<Reply> {
    const next = await this.#lines.next();
    if (next.done === true) throw new Error(`the ${this.#name} worker ended early`);
    return JSON.parse(next.value) as Reply;
  }

  /** Sends one request and returns its reply; throws when the worker reports an error. */
  async request(request: Record<string, unknown>): Promise<Reply> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(request) + "\n"));
    const reply = await this.#reply();
    if (typeof reply.error === "string") {
      throw new Error(
        `${String(request.cmd)} ${String(request.op ?? "")}: ${reply.error}`,
      );
    }
    return reply;
  }

  /** Asks the worker to quit and waits for it to end. */
  async close(): Promise<void> {
    try {
      await this.#writer.write(new TextEncoder().encode(JSON.stringify({ cmd: "quit" }) + "\n"));
      await this.#writer.close();
    } catch {
      // Already gone: its status below says how it ended.
    }
    await this.#child.status;
  }
}
