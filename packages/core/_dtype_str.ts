// How Python prints a dtype: repr(dtype), str(dtype), and the short form an
// array's repr uses after "dtype=" (NumPy's _dtype.py and arrayprint rules).

import type { DType } from "./dtype.ts";
import { pythonStringRepr } from "./_python_literal.ts";

const KIND_NAMES: Readonly<Record<string, string>> = {
  i: "int",
  u: "uint",
  f: "float",
  c: "complex",
};

function isNativeOrUnordered(dtype: DType): boolean {
  return dtype.byteOrder === "|" || dtype.isNative;
}

function orderChar(dtype: DType): string {
  return dtype.byteOrder === "|" ? "" : dtype.byteOrder;
}

function unitText(dtype: DType): string {
  if (dtype.unit === null || dtype.unit === "generic") return "";
  return dtype.unitCount === 1 ? `[${dtype.unit}]` : `[${dtype.unitCount}${dtype.unit}]`;
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

function scalarText(dtype: DType, short: boolean): string {
  switch (dtype.kind) {
    case "b":
      return short ? "'?'" : "'bool'";
    case "O":
      return "'O'";
    case "S":
      return dtype.itemsize === 0 ? "'S'" : `'S${dtype.itemsize}'`;
    case "U":
      return dtype.itemsize === 0
        ? `'${orderChar(dtype)}U'`
        : `'${orderChar(dtype)}U${dtype.itemsize / 4}'`;
    case "V":
      return dtype.itemsize === 0 ? "'V'" : `'V${dtype.itemsize}'`;
    case "M":
    case "m":
      return `'${orderChar(dtype)}${dtype.kind}8${unitText(dtype)}'`;
  }
  if (short || !isNativeOrUnordered(dtype)) {
    return `'${orderChar(dtype)}${dtype.kind}${dtype.itemsize}'`;
  }
  return `'${KIND_NAMES[dtype.kind]}${dtype.itemsize * 8}'`;
}

function isPacked(dtype: DType): boolean {
  const align = dtype.isAlignedStruct;
  let maxAlign = 1;
  let total = 0;
  for (const field of dtype.fields!) {
    if (align) {
      total = Math.ceil(total / field.dtype.alignment) * field.dtype.alignment;
      maxAlign = Math.max(maxAlign, field.dtype.alignment);
    }
    if (field.offset !== total) return false;
    total += field.dtype.itemsize;
  }
  if (align) total = Math.ceil(total / maxAlign) * maxAlign;
  return total === dtype.itemsize;
}

function listText(dtype: DType): string {
  const items = dtype.fields!.map((field) => {
    const name = field.title === null
      ? pythonStringRepr(field.name)
      : `(${pythonStringRepr(field.title)}, ${pythonStringRepr(field.name)})`;
    const sub = field.dtype.subarray;
    const type = sub === null
      ? constructionText(field.dtype, false, true)
      : `${constructionText(sub.base, false, true)}, ${shapeText(sub.shape)}`;
    return `(${name}, ${type})`;
  });
  return `[${items.join(", ")}]`;
}

function dictText(dtype: DType, includeAlign: boolean): string {
  const fields = dtype.fields!;
  let out = `{'names': [${fields.map((f) => pythonStringRepr(f.name)).join(", ")}]`;
  out += `, 'formats': [${fields.map((f) => constructionText(f.dtype, false, true)).join(", ")}]`;
  out += `, 'offsets': [${fields.map((f) => f.offset).join(", ")}]`;
  if (fields.some((f) => f.title !== null)) {
    out += `, 'titles': [${
      fields.map((f) => (f.title === null ? "None" : pythonStringRepr(f.title))).join(", ")
    }]`;
  }
  out += `, 'itemsize': ${dtype.itemsize}`;
  return out + (includeAlign && dtype.isAlignedStruct ? ", 'aligned': True}" : "}");
}

function structText(dtype: DType, includeAlign: boolean): string {
  return !(includeAlign && dtype.isAlignedStruct) && isPacked(dtype)
    ? listText(dtype)
    : dictText(dtype, includeAlign);
}

function constructionText(dtype: DType, includeAlign: boolean, short: boolean): string {
  if (dtype.fields !== null) return structText(dtype, includeAlign);
  if (dtype.subarray !== null) {
    return `(${constructionText(dtype.subarray.base, false, true)}, ${
      shapeText(dtype.subarray.shape)
    })`;
  }
  return scalarText(dtype, short);
}

/** Python's `repr(dtype)`: `dtype('float64')`, `dtype([('a', '<i4')])`. */
export function dtypeRepr(dtype: DType): string {
  const text = constructionText(dtype, false, false);
  return `dtype(${text}${dtype.isAlignedStruct ? ", align=True" : ""})`;
}

/** Python's `str(dtype)`: `float64`, `>i4`, `<U5`, `[('a', '<i4')]`. */
export function dtypeStr(dtype: DType): string {
  if (dtype.fields !== null) return structText(dtype, true);
  if (dtype.subarray !== null) return constructionText(dtype, false, true);
  if (dtype.kind === "S" || dtype.kind === "U" || dtype.kind === "V") return dtype.str;
  if (!isNativeOrUnordered(dtype)) return dtype.str;
  return dtype.name;
}

/** What an array's repr writes after `dtype=`. */
export function dtypeShortRepr(dtype: DType): string {
  if (dtype.fields !== null) return dtypeStr(dtype);
  if (dtype.kind === "S" || dtype.kind === "U" || dtype.kind === "V" || dtype.subarray !== null) {
    return `'${dtypeStr(dtype)}'`;
  }
  if (!isNativeOrUnordered(dtype)) return `'${dtypeStr(dtype)}'`;
  const name = dtype.name;
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : pythonStringRepr(name);
}

/** Whether an array's repr leaves the dtype out (NumPy's defaults: int64, float64, complex128, bool). */
export function dtypeIsImplied(dtype: DType): boolean {
  if (dtype.fields !== null || dtype.subarray !== null) return false;
  if (!isNativeOrUnordered(dtype)) return false;
  return (dtype.kind === "i" && dtype.itemsize === 8) ||
    (dtype.kind === "f" && dtype.itemsize === 8) ||
    (dtype.kind === "c" && dtype.itemsize === 16) || dtype.kind === "b";
}
