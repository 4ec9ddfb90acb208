/**
 * `ndio slice FILE EXPR`: a NumPy index expression applied to an array,
 * reading only the bytes it needs where the format allows.
 *
 * @module
 */

import type { NDArray } from "@ndio/core";
import type { Command } from "../_command.ts";
import { selectArray } from "../_content.ts";
import { withContext } from "../_errors.ts";
import { openInput, outputPlugin, readInput } from "../_files.ts";
import {
  checkOptions,
  READ_OPTIONS,
  readOptions,
  TEXT_OPTIONS,
  WRITE_OPTIONS,
  writeOptions,
} from "../_plugin_options.ts";
import { Progress } from "../_progress.ts";
import { indexedRepr } from "../_repr.ts";
import { writeConverted } from "./convert.ts";
import { indexOption, thresholdOption } from "./show.ts";

/** The `slice` command. */
export const sliceCommand: Command = {
  name: "slice",
  usage: "FILE EXPR [-o OUT] [options]",
  summary: 'apply a NumPy index ("2:6, 4, 3:4"), reading only what it needs',
  description: `
Selects part of an array with a NumPy index expression — integers, slices with
steps, "...", None — as in Python's arr[EXPR]: "2:6, 4, 3:4", "::-1", "..., 0".
Formats that support it (.npy, .npz members) read only the bytes the selection
needs, so a slice of a very large file is quick. Prints NumPy's repr of the
result, as "show" does, or writes it to OUT with -o (format by --to or OUT's
extension, with the write options of "convert"). --name picks the array of a
multi-array file.`,
  options: {
    out: {
      type: "string",
      short: "o",
      value: "OUT",
      help: "write the result to OUT instead of printing it",
    },
    name: {
      type: "string",
      value: "N",
      help: "the array to slice (an .npz member, a dict key, a path)",
    },
    threshold: {
      type: "string",
      value: "N",
      help: "summarize arrays of more than N elements (default 1000; inf: never)",
    },
    from: { type: "string", value: "F", help: "the format of FILE (a plugin id)" },
    to: { type: "string", value: "F", help: "the format of OUT (default: by its extension)" },
    ...READ_OPTIONS,
    ...TEXT_OPTIONS,
    ...WRITE_OPTIONS,
  },
  positionals: [2, 2],
  async run(ctx, { values, positionals }) {
    const [path, expression] = positionals as [string, string];
    checkOptions(values);
    const index = indexOption(expression);
    const print = thresholdOption(values.threshold as string | undefined);
    const outPath = values.out as string | undefined;
    const writer = outPath === undefined
      ? undefined
      : outputPlugin(ctx.registry, outPath, values.to as string | undefined);
    const name = values.name as string | undefined;
    using input = await openInput(ctx, path, values.from as string | undefined);
    const options = readOptions(ctx, input.plugin, path, values, writer);
    const outOptions = writer === undefined
      ? undefined
      : writeOptions(ctx, writer, outPath!, values, input.plugin);
    const progress = new Progress(ctx.output, "slicing", 0);
    try {
      let result: NDArray;
      const { plugin } = input;
      if (plugin.readIndex !== undefined) {
        result = await withContext(
          `cannot slice "${path}"`,
          () =>
            plugin.readIndex!(
              input.source,
              index,
              name === undefined ? options : { ...options, name },
            ),
        );
      } else {
        const content = await readInput(input, options, progress);
        result = await withContext(
          `cannot slice "${path}"`,
          () => selectArray(content, name).index(index),
        );
      }
      if (writer === undefined) {
        ctx.output.out.write(indexedRepr(result, index, print) + "\n");
      } else {
        const content = { kind: "array", array: result } as const;
        await writeConverted(
          ctx,
          content,
          path,
          outPath!,
          writer,
          undefined,
          outOptions!,
          progress,
        );
      }
    } finally {
      progress.finish();
    }
    return 0;
  },
};
