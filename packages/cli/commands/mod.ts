/**
 * Every `ndio` command, in the order of the help.
 *
 * @module
 */

import type { Command } from "../_command.ts";
import { convertCommand } from "./convert.ts";
import { diffCommand } from "./diff.ts";
import { infoCommand } from "./info.ts";
import { showCommand } from "./show.ts";
import { sizesCommand } from "./sizes.ts";
import { scanCommand } from "./scan.ts";
import { sliceCommand } from "./slice.ts";
import { formatsCommand } from "./formats.ts";

/** The commands. */
export const COMMANDS: readonly Command[] = [
  formatsCommand,
  infoCommand,
  showCommand,
  convertCommand,
  sizesCommand,
  scanCommand,
  diffCommand,
  sliceCommand,
];
