/**
 * The `ndio` command-line entry point: `deno run -A main.ts COMMAND ...`, or
 * {@linkcode main} called with the arguments.
 *
 * @module
 */

import type { FormatPlugin, PickleCodec } from "@ndio/core";
import { parseCommandArgs } from "./_args.ts";
import { type Command, commandHelp, generalHelp, GLOBAL_OPTIONS } from "./_command.ts";
import type { Context } from "./_context.ts";
import { describeError, exitCodeOf, rootCause, UsageError } from "./_errors.ts";
import { colorAllowed, denoTextOut, type Output, paint, type TextOut } from "./_output.ts";
import { loadRegistry } from "./_plugins.ts";
import { builtinPickleCodec, builtinPlugins } from "./builtin_plugins.ts";
import { COMMANDS } from "./commands/mod.ts";
import config from "./deno.json" with { type: "json" };

export { builtinPlugins };

/** A text stream for {@linkcode MainOptions}. */
export interface MainStream {
  /** Writes text. */
  write(text: string): void;
  /** Whether it is a terminal (enables colour and progress); default false. */
  readonly isTerminal?: boolean;
}

/** Options of {@linkcode main}. */
export interface MainOptions {
  /** The plugins to start from instead of {@linkcode builtinPlugins}. */
  readonly plugins?: readonly FormatPlugin[];
  /** The pickle codec for object arrays in .npy/.npz (default: @ndio/pickle's). */
  readonly pickle?: PickleCodec;
  /** Where results go (default: the process's stdout). */
  readonly stdout?: MainStream;
  /** Where messages go (default: the process's stderr). */
  readonly stderr?: MainStream;
}

function textOut(stream: MainStream | undefined, fallback: () => TextOut): TextOut {
  if (stream === undefined) return fallback();
  return { write: (text) => stream.write(text), isTerminal: stream.isTerminal ?? false };
}

/** The first token naming a command, skipping global options and their values. */
function findCommand(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === "--") return i + 1 < args.length ? i + 1 : -1;
    if (!token.startsWith("-") || token === "-") return i;
    if (token === "--plugin") i++;
  }
  return -1;
}

/**
 * Runs the command with `args` (without the program name); resolves to the
 * exit code: 0 success, 1 failure or difference, 2 usage error.
 *
 * @example
 * ```ts
 * import { main } from "@ndio/cli";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * assert.equal(await main(["formats"], { stdout: { write: (t) => (out += t) } }), 0);
 * assert.match(out, /^id /);
 * assert.equal(await main(["no-such-command"], { stderr: { write: () => {} } }), 2);
 * ```
 *
 * @param args The command-line arguments.
 * @param options Plugins and streams, for embedding.
 * @returns The exit code.
 */
export async function main(args: readonly string[], options?: MainOptions): Promise<number> {
  const out = textOut(options?.stdout, () => denoTextOut(Deno.stdout));
  const err = textOut(options?.stderr, () => denoTextOut(Deno.stderr));
  const color = colorAllowed();
  let output: Output = {
    out,
    err,
    quiet: false,
    colorOut: color && out.isTerminal,
    colorErr: color && err.isTerminal,
  };
  let debug = args.includes("--debug");
  let command: Command | undefined;
  try {
    const at = findCommand(args);
    const name = at < 0 ? undefined : args[at]!;
    const rest = at < 0 ? [...args] : [...args.slice(0, at), ...args.slice(at + 1)];
    if (name === "help") {
      const topic = rest.find((a) => !a.startsWith("-"));
      const target = COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && target === undefined) {
        throw new UsageError(`unknown command "${topic}"`);
      }
      out.write(target === undefined ? generalHelp(COMMANDS) : commandHelp(target));
      return 0;
    }
    if (name === undefined) {
      const globals = parseCommandArgs(rest, GLOBAL_OPTIONS).values;
      if (globals.version) {
        out.write(`ndio ${config.version}\n`);
        return 0;
      }
      if (globals.help) {
        out.write(generalHelp(COMMANDS));
        return 0;
      }
      err.write(generalHelp(COMMANDS));
      return 2;
    }
    command = COMMANDS.find((c) => c.name === name);
    if (command === undefined) {
      throw new UsageError(
        `unknown command "${name}"; the commands are ${COMMANDS.map((c) => c.name).join(", ")}`,
      );
    }
    const parsed = parseCommandArgs(rest, { ...GLOBAL_OPTIONS, ...command.options });
    const values = parsed.values;
    debug = values.debug === true;
    output = { ...output, quiet: values.quiet === true };
    if (values.help) {
      out.write(commandHelp(command));
      return 0;
    }
    if (values.version) {
      out.write(`ndio ${config.version}\n`);
      return 0;
    }
    const [min, max] = command.positionals;
    const count = parsed.positionals.length;
    if (count < min || count > max) {
      throw new UsageError(
        count < min
          ? `${command.name} needs ${command.usage.replace(/ ?\[.*$/, "")}`
          : `${command.name} takes ${max === 0 ? "no" : `at most ${max}`} argument${
            max === 1 ? "" : "s"
          }, not ${parsed.positionals.map((p) => `"${p}"`).join(" ")}`,
        command.name,
      );
    }
    const { registry, origins } = await loadRegistry(
      options?.plugins ?? builtinPlugins,
      (values.plugin as string[] | undefined) ?? [],
    );
    const ctx: Context = {
      output,
      registry,
      origins,
      pickle: options?.pickle ?? builtinPickleCodec,
      debug,
    };
    return await command.run(ctx, parsed);
  } catch (error) {
    if (rootCause(error) instanceof Deno.errors.BrokenPipe) return 0;
    const cause = rootCause(error);
    let line = describeError(error);
    if (cause instanceof UsageError) {
      const topic = cause.command ?? command?.name;
      line += topic === undefined ? ' (see "ndio --help")' : ` (see "ndio ${topic} --help")`;
    }
    try {
      err.write(`${paint("ndio:", "red", output.colorErr)} ${line}\n`);
      if (debug) err.write(stackOf(error));
    } catch {
      // stderr is gone; the exit code still tells.
    }
    return command?.errorExitCode ?? exitCodeOf(error);
  }
}

function stackOf(error: unknown): string {
  let text = "";
  let e: unknown = error;
  while (e !== undefined && e !== null) {
    text += `${e instanceof Error ? e.stack ?? String(e) : String(e)}\n`;
    e = e instanceof Error ? e.cause : undefined;
    if (e !== undefined) text += "caused by: ";
  }
  return text;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
