// Byte and string conversions the pickle machine needs: UTF-8 with lone
// surrogates (Python's "surrogatepass"), latin-1, Python's escape codecs
// for the text opcodes of protocol 0, and integers of any size.

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Decodes UTF-8 as Python's `bytes.decode("utf-8", "surrogatepass")`; null when invalid. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  let ascii = true;
  if (bytes.length < 64) {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...bytes);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeUtf8Surrogates(bytes);
  }
}

// The slow path: UTF-8 that encodes surrogates (ED A0..BF xx), which
// CPython's pickler writes for lone surrogates.
function decodeUtf8Surrogates(bytes: Uint8Array): string | null {
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let cp: number;
    let n: number;
    if (b < 0x80) {
      cp = b;
      n = 1;
    } else if (b >= 0xc2 && b < 0xe0) {
      cp = b & 0x1f;
      n = 2;
    } else if (b >= 0xe0 && b < 0xf0) {
      cp = b & 0x0f;
      n = 3;
    } else if (b >= 0xf0 && b < 0xf5) {
      cp = b & 0x07;
      n = 4;
    } else return null;
    if (i + n > bytes.length) return null;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    i += n;
  }
  let out = "";
  for (let k = 0; k < units.length; k += 8192) {
    out += String.fromCharCode(...units.slice(k, k + 8192));
  }
  return out;
}

/** Encodes a string as UTF-8, lone surrogates included (Python's "surrogatepass"). */
export function encodeUtf8(text: string): Uint8Array {
  if (text.isWellFormed()) return encoder.encode(text);
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) {
      out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    } else {
      out.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 0x3f),
        0x80 | ((cp >> 6) & 0x3f),
        0x80 | (cp & 0x3f),
      );
    }
  }
  return new Uint8Array(out);
}

/** Bytes as a string of one char per byte (latin-1). */
export function latin1String(bytes: Uint8Array): string {
  let out = "";
  for (let k = 0; k < bytes.length; k += 8192) {
    out += String.fromCharCode(...bytes.subarray(k, k + 8192));
  }
  return out;
}

/** A string of chars up to U+00FF as bytes (latin-1), or null if a char is wider. */
export function latin1Bytes(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return null;
    out[i] = c;
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  "\\": 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/**
 * The body of a protocol-0 STRING (a quoted Python 2 `repr`) decoded as
 * `codecs.escape_decode` does, as a latin-1 string; null when malformed.
 */
export function decodeStringEscape(body: string): string | null {
  if (!body.includes("\\")) return body;
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c !== 0x5c) {
      out.push(c & 0xff);
      continue;
    }
    const e = body[++i];
    if (e === undefined) return null;
    if (e === "\n") continue;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) out.push(simple);
    else if (e === "x") {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (e >= "0" && e <= "7") {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i, i + 3))![0];
      out.push(parseInt(oct, 8) & 0xff);
      i += oct.length - 1;
    } else out.push(0x5c, e.charCodeAt(0) & 0xff);
  }
  return latin1String(new Uint8Array(out));
}

/** A protocol-0 UNICODE line decoded as Python's "raw-unicode-escape"; null when malformed. */
export function decodeRawUnicodeEscape(bytes: Uint8Array): string | null {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x5c && (bytes[i + 1] === 0x75 || bytes[i + 1] === 0x55)) {
      // An odd run of backslashes before u/U starts an escape.
      let run = 1;
      while (i - run >= 0 && bytes[i - run] === 0x5c) run++;
      if (run % 2 === 1) {
        const width = bytes[i + 1] === 0x75 ? 4 : 8;
        const hex = latin1String(bytes.subarray(i + 2, i + 2 + width));
        if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return null;
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) return null;
        out += String.fromCodePoint(cp);
        i += 1 + width;
        continue;
      }
    }
    out += String.fromCharCode(c);
  }
  return out;
}

/** A Python `int` as the value tree holds it: a number within ±2^53, else a bigint. */
export function intValue(value: bigint): number | bigint {
  return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value;
}

/** Little-endian two's-complement bytes (LONG1, LONG4) as an int. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  const n = bytes.length;
  if (n === 0) return 0;
  if (n <= 6) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[i]!;
    if (bytes[n - 1]! >= 0x80) v -= 2 ** (8 * n);
    return v;
  }
  let hex = "";
  for (let i = n - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, "0");
  let v = BigInt("0x" + hex);
  if (bytes[n - 1]! >= 0x80) v -= 1n << BigInt(8 * n);
  return intValue(v);
}

/** An int as the fewest little-endian two's-complement bytes (what LONG1 holds). */
export function encodeLong(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const negative = value < 0n;
  let hex = (negative ? -value - 1n : value).toString(16);
  if (hex.length % 2 === 1) hex = "0" + hex;
  let n = hex.length / 2;
  const top = parseInt(hex.slice(0, 2), 16);
  if (top >= 0x80) n++;
  const out = new Uint8Array(n);
  for (let i = 0; i < hex.length / 2; i++) {
    out[i] = parseInt(hex.slice(hex.length - 2 * i - 2, hex.length - 2 * i), 16);
  }
  if (negative) { for (let i = 0; i < n; i++) out[i] = ~out[i]! & 0xff; }
  return out;
}
