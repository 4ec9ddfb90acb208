// The `shape: (...)` header line that carries the shape of arrays of more
// than two dimensions through text files (also the seed's "Original shape").

/** A shape as Python prints a tuple: `(100, 100, 100)`, `(5,)`, `()`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

const SHAPE_LINE = /^\s*(?:original\s+)?shape\s*[:=]\s*\(\s*(\d+(?:\s*,\s*\d+)*)?\s*,?\s*\)\s*$/i;

/** The shape a header comment line announces, or null. */
export function parseShapeLine(line: string): number[] | null {
  const m = SHAPE_LINE.exec(line);
  if (m === null) return null;
  if (m[1] === undefined) return [];
  return m[1].split(",").map((d) => Number(d.trim()));
}
