/**
 * Where the command writes: results on stdout, messages on stderr; colour
 * only on terminals and never with `NO_COLOR`; aligned tables.
 *
 * @module
 */

/** A text stream the command writes to. */
export interface TextOut {
  /** Writes text as it is. */
  write(text: string): void;
  /** Whether the stream is a terminal. */
  readonly isTerminal: boolean;
}

/** The streams and settings of one run. */
export interface Output {
  /** Results. */
  readonly out: TextOut;
  /** Messages, progress and errors. */
  readonly err: TextOut;
  /** Messages suppressed (errors still print). */
  readonly quiet: boolean;
  /** Colour on stdout. */
  readonly colorOut: boolean;
  /** Colour on stderr. */
  readonly colorErr: boolean;
}

const encoder = new TextEncoder();

/** A `TextOut` over a Deno file (stdout or stderr), written synchronously. */
export function denoTextOut(file: typeof Deno.stdout | typeof Deno.stderr): TextOut {
  return {
    write(text: string): void {
      const bytes = encoder.encode(text);
      let done = 0;
      while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
    },
    isTerminal: file.isTerminal(),
  };
}

/** Whether colour is allowed at all: `NO_COLOR` set to anything non-empty forbids it. */
export function colorAllowed(): boolean {
  let noColor: string | undefined;
  try {
    noColor = Deno.env.get("NO_COLOR");
  } catch {
    // Without env permission, fall back to Deno's own reading of NO_COLOR.
    return !Deno.noColor;
  }
  return noColor === undefined || noColor === "";
}

const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
} as const;

/** A style name. */
export type Style = keyof typeof STYLES;

/** `text` in `style` when `enabled`. */
export function paint(text: string, style: Style, enabled: boolean): string {
  if (!enabled) return text;
  const [on, off] = STYLES[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

/** The visible width of a string (escape sequences excluded, one column per code point). */
export function visibleWidth(text: string): number {
  // deno-lint-ignore no-control-regex
  return [...text.replace(/\x1b\[[0-9;]*m/g, "")].length;
}

/** Column alignment. */
export type Align = "left" | "right";

/**
 * Formats rows as an aligned table, columns separated by two spaces; the
 * first row is the header (bold when `color`).
 */
export function table(
  rows: readonly (readonly string[])[],
  options?: {
    readonly align?: readonly Align[];
    readonly color?: boolean;
    readonly indent?: string;
  },
): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell))));
  }
  const indent = options?.indent ?? "";
  return rows.map((row, r) => {
    const cells = row.map((cell, i) => {
      const pad = " ".repeat(widths[i]! - visibleWidth(cell));
      const last = i === row.length - 1;
      if (options?.align?.[i] === "right") return pad + cell;
      return last ? cell : cell + pad;
    });
    const line = indent + cells.join("  ");
    return (r === 0 ? paint(line, "bold", options?.color ?? false) : line) + "\n";
  }).join("");
}

/** An integer with thousands separators: `8,000,128`. */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A shape as NumPy prints it: `(100, 100, 100)`, `(5,)`, `()`. */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}
