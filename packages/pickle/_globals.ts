// The allowlist: the exact qualified names a pickle may reference, each
// mapped to a constructor of plain data that checks its arguments.

import {
  Complex,
  PyByteArray,
  PyFloat,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  type PyValue,
} from "@ndio/core";
import {
  bytesOf,
  type CallContext,
  describe,
  fromBuffer,
  isInt,
  makeArrayHolder,
  makeDType,
  makeScalar,
} from "./_numpy.ts";
import { latin1Bytes } from "./_text.ts";

/** What calling an allowlisted global does. */
export type GlobalKind =
  | "reconstruct"
  | "ndarray"
  | "dtype"
  | "frombuffer"
  | "scalar"
  | "codecs.encode"
  | "set"
  | "frozenset"
  | "complex"
  | "bytes"
  | "bytearray"
  | "slice"
  | "range"
  | "OrderedDict";

/** Every name a pickle may reference, exactly as written in the pickle. */
export const ALLOWED_GLOBALS: ReadonlyMap<string, GlobalKind> = new Map<string, GlobalKind>([
  ["numpy._core.multiarray._reconstruct", "reconstruct"],
  ["numpy.core.multiarray._reconstruct", "reconstruct"],
  ["numpy.core._internal._reconstruct", "reconstruct"],
  ["numpy.ndarray", "ndarray"],
  ["numpy.dtype", "dtype"],
  ["numpy._core.numeric._frombuffer", "frombuffer"],
  ["numpy.core.numeric._frombuffer", "frombuffer"],
  ["numpy._core.multiarray.scalar", "scalar"],
  ["numpy.core.multiarray.scalar", "scalar"],
  ["_codecs.encode", "codecs.encode"],
  ["builtins.set", "set"],
  ["__builtin__.set", "set"],
  ["builtins.frozenset", "frozenset"],
  ["__builtin__.frozenset", "frozenset"],
  ["builtins.complex", "complex"],
  ["__builtin__.complex", "complex"],
  ["builtins.bytes", "bytes"],
  ["__builtin__.bytes", "bytes"],
  ["builtins.bytearray", "bytearray"],
  ["__builtin__.bytearray", "bytearray"],
  ["builtins.slice", "slice"],
  ["__builtin__.slice", "slice"],
  ["builtins.range", "range"],
  ["__builtin__.xrange", "range"],
  ["builtins.xrange", "range"],
  ["collections.OrderedDict", "OrderedDict"],
]);

/** A global the pickle referenced: allowlisted (with a kind), or a placeholder in inert mode. */
export class GlobalRef {
  readonly module: string;
  readonly name: string;
  readonly kind: GlobalKind | null;

  constructor(module: string, name: string, kind: GlobalKind | null) {
    this.module = module;
    this.name = name;
    this.kind = kind;
  }

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

function arity(name: string, args: readonly unknown[], min: number, max: number, ctx: CallContext) {
  if (args.length < min || args.length > max) {
    ctx.fail(
      `${name} takes ${min === max ? min : `${min} to ${max}`} arguments, not ${args.length}`,
    );
  }
}

function iterableItems(value: unknown, name: string, ctx: CallContext): unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof PyTuple || value instanceof PySet) return [...value.items];
  if (value instanceof Map) return [...value.keys()];
  return ctx.fail(`${name} needs a list, tuple or set, not ${describe(value)}`);
}

function real(value: unknown, name: string, ctx: CallContext): number {
  if (typeof value === "number") return value;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  return ctx.fail(`${name} needs numbers, not ${describe(value)}`);
}

function integer(value: unknown, name: string, ctx: CallContext): number | bigint {
  if (isInt(value) || typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return ctx.fail(`${name} needs ints, not ${describe(value)}`);
}

function isEncodingLatin1(value: unknown): boolean {
  return typeof value === "string" &&
    ["latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1"].includes(value.toLowerCase());
}

/** Calls an allowlisted global with checked arguments. */
export function callGlobal(kind: GlobalKind, args: readonly unknown[], ctx: CallContext): unknown {
  switch (kind) {
    case "reconstruct":
      arity("_reconstruct", args, 3, 3, ctx);
      if (!(args[0] instanceof GlobalRef) || args[0].kind !== "ndarray") {
        ctx.fail(`_reconstruct can only make a numpy.ndarray, not ${describeRef(args[0])}`);
      }
      return makeArrayHolder(args[1], ctx);
    case "ndarray":
      arity("numpy.ndarray", args, 1, 2, ctx);
      return makeArrayHolder(args[0], ctx);
    case "dtype":
      return makeDType(args, ctx);
    case "frombuffer":
      return fromBuffer(args, ctx);
    case "scalar":
      return makeScalar(args, ctx);
    case "codecs.encode": {
      arity("_codecs.encode", args, 2, 2, ctx);
      if (typeof args[0] !== "string" || !isEncodingLatin1(args[1])) {
        ctx.fail('_codecs.encode is only allowed on a str with the encoding "latin1"');
      }
      ctx.charge(args[0].length);
      const bytes = latin1Bytes(args[0]);
      if (bytes === null) return ctx.fail("_codecs.encode is given chars beyond latin-1");
      return bytes;
    }
    case "set":
    case "frozenset": {
      arity(kind, args, 0, 1, ctx);
      const list = args.length === 0 ? [] : iterableItems(args[0], kind, ctx);
      ctx.charge(list.length * 8);
      return new PySet(list as PyValue[], { frozen: kind === "frozenset" });
    }
    case "complex": {
      arity("complex", args, 0, 2, ctx);
      return new Complex(
        args.length > 0 ? real(args[0], "complex", ctx) : 0,
        args.length > 1 ? real(args[1], "complex", ctx) : 0,
      );
    }
    case "bytes": {
      arity("bytes", args, 0, 1, ctx);
      if (args.length === 0) return new Uint8Array(0);
      if (typeof args[0] === "string") ctx.fail("bytes() of a str needs an encoding");
      const data = bytesOf(args[0], ctx, "the argument of bytes()");
      ctx.charge(data.length);
      return data.slice();
    }
    case "bytearray": {
      arity("bytearray", args, 0, 2, ctx);
      if (args.length === 0) return new PyByteArray(new Uint8Array(0));
      if (args.length === 2 && !isEncodingLatin1(args[1])) {
        ctx.fail('bytearray() of a str is only allowed with the encoding "latin-1"');
      }
      if (args.length === 1 && typeof args[0] === "string") {
        ctx.fail("bytearray() of a str needs an encoding");
      }
      const data = bytesOf(args[0], ctx, "the argument of bytearray()");
      ctx.charge(data.length);
      return new PyByteArray(data.slice());
    }
    case "slice": {
      arity("slice", args, 1, 3, ctx);
      const [a, b, c] = args as PyValue[];
      return args.length === 1 ? new PySlice(null, a!, null) : new PySlice(a!, b!, c ?? null);
    }
    case "range": {
      arity("range", args, 1, 3, ctx);
      const n = args.map((v) => integer(v, "range", ctx));
      if (n.length === 1) return new PyRange(0, n[0]!, 1);
      const step = n[2] ?? 1;
      if (step === 0 || step === 0n) ctx.fail("range() step must not be zero");
      return new PyRange(n[0]!, n[1]!, step);
    }
    case "OrderedDict": {
      arity("collections.OrderedDict", args, 0, 1, ctx);
      const map = new Map<unknown, unknown>();
      if (args.length === 1) {
        const source = args[0];
        if (source instanceof Map) {
          for (const [k, v] of source) map.set(k, v);
        } else {
          for (const pair of iterableItems(source, "collections.OrderedDict", ctx)) {
            const kv = pair instanceof PyTuple ? pair.items : Array.isArray(pair) ? pair : null;
            if (kv === null || kv.length !== 2) {
              ctx.fail("collections.OrderedDict needs (key, value) pairs");
            }
            map.set(kv[0], kv[1]);
          }
        }
        ctx.charge(map.size * 16);
      }
      return map;
    }
  }
}

function describeRef(value: unknown): string {
  return value instanceof GlobalRef ? `"${value.qualifiedName}"` : describe(value);
}
