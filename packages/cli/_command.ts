/**
 * The shape of a command, and the help text made from it.
 *
 * @module
 */

import type { OptionSpecs, ParsedArgs } from "./_args.ts";
import type { Context } from "./_context.ts";

/** One `ndio` command. */
export interface Command {
  /** Its name (`convert`). */
  readonly name: string;
  /** What it takes, after the name (`IN OUT [options]`). */
  readonly usage: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs for its help. */
  readonly description: string;
  /** Its options (the global ones are added). */
  readonly options: OptionSpecs;
  /** The exit code of errors, when not the usual 1 (failure) or 2 (usage) (`diff`: 2 for every error). */
  readonly errorExitCode?: number;
  /** How many positionals it takes: at least, at most. */
  readonly positionals: readonly [number, number];
  /** Runs it; resolves to the exit code. */
  run(ctx: Context, args: ParsedArgs): Promise<number>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  plugin: {
    type: "string",
    multiple: true,
    value: "SPEC",
    help:
      "load format plugins from a file or module (repeatable; default export: a plugin or a list)",
  },
  quiet: {
    type: "boolean",
    short: "q",
    help: "print no messages or progress, only results and errors",
  },
  debug: { type: "boolean", help: "print the stack trace of an error" },
  help: { type: "boolean", short: "h", help: "show this help" },
  version: { type: "boolean", help: "print the version" },
};

function optionLines(specs: OptionSpecs): string[][] {
  return Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short === undefined ? "    " : `-${spec.short}, `}--${name}${
      spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""
    }`;
    return [flag, spec.help];
  });
}

function columns(rows: readonly string[][], indent: string): string {
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return rows.map(([a, b]) => `${indent}${a!.padEnd(width)}  ${b}\n`).join("");
}

/** The help of one command. */
export function commandHelp(command: Command): string {
  let text = `Usage: ndio ${command.name} ${command.usage}\n\n${command.description.trim()}\n`;
  if (Object.keys(command.options).length > 0) {
    text += `\nOptions:\n${columns(optionLines(command.options), "  ")}`;
  }
  text += `\nGlobal options:\n${columns(optionLines(GLOBAL_OPTIONS), "  ")}`;
  return text;
}

/** The help listing every command. */
export function generalHelp(commands: readonly Command[]): string {
  return [
    "Usage: ndio COMMAND [options]\n\n",
    "Read, inspect and convert NumPy's array files (.npy, .npz, text, pickles) without Python.\n\n",
    "Commands:\n",
    columns(commands.map((c) => [c.name, c.summary]), "  "),
    "\nGlobal options:\n",
    columns(optionLines(GLOBAL_OPTIONS), "  "),
    '\nRun "ndio COMMAND --help" for the options of a command.\n',
    "Exit codes: 0 success, 1 failure (or a difference, or an unsafe pickle), 2 usage error.\n",
  ].join("");
}
