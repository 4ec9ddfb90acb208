/**
 * `ndio show FILE`: NumPy's repr of the arrays, or the pickled value tree
 * as Python prints it.
 *
 * @module
 */

import { type Content, type NDArray, parseIndex, type PyValue } from "@ndio/core";
import { integerOption } from "../_args.ts";
import type { Command } from "../_command.ts";
import { selectArray } from "../_content.ts";
import { UsageError, withContext } from "../_errors.ts";
import { loadFile } from "../_files.ts";
import { checkOptions, READ_OPTIONS, TEXT_OPTIONS } from "../_plugin_options.ts";
import { arrayRepr, indexedRepr, type ReprOptions, valueRepr } from "../_repr.ts";

/** The `--threshold` option: an integer, or `inf` to print every element. */
export function thresholdOption(text: string | undefined): ReprOptions {
  if (text === undefined) return {};
  if (/^(inf|all)$/i.test(text.trim())) return { threshold: Number.MAX_SAFE_INTEGER };
  return { threshold: integerOption("threshold", text, 0) };
}

/** A NumPy index expression from the command line; a bad one is a usage error. */
export function indexOption(text: string): ReturnType<typeof parseIndex> {
  try {
    return parseIndex(text);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** What `show` prints for content: the one array's repr, a dict of named arrays, or the value. */
function contentRepr(content: Content, options: ReprOptions): string {
  switch (content.kind) {
    case "array":
      return arrayRepr(content.array, options);
    case "arrays":
      // As Python prints dict(np.load("x.npz")).
      return valueRepr(new Map<PyValue, PyValue>(content.arrays), options);
    case "value":
      return valueRepr(content.value, options);
  }
}

/** The `show` command. */
export const showCommand: Command = {
  name: "show",
  usage: "FILE [--name N] [--index EXPR] [--threshold N]",
  summary: "print the arrays as NumPy does (repr), or a pickled value as Python does",
  description: `
Prints NumPy's repr of the array in FILE, exactly as Python's repr(np.load(FILE))
— summarized with "..." past --threshold elements (NumPy's default: 1000). An
.npz prints as Python prints dict(np.load(FILE)); a pickle prints its value as
Python's repr(pickle.load(f)) would.

--name picks one array (an .npz member, a dict key, or a path such as
['array'] as "ndio info" lists it); --index applies a NumPy index expression
such as "2:6, 4, 3:4" or "..., -1" to it.`,
  options: {
    name: {
      type: "string",
      value: "N",
      help: "the array to print (an .npz member, a dict key, a path)",
    },
    index: { type: "string", value: "EXPR", help: 'a NumPy index to apply, such as "2:6, 4, 3:4"' },
    threshold: {
      type: "string",
      value: "N",
      help: "summarize arrays of more than N elements (default 1000; inf: never)",
    },
    from: { type: "string", value: "F", help: "the format of FILE (a plugin id)" },
    ...READ_OPTIONS,
    ...TEXT_OPTIONS,
  },
  positionals: [1, 1],
  async run(ctx, { values, positionals }) {
    const path = positionals[0]!;
    checkOptions(values);
    const options = thresholdOption(values.threshold as string | undefined);
    const index = values.index === undefined ? undefined : indexOption(values.index as string);
    const name = values.name as string | undefined;
    const content = await loadFile(ctx, path, values);
    let text: string;
    if (index !== undefined || name !== undefined) {
      let array: NDArray = await withContext(`in "${path}"`, () => selectArray(content, name));
      if (index !== undefined) array = await withContext(`in "${path}"`, () => array.index(index));
      text = index === undefined ? arrayRepr(array, options) : indexedRepr(array, index, options);
    } else {
      text = contentRepr(content, options);
    }
    ctx.output.out.write(text + "\n");
    return 0;
  },
};
