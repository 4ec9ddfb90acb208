// What NumPy's pickles call, rebuilt as data: dtypes (numpy.dtype and its
// __setstate__), arrays (_reconstruct + BUILD, _frombuffer) and scalars.
// Every argument is checked; nothing here runs code from the pickle.

import {
  DType,
  isDateTimeUnit,
  NDArray,
  NumpyScalar,
  PyByteArray,
  PyFloat,
  PyTuple,
  shapeSize,
} from "@ndio/core";
import { latin1Bytes } from "./_text.ts";

/** How a handler reports bad arguments: throws a MalformedError at the current opcode. */
export interface CallContext {
  fail(message: string): never;
  /** Counts bytes the machine allocates against maxAllocation. */
  charge(bytes: number): void;
}

/** A `numpy.dtype` under construction: its REDUCE arguments, then its BUILD state. */
export class DTypeHolder {
  code: string;
  dtype: DType;

  constructor(code: string, dtype: DType) {
    this.code = code;
    this.dtype = dtype;
  }
}

/** An `ndarray` made by `_reconstruct`, empty until BUILD gives it its state. */
export class ArrayHolder {
  array: NDArray;
  built = false;

  constructor(array: NDArray) {
    this.array = array;
  }
}

const DESCR_CODE = /^([biufcSUVMmO?])(\d*)$/;

export function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

function items(value: unknown): readonly unknown[] | null {
  if (value instanceof PyTuple) return value.items;
  if (Array.isArray(value)) return value;
  return null;
}

/** Bytes of a bytes-like argument: bytes, bytearray, or a Python 2 str read as latin-1. */
export function bytesOf(value: unknown, ctx: CallContext, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof PyByteArray) return value.bytes;
  if (typeof value === "string") {
    ctx.charge(value.length);
    const bytes = latin1Bytes(value);
    if (bytes !== null) return bytes;
  }
  return ctx.fail(`${what} must be bytes, not ${describe(value)}`);
}

/** A shape: a tuple of non-negative ints, or one int. */
export function shapeOf(value: unknown, ctx: CallContext, what: string): number[] {
  if (isInt(value) && value >= 0) return [value];
  const list = items(value);
  if (list !== null && list.every((d) => isInt(d) && d >= 0)) {
    if (list.length > 64) ctx.fail(`${what} has ${list.length} dimensions, more than 64`);
    return list as number[];
  }
  return ctx.fail(`${what} must be a tuple of non-negative ints, not ${describe(value)}`);
}

/** A short description of a machine value, for messages. */
export function describe(value: unknown): string {
  if (value === null) return "None";
  if (value === undefined) return "nothing";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") return `the int ${value}`;
  if (typeof value === "string") {
    return `the str "${value.length > 40 ? value.slice(0, 40) + "…" : value}"`;
  }
  if (value instanceof PyFloat) return `the float ${value}`;
  if (value instanceof Uint8Array) return `bytes of length ${value.length}`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (value instanceof PyTuple) return `a tuple of ${value.items.length} items`;
  if (value instanceof Map) return `a dict of ${value.size} items`;
  if (value instanceof DTypeHolder) return `the dtype "${value.dtype.str}"`;
  if (value instanceof NDArray || value instanceof ArrayHolder) return "an array";
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return `a ${name ?? typeof value}`;
}

function dtypeOf(value: unknown, ctx: CallContext, what: string): DType {
  if (value instanceof DTypeHolder) return value.dtype;
  return ctx.fail(`${what} must be a numpy.dtype, not ${describe(value)}`);
}

/** `numpy.dtype(code, align, copy)`: the dtype a type code names, before its state. */
export function makeDType(args: readonly unknown[], ctx: CallContext): DTypeHolder {
  if (args.length < 1 || args.length > 3) {
    ctx.fail(`numpy.dtype takes 1 to 3 arguments, not ${args.length}`);
  }
  let code = args[0];
  if (code instanceof Uint8Array) code = String.fromCharCode(...code.subarray(0, 32));
  if (typeof code !== "string" || !DESCR_CODE.test(code)) {
    return ctx.fail(`numpy.dtype needs a type code such as "f8", not ${describe(args[0])}`);
  }
  return new DTypeHolder(code, codeDType(code, "=", -1, null, ctx));
}

function codeDType(
  code: string,
  endian: string,
  elsize: number,
  unit: { unit: string; count: number } | null,
  ctx: CallContext,
): DType {
  const [, kindChar, digits] = DESCR_CODE.exec(code)!;
  const kind = kindChar === "?" ? "b" : kindChar!;
  let size = digits === "" ? -1 : Number(digits);
  if ("SUV".includes(kind) && elsize >= 0) size = kind === "U" ? elsize / 4 : elsize;
  if (kind === "U" && !Number.isSafeInteger(size)) {
    ctx.fail(`a str dtype's itemsize must be a multiple of 4, not ${elsize}`);
  }
  if (size < 0) size = kind === "b" ? 1 : "SUV".includes(kind) ? 0 : kind === "O" ? 8 : -1;
  if (size < 0 && (kind === "M" || kind === "m")) size = 8;
  if (size < 0) ctx.fail(`the type code "${code}" has no size`);
  let order = endian === "=" ? "<" : endian;
  if ("bSVO".includes(kind) || size === 1 && "iu".includes(kind)) order = "|";
  let descr = `${order}${kind}${size}`;
  if (kind === "M" || kind === "m") {
    descr = `${order}${kind}8`;
    if (unit !== null && unit.unit !== "generic") {
      descr += `[${unit.count === 1 ? "" : unit.count}${unit.unit}]`;
    }
  }
  try {
    return DType.parse(descr);
  } catch (error) {
    return ctx.fail(`the type code "${code}" is not a dtype ndio knows (${String(error)})`);
  }
}

/** `dtype.__setstate__` for every state layout NumPy has written (5 to 9 fields). */
export function setDTypeState(holder: DTypeHolder, state: unknown, ctx: CallContext): void {
  const s = items(state);
  if (s === null || s.length < 5 || s.length > 9) {
    ctx.fail(`the state of numpy.dtype("${holder.code}") must be a tuple of 5 to 9 items`);
  }
  let version: unknown, endian: unknown, subarray: unknown, names: unknown, fields: unknown;
  let elsize: unknown, flags: unknown = 0, metadata: unknown = null;
  if (s.length === 5) {
    version = 0;
    [endian, subarray, fields, elsize] = s;
    names = null;
  } else if (s.length === 6) {
    [version, endian, subarray, fields, elsize] = s;
    names = null;
  } else {
    [version, endian, subarray, names, fields, elsize] = s;
    if (s.length >= 8) flags = s[7];
    if (s.length === 9) metadata = s[8];
  }
  const where = `the state of numpy.dtype("${holder.code}")`;
  if (!isInt(version)) ctx.fail(`${where} has version ${describe(version)}`);
  if (typeof endian !== "string" || !["<", ">", "|", "="].includes(endian)) {
    ctx.fail(`${where} has byte order ${describe(endian)}`);
  }
  if (!isInt(elsize)) ctx.fail(`${where} has itemsize ${describe(elsize)}`);
  if (!isInt(flags)) ctx.fail(`${where} has flags ${describe(flags)}`);
  if (subarray !== null) {
    const pair = items(subarray);
    if (pair === null || pair.length !== 2) ctx.fail(`${where} has a malformed subarray`);
    const base = dtypeOf(pair[0], ctx, `the base of ${where}`);
    holder.dtype = DType.subarrayOf(base, shapeOf(pair[1], ctx, `the subarray shape of ${where}`));
    return;
  }
  if (fields !== null) {
    if (!(fields instanceof Map)) return ctx.fail(`${where} has fields ${describe(fields)}`);
    if (names === null && version < 2) {
      names = fields.get(-1) ?? [...fields.keys()];
    }
    const list = items(names);
    if (list === null) return ctx.fail(`${where} has names ${describe(names)}`);
    const specs = list.map((name) => {
      if (typeof name !== "string") ctx.fail(`${where} has a field name ${describe(name)}`);
      const entry = items(fields.get(name));
      if (entry === null || entry.length < 2 || entry.length > 3 || !isInt(entry[1])) {
        return ctx.fail(`${where} has no valid entry for field "${name}"`);
      }
      const title = entry[2];
      if (title !== undefined && title !== null && typeof title !== "string") {
        ctx.fail(`${where} has a non-string title for field "${name}"`);
      }
      return {
        name,
        dtype: dtypeOf(entry[0], ctx, `field "${name}" of ${where}`),
        offset: entry[1],
        ...(typeof title === "string" ? { title } : {}),
      };
    });
    try {
      holder.dtype = DType.structured(specs, {
        itemsize: elsize,
        align: (flags & 0x80) !== 0,
      });
    } catch (error) {
      ctx.fail(`${where} describes an invalid structured dtype (${String(error)})`);
    }
    return;
  }
  let unit: { unit: string; count: number } | null = null;
  if (holder.code[0] === "M" || holder.code[0] === "m") unit = datetimeUnit(metadata, ctx, where);
  holder.dtype = codeDType(holder.code, endian, elsize, unit, ctx);
}

// NumPy keeps a datetime's unit as (metadata, (unit, num, den, events)).
function datetimeUnit(
  metadata: unknown,
  ctx: CallContext,
  where: string,
): { unit: string; count: number } | null {
  const pair = items(metadata);
  if (pair === null) return null;
  const info = items(pair.length === 2 ? pair[1] : null) ?? pair;
  let unit = info[0];
  if (unit instanceof Uint8Array) unit = String.fromCharCode(...unit);
  const count = info[1];
  if (typeof unit !== "string" || !isDateTimeUnit(unit) || !isInt(count) || count < 1) {
    return ctx.fail(`${where} has an invalid datetime unit`);
  }
  if (info.length >= 3 && info[2] !== 1) ctx.fail(`${where} has a datetime unit with a divisor`);
  return { unit, count };
}

/** `_reconstruct(ndarray, shape, typecode)` or `ndarray(shape, ...)`: an array waiting for BUILD. */
export function makeArrayHolder(shapeArg: unknown, ctx: CallContext): ArrayHolder {
  const shape = shapeOf(shapeArg, ctx, "the shape given to _reconstruct");
  return new ArrayHolder(new NDArray("|i1", shape));
}

/** `ndarray.__setstate__`: (version, shape, dtype, is_fortran, data), the version optional. */
export function setArrayState(holder: ArrayHolder, state: unknown, ctx: CallContext): void {
  const s = items(state);
  if (s === null || (s.length !== 4 && s.length !== 5)) {
    return ctx.fail("the state of an ndarray must be a tuple of 4 or 5 items");
  }
  const [shapeArg, dtypeArg, fortranArg, raw] = s.length === 5 ? s.slice(1) : s;
  const shape = shapeOf(shapeArg, ctx, "the shape in an ndarray's state");
  const dtype = dtypeOf(dtypeArg, ctx, "the dtype in an ndarray's state");
  if (typeof fortranArg !== "boolean" && !isInt(fortranArg)) {
    ctx.fail(`the fortran flag in an ndarray's state is ${describe(fortranArg)}`);
  }
  const order = fortranArg ? "F" : "C";
  const size = shapeSize(shape);
  if (dtype.hasObject) {
    if (dtype.kind !== "O") ctx.fail("structured dtypes with object fields are not supported");
    const list = items(raw);
    if (list === null || list.length !== size) {
      return ctx.fail(
        `an object array of shape (${shape.join(", ")}) needs a list of ${size} items, not ${
          describe(raw)
        }`,
      );
    }
    ctx.charge(size * 8);
    // NumPy lists the objects in C order, whatever the memory order.
    const array = objectArray(shape, list);
    holder.array = order === "F" ? array.copy("F") : array;
  } else {
    const data = bytesOf(raw, ctx, "the data in an ndarray's state");
    const need = size * dtype.itemsize;
    if (data.length !== need) {
      ctx.fail(
        `the ndarray state says shape (${shape.join(", ")}) of "${dtype.str}" (${need} bytes) ` +
          `but holds ${data.length} bytes`,
      );
    }
    const array = new NDArray(dtype, shape, { data, order });
    // NumPy's ndarray.__setstate__ swaps big-endian data to native order.
    holder.array = dtype.byteOrder === ">" ? array.toNative() : array;
  }
  holder.built = true;
}

/** A C-ordered `O` array holding `values`. */
export function objectArray(shape: readonly number[], values: readonly unknown[]): NDArray {
  const array = new NDArray("|O", shape, { objects: [...values] });
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  for (let i = 0; i < values.length; i++) view.setUint32(i * 8, i, true);
  return array;
}

/** `_frombuffer(buffer, dtype, shape, order[, axis_order])`, as NumPy ≥ 1.16 writes at protocol 5. */
export function fromBuffer(args: readonly unknown[], ctx: CallContext): NDArray {
  if (args.length < 4 || args.length > 5) {
    ctx.fail(`_frombuffer takes 4 or 5 arguments, not ${args.length}`);
  }
  const data = bytesOf(args[0], ctx, "the buffer given to _frombuffer");
  const dtype = dtypeOf(args[1], ctx, "the dtype given to _frombuffer");
  const shape = shapeOf(args[2], ctx, "the shape given to _frombuffer");
  const order = args[3];
  if (order !== "C" && order !== "F" && order !== "K") {
    return ctx.fail(
      `the order given to _frombuffer must be "C", "F" or "K", not ${describe(order)}`,
    );
  }
  if (dtype.hasObject) ctx.fail("_frombuffer cannot make an object array");
  const need = shapeSize(shape) * dtype.itemsize;
  if (data.length !== need) {
    ctx.fail(
      `_frombuffer is given ${data.length} bytes for shape (${
        shape.join(", ")
      }) of "${dtype.str}" ` +
        `(${need} bytes)`,
    );
  }
  const axisArg = args[4] ?? null;
  if (order === "K" && axisArg !== null) {
    const axes = items(axisArg);
    const n = shape.length;
    if (
      axes === null || axes.length !== n || !axes.every((a) => isInt(a) && a >= 0 && a < n) ||
      new Set(axes).size !== n
    ) {
      return ctx.fail(`the axis order given to _frombuffer is not a permutation of ${n} axes`);
    }
    return new NDArray(dtype, shape, { data }).transpose(axes as number[]);
  }
  if (order === "K") ctx.fail('_frombuffer is given order "K" without an axis order');
  return new NDArray(dtype, shape, { data, order });
}

/** `multiarray.scalar(dtype, data)`: a NumPy scalar (for object dtypes, the object itself). */
export function makeScalar(args: readonly unknown[], ctx: CallContext): unknown {
  if (args.length < 1 || args.length > 2) {
    ctx.fail(`multiarray.scalar takes 1 or 2 arguments, not ${args.length}`);
  }
  const dtype = dtypeOf(args[0], ctx, "the dtype given to multiarray.scalar");
  if (dtype.kind === "O") {
    if (args.length !== 2) ctx.fail("an object scalar needs its object");
    return args[1];
  }
  if (dtype.hasObject) {
    ctx.fail("scalars of structured dtypes with object fields are not supported");
  }
  const data = args.length === 2
    ? bytesOf(args[1], ctx, "the data given to multiarray.scalar")
    : new Uint8Array(dtype.itemsize);
  if (data.length !== dtype.itemsize) {
    ctx.fail(
      `a scalar of "${dtype.str}" needs ${dtype.itemsize} bytes, not ${data.length}`,
    );
  }
  return new NumpyScalar(new NDArray(dtype, [], { data: data.slice() }));
}
