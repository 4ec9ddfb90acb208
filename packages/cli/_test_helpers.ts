/**
 * Helpers of the CLI tests: run `ndio` as a subprocess, exactly as the
 * `ndio` task does, and make temporary directories. Not published.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { main, type MainOptions } from "./main.ts";

/** The CLI's entry point. */
export const MAIN: string = fileURLToPath(new URL("./main.ts", import.meta.url));
/** The toy third-party plugin. */
export const JSON_PLUGIN: string = fileURLToPath(
  new URL("./testdata/json_array_plugin.ts", import.meta.url),
);

/** What a run printed and returned. */
export interface RunResult {
  /** The exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** Options of {@linkcode ndio}. */
export interface RunOptions {
  /** Working directory. */
  readonly cwd?: string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `ndio args...` with the permissions of the `ndio` task. */
export async function ndio(args: readonly string[], options?: RunOptions): Promise<RunResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net",
      MAIN,
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options?.env },
    ...(options?.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const { code, stdout, stderr } = await command.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** A fresh temporary directory, removed when disposed. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "ndio-cli-test-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** Runs `ndio args...` in this process (faster than a subprocess), capturing its output. */
export async function ndioInProcess(
  args: readonly string[],
  options?: MainOptions,
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    ...options,
    stdout: { write: (t) => (stdout += t) },
    stderr: { write: (t) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

/** A file of the NumPy-made fixtures (testdata/make_fixtures.py). */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./testdata/numpy/${name}`, import.meta.url));
}

/** What NumPy says of the fixtures (testdata/numpy/expected.json). */
export const EXPECTED: Readonly<Record<string, Record<string, unknown>>> = JSON.parse(
  Deno.readTextFileSync(fixture("expected.json")),
);
