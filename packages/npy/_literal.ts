// A parser for the Python literals an .npy header holds: a dict of strings,
// ints, bools, None, tuples and lists. Linear in the input, iterative-depth
// bounded, and it never evaluates anything. Works on the header's bytes so
// that error offsets are byte offsets into the file.

import { MalformedError } from "@ndio/core";

/** A parsed literal, with the byte offset where it starts. */
export type LiteralNode =
  | { readonly kind: "str"; readonly value: string; readonly offset: number }
  | { readonly kind: "int"; readonly value: bigint; readonly offset: number }
  | { readonly kind: "float"; readonly value: number; readonly offset: number }
  | { readonly kind: "bool"; readonly value: boolean; readonly offset: number }
  | { readonly kind: "none"; readonly offset: number }
  | {
    readonly kind: "tuple" | "list";
    readonly items: readonly LiteralNode[];
    readonly offset: number;
  }
  | {
    readonly kind: "dict";
    readonly entries: readonly (readonly [LiteralNode, LiteralNode])[];
    readonly offset: number;
  };

/** Raised (as a MalformedError) when the input ends inside a literal. */
export const UNEXPECTED_END = "npy-header-ends-early";

// Deeper nesting than this is no descr NumPy writes; the bound keeps the
// recursion far from the engine's stack limit.
const MAX_DEPTH = 200;

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const FF = 0x0c;
const BACKSLASH = 0x5c;

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function isNameByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || isDigit(b) || b === 0x5f;
}

const ESCAPES: Readonly<Record<number, number>> = {
  0x5c: 0x5c, // \\
  0x27: 0x27, // \'
  0x22: 0x22, // \"
  0x61: 0x07, // \a
  0x62: 0x08, // \b
  0x66: 0x0c, // \f
  0x6e: 0x0a, // \n
  0x72: 0x0d, // \r
  0x74: 0x09, // \t
  0x76: 0x0b, // \v
};

/** Parses the Python literal in `bytes[start, end)`; `utf8` selects the text encoding (v3.0). */
export function parseLiteral(
  bytes: Uint8Array,
  start: number,
  end: number,
  utf8: boolean,
): { node: LiteralNode; end: number } {
  let pos = start;
  const decoder = utf8 ? new TextDecoder("utf-8", { fatal: true }) : null;

  const fail = (message: string, at: number, code = "npy-bad-header"): MalformedError =>
    new MalformedError(code, `${message} at byte ${at} of the header`, {
      format: "npy",
      offset: at,
    });
  const endFail = (what: string): MalformedError =>
    fail(`the header ends inside ${what}`, pos, UNEXPECTED_END);
  const describe = (at: number): string => {
    if (at >= end) return "the end of the header";
    const b = bytes[at]!;
    return b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16)}`;
  };

  const skipSpace = (): void => {
    while (pos < end) {
      const b = bytes[pos]!;
      if (b === SPACE || b === TAB || b === LF || b === CR || b === FF) pos++;
      else if (b === BACKSLASH && bytes[pos + 1] === LF) pos += 2; // line continuation
      else break;
    }
  };

  const parseString = (quote: number, raw: boolean, at: number): LiteralNode => {
    let text = "";
    let runStart = pos;
    const flush = (runEnd: number) => {
      if (runEnd === runStart) return;
      const run = bytes.subarray(runStart, runEnd);
      if (decoder === null) {
        // latin1: each byte is one code point.
        for (let i = 0; i < run.length; i += 8192) {
          text += String.fromCharCode(...run.subarray(i, i + 8192));
        }
      } else {
        try {
          text += decoder.decode(run);
        } catch {
          throw fail("the header is not valid UTF-8", runStart, "npy-bad-header");
        }
      }
    };
    while (true) {
      if (pos >= end) throw endFail("a string");
      const b = bytes[pos]!;
      if (b === quote) {
        flush(pos);
        pos++;
        return { kind: "str", value: text, offset: at };
      }
      if (b === LF || b === CR) throw fail("a string runs past the end of its line", pos);
      if (b !== BACKSLASH) {
        pos++;
        continue;
      }
      flush(pos);
      if (pos + 1 >= end) throw endFail("a string");
      const e = bytes[pos + 1]!;
      if (raw) {
        // Raw strings keep the backslash; it only protects the next byte.
        text += "\\";
        runStart = pos + 1;
        pos += 2;
        if (e === LF) throw fail("a string runs past the end of its line", pos - 1);
        continue;
      }
      pos += 2;
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        text += String.fromCharCode(simple);
      } else if (e === LF) {
        // backslash-newline continues the string
      } else if (e >= 0x30 && e <= 0x37) {
        let value = e - 0x30;
        for (let k = 0; k < 2 && pos < end && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x37; k++) {
          value = value * 8 + (bytes[pos++]! - 0x30);
        }
        text += String.fromCharCode(value);
      } else if (e === 0x78 || e === 0x75 || e === 0x55) {
        const digits = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
        let value = 0;
        for (let k = 0; k < digits; k++) {
          if (pos >= end) throw endFail("a string");
          const h = hexValue(bytes[pos]!);
          if (h < 0) throw fail("a \\x, \\u or \\U escape needs hexadecimal digits", pos);
          value = value * 16 + h;
          pos++;
        }
        if (value > 0x10ffff) throw fail("a \\U escape is beyond U+10FFFF", pos - digits - 2);
        text += String.fromCodePoint(value);
      } else if (e === 0x4e) {
        throw fail("named \\N{...} escapes are not supported in headers", pos - 2);
      } else {
        // Python keeps unknown escapes as written.
        text += "\\";
        pos--;
      }
      runStart = pos;
    }
  };

  const parseNumber = (at: number): LiteralNode => {
    let p = pos;
    let negative = false;
    if (bytes[p] === 0x2d || bytes[p] === 0x2b) {
      negative = bytes[p] === 0x2d;
      p++;
      while (p < end && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
    }
    const digitsStart = p;
    let digits = "";
    while (p < end && (isDigit(bytes[p]!) || bytes[p] === 0x5f)) {
      if (bytes[p] === 0x5f) {
        if (!isDigit(bytes[p - 1] ?? 0) || !isDigit(bytes[p + 1] ?? 0)) {
          throw fail("a misplaced underscore in a number", p);
        }
      } else digits += String.fromCharCode(bytes[p]!);
      p++;
    }
    if (digits === "") throw fail(`expected a value, found ${describe(digitsStart)}`, digitsStart);
    // A float: a fraction or an exponent. Only reported back as "not an int".
    if (p < end && (bytes[p] === 0x2e || bytes[p] === 0x65 || bytes[p] === 0x45)) {
      let q = p;
      let text = digits;
      while (q < end && /[0-9.eE+\-_]/.test(String.fromCharCode(bytes[q]!))) {
        if (bytes[q] !== 0x5f) text += String.fromCharCode(bytes[q]!);
        q++;
      }
      const value = Number(text);
      if (Number.isNaN(value)) throw fail(`"${text}" is not a number`, at);
      pos = q;
      return { kind: "float", value: negative ? -value : value, offset: at };
    }
    if (digits.length > 1 && digits[0] === "0" && /[^0]/.test(digits)) {
      throw fail("integers cannot have leading zeros", digitsStart);
    }
    // Python 2 wrote longs with an L suffix: 3L.
    if (p < end && (bytes[p] === 0x4c || bytes[p] === 0x6c)) p++;
    if (p < end && isNameByte(bytes[p]!)) throw fail(`a number runs into ${describe(p)}`, p);
    pos = p;
    if (digits.length > 400) throw fail("an integer has more than 400 digits", at);
    const value = BigInt(digits);
    return { kind: "int", value: negative ? -value : value, offset: at };
  };

  const parseValue = (depth: number): LiteralNode => {
    if (depth > MAX_DEPTH) throw fail(`literals are nested more than ${MAX_DEPTH} deep`, pos);
    skipSpace();
    if (pos >= end) throw endFail("the dictionary");
    const at = pos;
    const b = bytes[pos]!;
    if (b === 0x27 || b === 0x22) {
      pos++;
      return parseString(b, false, at);
    }
    if (b === 0x7b) {
      pos++;
      const entries: [LiteralNode, LiteralNode][] = [];
      while (true) {
        skipSpace();
        if (pos >= end) throw endFail("the dictionary");
        if (bytes[pos] === 0x7d) {
          pos++;
          return { kind: "dict", entries, offset: at };
        }
        const key = parseValue(depth + 1);
        skipSpace();
        if (pos >= end) throw endFail("the dictionary");
        if (bytes[pos] !== 0x3a) throw fail(`expected ":" but found ${describe(pos)}`, pos);
        pos++;
        const value = parseValue(depth + 1);
        entries.push([key, value]);
        skipSpace();
        if (pos >= end) throw endFail("the dictionary");
        if (bytes[pos] === 0x2c) pos++;
        else if (bytes[pos] !== 0x7d) {
          throw fail(`expected "," or "}" but found ${describe(pos)}`, pos);
        }
      }
    }
    if (b === 0x28 || b === 0x5b) {
      const close = b === 0x28 ? 0x29 : 0x5d;
      const kind = b === 0x28 ? "tuple" : "list";
      pos++;
      const items: LiteralNode[] = [];
      let sawComma = false;
      while (true) {
        skipSpace();
        if (pos >= end) throw endFail(`a ${kind}`);
        if (bytes[pos] === close) {
          pos++;
          // (x) is just x; (x,) and () are tuples.
          if (kind === "tuple" && items.length === 1 && !sawComma) return items[0]!;
          return { kind, items, offset: at };
        }
        items.push(parseValue(depth + 1));
        skipSpace();
        if (pos >= end) throw endFail(`a ${kind}`);
        if (bytes[pos] === 0x2c) {
          sawComma = true;
          pos++;
        } else if (bytes[pos] !== close) {
          throw fail(
            `expected "," or "${String.fromCharCode(close)}" but found ${describe(pos)}`,
            pos,
          );
        }
      }
    }
    if (isDigit(b) || b === 0x2d || b === 0x2b) return parseNumber(at);
    if (isNameByte(b)) {
      let p = pos;
      while (p < end && isNameByte(bytes[p]!)) p++;
      const word = String.fromCharCode(...bytes.subarray(pos, Math.min(p, pos + 40)));
      // String prefixes: u'' and r'' (and their capitals and combination).
      const q = bytes[p];
      if ((q === 0x27 || q === 0x22) && /^(?:[uU]|[rR])$/.test(word)) {
        pos = p + 1;
        return parseString(q, word === "r" || word === "R", at);
      }
      pos = p;
      if (word === "True") return { kind: "bool", value: true, offset: at };
      if (word === "False") return { kind: "bool", value: false, offset: at };
      if (word === "None") return { kind: "none", offset: at };
      throw fail(
        `"${word}" is not a literal (only strings, numbers, True, False and None are)`,
        at,
      );
    }
    throw fail(`expected a value, found ${describe(at)}`, at);
  };

  const node = parseValue(0);
  return { node, end: pos };
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  return -1;
}

/** The offset of the first byte in `[start, end)` that is not header padding, or `end`. */
export function skipPadding(bytes: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end) {
    const b = bytes[p]!;
    if (b === SPACE || b === TAB || b === LF || b === CR || b === FF) p++;
    else break;
  }
  return p;
}

/** A short Python-like rendering of a node, for error messages. */
export function literalText(node: LiteralNode): string {
  switch (node.kind) {
    case "str":
      return `'${node.value.length > 40 ? node.value.slice(0, 40) + "..." : node.value}'`;
    case "int":
      return String(node.value);
    case "float":
      return String(node.value);
    case "bool":
      return node.value ? "True" : "False";
    case "none":
      return "None";
    case "tuple": {
      const inner = node.items.slice(0, 8).map(literalText).join(", ");
      const more = node.items.length > 8 ? ", ..." : "";
      return `(${inner}${node.items.length === 1 ? "," : ""}${more})`;
    }
    case "list":
      return `[${node.items.slice(0, 8).map(literalText).join(", ")}${
        node.items.length > 8 ? ", ..." : ""
      }]`;
    case "dict":
      return "{...}";
  }
}
