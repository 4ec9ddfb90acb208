/**
 * Writing pickles that Python and NumPy load: the value tree of
 * `@ndio/core` as protocol 2 to 5, written as CPython's pickler writes it.
 *
 * @module
 */

import {
  ArgumentError,
  Complex,
  type DType,
  NDArray,
  NumpyScalar,
  PyByteArray,
  PyFloat,
  PyObject,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  type PyValue,
} from "@ndio/core";
import * as op from "./_opcodes.ts";
import { encodeLong, encodeUtf8 } from "./_text.ts";

/** Options of {@linkcode dumps}. */
export interface DumpsOptions {
  /** The pickle protocol, 2 to 5 (default 4, as `pickle.dumps` uses). */
  readonly protocol?: 2 | 3 | 4 | 5;
  /**
   * The module names of NumPy's functions: `"numpy._core"` (NumPy 2, the
   * default) or `"numpy.core"`, which NumPy 1.x can load (NumPy 2 loads both).
   */
  readonly numpyNames?: "numpy._core" | "numpy.core";
}

/**
 * The default pickle protocol of {@linkcode dumps}, as in Python 3.8 and later.
 *
 * @example The protocol byte of a default pickle
 * ```ts
 * import { DEFAULT_PROTOCOL, dumps } from "@ndio/pickle";
 * import assert from "node:assert/strict";
 *
 * assert.equal(dumps(null)[1], DEFAULT_PROTOCOL);
 * ```
 */
export const DEFAULT_PROTOCOL = 4;

const FRAME_TARGET = 64 * 1024;
const EMPTY_BYTES = Symbol("b''");
const BATCH = 1000;

/**
 * Encodes a value tree as a pickle that Python's `pickle.loads` turns back
 * into equal objects of the same types: arrays as NumPy pickles them
 * (`_reconstruct` and BUILD up to protocol 4; `_frombuffer` with an in-band
 * buffer at protocol 5), NumPy scalars, dict, list, tuple, set, frozenset,
 * str, bytes, bytearray, int, float, complex, bool, None, slice and range.
 * Framing and memoization follow CPython's pickler. `PyObject`
 * placeholders are refused: they stand for code ndio never runs.
 *
 * @example
 * ```ts
 * import { dumps, loads } from "@ndio/pickle";
 * import { arange } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const value = new Map<string, unknown>([["array", arange(6).reshape([2, 3])], ["list", [5.4, 9.1]]]);
 * const back = loads(dumps(value as never)) as Map<string, unknown>;
 * assert.deepEqual(back.get("list"), [5.4, 9.1]);
 * ```
 *
 * @param value The value.
 * @param options The protocol and NumPy's module names.
 * @returns The pickle.
 */
export function dumps(value: PyValue, options?: DumpsOptions): Uint8Array {
  const protocol = options?.protocol ?? DEFAULT_PROTOCOL;
  if (![2, 3, 4, 5].includes(protocol)) {
    throw new ArgumentError(
      "option-invalid",
      `protocol must be 2, 3, 4 or 5, not ${String(protocol)}`,
    );
  }
  const names = options?.numpyNames ?? "numpy._core";
  if (names !== "numpy._core" && names !== "numpy.core") {
    throw new ArgumentError(
      "option-invalid",
      `numpyNames must be "numpy._core" or "numpy.core", not ${String(names)}`,
    );
  }
  const pickler = new Pickler(protocol, names);
  pickler.dump(value);
  return pickler.result();
}

/** A growable byte buffer. */
class Buffer {
  bytes = new Uint8Array(256);
  length = 0;
  view = new DataView(this.bytes.buffer);

  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b;
  }

  bytes2(a: number, b: number): void {
    this.reserve(2);
    this.bytes[this.length++] = a;
    this.bytes[this.length++] = b;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, false);
    this.length += 8;
  }

  write(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

const encoder = new TextEncoder();

/** An opcode followed by a little-endian length of 4 or 8 bytes. */
function header(code: number, n: number, width: 4 | 8): Uint8Array {
  const out = new Uint8Array(1 + width);
  out[0] = code;
  const view = new DataView(out.buffer);
  if (width === 4) view.setUint32(1, n, true);
  else view.setBigUint64(1, BigInt(n), true);
  return out;
}

function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}

class Pickler {
  readonly #protocol: number;
  readonly #numpy: string;
  readonly #parts: Uint8Array[] = [];
  readonly #buf = new Buffer();
  readonly #framing: boolean;
  readonly #memo = new Map<unknown, number>();
  readonly #globals = new Map<string, number>();
  readonly #dtypes = new Map<string, DType>();

  constructor(protocol: number, numpy: string) {
    this.#protocol = protocol;
    this.#numpy = numpy;
    this.#framing = protocol >= 4;
  }

  dump(value: PyValue): void {
    this.#buf.bytes2(op.PROTO, this.#protocol);
    if (this.#framing) this.#flushRaw();
    this.#save(value);
    this.#buf.byte(op.STOP);
    this.#commitFrame();
  }

  result(): Uint8Array {
    this.#commitFrame();
    const parts = this.#parts;
    if (parts.length === 1) return parts[0]!;
    let total = 0;
    for (const p of parts) total += p.length;
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  // The buffer's content becomes a part as is (no frame: PROTO, protocols < 4).
  #flushRaw(): void {
    if (this.#buf.length > 0) this.#parts.push(this.#buf.take());
  }

  // Ends the current frame: a FRAME header when it holds 4 bytes or more.
  #commitFrame(): void {
    const n = this.#buf.length;
    if (n === 0) return;
    if (this.#framing && n >= 4) {
      const header = new Uint8Array(9);
      header[0] = op.FRAME;
      new DataView(header.buffer).setBigUint64(1, BigInt(n), true);
      this.#parts.push(header);
    }
    this.#parts.push(this.#buf.take());
  }

  // Large payloads go outside frames, as CPython writes them.
  #writeLarge(header: Uint8Array, payload: Uint8Array): void {
    this.#commitFrame();
    this.#parts.push(header, payload);
  }

  #memoize(key: unknown): void {
    const index = this.#memo.size;
    this.#memo.set(key, index);
    this.#put(index);
  }

  #put(index: number): void {
    if (this.#protocol >= 4) this.#buf.byte(op.MEMOIZE);
    else if (index < 256) this.#buf.bytes2(op.BINPUT, index);
    else {
      this.#buf.byte(op.LONG_BINPUT);
      this.#buf.u32(index);
    }
  }

  #get(index: number): void {
    if (index < 256) this.#buf.bytes2(op.BINGET, index);
    else {
      this.#buf.byte(op.LONG_BINGET);
      this.#buf.u32(index);
    }
  }

  #fromMemo(key: unknown): boolean {
    const index = this.#memo.get(key);
    if (index === undefined) return false;
    this.#get(index);
    return true;
  }

  // Where CPython's save() starts: a full frame is committed.
  #boundary(): void {
    if (this.#framing && this.#buf.length >= FRAME_TARGET) this.#commitFrame();
  }

  #save(value: PyValue): void {
    this.#boundary();
    if (value === null) return this.#buf.byte(op.NONE);
    switch (typeof value) {
      case "boolean":
        return this.#buf.byte(value ? op.NEWTRUE : op.NEWFALSE);
      case "number":
        if (Number.isInteger(value)) return this.#saveInt(value);
        return this.#saveFloat(value);
      case "bigint":
        return this.#saveInt(value);
      case "string":
        return this.#saveStr(value);
    }
    if (value instanceof PyFloat) return this.#saveFloat(value.value);
    if (this.#fromMemo(value)) return;
    if (value instanceof Uint8Array) {
      // Python's b"" is a singleton, so a pickle shares it.
      if (value.length === 0 && this.#fromMemo(EMPTY_BYTES)) return;
      return this.#saveBytes(value, value.length === 0 ? EMPTY_BYTES : value);
    }
    if (Array.isArray(value)) return this.#saveList(value);
    if (value instanceof Map) return this.#saveDict(value);
    if (value instanceof PyTuple) return this.#saveTuple(value);
    if (value instanceof NDArray) return this.#saveArray(value);
    if (value instanceof NumpyScalar) return this.#saveScalar(value);
    if (value instanceof Complex) {
      return this.#saveReduce(
        "builtins",
        "complex",
        [new PyFloat(value.re), new PyFloat(value.im)],
        value,
      );
    }
    if (value instanceof PyByteArray) return this.#saveByteArray(value);
    if (value instanceof PySet) return this.#saveSet(value);
    if (value instanceof PySlice) {
      return this.#saveReduce("builtins", "slice", [value.start, value.stop, value.step], value);
    }
    if (value instanceof PyRange) {
      return this.#saveReduce("builtins", "range", [value.start, value.stop, value.step], value);
    }
    if (value instanceof PyObject) {
      throw new ArgumentError(
        "pickle-placeholder",
        `the value holds a placeholder for "${value.qualifiedName}", which cannot be pickled`,
      );
    }
    throw new ArgumentError(
      "pickle-unsupported-value",
      `${String((value as object)?.constructor?.name ?? value)} is not a value ndio can pickle`,
    );
  }

  #saveInt(value: number | bigint): void {
    const buf = this.#buf;
    if (typeof value === "number" && Object.is(value, -0)) value = 0;
    if (value >= 0 && value <= 0xff) return buf.bytes2(op.BININT1, Number(value));
    if (value >= 0 && value <= 0xffff) {
      buf.byte(op.BININT2);
      buf.reserve(2);
      buf.view.setUint16(buf.length, Number(value), true);
      buf.length += 2;
      return;
    }
    if (value >= -0x80000000 && value <= 0x7fffffff) {
      buf.byte(op.BININT);
      return buf.i32(Number(value));
    }
    const bytes = encodeLong(BigInt(value));
    if (bytes.length < 256) buf.bytes2(op.LONG1, bytes.length);
    else {
      buf.byte(op.LONG4);
      buf.i32(bytes.length);
    }
    buf.write(bytes);
  }

  #saveFloat(value: number): void {
    this.#buf.byte(op.BINFLOAT);
    this.#buf.f64(value);
  }

  #saveStr(value: string): void {
    this.#boundary();
    if (this.#fromMemo(value)) return;
    if (value.length < 256 && this.#protocol >= 4 && this.#shortAscii(value)) {
      return this.#memoize(value);
    }
    const data = encodeUtf8(value);
    const n = data.length;
    if (n < 256 && this.#protocol >= 4) {
      this.#buf.bytes2(op.SHORT_BINUNICODE, n);
      this.#buf.write(data);
    } else if (n > 0xffffffff) this.#writePayload(header(op.BINUNICODE8, n, 8), data);
    else this.#writePayload(header(op.BINUNICODE, n, 4), data);
    this.#memoize(value);
  }

  // Writes a short ASCII str in place as SHORT_BINUNICODE; false if it is not ASCII.
  #shortAscii(value: string): boolean {
    const buf = this.#buf;
    buf.reserve(2 + value.length);
    const bytes = buf.bytes;
    const start = buf.length + 2;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return false;
      bytes[start + i] = c;
    }
    bytes[start - 2] = op.SHORT_BINUNICODE;
    bytes[start - 1] = value.length;
    buf.length = start + value.length;
    return true;
  }

  #writePayload(header: Uint8Array, data: Uint8Array): void {
    if (this.#framing && data.length >= FRAME_TARGET) this.#writeLarge(header, data);
    else if (data.length >= FRAME_TARGET) {
      this.#buf.write(header);
      this.#flushRaw();
      this.#parts.push(data);
    } else {
      this.#buf.write(header);
      this.#buf.write(data);
    }
  }

  #saveBytes(value: Uint8Array, key: unknown = value): void {
    this.#boundary();
    if (this.#protocol < 3) {
      if (value.length === 0) return this.#saveReduce("builtins", "bytes", [], key);
      let text = "";
      for (let k = 0; k < value.length; k += 8192) {
        text += String.fromCharCode(...value.subarray(k, k + 8192));
      }
      return this.#saveReduce("_codecs", "encode", [text, "latin1"], key);
    }
    const n = value.length;
    if (n < 256) {
      this.#buf.bytes2(op.SHORT_BINBYTES, n);
      this.#buf.write(value);
    } else {
      this.#writePayload(
        n > 0xffffffff ? header(op.BINBYTES8, n, 8) : header(op.BINBYTES, n, 4),
        value,
      );
    }
    this.#memoize(key);
  }

  #saveByteArray(value: PyByteArray, key: unknown = value): void {
    this.#boundary();
    const data = value.bytes;
    if (this.#protocol >= 5) {
      this.#writePayload(header(op.BYTEARRAY8, data.length, 8), data);
      return this.#memoize(key);
    }
    if (data.length === 0) return this.#saveReduce("builtins", "bytearray", [], key);
    this.#saveReduce("builtins", "bytearray", [data.slice()], key);
  }

  #saveList(value: PyValue[]): void {
    this.#buf.byte(op.EMPTY_LIST);
    this.#memoize(value);
    this.#batch(value, op.APPEND, op.APPENDS);
  }

  #batch(items: readonly PyValue[], one: number, many: number): void {
    for (let start = 0; start < items.length; start += BATCH) {
      const end = Math.min(items.length, start + BATCH);
      if (end - start === 1) {
        this.#save(items[start]!);
        this.#buf.byte(one);
        continue;
      }
      this.#buf.byte(op.MARK);
      for (let i = start; i < end; i++) this.#save(items[i]!);
      this.#buf.byte(many);
    }
  }

  #saveDict(value: Map<PyValue, PyValue>): void {
    this.#buf.byte(op.EMPTY_DICT);
    this.#memoize(value);
    const entries = [...value];
    for (let start = 0; start < entries.length; start += BATCH) {
      const end = Math.min(entries.length, start + BATCH);
      if (end - start === 1) {
        this.#save(entries[start]![0]);
        this.#save(entries[start]![1]);
        this.#buf.byte(op.SETITEM);
        continue;
      }
      this.#buf.byte(op.MARK);
      for (let i = start; i < end; i++) {
        this.#save(entries[i]![0]);
        this.#save(entries[i]![1]);
      }
      this.#buf.byte(op.SETITEMS);
    }
  }

  #saveTuple(value: PyTuple | readonly PyValue[], key: unknown = value): void {
    this.#boundary();
    const items = value instanceof PyTuple ? value.items : value;
    const n = items.length;
    if (n === 0) return this.#buf.byte(op.EMPTY_TUPLE);
    if (n > 3) this.#buf.byte(op.MARK);
    for (const item of items) this.#save(item);
    // A tuple reached again through its own items is in the memo by now.
    const index = this.#memo.get(key);
    if (index !== undefined) {
      if (n > 3) this.#buf.byte(op.POP_MARK);
      else for (let i = 0; i < n; i++) this.#buf.byte(op.POP);
      return this.#get(index);
    }
    this.#buf.byte(n > 3 ? op.TUPLE : [0, op.TUPLE1, op.TUPLE2, op.TUPLE3][n]!);
    this.#memoize(key);
  }

  #saveSet(value: PySet): void {
    if (this.#protocol < 4) {
      const kind = value.frozen ? "frozenset" : "set";
      return this.#saveReduce("builtins", kind, [[...value.items]], value);
    }
    if (value.frozen) {
      this.#buf.byte(op.MARK);
      for (const item of value.items) this.#save(item);
      const index = this.#memo.get(value);
      if (index !== undefined) {
        this.#buf.byte(op.POP_MARK);
        return this.#get(index);
      }
      this.#buf.byte(op.FROZENSET);
      return this.#memoize(value);
    }
    this.#buf.byte(op.EMPTY_SET);
    this.#memoize(value);
    for (let start = 0; start < value.items.length; start += BATCH) {
      this.#buf.byte(op.MARK);
      for (let i = start; i < Math.min(value.items.length, start + BATCH); i++) {
        this.#save(value.items[i]!);
      }
      this.#buf.byte(op.ADDITEMS);
    }
  }

  #saveGlobal(module: string, name: string): void {
    this.#boundary();
    if (this.#protocol < 3 && module === "builtins") {
      module = "__builtin__";
      if (name === "range") name = "xrange";
    }
    const qualified = `${module}\n${name}`;
    const index = this.#globals.get(qualified);
    if (index !== undefined) return this.#get(index);
    if (this.#protocol >= 4) {
      this.#saveStr(module);
      this.#saveStr(name);
      this.#buf.byte(op.STACK_GLOBAL);
    } else {
      this.#buf.byte(op.GLOBAL);
      this.#buf.write(encodeUtf8(`${qualified}\n`));
    }
    const slot = this.#memo.size;
    this.#memo.set(Symbol(qualified), slot);
    this.#globals.set(qualified, slot);
    this.#put(slot);
  }

  #saveReduce(module: string, name: string, args: readonly PyValue[], key: unknown): void {
    this.#saveGlobal(module, name);
    this.#saveTuple(args, {});
    this.#buf.byte(op.REDUCE);
    this.#memoize(key);
  }

  #saveDType(dtype: DType): void {
    this.#boundary();
    // NumPy's builtin dtypes are singletons, so a pickle shares them.
    const simple = dtype.fields === null && dtype.subarray === null && dtype.unit === null &&
      !"SUV".includes(dtype.kind);
    let key: unknown = dtype;
    if (simple) {
      key = this.#dtypes.get(dtype.str) ?? dtype;
      this.#dtypes.set(dtype.str, key as DType);
    }
    if (this.#fromMemo(key)) return;
    const code = dtype.kind === "U"
      ? `U${dtype.itemsize / 4}`
      : dtype.kind === "M" || dtype.kind === "m"
      ? `${dtype.kind}8`
      : `${dtype.kind}${dtype.itemsize}`;
    this.#saveGlobal("numpy", "dtype");
    this.#saveTuple([code, false, true], {});
    this.#buf.byte(op.REDUCE);
    this.#memoize(key);
    const flexible = "SUV".includes(dtype.kind);
    const state: unknown[] = [
      dtype.unit === null ? 3 : 4,
      dtype.byteOrder,
      null,
      null,
      null,
      flexible ? dtype.itemsize : -1,
      flexible ? dtype.alignment : -1,
      dtypeFlags(dtype),
    ];
    if (dtype.unit !== null) {
      state.push(new PyTuple([null, new PyTuple([ascii(dtype.unit), dtype.unitCount, 1, 1])]));
    }
    this.#buf.byte(op.MARK);
    for (let i = 0; i < state.length; i++) {
      if (i === 2 && dtype.subarray !== null) {
        this.#saveDType(dtype.subarray.base);
        this.#saveTuple([...dtype.subarray.shape], {});
        this.#buf.byte(op.TUPLE2);
        this.#memoize({});
      } else if (i === 3 && dtype.fields !== null) {
        this.#saveTuple(dtype.fields.map((f) => f.name), {});
      } else if (i === 4 && dtype.fields !== null) {
        this.#saveFields(dtype);
      } else this.#save(state[i] as PyValue);
    }
    this.#buf.byte(op.TUPLE);
    this.#memoize({});
    this.#buf.byte(op.BUILD);
  }

  #saveFields(dtype: DType): void {
    this.#buf.byte(op.EMPTY_DICT);
    this.#memoize({});
    const fields = dtype.fields!;
    const count = fields.reduce((n, f) => n + (f.title === null ? 1 : 2), 0);
    if (count > 1) this.#buf.byte(op.MARK);
    for (const field of fields) {
      const entry = {};
      this.#saveStr(field.name);
      this.#saveDType(field.dtype);
      this.#save(field.offset);
      if (field.title !== null) this.#saveStr(field.title);
      this.#buf.byte(field.title === null ? op.TUPLE2 : op.TUPLE3);
      this.#memoize(entry);
      if (field.title !== null) {
        this.#saveStr(field.title);
        this.#get(this.#memo.get(entry)!);
      }
    }
    this.#buf.byte(count > 1 ? op.SETITEMS : op.SETITEM);
  }

  #saveArray(array: NDArray): void {
    const dtype = array.dtype;
    if (this.#protocol >= 5 && !dtype.hasObject && dtype.kind !== "M" && dtype.kind !== "m") {
      const layout = bufferLayout(array);
      if (layout !== null && dtype.itemsize > 0) return this.#saveFromBuffer(array, layout);
    }
    const multiarray = `${this.#numpy}.multiarray`;
    this.#saveGlobal(multiarray, "_reconstruct");
    this.#saveGlobal("numpy", "ndarray");
    this.#saveTuple([0], {});
    this.#saveBytes(new Uint8Array([0x62]), {});
    this.#buf.byte(op.TUPLE3);
    this.#memoize({});
    this.#buf.byte(op.REDUCE);
    this.#memoize(array);
    const fortran = array.isFContiguous && !array.isCContiguous;
    this.#buf.byte(op.MARK);
    this.#save(1);
    this.#saveTuple([...array.shape], {});
    this.#saveDType(dtype);
    this.#buf.byte(fortran ? op.NEWTRUE : op.NEWFALSE);
    if (dtype.hasObject) this.#saveList(objectsInCOrder(array));
    else this.#saveBytes(arrayBytes(array, fortran ? "F" : "C"), {});
    this.#buf.byte(op.TUPLE);
    this.#memoize({});
    this.#buf.byte(op.BUILD);
  }

  #saveFromBuffer(array: NDArray, layout: BufferLayout): void {
    this.#saveGlobal(`${this.#numpy}.numeric`, "_frombuffer");
    this.#buf.byte(op.MARK);
    this.#saveByteArray(new PyByteArray(layout.data), {});
    this.#saveDType(array.dtype);
    this.#saveTuple(layout.shape, {});
    this.#saveStr(layout.order);
    if (layout.axes !== null) this.#saveTuple(layout.axes, {});
    this.#buf.byte(op.TUPLE);
    this.#memoize({});
    this.#buf.byte(op.REDUCE);
    this.#memoize(array);
  }

  #saveScalar(scalar: NumpyScalar): void {
    const multiarray = `${this.#numpy}.multiarray`;
    this.#saveGlobal(multiarray, "scalar");
    const dtype = scalar.dtype;
    if (dtype.hasObject) {
      throw new ArgumentError("pickle-unsupported-value", "object scalars cannot be pickled");
    }
    this.#saveDType(dtype);
    this.#saveBytes(arrayBytes(scalar.array, "C"), {});
    this.#buf.byte(op.TUPLE2);
    this.#memoize({});
    this.#buf.byte(op.REDUCE);
    this.#memoize(scalar);
  }
}

/** NumPy's dtype flags, as its pickles carry them. */
function dtypeFlags(dtype: DType): number {
  if (dtype.subarray !== null) return dtypeFlags(dtype.subarray.base);
  if (dtype.fields !== null) {
    let flags = 0x10 | (dtype.isAlignedStruct ? 0x80 : 0);
    for (const f of dtype.fields) flags |= dtypeFlags(f.dtype) & 0x1b;
    return flags;
  }
  if (dtype.kind === "O") return 63;
  if (dtype.kind === "U") return 8;
  return 0;
}

interface BufferLayout {
  readonly data: Uint8Array;
  readonly shape: number[];
  readonly order: "C" | "F" | "K";
  readonly axes: number[] | null;
}

// How NumPy (2.x) hands an array to _frombuffer: C or F order, or K with
// the axis order that makes it C-contiguous; null when it is not contiguous.
function bufferLayout(array: NDArray): BufferLayout | null {
  const span = (a: NDArray) => a.data.subarray(a.offset, a.offset + a.nbytes);
  if (array.isCContiguous) {
    return { data: span(array), shape: [...array.shape], order: "C", axes: null };
  }
  if (array.isFContiguous) {
    return { data: span(array), shape: [...array.shape], order: "F", axes: null };
  }
  if (array.strides.some((s) => s < 0)) return null;
  const perm = array.shape.map((_, i) => i).sort((a, b) =>
    array.strides[b]! - array.strides[a]! || a - b
  );
  const base = array.transpose(perm);
  if (!base.isCContiguous) return null;
  const axes = new Array<number>(perm.length);
  perm.forEach((p, i) => axes[p] = i);
  return { data: span(base), shape: [...base.shape], order: "K", axes };
}

function arrayBytes(array: NDArray, order: "C" | "F"): Uint8Array {
  const contiguous = order === "C" ? array.isCContiguous : array.isFContiguous;
  if (contiguous && array.strides.every((s) => s >= 0)) {
    return array.data.subarray(array.offset, array.offset + array.nbytes);
  }
  const out = new Uint8Array(array.nbytes);
  let at = 0;
  for (const chunk of array.chunks({ order })) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function objectsInCOrder(array: NDArray): PyValue[] {
  const out: PyValue[] = [];
  const index = new Array<number>(array.ndim).fill(0);
  for (let n = 0; n < array.size; n++) {
    out.push(array.get(...index) as PyValue);
    for (let d = array.ndim - 1; d >= 0; d--) {
      if (++index[d]! < array.shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
