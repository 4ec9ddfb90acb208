/**
 * The chart of BENCHMARKS.md: throughput against array size, one small
 * panel per operation, ndio and NumPy lines with min–max bars and the
 * machine ceiling that bounds the operation. Plain SVG written here, no
 * dependency. Pure functions.
 *
 * @module
 */

import { HUGETLB_NOTE, KEEP_NOTE, OPS, REUSE_NOTE } from "./_plan.ts";
import type { CaseResult, CeilingResult, RunResults } from "./_results.ts";
import { throughput } from "./_stats.ts";

/** A point: x in bytes, y and its range in bytes per second. */
export interface Point {
  readonly x: number;
  readonly y: number;
  readonly yLow: number;
  readonly yHigh: number;
}

/** A line of a panel. */
export interface Line {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly points: readonly Point[];
}

/** One panel: an operation. */
export interface Panel {
  readonly title: string;
  readonly lines: readonly Line[];
  /** A horizontal reference line (bytes per second). */
  readonly ceiling?: { readonly label: string; readonly y: number };
}

/** Powers of ten from the one at or below `min` to the one at or above `max`. */
export function decades(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0)) return [1, 10];
  const lo = Math.floor(Math.log10(min) + 1e-9);
  let hi = Math.ceil(Math.log10(max) - 1e-9);
  if (hi <= lo) hi = lo + 1;
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) out.push(10 ** e);
  return out;
}

/** A logarithmic scale from `[d0, d1]` onto `[r0, r1]`. */
export function logScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain.map(Math.log10) as [number, number];
  const [r0, r1] = range;
  return (v) => r0 + ((Math.log10(v) - d0) / (d1 - d0)) * (r1 - r0);
}

/** Text safe inside SVG elements and attributes. */
export function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** `1 kB`, `10 MB`, `1 GB`: labels of powers of ten of bytes. */
export function sizeLabel(bytes: number): string {
  const units: [number, string][] = [[1e9, "GB"], [1e6, "MB"], [1e3, "kB"]];
  for (const [scale, unit] of units) if (bytes >= scale) return `${bytes / scale} ${unit}`;
  return `${bytes} B`;
}

/** `1 MB/s`, `10 GB/s`, `0.1 MB/s`: labels of powers of ten of rates. */
export function rateLabel(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1e9) return `${bytesPerSecond / 1e9} GB/s`;
  return `${Number((bytesPerSecond / 1e6).toPrecision(1))} MB/s`;
}

const PANEL_W = 320;
const PANEL_H = 230;
const COLUMNS = 3;
const HEADER = 56;
const MARGIN = { left: 58, right: 14, top: 26, bottom: 36 };

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function renderPanel(panel: Panel, x0: number, y0: number, xDomain: [number, number]): string {
  const ys: number[] = [];
  for (const line of panel.lines) {
    for (const p of line.points) ys.push(p.yLow, p.yHigh, p.y);
  }
  if (panel.ceiling !== undefined) ys.push(panel.ceiling.y);
  const finite = ys.filter((v) => Number.isFinite(v) && v > 0);
  const yTicks = decades(Math.min(...finite), Math.max(...finite));
  const left = x0 + MARGIN.left;
  const right = x0 + PANEL_W - MARGIN.right;
  const top = y0 + MARGIN.top;
  const bottom = y0 + PANEL_H - MARGIN.bottom;
  const sx = logScale(xDomain, [left, right]);
  const sy = logScale([yTicks[0]!, yTicks.at(-1)!], [bottom, top]);
  const out: string[] = [];
  out.push(
    `<text x="${num(x0 + PANEL_W / 2)}" y="${num(y0 + 16)}" text-anchor="middle" ` +
      `font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  for (const t of decades(...xDomain)) {
    const x = num(sx(t));
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#e4e4e4"/>`);
    out.push(
      `<text x="${x}" y="${bottom + 14}" text-anchor="middle" font-size="10">${
        escapeXml(sizeLabel(t))
      }</text>`,
    );
  }
  for (const t of yTicks) {
    const y = num(sy(t));
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(
      `<text x="${left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle" ` +
        `font-size="10">${escapeXml(rateLabel(t))}</text>`,
    );
  }
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" ` +
      `fill="none" stroke="#999"/>`,
  );
  if (panel.ceiling !== undefined) {
    const y = num(sy(panel.ceiling.y));
    out.push(
      `<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#888" ` +
        `stroke-dasharray="2 3"/>`,
    );
    // The label goes under the line when the line runs along the top.
    const labelY = sy(panel.ceiling.y) - top < 14
      ? sy(panel.ceiling.y) + 11
      : sy(panel.ceiling.y) - 3;
    out.push(
      `<text x="${right - 3}" y="${num(labelY)}" text-anchor="end" ` +
        `font-size="9" fill="#666">${escapeXml(panel.ceiling.label)}</text>`,
    );
  }
  for (const line of panel.lines) {
    const pts = line.points.filter((p) => Number.isFinite(p.y) && p.y > 0);
    if (pts.length === 0) continue;
    const d = pts.map((p, i) => `${i === 0 ? "M" : "L"}${num(sx(p.x))} ${num(sy(p.y))}`).join(
      " ",
    );
    const dash = line.dashed ? ` stroke-dasharray="6 4"` : "";
    out.push(
      `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.8"${dash}>` +
        `<title>${escapeXml(`${panel.title}: ${line.label}`)}</title></path>`,
    );
    for (const p of pts) {
      const x = num(sx(p.x));
      if (Number.isFinite(p.yLow) && Number.isFinite(p.yHigh) && p.yLow > 0) {
        out.push(
          `<line x1="${x}" y1="${num(sy(p.yLow))}" x2="${x}" y2="${num(sy(p.yHigh))}" ` +
            `stroke="${line.color}"/>`,
        );
      }
      out.push(`<circle cx="${x}" cy="${num(sy(p.y))}" r="2.5" fill="${line.color}"/>`);
    }
  }
  return out.join("\n");
}

/** The chart: panels in a grid under a legend of the line styles. */
export function renderChart(
  panels: readonly Panel[],
  title = "ndio and NumPy: throughput against array size",
): string {
  const xs = panels.flatMap((p) => p.lines.flatMap((l) => l.points.map((pt) => pt.x)));
  const xTicks = decades(Math.min(...xs), Math.max(...xs));
  const xDomain: [number, number] = [xTicks[0]!, xTicks.at(-1)!];
  const rows = Math.max(1, Math.ceil(panels.length / COLUMNS));
  const width = PANEL_W * COLUMNS;
  const height = HEADER + rows * PANEL_H;
  const legend = new Map<string, Line>();
  for (const p of panels) for (const l of p.lines) if (!legend.has(l.label)) legend.set(l.label, l);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${
      escapeXml(title)
    }</text>`,
  ];
  let lx = 20;
  for (const l of legend.values()) {
    const dash = l.dashed ? ` stroke-dasharray="6 4"` : "";
    out.push(
      `<line x1="${lx}" y1="40" x2="${
        lx + 28
      }" y2="40" stroke="${l.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 34}" y="44">${escapeXml(l.label)}</text>`,
    );
    lx += 48 + l.label.length * 7.5;
  }
  out.push(
    `<line x1="${lx}" y1="40" x2="${lx + 28}" y2="40" stroke="#888" stroke-dasharray="2 3"/>`,
    `<text x="${lx + 34}" y="44">machine ceiling (Deno)</text>`,
  );
  panels.forEach((panel, i) => {
    const x0 = (i % COLUMNS) * PANEL_W;
    const y0 = HEADER + Math.floor(i / COLUMNS) * PANEL_H;
    out.push(renderPanel(panel, x0, y0, xDomain));
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** Which ceiling bounds each operation. */
export const CEILING_OF: Readonly<Record<string, string>> = {
  "npy.save": "ceiling.write",
  "npy.load": "ceiling.read",
  "npz.save_stored": "ceiling.write",
  "npz.save_compressed": "ceiling.deflate",
  "npz.load_stored": "ceiling.read",
  "npz.load_compressed": "ceiling.inflate",
  "pickle.dumps.p5": "ceiling.memcpy",
  "pickle.loads.p5": "ceiling.memcpy",
  "pickle.dumps.p4": "ceiling.memcpy",
  "pickle.loads.p4": "ceiling.memcpy",
};

const COLORS = { numpy: "#d95f02", ndio: "#1f5fbf" };
// Variants by their note: each keeps its colour in every panel and the legend.
const VARIANT_COLORS: Readonly<Record<string, string>> = {
  "2 workers": "#1b9e77",
  [HUGETLB_NOTE]: "#7b3fa0",
  [REUSE_NOTE]: "#d95f02",
  [KEEP_NOTE]: "#e7298a",
};

function shortNote(note: string): string {
  const short: Record<string, string> = {
    [HUGETLB_NOTE]: "glibc huge pages",
    [REUSE_NOTE]: "reused buffer",
    [KEEP_NOTE]: "glibc keeps freed memory",
  };
  return short[note] ?? note;
}

function point(c: CaseResult, side: "numpy" | "ndio"): Point | null {
  const s = c[side];
  if (s === null) return null;
  const bytes = c.dataset.nbytes;
  return {
    x: bytes,
    y: throughput(bytes, s.ms.median),
    yLow: throughput(bytes, s.ms.max),
    yHigh: throughput(bytes, s.ms.min),
  };
}

function ceilingFor(op: string, ceilings: readonly CeilingResult[]): Panel["ceiling"] {
  const id = CEILING_OF[op];
  const measured = ceilings.filter((c) => c.id === id && c.deno !== null);
  if (measured.length === 0) return undefined;
  // The largest size measured: past the caches, the figure large arrays meet.
  const c = measured.reduce((a, b) => b.dataset.nbytes > a.dataset.nbytes ? b : a);
  return { label: c.label, y: throughput(c.dataset.nbytes, c.deno!.ms.median) };
}

/**
 * The panels of a run: each operation's scaling series (float64; int64 for
 * the text operations on ints, the seed standing at 8 MB).
 */
export function chartPanels(r: RunResults): Panel[] {
  const panels: Panel[] = [];
  for (const op of OPS) {
    const series = r.cases.filter((c) =>
      c.op === op.id &&
      (op.kinds.includes("i8")
        ? c.dataset.kind === "i8" || c.dataset.kind === "seed"
        : c.dataset.kind === "f8")
    ).sort((a, b) => a.dataset.nbytes - b.dataset.nbytes);
    if (new Set(series.map((c) => c.dataset.nbytes)).size < 2) continue;
    const lines: Line[] = [{
      label: "NumPy",
      color: COLORS.numpy,
      dashed: true,
      points: series.filter((c) => c.variant === op.variants[0]!.id).map((c) => point(c, "numpy"))
        .filter((p) => p !== null),
    }];
    for (const v of op.variants) {
      if (v.numpyWorker === undefined || v.numpyWorker === "numpy") continue;
      lines.push({
        label: `NumPy, ${shortNote(v.note)}`,
        color: VARIANT_COLORS[v.note] ?? "#555555",
        dashed: true,
        points: series.filter((c) => c.variant === v.id).map((c) => point(c, "numpy"))
          .filter((p) => p !== null),
      });
    }
    op.variants.forEach((v, i) => {
      lines.push({
        label: v.note === "" ? "ndio" : `ndio, ${shortNote(v.note)}`,
        color: i === 0 ? COLORS.ndio : VARIANT_COLORS[v.note] ?? "#555555",
        dashed: false,
        points: series.filter((c) => c.variant === v.id).map((c) => point(c, "ndio"))
          .filter((p) => p !== null),
      });
    });
    const ceiling = ceilingFor(op.id, r.ceilings);
    panels.push({
      title: `${op.family}: ${op.label}`,
      // A variant this run did not measure gets no line.
      lines: lines.filter((line, i) => i === 0 || line.points.length > 0),
      ...(ceiling === undefined ? {} : { ceiling }),
    });
  }
  return panels;
}
