/**
 * A strict JSON parser over bytes for safetensors headers. Unlike
 * `JSON.parse` it keeps object keys in order with their byte offsets (so
 * errors can point into the file), reports duplicate keys instead of keeping
 * the last one, and bounds nesting depth.
 *
 * @module
 */

import { MalformedError } from "@ndio/core";

/** A parsed JSON value with the byte offset (in the file) where it starts. */
export type JsonNode =
  | { readonly kind: "null"; readonly at: number }
  | { readonly kind: "boolean"; readonly value: boolean; readonly at: number }
  | { readonly kind: "number"; readonly text: string; readonly at: number }
  | { readonly kind: "string"; readonly value: string; readonly at: number }
  | { readonly kind: "array"; readonly items: readonly JsonNode[]; readonly at: number }
  | { readonly kind: "object"; readonly entries: readonly JsonEntry[]; readonly at: number };

/** One key of a JSON object, in file order. */
export interface JsonEntry {
  /** The key. */
  readonly key: string;
  /** The byte offset of the key's opening quote. */
  readonly at: number;
  /** The value. */
  readonly value: JsonNode;
}

const MAX_DEPTH = 16;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Parses `bytes` as one JSON value followed only by whitespace. `base` is
 * added to every offset (the header starts at byte 8 of a file).
 */
export function parseJson(bytes: Uint8Array, base: number): JsonNode {
  let pos = 0;

  const fail = (message: string, at: number = pos): never => {
    throw new MalformedError(
      "safetensors-header-json",
      `the header is not valid JSON: ${message}`,
      {
        format: "safetensors",
        offset: base + at,
      },
    );
  };

  const skipSpace = (): void => {
    while (isSpace(bytes[pos])) pos++;
  };

  const literal = (word: string): void => {
    for (let i = 0; i < word.length; i++) {
      if (bytes[pos + i] !== word.charCodeAt(i)) fail(`expected "${word}"`);
    }
    pos += word.length;
  };

  const string = (): string => {
    const start = pos;
    pos++; // opening quote
    let escaped = false;
    for (;;) {
      const byte = bytes[pos];
      if (byte === undefined) fail("a string is not closed", start);
      if (byte! < 0x20) fail("a string holds a control character");
      pos++;
      if (escaped) escaped = false;
      else if (byte === 0x5c) escaped = true;
      else if (byte === 0x22) break;
    }
    try {
      // JSON.parse validates the escapes of this one string token.
      return JSON.parse(utf8.decode(bytes.subarray(start, pos))) as string;
    } catch {
      return fail("a string has an invalid escape or is not UTF-8", start);
    }
  };

  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(`values nest deeper than ${MAX_DEPTH} levels`);
    skipSpace();
    const at = base + pos;
    const byte = bytes[pos];
    switch (byte) {
      case undefined:
        return fail("the header ends early");
      case 0x7b: { // {
        pos++;
        const entries: JsonEntry[] = [];
        skipSpace();
        if (bytes[pos] === 0x7d) {
          pos++;
          return { kind: "object", entries, at };
        }
        for (;;) {
          skipSpace();
          if (bytes[pos] !== 0x22) fail("expected a key in double quotes");
          const keyAt = base + pos;
          const key = string();
          skipSpace();
          if (bytes[pos] !== 0x3a) fail('expected ":" after a key');
          pos++;
          entries.push({ key, at: keyAt, value: value(depth + 1) });
          skipSpace();
          if (bytes[pos] === 0x2c) {
            pos++;
            continue;
          }
          if (bytes[pos] === 0x7d) {
            pos++;
            return { kind: "object", entries, at };
          }
          fail('expected "," or "}" in an object');
        }
      }
      case 0x5b: { // [
        pos++;
        const items: JsonNode[] = [];
        skipSpace();
        if (bytes[pos] === 0x5d) {
          pos++;
          return { kind: "array", items, at };
        }
        for (;;) {
          items.push(value(depth + 1));
          skipSpace();
          if (bytes[pos] === 0x2c) {
            pos++;
            continue;
          }
          if (bytes[pos] === 0x5d) {
            pos++;
            return { kind: "array", items, at };
          }
          fail('expected "," or "]" in an array');
        }
      }
      case 0x22:
        return { kind: "string", value: string(), at };
      case 0x74:
        literal("true");
        return { kind: "boolean", value: true, at };
      case 0x66:
        literal("false");
        return { kind: "boolean", value: false, at };
      case 0x6e:
        literal("null");
        return { kind: "null", at };
      default: {
        const start = pos;
        while (pos < bytes.length && /[-+.0-9eE]/.test(String.fromCharCode(bytes[pos]!))) pos++;
        const text = String.fromCharCode(...bytes.subarray(start, Math.min(pos, start + 400)));
        if (pos === start || pos - start > 400 || !NUMBER.test(text)) {
          fail("unexpected character", start);
        }
        return { kind: "number", text, at };
      }
    }
  };

  const root = value(1);
  skipSpace();
  if (pos !== bytes.length) fail("unexpected data after the header's closing brace");
  return root;
}
