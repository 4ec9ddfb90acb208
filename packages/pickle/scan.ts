/**
 * Auditing a pickle without loading it: its protocol, every global it
 * references, an opcode histogram and whether ndio would load it.
 *
 * @module
 */

import * as op from "./_opcodes.ts";
import { ALLOWED_GLOBALS } from "./_globals.ts";
import { decodeRawUnicodeEscape, decodeStringEscape, decodeUtf8, latin1String } from "./_text.ts";

/** A global a pickle references. */
export interface ScannedGlobal {
  /** The module, as written in the pickle. */
  readonly module: string;
  /** The name, as written in the pickle. */
  readonly name: string;
  /** Whether it is on ndio's allowlist of data constructors. */
  readonly allowed: boolean;
  /** How many times the pickle references it. */
  readonly count: number;
  /** The offset of its first reference. */
  readonly offset: number;
}

/**
 * What {@linkcode scan} found. The verdict is `"loadable"` when every
 * global is on the allowlist and the opcodes are well formed (the
 * arguments given to the globals are checked only by loading),
 * `"forbidden"` when the pickle references other globals, extension codes
 * or persistent ids, `"malformed"` when it cannot be parsed.
 */
export interface ScanReport {
  /** The protocol its PROTO opcode declares, or null (protocols 0 and 1 have none). */
  readonly protocol: number | null;
  /** Every global referenced, in order of first reference. */
  readonly globals: readonly ScannedGlobal[];
  /** How many times each opcode occurs, by pickletools name. */
  readonly opcodes: Readonly<Record<string, number>>;
  /** The verdict. */
  readonly verdict: "loadable" | "forbidden" | "malformed";
  /** Why the verdict is not `"loadable"`, or null. */
  readonly reason: string | null;
  /** The pickle's length through its STOP opcode (the whole input when malformed). */
  readonly length: number;
}

class ScanStop extends Error {}

/**
 * Scans a pickle without building any value or resolving any global:
 * for auditing untrusted pickles (and the pickled data of object arrays
 * in `.npy` files). Never throws on bad input: malformed pickles get the
 * verdict `"malformed"` with the reason.
 *
 * @example
 * ```ts
 * import { scan } from "@ndio/pickle";
 * import assert from "node:assert/strict";
 *
 * const report = scan(new TextEncoder().encode("cos\nsystem\n(S'ls'\ntR."));
 * assert.equal(report.verdict, "forbidden");
 * assert.equal(report.globals[0]?.module, "os");
 * assert.equal(report.opcodes.GLOBAL, 1);
 * ```
 *
 * @param bytes The pickle.
 * @returns What it holds.
 */
export function scan(bytes: Uint8Array): ScanReport {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length;
  const histogram = new Map<number, number>();
  const globals = new Map<
    string,
    { module: string; name: string; count: number; offset: number }
  >();
  const stack: (string | null)[] = [];
  const marks: number[] = [];
  const memo = new Map<number, string | null>();
  let protocol: number | null = null;
  let forbidden: string | null = null;
  let pos = 0;
  let at = 0;

  const fail = (message: string): never => {
    throw new ScanStop(`${message} at byte ${at}`);
  };
  const need = (n: number): void => {
    if (n > end - pos) fail(`the pickle ends inside the ${op.opcodeName(bytes[at]!)}`);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = (): Uint8Array => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0) fail(`the pickle ends inside the line of the ${op.opcodeName(bytes[at]!)}`);
    const out = bytes.subarray(pos, nl);
    pos = nl + 1;
    return out;
  };
  const u32 = (): number => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = (): number => {
    need(8);
    pos += 8;
    const n = view.getBigUint64(pos - 8, true);
    if (n > BigInt(end)) fail("a length runs past the end of the pickle");
    return Number(n);
  };
  const floor = (): number => marks.length === 0 ? 0 : marks[marks.length - 1]!;
  const pop = (n = 1): void => {
    if (stack.length - floor() < n) fail("the stack is empty");
    stack.length -= n;
  };
  const popMark = (): void => {
    const start = marks.pop();
    if (start === undefined) fail("there is no MARK");
    stack.length = start!;
  };
  const top = (): string | null => {
    if (stack.length <= floor()) fail("the stack is empty");
    return stack[stack.length - 1]!;
  };
  const utf8 = (data: Uint8Array): string => {
    const s = decodeUtf8(data);
    if (s === null) fail("a string is not valid UTF-8");
    return s!;
  };
  const reference = (module: string, name: string): void => {
    const key = `${module}.${name}`;
    const entry = globals.get(key);
    if (entry !== undefined) entry.count++;
    else globals.set(key, { module, name, count: 1, offset: at });
    if (!ALLOWED_GLOBALS.has(key)) {
      forbidden ??= `the pickle references "${key}", which is not allowed`;
    }
  };

  let verdictReason: string | null = null;
  try {
    while (true) {
      if (pos >= end) fail("the pickle ends without a STOP opcode");
      at = pos;
      const code = bytes[pos++]!;
      histogram.set(code, (histogram.get(code) ?? 0) + 1);
      switch (code) {
        case op.PROTO:
          protocol = take(1)[0]!;
          break;
        case op.FRAME:
          need(u64());
          break;
        case op.STOP:
          pop();
          throw new ScanStop("");
        case op.MARK:
          marks.push(stack.length);
          break;
        case op.POP:
          if (marks.length > 0 && stack.length === floor()) marks.pop();
          else pop();
          break;
        case op.POP_MARK:
          popMark();
          break;
        case op.DUP:
          stack.push(top());
          break;
        case op.NONE:
        case op.NEWTRUE:
        case op.NEWFALSE:
        case op.EMPTY_TUPLE:
        case op.EMPTY_LIST:
        case op.EMPTY_DICT:
        case op.EMPTY_SET:
          stack.push(null);
          break;
        case op.INT:
        case op.LONG:
        case op.FLOAT:
          line();
          stack.push(null);
          break;
        case op.BININT:
          take(4);
          stack.push(null);
          break;
        case op.BININT1:
          take(1);
          stack.push(null);
          break;
        case op.BININT2:
          take(2);
          stack.push(null);
          break;
        case op.BINFLOAT:
          take(8);
          stack.push(null);
          break;
        case op.LONG1:
          take(take(1)[0]!);
          stack.push(null);
          break;
        case op.LONG4:
          take(u32());
          stack.push(null);
          break;
        case op.STRING: {
          const body = latin1String(line()).trimEnd();
          stack.push(decodeStringEscape(body.slice(1, -1)));
          break;
        }
        case op.BINSTRING:
          stack.push(latin1String(take(u32())));
          break;
        case op.SHORT_BINSTRING:
          stack.push(latin1String(take(take(1)[0]!)));
          break;
        case op.UNICODE:
          stack.push(decodeRawUnicodeEscape(line()));
          break;
        case op.SHORT_BINUNICODE:
          stack.push(utf8(take(take(1)[0]!)));
          break;
        case op.BINUNICODE:
          stack.push(utf8(take(u32())));
          break;
        case op.BINUNICODE8:
          stack.push(utf8(take(u64())));
          break;
        case op.SHORT_BINBYTES:
          take(take(1)[0]!);
          stack.push(null);
          break;
        case op.BINBYTES:
          take(u32());
          stack.push(null);
          break;
        case op.BINBYTES8:
        case op.BYTEARRAY8:
          take(u64());
          stack.push(null);
          break;
        case op.NEXT_BUFFER:
          stack.push(null);
          break;
        case op.READONLY_BUFFER:
          top();
          break;
        case op.TUPLE1:
          pop(1);
          stack.push(null);
          break;
        case op.TUPLE2:
          pop(2);
          stack.push(null);
          break;
        case op.TUPLE3:
          pop(3);
          stack.push(null);
          break;
        case op.TUPLE:
        case op.LIST:
        case op.DICT:
        case op.FROZENSET:
          popMark();
          stack.push(null);
          break;
        case op.APPEND:
          pop();
          top();
          break;
        case op.SETITEM:
          pop(2);
          top();
          break;
        case op.APPENDS:
        case op.SETITEMS:
        case op.ADDITEMS:
          popMark();
          top();
          break;
        case op.GET:
        case op.BINGET:
        case op.LONG_BINGET: {
          const key = code === op.GET
            ? Number(latin1String(line()))
            : code === op.BINGET
            ? take(1)[0]!
            : u32();
          if (!memo.has(key)) fail(`the memo has no entry ${key}`);
          stack.push(memo.get(key)!);
          break;
        }
        case op.PUT:
          memo.set(Number(latin1String(line())), top());
          break;
        case op.BINPUT:
          memo.set(take(1)[0]!, top());
          break;
        case op.LONG_BINPUT:
          memo.set(u32(), top());
          break;
        case op.MEMOIZE:
          memo.set(memo.size, top());
          break;
        case op.GLOBAL: {
          const module = utf8(line());
          reference(module, utf8(line()));
          stack.push(null);
          break;
        }
        case op.INST: {
          const module = utf8(line());
          reference(module, utf8(line()));
          popMark();
          stack.push(null);
          break;
        }
        case op.STACK_GLOBAL: {
          const module = stack[stack.length - 2];
          const name = stack[stack.length - 1];
          pop(2);
          if (typeof module !== "string" || typeof name !== "string") {
            fail("STACK_GLOBAL needs two strs");
          }
          reference(module!, name!);
          stack.push(null);
          break;
        }
        case op.OBJ:
          popMark();
          stack.push(null);
          break;
        case op.REDUCE:
        case op.NEWOBJ:
          pop(2);
          stack.push(null);
          break;
        case op.NEWOBJ_EX:
          pop(3);
          stack.push(null);
          break;
        case op.BUILD:
          pop();
          top();
          break;
        case op.PERSID:
          line();
          forbidden ??= `the pickle uses a persistent id at byte ${at}, which is not allowed`;
          stack.push(null);
          break;
        case op.BINPERSID:
          pop();
          forbidden ??= `the pickle uses a persistent id at byte ${at}, which is not allowed`;
          stack.push(null);
          break;
        case op.EXT1:
        case op.EXT2:
        case op.EXT4:
          take(code === op.EXT1 ? 1 : code === op.EXT2 ? 2 : 4);
          forbidden ??=
            `the pickle uses the extension registry at byte ${at}, which is not allowed`;
          stack.push(null);
          break;
        default:
          fail(`0x${code.toString(16).padStart(2, "0")} is not a pickle opcode`);
      }
    }
  } catch (error) {
    if (!(error instanceof ScanStop)) throw error;
    verdictReason = error.message === "" ? null : error.message;
  }
  const opcodes: Record<string, number> = {};
  for (const [code, count] of histogram) opcodes[op.opcodeName(code)] = count;
  return {
    protocol,
    globals: [...globals.values()].map((g) => ({
      module: g.module,
      name: g.name,
      allowed: ALLOWED_GLOBALS.has(`${g.module}.${g.name}`),
      count: g.count,
      offset: g.offset,
    })),
    opcodes,
    verdict: verdictReason !== null ? "malformed" : forbidden !== null ? "forbidden" : "loadable",
    reason: verdictReason ?? forbidden,
    length: verdictReason !== null ? end : pos,
  };
}
