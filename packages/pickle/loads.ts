/**
 * Loading pickles safely: the pickle machine of protocols 0 to 5, building
 * the Python value tree of `@ndio/core` and never running anything.
 *
 * @module
 */

import {
  ForbiddenError,
  LimitError,
  MalformedError,
  NDArray,
  type PicklePrefix,
  PyByteArray,
  PyFloat,
  PyObject,
  PySet,
  PySlice,
  PyTuple,
  type PyValue,
  TruncatedError,
  UnsupportedError,
} from "@ndio/core";
import * as op from "./_opcodes.ts";
import { ALLOWED_GLOBALS, callGlobal, GlobalRef } from "./_globals.ts";
import {
  ArrayHolder,
  type CallContext,
  describe,
  DTypeHolder,
  setArrayState,
  setDTypeState,
} from "./_numpy.ts";
import {
  decodeLong,
  decodeRawUnicodeEscape,
  decodeStringEscape,
  decodeUtf8,
  intValue,
  latin1String,
} from "./_text.ts";
import { type CheckedLoadsOptions, checkLoadsOptions, type LoadsOptions } from "./_options.ts";

/**
 * The highest pickle protocol ndio reads and writes.
 *
 * @example Writing at the highest protocol
 * ```ts
 * import { dumps, HIGHEST_PROTOCOL, loads } from "@ndio/pickle";
 * import assert from "node:assert/strict";
 *
 * const bytes = dumps("seed", { protocol: HIGHEST_PROTOCOL });
 * assert.equal(bytes[1], 5);
 * assert.equal(loads(bytes), "seed");
 * ```
 */
export const HIGHEST_PROTOCOL = 5;

const FORMAT = "pickle";

/**
 * Decodes a pickle into the Python value tree of `@ndio/core`, as
 * `pickle.loads` would, but safely: globals resolve only through an
 * allowlist of NumPy and builtin data constructors (`numpy.dtype`, arrays,
 * scalars, `set`, `complex`, `OrderedDict`, ...) whose arguments are
 * checked, and anything else is refused with a `ForbiddenError` naming it
 * (or, with `inert: true`, kept as a `PyObject` placeholder). Array data is
 * a view of `bytes`, not a copy.
 *
 * @example A pickle that Python wrote
 * ```ts
 * import { loads } from "@ndio/pickle";
 * import assert from "node:assert/strict";
 *
 * // pickle.dumps({'a': [1, 2.5]}, protocol=2)
 * const bytes = Uint8Array.from(atob("gAJ9cQBYAQAAAGFxAV1xAihLAUdABAAAAAAAAGVzLg=="), (c) => c.charCodeAt(0));
 * assert.deepEqual(loads(bytes), new Map([["a", [1, 2.5]]]));
 * ```
 *
 * @example Refusing code
 * ```ts
 * import { loads } from "@ndio/pickle";
 * import { ForbiddenError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const evil = new TextEncoder().encode("cos\nsystem\n(S'ls'\ntR.");
 * assert.throws(() => loads(evil), ForbiddenError);
 * ```
 *
 * @param bytes The pickle.
 * @param options Inert mode, out-of-band buffers, limits.
 * @returns The value.
 */
export function loads(bytes: Uint8Array, options?: LoadsOptions): PyValue {
  const result = run(bytes, checkLoadsOptions(options));
  return result.value;
}

/**
 * Decodes the pickle at the start of `bytes`, which may be followed by other
 * data, and says how many bytes it took (through its STOP opcode).
 *
 * @example
 * ```ts
 * import { loadsPrefix } from "@ndio/pickle";
 * import assert from "node:assert/strict";
 *
 * // pickle.dumps([1, 2], protocol=2)
 * const pickle = new Uint8Array([0x80, 2, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x2e]);
 * const joined = new Uint8Array([...pickle, 0xff, 0xff]);
 * const { value, length } = loadsPrefix(joined);
 * assert.deepEqual(value, [1, 2]);
 * assert.equal(length, pickle.length);
 * ```
 *
 * @param bytes Bytes starting with a pickle.
 * @param options As for {@linkcode loads}.
 * @returns The value and the pickle's length.
 */
export function loadsPrefix(bytes: Uint8Array, options?: LoadsOptions): PicklePrefix {
  return run(bytes, checkLoadsOptions(options));
}

function run(bytes: Uint8Array, options: CheckedLoadsOptions): PicklePrefix {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError("loads needs a Uint8Array");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  const stack: unknown[] = [];
  const marks: number[] = [];
  // The memo: dense keys (MEMOIZE, BINPUT) in an array, others in a Map.
  const memo: unknown[] = [];
  const sparseMemo = new Map<number, unknown>();
  let memoSize = 0;
  const buffers = options.buffers;
  let nextBuffer = 0;
  let pos = 0;
  let at = 0; // the offset of the current opcode
  let code = 0;
  let count = 0;
  let allocated = 0;
  const { maxStack, maxMemo, maxNesting, maxAllocation, maxOpcodes } = options;

  const malformed = (errorCode: string, message: string): never => {
    throw new MalformedError(errorCode, `${message} (${op.opcodeName(code)} at byte ${at})`, {
      format: FORMAT,
      offset: at,
    });
  };
  const charge = (n: number): void => {
    allocated += n;
    if (allocated > maxAllocation) {
      throw new LimitError(
        "maxAllocation",
        maxAllocation,
        `the pickle needs more than ${maxAllocation} bytes at byte ${at}`,
        { format: FORMAT, offset: at },
      );
    }
  };
  const ctx: CallContext = {
    fail: (message) => malformed("pickle-bad-argument", message),
    charge,
  };
  const need = (n: number): void => {
    if (n > end - pos) {
      throw new TruncatedError(
        `the pickle ends at byte ${end}, inside the ${op.opcodeName(code)} at byte ${at} ` +
          `that needs ${n} more bytes`,
        { format: FORMAT, offset: end },
      );
    }
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const readLine = (): Uint8Array => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) {
      throw new TruncatedError(
        `the pickle ends at byte ${end}, inside the line of the ${
          op.opcodeName(code)
        } at byte ${at}`,
        { format: FORMAT, offset: end },
      );
    }
    const line = bytes.subarray(pos, nl);
    pos = nl + 1;
    return line;
  };
  const readLength = (width: 4 | 8): number => {
    need(width);
    let n: number;
    if (width === 4) n = view.getUint32(pos, true);
    else {
      const big = view.getBigUint64(pos, true);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new TruncatedError(
          `the ${
            op.opcodeName(code)
          } at byte ${at} declares ${big} bytes, past the end of the pickle`,
          { format: FORMAT, offset: end },
        );
      }
      n = Number(big);
    }
    pos += width;
    return n;
  };
  const text = (data: Uint8Array): string => {
    charge(data.length * 2);
    const s = decodeUtf8(data);
    if (s === null) malformed("pickle-bad-utf8", "the string is not valid UTF-8");
    return s!;
  };
  // A string of n bytes at pos, without a view for short ASCII ones.
  const textAt = (n: number): string => {
    need(n);
    if (n <= 32) {
      let s = "";
      let i = pos;
      const stop = pos + n;
      for (; i < stop; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === stop) {
        charge(n * 2);
        pos = stop;
        return s;
      }
    }
    return text(take(n));
  };
  const push = (value: unknown): void => {
    if (stack.length >= maxStack) {
      throw new LimitError(
        "maxStack",
        maxStack,
        `the pickle's stack grows past ${maxStack} values`,
        {
          format: FORMAT,
          offset: at,
        },
      );
    }
    stack.push(value);
  };
  const pop = (): unknown => {
    const floor = marks.length === 0 ? 0 : marks[marks.length - 1]!;
    if (stack.length <= floor) malformed("pickle-stack-underflow", "the stack is empty");
    return stack.pop();
  };
  const top = (): unknown => {
    const floor = marks.length === 0 ? 0 : marks[marks.length - 1]!;
    if (stack.length <= floor) malformed("pickle-stack-underflow", "the stack is empty");
    return stack[stack.length - 1];
  };
  // The start of the items above the topmost MARK, which it pops.
  const markStart = (): number => {
    const start = marks.pop();
    if (start === undefined) return malformed("pickle-no-mark", "there is no MARK to pop to");
    return start;
  };
  const popMark = (): unknown[] => {
    const start = marks.pop();
    if (start === undefined) return malformed("pickle-no-mark", "there is no MARK to pop to");
    const out = stack.slice(start);
    stack.length = start;
    return out;
  };
  const memoPut = (key: number, value: unknown): void => {
    const dense = key >= 0 && key < 1 << 24;
    if (dense ? memo[key] === undefined : !sparseMemo.has(key)) {
      if (memoSize >= maxMemo) {
        throw new LimitError(
          "maxMemo",
          maxMemo,
          `the pickle's memo grows past ${maxMemo} entries`,
          {
            format: FORMAT,
            offset: at,
          },
        );
      }
      memoSize++;
    }
    if (dense) memo[key] = value;
    else sparseMemo.set(key, value);
  };
  const memoGet = (key: number): unknown => {
    const value = key >= 0 && key < 1 << 24 ? memo[key] : sparseMemo.get(key);
    if (value === undefined) malformed("pickle-memo-missing", `the memo has no entry ${key}`);
    return value;
  };
  const lineInt = (line: Uint8Array): bigint => {
    // Python refuses decimal ints of more than 4300 digits (int_max_str_digits),
    // which also keeps the quadratic decimal conversion short.
    if (line.length > 4400) {
      return malformed("pickle-bad-int", `an int of ${line.length} digits is over Python's 4300`);
    }
    const s = latin1String(line).trim();
    if (!/^[+-]?\d+$/.test(s)) {
      return malformed("pickle-bad-int", `"${s.slice(0, 40)}" is not an int`);
    }
    if (s.replace(/^[+-]?0*/, "").length > 4300) {
      return malformed("pickle-bad-int", `an int of ${s.length} digits is over Python's 4300`);
    }
    charge(s.length);
    return BigInt(s);
  };
  const findGlobal = (module: string, name: string): GlobalRef => {
    const qualified = `${module}.${name}`;
    const kind = ALLOWED_GLOBALS.get(qualified);
    if (kind !== undefined) return new GlobalRef(module, name, kind);
    if (options.inert) return new GlobalRef(module, name, null);
    throw new ForbiddenError(
      "pickle-forbidden-global",
      `pickle references "${qualified}", which is not allowed`,
      { format: FORMAT, offset: at },
    );
  };
  const call = (fn: unknown, args: unknown[]): unknown => {
    if (fn instanceof GlobalRef) {
      if (fn.kind !== null) return callGlobal(fn.kind, args, ctx);
      charge(args.length * 8 + 64);
      return new PyObject(fn.module, fn.name, { args: args as PyValue[] });
    }
    if (fn instanceof PyObject) {
      charge(args.length * 8 + 64);
      return new PyObject(fn.module, `${fn.name}()`, { args: args as PyValue[] });
    }
    return malformed("pickle-not-callable", `the pickle calls ${describe(fn)}`);
  };
  const newObject = (cls: unknown, args: unknown[], kwargs: unknown): unknown => {
    if (cls instanceof GlobalRef && cls.kind === null) {
      charge(args.length * 8 + 64);
      const state = kwargs instanceof Map && kwargs.size > 0 ? { state: kwargs as PyValue } : {};
      return new PyObject(cls.module, cls.name, { args: args as PyValue[], ...state });
    }
    if (cls instanceof GlobalRef && cls.kind === "ndarray") return call(cls, args);
    if (cls instanceof GlobalRef) {
      throw new UnsupportedError(
        "pickle-newobj",
        `pickle creates "${cls.qualifiedName}" with ${op.opcodeName(code)} at byte ${at}, ` +
          `which ndio does not support`,
        { format: FORMAT },
      );
    }
    return malformed("pickle-not-a-class", `the pickle instantiates ${describe(cls)}`);
  };
  const build = (target: unknown, state: unknown): void => {
    if (target instanceof ArrayHolder) setArrayState(target, state, ctx);
    else if (target instanceof DTypeHolder) setDTypeState(target, state, ctx);
    else if (target instanceof PyObject) target.state = state as PyValue;
    else malformed("pickle-bad-build", `the pickle sets the state of ${describe(target)}`);
  };
  const appendTo = (target: unknown, values: unknown[], from = 0): void => {
    const n = values.length;
    if (Array.isArray(target)) {
      for (let i = from; i < n; i++) target.push(values[i]);
    } else if (target instanceof PyObject) {
      for (let i = from; i < n; i++) target.items.push(values[i] as PyValue);
    } else malformed("pickle-bad-append", `the pickle appends to ${describe(target)}`);
  };
  const setItems = (target: unknown, values: unknown[], from = 0): void => {
    if ((values.length - from) % 2 !== 0) {
      malformed("pickle-odd-items", "keys and values do not pair up");
    }
    if (target instanceof Map) {
      for (let i = from; i < values.length; i += 2) target.set(values[i], values[i + 1]);
    } else if (target instanceof PyObject) {
      for (let i = from; i < values.length; i += 2) {
        target.items.push(new PyTuple([values[i] as PyValue, values[i + 1] as PyValue]));
      }
    } else malformed("pickle-bad-setitem", `the pickle sets items of ${describe(target)}`);
  };
  const addItems = (target: unknown, values: unknown[]): void => {
    if (target instanceof PySet && !target.frozen) {
      (target.items as unknown[]).push(...values);
    } else if (target instanceof PyObject) {
      for (const v of values) target.items.push(v as PyValue);
    } else malformed("pickle-bad-additems", `the pickle adds items to ${describe(target)}`);
  };
  const markDepth = (): void => {
    if (marks.length >= maxNesting) {
      throw new LimitError(
        "maxNesting",
        maxNesting,
        `the pickle nests marks deeper than ${maxNesting}`,
        {
          format: FORMAT,
          offset: at,
        },
      );
    }
  };

  while (true) {
    if (pos >= end) {
      throw new TruncatedError(`the pickle ends at byte ${end} without a STOP opcode`, {
        format: FORMAT,
        offset: end,
      });
    }
    at = pos;
    code = bytes[pos++]!;
    if (++count > maxOpcodes) {
      throw new LimitError(
        "maxOpcodes",
        maxOpcodes,
        `the pickle runs more than ${maxOpcodes} opcodes`,
        {
          format: FORMAT,
          offset: at,
        },
      );
    }
    switch (code) {
      case op.PROTO: {
        need(1);
        const version = bytes[pos++]!;
        if (version > HIGHEST_PROTOCOL) {
          throw new UnsupportedError(
            "pickle-protocol",
            `the pickle has protocol ${version}; ndio reads protocols 0 to ${HIGHEST_PROTOCOL}`,
            { format: FORMAT },
          );
        }
        break;
      }
      case op.FRAME: {
        const n = readLength(8);
        need(n);
        break;
      }
      case op.STOP: {
        const value = pop();
        return { value: finish(value, maxNesting), length: pos };
      }
      case op.MARK:
        markDepth();
        marks.push(stack.length);
        break;
      case op.POP:
        if (marks.length > 0 && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case op.POP_MARK:
        popMark();
        break;
      case op.DUP:
        push(top());
        break;
      case op.NONE:
        push(null);
        break;
      case op.NEWTRUE:
        push(true);
        break;
      case op.NEWFALSE:
        push(false);
        break;
      case op.INT: {
        const line = readLine();
        if (line.length === 2 && line[0] === 0x30 && (line[1] === 0x30 || line[1] === 0x31)) {
          push(line[1] === 0x31);
        } else push(intValue(lineInt(line)));
        break;
      }
      case op.BININT:
        need(4);
        push(view.getInt32(pos, true));
        pos += 4;
        break;
      case op.BININT1:
        need(1);
        push(bytes[pos++]!);
        break;
      case op.BININT2:
        need(2);
        push(view.getUint16(pos, true));
        pos += 2;
        break;
      case op.LONG: {
        let line = readLine();
        if (line[line.length - 1] === 0x4c) line = line.subarray(0, line.length - 1);
        push(intValue(lineInt(line)));
        break;
      }
      case op.LONG1: {
        need(1);
        const n = bytes[pos++]!;
        push(decodeLong(take(n)));
        break;
      }
      case op.LONG4: {
        need(4);
        const n = view.getInt32(pos, true);
        pos += 4;
        if (n < 0) malformed("pickle-bad-length", `LONG4 declares a negative length ${n}`);
        charge(n * 2);
        push(decodeLong(take(n)));
        break;
      }
      case op.FLOAT: {
        const s = latin1String(readLine()).trim();
        const special: Record<string, number> = { inf: Infinity, "-inf": -Infinity, nan: NaN };
        const v = s.toLowerCase() in special ? special[s.toLowerCase()]! : Number(s);
        if (s === "" || Number.isNaN(v) && s.toLowerCase() !== "nan") {
          malformed("pickle-bad-float", `"${s}" is not a float`);
        }
        push(Number.isInteger(v) || Object.is(v, -0) ? new PyFloat(v) : v);
        break;
      }
      case op.BINFLOAT: {
        need(8);
        const v = view.getFloat64(pos, false);
        pos += 8;
        push(Number.isInteger(v) || Object.is(v, -0) ? new PyFloat(v) : v);
        break;
      }
      case op.STRING: {
        const line = latin1String(readLine());
        charge(line.length * 2);
        const body = line.trimEnd();
        const q = body[0];
        if (body.length < 2 || (q !== "'" && q !== '"') || body[body.length - 1] !== q) {
          malformed("pickle-bad-string", "the STRING is not quoted");
        }
        const s = decodeStringEscape(body.slice(1, -1));
        if (s === null) malformed("pickle-bad-string", "the STRING has a bad escape");
        push(s);
        break;
      }
      case op.BINSTRING: {
        need(4);
        const n = view.getInt32(pos, true);
        pos += 4;
        if (n < 0) malformed("pickle-bad-length", `BINSTRING declares a negative length ${n}`);
        const data = take(n);
        charge(n * 2);
        push(latin1String(data));
        break;
      }
      case op.SHORT_BINSTRING: {
        need(1);
        const data = take(bytes[pos++]!);
        push(latin1String(data));
        break;
      }
      case op.UNICODE: {
        const line = readLine();
        charge(line.length * 2);
        const s = decodeRawUnicodeEscape(line);
        if (s === null) malformed("pickle-bad-string", "the UNICODE has a bad escape");
        push(s);
        break;
      }
      case op.SHORT_BINUNICODE: {
        need(1);
        push(textAt(bytes[pos++]!));
        break;
      }
      case op.BINUNICODE:
        push(textAt(readLength(4)));
        break;
      case op.BINUNICODE8:
        push(text(take(readLength(8))));
        break;
      case op.SHORT_BINBYTES: {
        need(1);
        push(take(bytes[pos++]!));
        break;
      }
      case op.BINBYTES:
        push(take(readLength(4)));
        break;
      case op.BINBYTES8:
        push(take(readLength(8)));
        break;
      case op.BYTEARRAY8:
        push(new PyByteArray(take(readLength(8))));
        break;
      case op.NEXT_BUFFER: {
        if (buffers === null || nextBuffer >= buffers.length) {
          malformed(
            "pickle-no-buffer",
            buffers === null
              ? "the pickle needs out-of-band buffers but none were given (pass them as buffers)"
              : `the pickle needs more than the ${buffers.length} out-of-band buffers given`,
          );
        }
        push(buffers![nextBuffer++]);
        break;
      }
      case op.READONLY_BUFFER:
        top();
        break;
      case op.EMPTY_TUPLE:
        push(new PyTuple([]));
        break;
      case op.TUPLE1:
        push(new PyTuple([pop() as PyValue]));
        break;
      case op.TUPLE2: {
        const b = pop();
        const a = pop();
        push(new PyTuple([a, b] as PyValue[]));
        break;
      }
      case op.TUPLE3: {
        const c = pop();
        const b = pop();
        const a = pop();
        push(new PyTuple([a, b, c] as PyValue[]));
        break;
      }
      case op.TUPLE: {
        const items = popMark();
        charge(items.length * 8);
        push(new PyTuple(items as PyValue[]));
        break;
      }
      case op.EMPTY_LIST:
        push([]);
        break;
      case op.LIST: {
        const items = popMark();
        charge(items.length * 8);
        push(items);
        break;
      }
      case op.EMPTY_DICT:
        push(new Map());
        break;
      case op.DICT: {
        const items = popMark();
        charge(items.length * 8);
        const map = new Map();
        setItems(map, items);
        push(map);
        break;
      }
      case op.EMPTY_SET:
        push(new PySet([]));
        break;
      case op.FROZENSET: {
        const items = popMark();
        charge(items.length * 8);
        push(new PySet(items as PyValue[], { frozen: true }));
        break;
      }
      case op.APPEND: {
        const value = pop();
        appendTo(top(), [value]);
        break;
      }
      case op.APPENDS: {
        const start = markStart();
        charge((stack.length - start) * 8);
        if (start <= (marks.length === 0 ? 0 : marks[marks.length - 1]!)) {
          malformed("pickle-stack-underflow", "APPENDS has no list below its MARK");
        }
        appendTo(stack[start - 1], stack, start);
        stack.length = start;
        break;
      }
      case op.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case op.SETITEMS: {
        const start = markStart();
        charge((stack.length - start) * 8);
        if (start <= (marks.length === 0 ? 0 : marks[marks.length - 1]!)) {
          malformed("pickle-stack-underflow", "SETITEMS has no dict below its MARK");
        }
        setItems(stack[start - 1], stack, start);
        stack.length = start;
        break;
      }
      case op.ADDITEMS: {
        const items = popMark();
        charge(items.length * 8);
        addItems(top(), items);
        break;
      }
      case op.GET:
        push(memoGet(Number(lineInt(readLine()))));
        break;
      case op.BINGET:
        need(1);
        push(memoGet(bytes[pos++]!));
        break;
      case op.LONG_BINGET:
        need(4);
        push(memoGet(view.getUint32(pos, true)));
        pos += 4;
        break;
      case op.PUT:
        memoPut(Number(lineInt(readLine())), top());
        break;
      case op.BINPUT:
        need(1);
        memoPut(bytes[pos++]!, top());
        break;
      case op.LONG_BINPUT:
        need(4);
        memoPut(view.getUint32(pos, true), top());
        pos += 4;
        break;
      case op.MEMOIZE:
        memoPut(memoSize, top());
        break;
      case op.GLOBAL: {
        const module = text(readLine());
        const name = text(readLine());
        push(findGlobal(module, name));
        break;
      }
      case op.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") {
          malformed("pickle-bad-global", "STACK_GLOBAL needs two strs");
        }
        push(findGlobal(module as string, name as string));
        break;
      }
      case op.REDUCE: {
        const args = pop();
        const fn = pop();
        if (!(args instanceof PyTuple)) {
          malformed(
            "pickle-bad-argument",
            `REDUCE needs a tuple of arguments, not ${describe(args)}`,
          );
        }
        push(call(fn, [...(args as PyTuple).items]));
        break;
      }
      case op.BUILD: {
        const state = pop();
        build(top(), state);
        break;
      }
      case op.INST: {
        const module = text(readLine());
        const name = text(readLine());
        const args = popMark();
        push(call(findGlobal(module, name), args));
        break;
      }
      case op.OBJ: {
        const args = popMark();
        if (args.length === 0) malformed("pickle-stack-underflow", "OBJ needs a class");
        const cls = args.shift();
        push(call(cls, args));
        break;
      }
      case op.NEWOBJ: {
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple)) {
          malformed(
            "pickle-bad-argument",
            `NEWOBJ needs a tuple of arguments, not ${describe(args)}`,
          );
        }
        push(newObject(cls, [...(args as PyTuple).items], null));
        break;
      }
      case op.NEWOBJ_EX: {
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(args instanceof PyTuple) || !(kwargs instanceof Map)) {
          malformed("pickle-bad-argument", "NEWOBJ_EX needs a tuple and a dict");
        }
        push(newObject(cls, [...(args as PyTuple).items], kwargs));
        break;
      }
      case op.PERSID:
      case op.BINPERSID:
        throw new ForbiddenError(
          "pickle-persistent-id",
          `pickle uses a persistent id (${
            op.opcodeName(code)
          } at byte ${at}), which is not allowed`,
          { format: FORMAT, offset: at },
        );
      case op.EXT1:
      case op.EXT2:
      case op.EXT4:
        throw new ForbiddenError(
          "pickle-extension",
          `pickle uses the extension registry (${op.opcodeName(code)} at byte ${at}), ` +
            "which is not allowed",
          { format: FORMAT, offset: at },
        );
      default:
        throw new MalformedError(
          "pickle-bad-opcode",
          `byte ${at} holds 0x${code.toString(16).padStart(2, "0")}, which is not a pickle opcode`,
          { format: FORMAT, offset: at },
        );
    }
  }
}

// Replaces the machine's helper objects (arrays and dtypes under
// construction, global references) by values of the tree, in place, and
// checks the nesting depth, without recursion.
function finish(root: unknown, maxNesting: number): PyValue {
  const value = resolve(root);
  if (typeof value !== "object" || value === null) return value as PyValue;
  const done = new Map<object, number>(); // container -> height (-1 while open)
  const tooDeep = (): never => {
    throw new LimitError(
      "maxNesting",
      maxNesting,
      `the pickle nests containers deeper than ${maxNesting}`,
      { format: FORMAT },
    );
  };
  // Iterative post-order walk computing each container's height.
  const frames: { node: object; kids: object[]; next: number; height: number }[] = [];
  const enter = (node: object, kids: object[]): void => {
    done.set(node, -1);
    frames.push({ node, kids, next: 0, height: 1 });
    if (frames.length > maxNesting) tooDeep();
  };
  const rootKids = expand(value);
  if (rootKids === null) return value as PyValue;
  enter(value, rootKids);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next < frame.kids.length) {
      const kid = frame.kids[frame.next++]!;
      const known = done.get(kid);
      if (known === undefined) {
        const kids = expand(kid);
        if (kids === null) done.set(kid, 0);
        else if (kids.length === 0) {
          done.set(kid, 1);
          frame.height = Math.max(frame.height, 2);
          if (frames.length + 1 > maxNesting) tooDeep();
        } else enter(kid, kids);
      } else if (known >= 0) {
        frame.height = Math.max(frame.height, known + 1);
        if (frames.length + known > maxNesting) tooDeep();
      }
      continue;
    }
    frames.pop();
    done.set(frame.node, frame.height);
    const parent = frames[frames.length - 1];
    if (parent !== undefined) parent.height = Math.max(parent.height, frame.height + 1);
  }
  return value as PyValue;
}

function resolve(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof ArrayHolder) return v.array;
  if (v instanceof DTypeHolder) return new PyObject("numpy", "dtype", { args: [v.dtype.str] });
  if (v instanceof GlobalRef) return new PyObject(v.module, v.name);
  return v;
}

// Resolves a container's items in place and returns those that are objects
// (null for values that hold no others).
function expand(v: object): object[] | null {
  const kids: object[] = [];
  const fix = (items: unknown[]): void => {
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      if (typeof x === "object" && x !== null) {
        const r = resolve(x) as object;
        if (r !== x) items[i] = r;
        kids.push(r);
      }
    }
  };
  if (Array.isArray(v)) fix(v);
  else if (v instanceof Map) {
    let changed = false;
    for (const [k, x] of v) {
      if (typeof k === "object" && k !== null) {
        if (resolve(k) !== k) changed = true;
        kids.push(k);
      }
      if (typeof x === "object" && x !== null) {
        if (resolve(x) !== x) changed = true;
        kids.push(x);
      }
    }
    if (changed) {
      const entries = [...v].map(([k, x]) => [resolve(k), resolve(x)] as const);
      v.clear();
      kids.length = 0;
      for (const [k, x] of entries) {
        v.set(k, x);
        if (typeof k === "object" && k !== null) kids.push(k);
        if (typeof x === "object" && x !== null) kids.push(x);
      }
    }
  } else if (v instanceof PyTuple || v instanceof PySet) fix(v.items as unknown[]);
  else if (v instanceof PySlice) {
    const s = v as unknown as Record<"start" | "stop" | "step", unknown>;
    const parts = [s.start, s.stop, s.step];
    fix(parts);
    [s.start, s.stop, s.step] = parts;
  } else if (v instanceof PyObject) {
    if (v.args !== null) fix(v.args as unknown[]);
    const state = [v.state];
    fix(state);
    v.state = state[0] as PyValue | undefined;
    fix(v.items);
  } else if (v instanceof NDArray && v.objects !== null) fix(v.objects);
  else return null;
  return kids;
}
