/**
 * How the command reports failure: usage errors (exit 2), failures with the
 * file or plugin they concern (exit 1), and the one-line message of any
 * error.
 *
 * @module
 */

import { ArgumentError, LimitError, NdioError, NotDetectedError } from "@ndio/core";

/** A mistake in the command line: exit code 2, with a pointer to the help. */
export class UsageError extends Error {
  /** The command whose help to point at, if any. */
  command: string | undefined;

  /**
   * Creates a usage error.
   *
   * @param message What is wrong, sentence case, no trailing period.
   * @param command The command concerned.
   * @param cause The underlying error, if any.
   */
  constructor(message: string, command?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "UsageError";
    this.command = command;
  }
}

/** A failure with its context: `cannot read "x.npy"`. */
export class ContextError extends Error {
  /** What was being done (`cannot read "x.npy"`). */
  readonly context: string;

  /**
   * Wraps an error with its context.
   *
   * @param context What was being done.
   * @param cause The error.
   */
  constructor(context: string, cause: unknown) {
    super(`${context}: ${describeError(cause)}`, { cause });
    this.name = "ContextError";
    this.context = context;
  }
}

/** Runs `fn`, giving any error it throws the context `context`. */
export async function withContext<T>(context: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ContextError) throw error;
    throw new ContextError(context, error);
  }
}

/** The innermost cause of a context error. */
export function rootCause(error: unknown): unknown {
  let e = error;
  while (e instanceof ContextError) e = e.cause;
  return e;
}

/**
 * Exit code 2 for usage errors, bad arguments (ndio's `ArgumentError`) and
 * indexes that do not fit the array; else 1.
 */
export function exitCodeOf(error: unknown): number {
  const cause = rootCause(error);
  if (cause instanceof UsageError || cause instanceof ArgumentError) return 2;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("index-") ? 2 : 1;
}

/** One line describing an error, without its stack. */
export function describeError(error: unknown): string {
  return describeOne(error).replace(/\s*\n\s*/g, " ");
}

function describeOne(error: unknown): string {
  if (error instanceof ContextError) return error.message;
  if (error instanceof NdioError && /pickle-forbidden$/.test(error.code)) {
    // The library's advice names its options; on the command line it is a flag.
    const what = error.message.replace(/; to decode it, pass allowPickle.*$/s, "");
    return `${what}; to decode it, pass --allow-pickle (nothing in it is run)`;
  }
  if (error instanceof LimitError) {
    return error.message.replace(
      /\(raise it in the options to allow more\)$/,
      `(raise it with --limit ${error.limit}=N)`,
    );
  }
  if (error instanceof NotDetectedError && error.tried.length > 0) {
    return `${error.message}; name its format with --from`;
  }
  if (error instanceof NdioError && error.code === "pickle-forbidden-global") {
    return `${error.message} (audit it with "ndio scan")`;
  }
  if (error instanceof NdioError || error instanceof UsageError) return error.message;
  if (error instanceof Deno.errors.NotFound) return "no such file or directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.AlreadyExists) return "it already exists";
  if (error instanceof Deno.errors.NotADirectory) return "a part of the path is not a directory";
  if (error instanceof Error) {
    const message = error.message.split("\n")[0]!.replace(/\.$/, "");
    // Errors ndio did not anticipate are bugs: say what kind they are.
    return error.name === "Error" ? message : `${error.name}: ${message}`;
  }
  return String(error);
}
