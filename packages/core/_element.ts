// Reading and writing one element of any dtype at a byte offset.

import { ArgumentError, OutOfRangeError } from "./errors.ts";
import type { DType } from "./dtype.ts";
import { Complex } from "./value.ts";
import { getFloat16, setFloat16 } from "./_float16.ts";

/** Values `NDArray.get` returns (structured records are plain objects). */
export type ElementValue =
  | boolean
  | number
  | bigint
  | string
  | Complex
  | Uint8Array
  | Record<string, unknown>
  | unknown;

/** The hooks element access needs from its array (object storage, subarray views). */
export interface ElementContext {
  readonly view: DataView;
  readonly bytes: Uint8Array;
  readonly objects: unknown[] | null;
  subarray(dtype: DType, byteOffset: number): unknown;
}

const latin1 = new TextDecoder("latin1");

/** Reads the element of `dtype` at `at` (an offset into `ctx.bytes`). */
export function readElement(ctx: ElementContext, at: number, dtype: DType): ElementValue {
  if (dtype.fields !== null) {
    const record: Record<string, unknown> = {};
    for (const field of dtype.fields) {
      Object.defineProperty(record, field.name, {
        value: readElement(ctx, at + field.offset, field.dtype),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return record;
  }
  if (dtype.subarray !== null) return ctx.subarray(dtype, at);
  const view = ctx.view;
  const little = dtype.byteOrder !== ">";
  const size = dtype.itemsize;
  switch (dtype.kind) {
    case "b":
      return ctx.bytes[at] !== 0;
    case "i":
      switch (size) {
        case 1:
          return view.getInt8(at);
        case 2:
          return view.getInt16(at, little);
        case 4:
          return view.getInt32(at, little);
        default:
          return view.getBigInt64(at, little);
      }
    case "u":
      switch (size) {
        case 1:
          return view.getUint8(at);
        case 2:
          return view.getUint16(at, little);
        case 4:
          return view.getUint32(at, little);
        default:
          return view.getBigUint64(at, little);
      }
    case "f":
      switch (size) {
        case 2:
          return getFloat16(view, at, little);
        case 4:
          return view.getFloat32(at, little);
        case 8:
          return view.getFloat64(at, little);
        default:
          return ctx.bytes.slice(at, at + size);
      }
    case "c":
      switch (size) {
        case 8:
          return new Complex(view.getFloat32(at, little), view.getFloat32(at + 4, little));
        case 16:
          return new Complex(view.getFloat64(at, little), view.getFloat64(at + 8, little));
        default:
          return ctx.bytes.slice(at, at + size);
      }
    case "M":
    case "m":
      return view.getBigInt64(at, little);
    case "S": {
      let end = at + size;
      while (end > at && ctx.bytes[end - 1] === 0) end--;
      return latin1.decode(ctx.bytes.subarray(at, end));
    }
    case "U": {
      let end = at + size;
      while (end > at && view.getUint32(end - 4, little) === 0) end -= 4;
      let text = "";
      for (let p = at; p < end; p += 4) {
        text += String.fromCodePoint(checkedCodePoint(view.getUint32(p, little)));
      }
      return text;
    }
    case "V":
      return ctx.bytes.slice(at, at + size);
    case "O": {
      const objects = ctx.objects;
      const slot = view.getUint32(at, true);
      return objects === null ? null : objects[slot];
    }
  }
}

function checkedCodePoint(cp: number): number {
  // NumPy can hold any 32-bit value in a U element; JS strings cannot.
  return cp > 0x10ffff ? 0xfffd : cp;
}

function fail(dtype: DType, value: unknown): ArgumentError {
  return new ArgumentError(
    "value-invalid",
    `cannot store ${
      typeof value === "bigint" ? `${value}n` : JSON.stringify(value) ?? String(value)
    } in an element of dtype "${dtype.str}"`,
  );
}

function toNumber(value: unknown, dtype: DType): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  if (value !== null && typeof value === "object" && "valueOf" in value) {
    const v = (value as { valueOf(): unknown }).valueOf();
    if (typeof v === "number") return v;
  }
  throw fail(dtype, value);
}

function toBigInt(value: unknown, dtype: DType): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  throw fail(dtype, value);
}

function checkInteger(n: number, dtype: DType): number {
  if (!Number.isInteger(n)) throw fail(dtype, n);
  const bits = dtype.itemsize * 8;
  const [lo, hi] = dtype.kind === "u"
    ? [0, 2 ** bits - 1]
    : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  if (n < lo || n > hi) {
    throw new OutOfRangeError(
      "value-out-of-range",
      `Python integer ${n} out of bounds for ${dtype.name}`,
    );
  }
  return n;
}

const latin1Encode = (text: string, dtype: DType): Uint8Array => {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw fail(dtype, text);
    out[i] = c;
  }
  return out;
};

/** Writes `value` as an element of `dtype` at `at`. */
export function writeElement(ctx: ElementContext, at: number, dtype: DType, value: unknown): void {
  if (dtype.fields !== null) {
    if (value === null || typeof value !== "object") throw fail(dtype, value);
    const record = value as Record<string, unknown>;
    const isList = Array.isArray(value);
    dtype.fields.forEach((field, i) => {
      const v = isList
        ? (value as unknown[])[i]
        : Object.hasOwn(record, field.name)
        ? record[field.name]
        : undefined;
      if (v === undefined) {
        throw new ArgumentError(
          "value-invalid",
          `the record has no value for field "${field.name}"`,
        );
      }
      writeElement(ctx, at + field.offset, field.dtype, v);
    });
    return;
  }
  if (dtype.subarray !== null) {
    const view = ctx.subarray(dtype, at) as { assign(value: unknown): void };
    view.assign(value);
    return;
  }
  const view = ctx.view;
  const little = dtype.byteOrder !== ">";
  const size = dtype.itemsize;
  switch (dtype.kind) {
    case "b":
      ctx.bytes[at] = toNumber(value, dtype) !== 0 ? 1 : 0;
      return;
    case "i":
    case "u":
      if (size === 8) {
        const big = BigInt.asIntN(64, toBigInt(value, dtype));
        const v = toBigInt(value, dtype);
        const ok = dtype.kind === "u"
          ? v >= 0n && v < 2n ** 64n
          : v >= -(2n ** 63n) && v < 2n ** 63n;
        if (!ok) {
          throw new OutOfRangeError(
            "value-out-of-range",
            `Python integer ${v} out of bounds for ${dtype.name}`,
          );
        }
        view.setBigInt64(at, big, little);
        return;
      }
      {
        const n = checkInteger(toNumber(value, dtype), dtype);
        if (size === 1) view.setUint8(at, n & 0xff);
        else if (size === 2) view.setUint16(at, n & 0xffff, little);
        else view.setUint32(at, n >>> 0, little);
      }
      return;
    case "f": {
      if (size > 8) {
        if (!(value instanceof Uint8Array) || value.length !== size) throw fail(dtype, value);
        ctx.bytes.set(value, at);
        return;
      }
      const n = toNumber(value, dtype);
      if (size === 2) setFloat16(view, at, n, little);
      else if (size === 4) view.setFloat32(at, n, little);
      else view.setFloat64(at, n, little);
      return;
    }
    case "c": {
      if (size > 16) {
        if (!(value instanceof Uint8Array) || value.length !== size) throw fail(dtype, value);
        ctx.bytes.set(value, at);
        return;
      }
      const [re, im] = value instanceof Complex
        ? [value.re, value.im]
        : [toNumber(value, dtype), 0];
      if (size === 8) {
        view.setFloat32(at, re, little);
        view.setFloat32(at + 4, im, little);
      } else {
        view.setFloat64(at, re, little);
        view.setFloat64(at + 8, im, little);
      }
      return;
    }
    case "M":
    case "m":
      view.setBigInt64(at, toBigInt(value, dtype), little);
      return;
    case "S":
    case "V": {
      const bytes = typeof value === "string" ? latin1Encode(value, dtype) : value;
      if (!(bytes instanceof Uint8Array)) throw fail(dtype, value);
      const n = Math.min(bytes.length, size);
      ctx.bytes.set(bytes.subarray(0, n), at);
      ctx.bytes.fill(0, at + n, at + size);
      return;
    }
    case "U": {
      if (typeof value !== "string") throw fail(dtype, value);
      let p = at;
      const end = at + size;
      for (const ch of value) {
        if (p >= end) break;
        view.setUint32(p, ch.codePointAt(0)!, little);
        p += 4;
      }
      ctx.bytes.fill(0, p, end);
      return;
    }
    case "O": {
      const objects = ctx.objects;
      if (objects === null) throw fail(dtype, value);
      view.setUint32(at, objects.length, true);
      view.setUint32(at + 4, 0, true);
      objects.push(value);
      return;
    }
  }
}
