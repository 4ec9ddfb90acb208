// The fuzzer's worker: runs one input through one target and says how it
// ended. It lives in a worker so the driver can terminate it when an input
// runs past its time limit.

/// <reference lib="deno.worker" />

import { NdioError } from "@ndio/core";
import { findTarget } from "./targets.ts";

/** A request from the driver. */
export interface WorkRequest {
  readonly id: number;
  readonly target: string;
  readonly input: Uint8Array;
}

/** How one input ended. */
export interface WorkReply {
  readonly id: number;
  /** ok: decoded; typed: an ndio error; crash: anything else. */
  readonly outcome: "ok" | "typed" | "crash";
  /** The output bytes (ok), or the error's name, code and message. */
  readonly output: number;
  readonly error?: string;
  /** The error's stack (crash). */
  readonly stack?: string;
  /** The milliseconds the input took. */
  readonly ms: number;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === "string" ? ` [${code}]` : ""}: ${error.message}`;
  }
  return `non-error thrown: ${String(error)}`;
}

// Modules are loaded: the driver starts its per-input clocks from here.
self.postMessage({ ready: true });

self.onmessage = async (event: MessageEvent<WorkRequest>) => {
  const { id, target: name, input } = event.data;
  const target = findTarget(name);
  const start = performance.now();
  let reply: WorkReply;
  try {
    if (target === undefined) throw new Error(`no fuzz target "${name}"`);
    const output = await target.run(input);
    reply = { id, outcome: "ok", output, ms: performance.now() - start };
  } catch (error) {
    const expected = error instanceof NdioError ||
      (error as { expected?: unknown } | null)?.expected === true;
    reply = {
      id,
      outcome: expected ? "typed" : "crash",
      output: 0,
      error: describe(error).slice(0, 2000),
      ...(expected ? {} : { stack: String((error as Error)?.stack ?? "").slice(0, 4000) }),
      ms: performance.now() - start,
    };
  }
  self.postMessage(reply);
};
