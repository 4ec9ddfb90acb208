/**
 * Test helpers that run python3 with NumPy, the oracle of ndio's interop
 * tests. Not published.
 *
 * @module
 */

/** Options of {@linkcode python}. */
export interface PythonOptions {
  /** Bytes for the script's standard input. */
  readonly stdin?: Uint8Array;
  /** Extra command-line arguments (`sys.argv[1:]`). */
  readonly args?: readonly string[];
  /** The working directory. */
  readonly cwd?: string;
}

/** Runs a Python script and resolves to its standard output; rejects with its stderr on failure. */
export async function python(code: string, options?: PythonOptions): Promise<Uint8Array> {
  const command = new Deno.Command("python3", {
    args: ["-c", code, ...(options?.args ?? [])],
    stdin: options?.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { PYTHONHASHSEED: "0", PYTHONIOENCODING: "utf-8" },
    ...(options?.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const child = command.spawn();
  if (options?.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(options.stdin);
    await writer.close();
  }
  const { code: status, stdout, stderr } = await child.output();
  if (status !== 0) {
    throw new Error(`python3 failed (${status}):\n${new TextDecoder().decode(stderr)}`);
  }
  return stdout;
}

/** Runs a Python script and parses its standard output as JSON. */
export async function pythonJson<T = unknown>(code: string, options?: PythonOptions): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await python(code, options))) as T;
}

/** Runs a Python script and returns its standard output as text. */
export async function pythonText(code: string, options?: PythonOptions): Promise<string> {
  return new TextDecoder().decode(await python(code, options));
}
