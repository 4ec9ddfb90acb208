/**
 * `ndio scan FILE`: audits the pickles in a file — a pickle file, or the
 * pickled data of object arrays in an .npy or in .npz members — without
 * loading them: protocol, the globals referenced, the opcodes, a verdict.
 *
 * @module
 */

import type { ByteSource } from "@ndio/core";
import { readNpyHeader } from "@ndio/npy";
import { NpzFile } from "@ndio/npz";
import { scan, type ScanReport } from "@ndio/pickle";
import type { Command } from "../_command.ts";
import type { Context } from "../_context.ts";
import { withContext } from "../_errors.ts";
import { type InputFile, openInput } from "../_files.ts";
import { grouped, paint, shapeText, table } from "../_output.ts";
import type { Json } from "../_value_tree.ts";

/** A pickle found in a file. */
interface FoundPickle {
  /** The .npz member holding it, or null. */
  readonly member: string | null;
  /** Where it starts in the file (in the member for .npz). */
  readonly offset: number;
  /** What holds it, for the text report: `the file`, `the object array (|O, (3,))`. */
  readonly what: string;
  /** The scanner's report. */
  readonly report: ScanReport;
}

/** The pickles of a file, scanned; `holds` says what the file holds when there are none. */
async function findPickles(input: InputFile): Promise<{ found: FoundPickle[]; holds: string }> {
  const { plugin, source } = input;
  if (plugin.id === "pickle") {
    const bytes = await source.read(0, source.byteLength);
    return {
      found: [{ member: null, offset: 0, what: "the file", report: scan(bytes) }],
      holds: "",
    };
  }
  if (plugin.id === "npy") {
    const header = await readNpyHeader(source);
    const held = `${header.dtype.str} ${shapeText(header.shape)}`;
    if (!header.dtype.hasObject) return { found: [], holds: `${held}: no pickles (no objects)` };
    const bytes = await source.read(header.dataOffset, source.byteLength - header.dataOffset);
    return {
      found: [{
        member: null,
        offset: header.dataOffset,
        what: `the object array (${held})`,
        report: scan(bytes),
      }],
      holds: "",
    };
  }
  if (plugin.id === "npz") return await npzPickles(source);
  return { found: [], holds: "no pickles (the format holds none)" };
}

async function npzPickles(source: ByteSource): Promise<{ found: FoundPickle[]; holds: string }> {
  using npz = await NpzFile.open(source);
  const found: FoundPickle[] = [];
  for (const name of npz.names) {
    if (!name.endsWith(".npy")) continue;
    const header = await npz.header(name);
    if (!header.dtype.hasObject) continue;
    const bytes = (await npz.bytes(name)).subarray(header.dataOffset);
    found.push({
      member: name.slice(0, -4),
      offset: header.dataOffset,
      what: `member "${name.slice(0, -4)}" (${header.dtype.str} ${shapeText(header.shape)})`,
      report: scan(bytes),
    });
  }
  const members = `${npz.size} member${npz.size === 1 ? "" : "s"}`;
  return { found, holds: `${members}: no pickles (no member has dtype object)` };
}

/** The overall verdict: the worst of the pickles'. */
function overall(found: readonly FoundPickle[]): "loadable" | "forbidden" | "malformed" | "none" {
  if (found.length === 0) return "none";
  if (found.some((f) => f.report.verdict === "malformed")) return "malformed";
  if (found.some((f) => f.report.verdict === "forbidden")) return "forbidden";
  return "loadable";
}

function textReport(ctx: Context, path: string, format: string, found: FoundPickle[]): string {
  const color = ctx.output.colorOut;
  let text = `${path}: ${format}, ${found.length} pickle${found.length === 1 ? "" : "s"}\n`;
  for (const { member, what, offset, report } of found) {
    const within = member === null ? "" : " of the member";
    text += `\n${what}: pickle at byte ${grouped(offset)}${within}, ` +
      `${grouped(report.length)} bytes, protocol ${report.protocol ?? "0 or 1"}\n`;
    if (report.globals.length > 0) {
      const rows = [["global", "references", "first at byte", "allowed"]];
      for (const g of report.globals) {
        rows.push([
          `${g.module}.${g.name}`,
          String(g.count),
          grouped(offset + g.offset),
          g.allowed ? "yes" : paint("NO", "red", color),
        ]);
      }
      text += table(rows, { color, indent: "  ", align: ["left", "right", "right", "left"] });
    } else {
      text += "  no globals\n";
    }
    const opcodes = Object.entries(report.opcodes).sort((a, b) =>
      b[1] - a[1] || (a[0] < b[0] ? -1 : 1)
    );
    const total = opcodes.reduce((n, [, count]) => n + count, 0);
    text += `  opcodes: ${grouped(total)} (${
      opcodes.map(([name, n]) => `${name} ${n}`).join(", ")
    })\n`;
    text += `  verdict: ${verdictText(report, color)}\n`;
  }
  if (found.length > 1) {
    const bad = found.filter((f) => f.report.verdict !== "loadable").length;
    text += `\nverdict: ${overall(found)}${
      bad > 0 ? ` (${bad} of ${found.length} pickles)` : ""
    }\n`;
  }
  return text;
}

function verdictText(report: ScanReport, color: boolean): string {
  switch (report.verdict) {
    case "loadable":
      return paint("loadable", "green", color) + " (every global is an allowed data constructor)";
    case "forbidden":
      return `${paint("forbidden", "red", color)}: ${report.reason} (ndio refuses to load it)`;
    case "malformed":
      return `${paint("malformed", "red", color)}: ${report.reason}`;
  }
}

function jsonReport(format: string, found: FoundPickle[]): Json {
  return {
    format,
    verdict: overall(found),
    pickles: found.map(({ member, offset, report }) => ({
      member,
      offset,
      length: report.length,
      protocol: report.protocol,
      verdict: report.verdict,
      reason: report.reason,
      globals: report.globals.map((g) => ({
        module: g.module,
        name: g.name,
        allowed: g.allowed,
        count: g.count,
        offset: offset + g.offset,
      })),
      opcodes: { ...report.opcodes },
    })),
  };
}

/** The `scan` command. */
export const scanCommand: Command = {
  name: "scan",
  usage: "FILE [--json]",
  summary: "audit the pickles in a file (globals, verdict) without loading them; exit 1 if unsafe",
  description: `
Audits the pickles in FILE without loading anything: a pickle file, the
pickled data of an object array (dtype |O) in an .npy, or of each object
member of an .npz. For each pickle: where it is, its protocol, every global
it references (module.name, how often, where first, whether it is on ndio's
allowlist of NumPy and builtin data constructors), its opcodes, and a
verdict — "loadable" (ndio loads it, --allow-pickle for .npy/.npz),
"forbidden" (it references other globals: ndio will not load it; Python's
pickle would run them) or "malformed".

--json prints one object: {"format", "verdict" (the worst, or "none"),
"pickles": [{"member" (null but in .npz), "offset", "length", "protocol",
"verdict", "reason", "globals": [{"module", "name", "allowed", "count",
"offset"}], "opcodes": {name: count}}]}. Offsets are bytes from the start of
the file (of the member, for .npz).

Exit code: 0 when every pickle is loadable, or when there are none; 1 when
any is forbidden or malformed; 2 for a usage error.`,
  options: {
    json: { type: "boolean", help: "print one JSON object" },
    from: { type: "string", value: "F", help: "the format of FILE (a plugin id)" },
  },
  positionals: [1, 1],
  async run(ctx, { values, positionals }) {
    const path = positionals[0]!;
    using input = await openInput(ctx, path, values.from as string | undefined);
    const { found, holds } = await withContext(`cannot scan "${path}"`, () => findPickles(input));
    const verdict = overall(found);
    const { out } = ctx.output;
    if (values.json) {
      out.write(JSON.stringify(jsonReport(input.plugin.id, found)) + "\n");
    } else if (found.length === 0) {
      out.write(`${path}: ${input.plugin.id}, ${holds}\n`);
    } else {
      out.write(textReport(ctx, path, input.plugin.id, found));
    }
    return verdict === "forbidden" || verdict === "malformed" ? 1 : 0;
  },
};
