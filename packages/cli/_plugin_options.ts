/**
 * Command-line options → the options objects of the reading and writing
 * plugins. Built-in plugins get only the options they understand, and an
 * option that means nothing for the formats at hand is a usage error
 * (`--compress` when writing .npy); a third-party plugin gets every option
 * given, under the same names. An option both the input and the output
 * take (`--delimiter` from text to text) applies to the output.
 *
 * @module
 */

import { DType, type FormatPlugin, type PluginOptions } from "@ndio/core";
import { integerListOption, integerOption, type OptionSpecs, unescapeOption } from "./_args.ts";
import type { Context } from "./_context.ts";
import { UsageError } from "./_errors.ts";

/** Options for reading (loadtxt's among them) and for pickled object arrays. */
export const READ_OPTIONS: OptionSpecs = {
  "allow-pickle": {
    type: "boolean",
    help: "decode object arrays in .npy/.npz (pickles, decoded safely: nothing is executed)",
  },
  dtype: { type: "string", value: "D", help: 'text input: the dtype to read ("<i8", "float32")' },
  skiprows: { type: "string", value: "N", help: "text input: skip the first N lines" },
  usecols: { type: "string", value: "L", help: 'text input: read only these columns ("0,2,-1")' },
  limit: {
    type: "string",
    multiple: true,
    value: "NAME=N",
    help: 'a reader limit, such as "maxHeaderSize=64KiB" or "max-members=10" (see RELIABILITY.md)',
  },
};

/** Options for writing (savetxt's, savez_compressed's, pickle's). */
export const WRITE_OPTIONS: OptionSpecs = {
  compress: { type: "boolean", help: ".npz output: deflate members (np.savez_compressed)" },
  level: {
    type: "string",
    value: "L",
    help: ".npz output: deflate level 0-9 (implies --compress)",
  },
  fmt: {
    type: "string",
    value: "S",
    help: 'text output: savetxt\'s fmt (default "%d" for integers and bools, else "%.18e")',
  },
  newline: { type: "string", value: "S", help: "text output: line separator (default \\n)" },
  header: {
    type: "string",
    value: "S",
    help: "text output: a header line (written after --comments)",
  },
  footer: { type: "string", value: "S", help: "text output: a footer line" },
  protocol: { type: "string", value: "P", help: "pickle output: protocol 2-5 (default 4)" },
};

/** Options meaning the same for text input and output. */
export const TEXT_OPTIONS: OptionSpecs = {
  delimiter: {
    type: "string",
    value: "S",
    help:
      'text: the column separator (default: by extension, "," for .csv, "\\t" for .tsv; text to text: the output\'s)',
  },
  comments: { type: "string", value: "S", help: 'text: the comment marker (default "# ")' },
};

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

const BUILTIN = new Set(["npy", "npz", "text", "pickle"]);

/** The built-in plugins that read or write each command-line option. */
const READERS: Readonly<Record<string, readonly string[]>> = {
  "allow-pickle": ["npy", "npz"],
  dtype: ["text"],
  skiprows: ["text"],
  usecols: ["text"],
  delimiter: ["text"],
  comments: ["text"],
};
const WRITERS: Readonly<Record<string, readonly string[]>> = {
  compress: ["npz"],
  level: ["npz"],
  fmt: ["text"],
  newline: ["text"],
  header: ["text"],
  footer: ["text"],
  comments: ["text"],
  delimiter: ["text"],
  protocol: ["pickle"],
};

function delimiterFor(path: string): string | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv")) return ",";
  if (lower.endsWith(".tsv")) return "\t";
  return undefined;
}

/** Checks the values of the read and write options, throwing a usage error for a bad one. */
export function checkOptions(values: Values): void {
  convertedOptions(values);
  parseLimits(values);
}

/** The value of each option, converted: escapes decoded, numbers parsed. */
function convertedOptions(values: Values): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const text = (name: string) => values[name] as string | undefined;
  for (const name of ["fmt", "newline", "header", "footer", "delimiter", "comments"]) {
    const v = text(name);
    if (v !== undefined) out.set(name, unescapeOption(v));
  }
  if (values["allow-pickle"] === true) out.set("allow-pickle", true);
  if (values.compress === true) out.set("compress", true);
  const level = text("level");
  if (level !== undefined) {
    out.set("level", integerOption("level", level, 0, 9));
    out.set("compress", true);
  }
  const protocol = text("protocol");
  if (protocol !== undefined) out.set("protocol", integerOption("protocol", protocol, 0, 5));
  const skiprows = text("skiprows");
  if (skiprows !== undefined) out.set("skiprows", integerOption("skiprows", skiprows, 0));
  const usecols = text("usecols");
  if (usecols !== undefined) out.set("usecols", integerListOption("usecols", usecols));
  const dtype = text("dtype");
  if (dtype !== undefined) out.set("dtype", parseDTypeOption(dtype));
  return out;
}

/** A dtype option: a NumPy type string, or a structured descr as JSON. */
export function parseDTypeOption(text: string): DType {
  try {
    return DType.parse(text.trim().startsWith("[") ? JSON.parse(text) : text);
  } catch (error) {
    throw new UsageError(
      `option "--dtype" needs a NumPy dtype such as "<f8" or "int32", not "${text}" (${
        error instanceof Error ? error.message : error
      })`,
    );
  }
}

/**
 * The reader limits by option name, and the built-in plugins that take each.
 * Pickle limits also bound the pickles inside .npy/.npz object arrays.
 */
const LIMITS: Readonly<Record<string, readonly string[]>> = {
  maxHeaderSize: ["npy", "npz"],
  maxMembers: ["npz"],
  maxMemberSize: ["npz"],
  maxTotalSize: ["npz"],
  maxLineLength: ["text"],
  maxColumns: ["text"],
  maxBytes: ["text"],
  maxMemo: ["pickle"],
  maxStack: ["pickle"],
  maxNesting: ["pickle"],
  maxAllocation: ["pickle"],
  maxOpcodes: ["pickle"],
};

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** The `--limit NAME=N` values: names in camelCase or kebab-case, numbers with an optional unit. */
function parseLimits(values: Values): Map<string, number> {
  const limits = new Map<string, number>();
  for (const text of (values.limit as string[] | undefined) ?? []) {
    const eq = text.indexOf("=");
    const name = text.slice(0, eq).trim().replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (eq < 0 || LIMITS[name] === undefined) {
      throw new UsageError(
        `option "--limit" needs NAME=N with NAME one of ${
          Object.keys(LIMITS).map((n) => `"${n}"`).join(", ")
        }, not "${text}"`,
      );
    }
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text.slice(eq + 1));
    const unit = m === null ? undefined : SIZE_UNITS[m[2]!.toLowerCase()];
    const value = m === null || unit === undefined ? NaN : Number(m[1]) * unit;
    if (!Number.isSafeInteger(value)) {
      throw new UsageError(
        `option "--limit" needs a whole number for "${name}", such as "1000", "64KiB" or "2GB", not "${
          text.slice(eq + 1)
        }"`,
      );
    }
    limits.set(name, value);
  }
  return limits;
}

/**
 * The limits a plugin takes: a built-in plugin those of its format (a limit
 * may be meant for the other input of `diff`), a third-party plugin all.
 */
function limitOptions(plugin: FormatPlugin, limits: Map<string, number>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const pickleOptions: Record<string, unknown> = {};
  for (const [name, value] of limits) {
    const users = LIMITS[name]!;
    if (!BUILTIN.has(plugin.id) || users.includes(plugin.id)) options[name] = value;
    else if (users.includes("pickle") && (plugin.id === "npy" || plugin.id === "npz")) {
      pickleOptions[name] = value;
    }
  }
  if (Object.keys(pickleOptions).length > 0) options.pickleOptions = pickleOptions;
  return options;
}

const PLUGIN_NAMES: Readonly<Record<string, string>> = {
  "allow-pickle": "allowPickle",
};

function pluginOptions(
  plugin: FormatPlugin,
  given: Map<string, unknown>,
  table: Readonly<Record<string, readonly string[]>>,
  role: "input" | "output",
  otherRole: Readonly<Record<string, readonly string[]>>,
  otherPlugin: FormatPlugin | undefined,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const accepts = (p: FormatPlugin | undefined, users: readonly string[] | undefined) =>
    p !== undefined && users !== undefined && (!BUILTIN.has(p.id) || users.includes(p.id));
  for (const [name, value] of given) {
    const users = table[name];
    if (users === undefined) continue;
    // An option both sides take (--delimiter, --comments from text to text) is the output's.
    if (role === "input" && accepts(otherPlugin, otherRole[name])) continue;
    if (BUILTIN.has(plugin.id) && !users.includes(plugin.id)) {
      // Fine when the option is meant for the other side of the conversion.
      if (accepts(otherPlugin, otherRole[name])) continue;
      throw new UsageError(
        `option "--${name}" does not apply to ${role} in the "${plugin.id}" format`,
      );
    }
    options[PLUGIN_NAMES[name] ?? name] = value;
  }
  return options;
}

/** The options for the plugin reading `path`. */
export function readOptions(
  ctx: Context,
  plugin: FormatPlugin,
  path: string,
  values: Values,
  writer?: FormatPlugin,
): PluginOptions {
  const given = convertedOptions(values);
  const options = {
    ...pluginOptions(plugin, given, READERS, "input", WRITERS, writer),
    ...limitOptions(plugin, parseLimits(values)),
  };
  if (plugin.id === "text" && options.delimiter === undefined) {
    const delimiter = delimiterFor(path);
    if (delimiter !== undefined) options.delimiter = delimiter;
  }
  if (ctx.pickle !== undefined && (plugin.id === "npy" || plugin.id === "npz")) {
    options.pickle = ctx.pickle;
  }
  return options;
}

/** The options for the plugin writing `path`. */
export function writeOptions(
  ctx: Context,
  plugin: FormatPlugin,
  path: string,
  values: Values,
  reader?: FormatPlugin,
): PluginOptions {
  const given = convertedOptions(values);
  const options = pluginOptions(plugin, given, WRITERS, "output", READERS, reader);
  if (plugin.id === "text" && options.delimiter === undefined) {
    const delimiter = delimiterFor(path);
    if (delimiter !== undefined) options.delimiter = delimiter;
  }
  if (ctx.pickle !== undefined && (plugin.id === "npy" || plugin.id === "npz")) {
    options.pickle = ctx.pickle;
    options.allowPickle = true;
  }
  return options;
}
