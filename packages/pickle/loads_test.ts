import assert from "node:assert/strict";
import {
  ArgumentError,
  LimitError,
  MalformedError,
  type NDArray,
  PyObject,
  PyTuple,
  TruncatedError,
} from "@ndio/core";
import { loads, loadsPrefix } from "./mod.ts";

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function limitOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof LimitError) return error.limit;
    throw error;
  }
  return "none";
}

Deno.test("loads: limits pass at their value and fail one below", () => {
  // Five MEMOIZEs.
  const memo = latin1("\x80\x04N\x94\x94\x94\x94\x94.");
  assert.equal(limitOf(() => loads(memo, { maxMemo: 5 })), "none");
  assert.equal(limitOf(() => loads(memo, { maxMemo: 4 })), "maxMemo");
  // Seven values on the stack before LIST.
  const stack = latin1("\x80\x02(NNNNNNNl.");
  assert.equal(limitOf(() => loads(stack, { maxStack: 7 })), "none");
  assert.equal(limitOf(() => loads(stack, { maxStack: 6 })), "maxStack");
  // Six nested tuples from six marks.
  const marks = latin1("\x80\x02((((((tttttt.");
  assert.equal(limitOf(() => loads(marks, { maxNesting: 6 })), "none");
  assert.equal(limitOf(() => loads(marks, { maxNesting: 5 })), "maxNesting");
  // Six nested lists, built without marks.
  const lists = latin1("\x80\x02]]]]]]aaaaa.");
  assert.equal(limitOf(() => loads(lists, { maxNesting: 6 })), "none");
  assert.equal(limitOf(() => loads(lists, { maxNesting: 5 })), "maxNesting");
  // A 10-byte str is charged 20 bytes.
  const text = latin1("\x80\x02X\x0a\x00\x00\x00abcdefghij.");
  assert.equal(limitOf(() => loads(text, { maxAllocation: 20 })), "none");
  assert.equal(limitOf(() => loads(text, { maxAllocation: 19 })), "maxAllocation");
  // PROTO, NONE, STOP.
  const three = latin1("\x80\x02N.");
  assert.equal(limitOf(() => loads(three, { maxOpcodes: 3 })), "none");
  assert.equal(limitOf(() => loads(three, { maxOpcodes: 2 })), "maxOpcodes");
});

Deno.test("loads: the default nesting limit refuses a million nested lists without recursion", () => {
  const n = 1_000_000;
  const bytes = new Uint8Array(2 + 2 * n);
  bytes.set([0x80, 2], 0);
  bytes.fill(0x5d, 2, 2 + n);
  bytes.fill(0x61, 2 + n, 1 + 2 * n);
  bytes[bytes.length - 1] = 0x2e;
  assert.throws(() => loads(bytes), LimitError);
});

Deno.test("loads: options are checked", () => {
  const none = latin1("N.");
  assert.throws(() => loads(none, { maxMemo: -1 }), ArgumentError);
  assert.throws(() => loads(none, { inert: "yes" as unknown as boolean }), ArgumentError);
  assert.throws(() => loads(none, { buffers: [1] as unknown as Uint8Array[] }), ArgumentError);
});

Deno.test("loads: malformed input names the offset", () => {
  const error = (() => {
    try {
      loads(latin1("\x80\x02K\x01\xff."));
    } catch (e) {
      return e;
    }
  })() as MalformedError;
  assert.ok(error instanceof MalformedError);
  assert.equal(error.format, "pickle");
  assert.equal(error.offset, 4);
  assert.throws(() => loads(latin1("\x80\x02X\x05\x00\x00\x00ab")), TruncatedError);
  assert.throws(() => loads(latin1("\x80\x02a.")), MalformedError);
  assert.throws(() => loads(latin1("\x80\x02h\x03.")), /memo has no entry 3/);
  assert.throws(() => loads(latin1("\x80\x02t.")), /no MARK/);
  assert.throws(() => loads(new Uint8Array(0)), TruncatedError);
});

Deno.test("loads: out-of-band buffers are required when the pickle uses them", () => {
  const bytes = latin1("\x80\x05\x97.");
  assert.throws(() => loads(bytes), /out-of-band buffers/);
  const buffer = new Uint8Array([1, 2]);
  assert.equal(loads(bytes, { buffers: [buffer] }), buffer);
  assert.throws(() => loads(latin1("\x80\x05\x97\x97."), { buffers: [buffer] }), /more than the 1/);
});

Deno.test("loads: a __proto__ key is plain dict data", () => {
  // {'__proto__': {'polluted': True}} at protocol 2
  const bytes = latin1(
    "\x80\x02}q\x00X\t\x00\x00\x00__proto__q\x01}q\x02X\x08\x00\x00\x00pollutedq\x03\x88ss.",
  );
  const value = loads(bytes) as Map<unknown, unknown>;
  assert.ok(value instanceof Map);
  assert.deepEqual(value.get("__proto__"), new Map([["polluted", true]]));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("loads: inert mode records REDUCE, BUILD, NEWOBJ and items without running them", () => {
  // copyreg-style: cmod\nCls\n)\x81}(X\x01\x00\x00\x00aK\x01ub.
  const bytes = latin1("\x80\x02cmod\nCls\n)\x81}X\x01\x00\x00\x00aK\x01sbK\x02a.");
  assert.throws(() => loads(bytes), /pickle references "mod.Cls", which is not allowed/);
  const value = loads(bytes, { inert: true }) as PyObject;
  assert.ok(value instanceof PyObject);
  assert.equal(value.qualifiedName, "mod.Cls");
  assert.deepEqual(value.args, []);
  assert.deepEqual(value.state, new Map([["a", 1]]));
  assert.deepEqual(value.items, [2]);
});

Deno.test("loadsPrefix: the length runs through STOP", () => {
  const pickle = latin1("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x07\x85\x94.");
  const joined = new Uint8Array([...pickle, 1, 2, 3]);
  const { value, length } = loadsPrefix(joined);
  assert.deepEqual(value, new PyTuple([7]));
  assert.equal(length, pickle.length);
  assert.throws(() => loads(latin1("\x80\x02N")), TruncatedError);
});

Deno.test("loads: an array built by _reconstruct without BUILD is empty int8", () => {
  const bytes = latin1(
    "\x80\x02cnumpy._core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R.",
  );
  const array = loads(bytes) as NDArray;
  assert.equal(array.dtype.str, "|i1");
  assert.deepEqual(array.shape, [0]);
});

Deno.test("loads: decimal ints stop at Python's 4300 digits", () => {
  const int = (digits: number) => latin1("I" + "9".repeat(digits) + "\n.");
  assert.equal(String(loads(int(4300))), "9".repeat(4300));
  assert.throws(() => loads(int(4301)), /4300/);
  assert.throws(() => loads(latin1("L" + "1".repeat(100_000) + "L\n.")), MalformedError);
});
