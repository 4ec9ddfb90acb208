/**
 * Python's repr, as `show` and `slice` print: NumPy's repr of arrays and
 * Python's repr of pickled value trees.
 *
 * @module
 */

import { NDArray, PyTuple, type PyValue } from "@ndio/core";

/** Printing options (NumPy's print options). */
export interface ReprOptions {
  /** Total elements above which arrays are summarized with `...` (NumPy: 1000). */
  readonly threshold?: number;
}

/** NumPy's `repr(array)`. */
export function arrayRepr(array: NDArray, _options?: ReprOptions): string {
  return array.toString();
}

/** Python's `repr(value)` for a value tree. */
export function valueRepr(value: PyValue, options?: ReprOptions): string {
  if (value instanceof NDArray) return arrayRepr(value, options);
  return pythonRepr(value);
}

/** Python's repr of a dict key or simple value (str, int, bool, None, bytes, tuple). */
export function pythonRepr(value: PyValue): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return stringRepr(value);
  if (value instanceof Uint8Array) {
    return "b" + stringRepr(String.fromCharCode(...value)).replace(
      /[\u0080-\u00ff]/g,
      (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
    );
  }
  if (value instanceof PyTuple) {
    const items = value.items.map(pythonRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  return String(value);
}

function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}
