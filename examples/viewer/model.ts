/**
 * What the viewer shows of a file, apart from the page: which format the
 * registry detects, and every array the file holds with its dtype, shape
 * and NumPy repr. Pure: runs in Deno's tests as in the browser.
 *
 * @module
 */

import {
  type Content,
  createRegistry,
  type FormatPlugin,
  NDArray,
  NumpyScalar,
  PyTuple,
  type PyValue,
  type Registry,
} from "@ndio/core";
import { npyPlugin } from "@ndio/npy";
import { npzPlugin } from "@ndio/npz";
import { textPlugin } from "@ndio/text";
import { picklePlugin } from "@ndio/pickle";
import { safetensorsPlugin } from "@ndio-examples/safetensors";

/** The plugins the viewer knows, in order of preference for ties. */
export const viewerPlugins: readonly FormatPlugin[] = [
  npyPlugin,
  picklePlugin,
  npzPlugin,
  textPlugin,
  safetensorsPlugin,
];

/** The viewer's registry. */
export const viewerRegistry: Registry = createRegistry(viewerPlugins);

/** One array of a file. */
export interface ViewedArray {
  /** Its name in the file (`""` for single-array formats, a path such as `['array']` in a pickle). */
  readonly name: string;
  /** The array. */
  readonly array: NDArray;
}

/** A file as the viewer shows it. */
export interface ViewedFile {
  /** The file's name. */
  readonly fileName: string;
  /** Its size in bytes. */
  readonly byteLength: number;
  /** The plugin that read it. */
  readonly format: FormatPlugin;
  /** Its arrays, in file order. */
  readonly arrays: readonly ViewedArray[];
}

/** Options given to every plugin: pickles are decoded by ndio's safe loader, never executed. */
const READ_OPTIONS = {};

/** Finds the arrays in a Python value tree, named by their path (`['key'][0]`). */
export function arraysInValue(value: PyValue): ViewedArray[] {
  const found: ViewedArray[] = [];
  const seen = new Set<unknown>();
  const walk = (v: PyValue, path: string): void => {
    if (v instanceof NDArray) {
      found.push({ name: path, array: v });
      return;
    }
    if (v instanceof NumpyScalar) {
      found.push({ name: path, array: v.array });
      return;
    }
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v); // pickles can hold cycles
    if (v instanceof Map) {
      for (const [key, item] of v) {
        const label = typeof key === "string"
          ? `['${key.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}']`
          : `[${String(key)}]`;
        walk(item, path + label);
      }
    } else if (Array.isArray(v) || v instanceof PyTuple) {
      const items = Array.isArray(v) ? v : v.items;
      items.forEach((item, i) => walk(item, `${path}[${i}]`));
    }
  };
  walk(value, "");
  return found;
}

function arraysOf(content: Content): ViewedArray[] {
  switch (content.kind) {
    case "array":
      return [{ name: "", array: content.array }];
    case "arrays":
      return [...content.arrays].map(([name, array]) => ({ name, array }));
    case "value":
      return arraysInValue(content.value);
  }
}

/**
 * Detects a file's format and decodes it.
 *
 * @param bytes The file's bytes.
 * @param fileName Its name (a hint when the magic bytes are not enough).
 * @param registry The plugins to use.
 * @returns The format and the arrays.
 */
export function openFile(
  bytes: Uint8Array,
  fileName: string,
  registry: Registry = viewerRegistry,
): ViewedFile {
  const format = registry.detect(bytes.subarray(0, 4096), { fileName });
  if (format.decode === undefined) {
    throw new TypeError(`the ${format.label} plugin cannot decode files in memory`);
  }
  const content = format.decode(bytes, READ_OPTIONS);
  return { fileName, byteLength: bytes.length, format, arrays: arraysOf(content) };
}

/** The shape as NumPy prints it: `(3,)`, `(2, 3)`, `()`. */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}
