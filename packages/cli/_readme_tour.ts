/**
 * The README's tour of the `ndio` command: each stop is a command run for
 * real, its output pasted under it. `deno run -A packages/cli/_readme_tour.ts`
 * runs the tour and rewrites the README's section between the tour markers;
 * `readme_tour_test.ts` runs it again and checks the README still says what
 * the command prints (timings aside). Not published.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { fixture, ndio } from "./_test_helpers.ts";

/** One stop: a sentence saying what it shows, and the command line. */
export interface TourStop {
  /** What the stop shows (Markdown, one paragraph). */
  readonly say: string;
  /** The command line as a reader types it, starting with `ndio`. */
  readonly command: string;
  /** Its output holds timings (the `sizes` table), which differ from run to run. */
  readonly timed?: boolean;
}

/** The NumPy-made fixtures the tour copies into its `tour/` directory. */
export const TOUR_FIXTURES: readonly string[] = [
  "data.pkl",
  "nested.pkl",
  "evil.pkl",
  "truncated.npy",
];

/** The stops, in order; later ones read the files earlier ones write. */
export const TOUR: readonly TourStop[] = [
  {
    say: "The seed tutorial's file-size comparison: the seed's array written in every format, " +
      "read back and checked (`--dir` keeps the files for the rest of the tour; the other files " +
      "are NumPy-made copies from `packages/cli/testdata/numpy/`: `data.pkl` is the seed's " +
      "pickled dict).",
    command: "ndio sizes --dir tour",
    timed: true,
  },
  { say: "The loaded format plugins:", command: "ndio formats" },
  {
    say: "What a file holds, from headers alone (an 800 MB file answers at once):",
    command: "ndio info tour/arr-compress.npz",
  },
  { say: "As one JSON object:", command: "ndio info tour/arr.npy --json" },
  {
    say: "A pickle's arrays are named by their Python path, and its value is summarized:",
    command: "ndio info tour/data.pkl",
  },
  {
    say: "NumPy's repr of arrays, Python's repr of a pickled value:",
    command: 'ndio show tour/arr.npy --index "2:6, 4, 3:4"',
  },
  { say: "", command: "ndio show tour/nested.pkl" },
  {
    say: "A slice reads only the bytes it needs (here of one .npz member); `-o` writes it in " +
      "any format:",
    command: 'ndio slice tour/arr-compress.npz "-2:, :3, ::-25"',
  },
  { say: "", command: 'ndio slice tour/arr.npy "::-1" -o tour/flipped.npy' },
  {
    say: "Comparing arrays across files and formats (exit code 1 when they differ):",
    command: "ndio diff tour/arr.npy tour/flipped.npy",
  },
  { say: "", command: "ndio diff tour/arr.pkl tour/arr-compress.npz" },
  {
    say: "Converting with NumPy's semantics and nothing lost: a pickled dict becomes an .npz as " +
      "`np.savez(**d)` makes it (its string and its list too); into an .npy it needs `--name`.",
    command: "ndio convert tour/data.pkl tour/data.npz",
  },
  { say: "", command: "ndio info tour/data.npz" },
  { say: "", command: "ndio convert tour/data.pkl tour/data.npy" },
  { say: "", command: "ndio convert tour/arr-txt.tsv tour/from-text.npy" },
  {
    say: "Formats of your own: `--plugin` loads a module whose default export is a plugin (or a " +
      "list), here the example safetensors plugin:",
    command: "ndio --plugin examples/safetensors/mod.ts convert " +
      "examples/safetensors/testdata/weights.safetensors tour/weights.npz",
  },
  {
    say: "",
    command: "ndio --plugin examples/safetensors/mod.ts convert tour/weights.npz " +
      "tour/weights.safetensors",
  },
  {
    say: "Auditing a pickle without loading it (exit code 1 when it references globals ndio " +
      "does not allow; .npy and .npz object arrays too):",
    command: "ndio scan tour/evil.pkl",
  },
  {
    say: "Errors are one line naming the file (a stack trace only with `--debug`):",
    command: "ndio show tour/evil.pkl",
  },
  { say: "", command: "ndio show tour/truncated.npy" },
];

/** Splits a command line as a POSIX shell would, for the double-quoted words the tour uses. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2]!);
  return words;
}

/** Runs one stop in `cwd`; the text of its block: the command, stdout, stderr, the exit code. */
export async function runStop(stop: TourStop, cwd: string): Promise<string> {
  const [program, ...args] = splitCommand(stop.command);
  if (program !== "ndio") throw new Error(`a tour command starts with "ndio": ${stop.command}`);
  const run = await ndio(args, { cwd });
  let text = `$ ${stop.command}\n${run.stdout}${run.stderr}`;
  if (run.code !== 0) text += `[exit code ${run.code}]\n`;
  return text;
}

/** Makes the tour's directory: `tour/` with the fixtures in it, beside the repository's examples. */
export async function prepareTour(cwd: string): Promise<void> {
  await Deno.mkdir(`${cwd}/tour`, { recursive: true });
  await Deno.symlink(fileURLToPath(new URL("../../examples", import.meta.url)), `${cwd}/examples`);
  for (const name of TOUR_FIXTURES) await Deno.copyFile(fixture(name), `${cwd}/tour/${name}`);
}

/** The README's opening and closing tour markers. */
export const TOUR_START =
  "<!-- The tour below is generated: deno run -A packages/cli/_readme_tour.ts -->";
/** The closing marker. */
export const TOUR_END = "<!-- End of the generated tour -->";

/** Text wrapped at 100 columns, as the rest of the README. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > 100) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line].join("\n");
}

/** Runs the whole tour in `cwd` and returns its Markdown. */
export async function tourMarkdown(cwd: string): Promise<string> {
  await prepareTour(cwd);
  let text = "";
  for (const stop of TOUR) {
    if (stop.say !== "") text += `${wrap(stop.say)}\n\n`;
    text += "```console\n" + (await runStop(stop, cwd)) + "```\n\n";
  }
  return text;
}

/** The console blocks of the README's tour: each block's command and what follows it. */
export function readmeBlocks(readme: string): { command: string; output: string }[] {
  const start = readme.indexOf(TOUR_START);
  const end = readme.indexOf(TOUR_END);
  if (start < 0 || end < start) throw new Error("the README has no tour markers");
  const section = readme.slice(start, end);
  return [...section.matchAll(/```console\n\$ ([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
    command: m[1]!,
    output: m[2]!,
  }));
}

if (import.meta.main) {
  const readmePath = fileURLToPath(new URL("../../README.md", import.meta.url));
  const readme = await Deno.readTextFile(readmePath);
  const start = readme.indexOf(TOUR_START);
  const end = readme.indexOf(TOUR_END);
  if (start < 0 || end < start) throw new Error("the README has no tour markers");
  const cwd = await Deno.makeTempDir({ prefix: "ndio-tour-" });
  try {
    const tour = await tourMarkdown(cwd);
    await Deno.writeTextFile(
      readmePath,
      `${readme.slice(0, start)}${TOUR_START}\n\n${tour}${readme.slice(end)}`,
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}
