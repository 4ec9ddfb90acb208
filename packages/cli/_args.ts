/**
 * Command-line parsing on top of `node:util` `parseArgs`: option specs with
 * help text, values that may start with "-" (`--delimiter -x`, `slice f -1`),
 * escapes such as `\t` in option values, and typed number options.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { UsageError } from "./_errors.ts";

/** One option of a command. */
export interface OptionSpec {
  /** `string` options take a value; `boolean` ones do not. */
  readonly type: "string" | "boolean";
  /** A one-letter alias. */
  readonly short?: string;
  /** May be given several times (values collected in order). */
  readonly multiple?: boolean;
  /** The value's placeholder in help (`N`, `FILE`). */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
}

/** Options by long name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What parsing gives: option values by long name, and positionals in order. */
export interface ParsedArgs {
  /** Option values: string, boolean, or string[] for `multiple`. */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** The positional arguments. */
  readonly positionals: readonly string[];
}

/** A token that reads as a negative number or index expression, not an option. */
const NEGATIVE = /^-[\d.:]/;

/**
 * Parses `args` against `specs`. Values of string options are attached to
 * their option (`--x=v`, `-xv`) before handing over to `parseArgs`, so they
 * may start with "-"; tokens such as `-1` or `-3:` are positionals.
 */
export function parseCommandArgs(args: readonly string[], specs: OptionSpecs): ParsedArgs {
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.short !== undefined) byShort.set(spec.short, name);
  }
  const optionTokens: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (token === "-" || !token.startsWith("-") || NEGATIVE.test(token)) {
      positionals.push(token);
      continue;
    }
    if (token.startsWith("--")) {
      const name = token.slice(2);
      const spec = specs[name];
      if (spec?.type === "string") {
        if (i + 1 >= args.length) throw new UsageError(`option "--${name}" needs a value`);
        optionTokens.push(`--${name}=${args[++i]}`);
        continue;
      }
      optionTokens.push(token);
      continue;
    }
    // A short option, possibly with its value attached (-ofile).
    const name = byShort.get(token[1]!);
    if (name !== undefined && specs[name]!.type === "string" && token.length === 2) {
      if (i + 1 >= args.length) throw new UsageError(`option "${token}" needs a value`);
      optionTokens.push(`${token}${args[++i]}`);
      continue;
    }
    optionTokens.push(token);
  }
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean }
  > = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values } = parseArgs({
      args: optionTokens,
      options,
      strict: true,
      allowPositionals: false,
    });
    const seen = new Set<string>();
    for (const token of optionTokens) {
      const name = token.startsWith("--")
        ? token.slice(2).split("=")[0]!
        : byShort.get(token[1]!) ?? "";
      if (specs[name] !== undefined && !specs[name].multiple) {
        if (seen.has(name)) throw new UsageError(`option "--${name}" is given more than once`);
        seen.add(name);
      }
    }
    return { values: values as ParsedArgs["values"], positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(describeParseError(error, optionTokens));
  }
}

function describeParseError(error: unknown, tokens: readonly string[]): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && quoted !== undefined) {
    return `unknown option "${quoted}"`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && quoted !== undefined) {
    const name = quoted.split(", ").pop()!;
    if (/does not take an argument/.test(message)) {
      return `option "${name}" does not take a value`;
    }
    return `option "${name}" needs a value`;
  }
  return `cannot parse the arguments ${tokens.map((t) => `"${t}"`).join(" ")}: ${message}`;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "0": "\0",
};

/**
 * Decodes backslash escapes as a Python string literal would: `\t`, `\n`,
 * `\r`, `\\`, `\0`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`; an unknown escape stays
 * as written (`\d` is a backslash and a "d").
 */
export function unescapeOption(text: string): string {
  return text.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/gs,
    (whole, body: string) => {
      if (body.length > 1) {
        const code = Number.parseInt(body.slice(1), 16);
        if (code > 0x10ffff) throw new UsageError(`"${whole}" is not a valid character escape`);
        return String.fromCodePoint(code);
      }
      return SIMPLE_ESCAPES[body] ?? whole;
    },
  );
}

/** Parses an integer option value, within bounds. */
export function integerOption(
  name: string,
  text: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = min === Number.MIN_SAFE_INTEGER
      ? "an integer"
      : max === Number.MAX_SAFE_INTEGER
      ? `an integer of at least ${min}`
      : `an integer from ${min} to ${max}`;
    throw new UsageError(`option "--${name}" needs ${range}, not "${text}"`);
  }
  return n;
}

/** Parses a non-negative finite number option value. */
export function numberOption(name: string, text: string): number {
  const n = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(n) || n < 0) {
    throw new UsageError(`option "--${name}" needs a non-negative number, not "${text}"`);
  }
  return n;
}

/** Parses a comma-separated list of integers (`0,2,-1`). */
export function integerListOption(name: string, text: string): number[] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^[+-]?\d+$/.test(p))) {
    throw new UsageError(
      `option "--${name}" needs integers separated by commas, such as "0,2,-1", not "${text}"`,
    );
  }
  return parts.map(Number);
}
