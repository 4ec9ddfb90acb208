/**
 * Conversions for the safetensors float types NumPy has no dtype for:
 * bfloat16 and the two 8-bit floats of the OCP FP8 specification. All widen
 * exactly to float32.
 *
 * @module
 */

/** Widens little-endian bfloat16 bytes to float32: a bfloat16 is the top half of a float32. */
export function bfloat16ToFloat32(bytes: Uint8Array): Float32Array {
  const n = bytes.length >>> 1;
  const out = new Uint32Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    out[i] = ((bytes[j + 1]! << 8) | bytes[j]!) << 16;
  }
  return new Float32Array(out.buffer);
}

/**
 * Narrows float32 values to little-endian bfloat16 bytes, rounding to the
 * nearest even as PyTorch's `to(torch.bfloat16)` does. NaN stays NaN.
 */
export function float32ToBfloat16(values: Float32Array): Uint8Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint8Array(values.length * 2);
  for (let i = 0, j = 0; i < bits.length; i++, j += 2) {
    const b = bits[i]!;
    let half: number;
    if ((b & 0x7fffffff) > 0x7f800000) {
      half = (b >>> 16) | 0x0040; // NaN: keep the sign, force a quiet NaN payload
    } else {
      half = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
    }
    out[j] = half & 0xff;
    out[j + 1] = (half >>> 8) & 0xff;
  }
  return out;
}

/** The 256 values of an 8-bit float format, as float32 values. */
function float8Table(
  exponentBits: number,
  mantissaBits: number,
  finiteOnly: boolean,
): Float32Array {
  const table = new Float32Array(256);
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  for (let byte = 0; byte < 256; byte++) {
    const sign = byte & 0x80 ? -1 : 1;
    const exponent = (byte >> mantissaBits) & maxExponent;
    const mantissa = byte & ((1 << mantissaBits) - 1);
    let value: number;
    if (finiteOnly) {
      // E4M3FN: no infinities; only all-ones exponent with all-ones mantissa is NaN.
      if (exponent === maxExponent && mantissa === (1 << mantissaBits) - 1) value = NaN;
      else if (exponent === 0) value = mantissa * 2 ** (1 - bias - mantissaBits);
      else value = (1 + mantissa / (1 << mantissaBits)) * 2 ** (exponent - bias);
    } else if (exponent === maxExponent) {
      value = mantissa === 0 ? Infinity : NaN;
    } else if (exponent === 0) {
      value = mantissa * 2 ** (1 - bias - mantissaBits);
    } else {
      value = (1 + mantissa / (1 << mantissaBits)) * 2 ** (exponent - bias);
    }
    table[byte] = sign * value;
  }
  return table;
}

let e4m3: Float32Array | undefined;
let e5m2: Float32Array | undefined;

/** Widens `F8_E4M3` (E4M3FN: bias 7, no infinities) bytes to float32. */
export function float8E4M3ToFloat32(bytes: Uint8Array): Float32Array {
  e4m3 ??= float8Table(4, 3, true);
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = e4m3[bytes[i]!]!;
  return out;
}

/** Widens `F8_E5M2` (bias 15, IEEE-style infinities and NaNs) bytes to float32. */
export function float8E5M2ToFloat32(bytes: Uint8Array): Float32Array {
  e5m2 ??= float8Table(5, 2, false);
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = e5m2[bytes[i]!]!;
  return out;
}
