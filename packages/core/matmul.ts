/**
 * The matrix product with NumPy's semantics (`np.matmul`, Python's `@`).
 *
 * @module
 */

import type { DType } from "./dtype.ts";
import { ArgumentError } from "./errors.ts";
import { NDArray } from "./ndarray.ts";
import { promoteTypes } from "./cast.ts";
import {
  allocateBuffer,
  arrayFromBuffer,
  castValues,
  contiguousBuffer,
  type NumericBuffer,
} from "./_cast_kernels.ts";
import { halfToNumber, numberToHalf } from "./_float16.ts";

const SIGNATURE = "(n?,k),(k,m?)->(n?,m?)";

function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ArgumentError(
        "matmul-shape",
        `matmul: the stacks of shapes (${a.join(", ")}) and (${
          b.join(", ")
        }) cannot be broadcast together`,
      );
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element offsets (in matrices) of each output batch in an operand with batch shape `own`. */
function batchOffsets(out: readonly number[], own: readonly number[]): number[] {
  const total = out.reduce((p, d) => p * d, 1);
  const offsets = new Array<number>(total);
  const pad = out.length - own.length;
  // Matrix strides of the operand's own batch axes (C order).
  const strides = new Array<number>(own.length);
  let step = 1;
  for (let i = own.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= own[i]!;
  }
  const index = new Array<number>(out.length).fill(0);
  for (let t = 0; t < total; t++) {
    let at = 0;
    for (let i = 0; i < own.length; i++) {
      if (own[i] !== 1) at += index[pad + i]! * strides[i]!;
    }
    offsets[t] = at;
    for (let i = out.length - 1; i >= 0; i--) {
      if (++index[i]! < out[i]!) break;
      index[i] = 0;
    }
  }
  return offsets;
}

/**
 * The matrix product `a @ b`, as `np.matmul`: 1-D operands are vectors
 * (a row on the left, a column on the right, the added axis removed from the
 * result), operands of more than two dimensions are stacks of matrices whose
 * leading axes broadcast. The result dtype is NumPy's: the promoted type of
 * the operands (`int64` wraps on overflow as in NumPy; `bool @ bool` is
 * `bool`). Integer products are exact; floats accumulate in double precision
 * (float16 in float32, as NumPy does), so float results can differ from
 * NumPy's BLAS in the last bits. Long doubles are unsupported.
 *
 * @example
 * ```ts
 * import { array, matmul } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const m = array([[1, 2], [3, 4]], { dtype: "<i4" });
 * assert.deepEqual(matmul(m, array([1, 1], { dtype: "<i4" })).toNested(), [3, 7]);
 * assert.equal(matmul(m, array([0.5, 0.5])).dtype.str, "<f8");
 * ```
 *
 * @param a The left operand.
 * @param b The right operand.
 * @returns The product (0-d for two vectors).
 */
export function matmul(a: NDArray, b: NDArray): NDArray {
  if (!(a instanceof NDArray) || !(b instanceof NDArray)) {
    throw new ArgumentError("matmul-operand", "matmul needs two arrays");
  }
  a.dtype.assertArithmetic("matmul");
  b.dtype.assertArithmetic("matmul");
  for (const [which, x] of [[0, a], [1, b]] as const) {
    if (x.ndim === 0) {
      throw new ArgumentError(
        "matmul-shape",
        `matmul: input operand ${which} does not have enough dimensions (has 0, gufunc core with signature ${SIGNATURE} requires 1)`,
      );
    }
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const aShape = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bShape = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const n = aShape[aShape.length - 2]!;
  const k = aShape[aShape.length - 1]!;
  const m = bShape[bShape.length - 1]!;
  if (bShape[bShape.length - 2] !== k) {
    throw new ArgumentError(
      "matmul-shape",
      `matmul: input operand 1 has a mismatch in its core dimension 0, with gufunc signature ${SIGNATURE} (size ${
        bShape[bShape.length - 2]
      } is different from ${k})`,
    );
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastBatch(aBatch, bBatch);
  const outShape = [...batch];
  if (a.ndim > 1) outShape.push(n);
  if (b.ndim > 1) outShape.push(m);
  const batches = batch.reduce((p, d) => p * d, 1);
  const x = contiguousBuffer(a.dtype.equals(dtype) ? a : castValues(a, dtype));
  const y = contiguousBuffer(b.dtype.equals(dtype) ? b : castValues(b, dtype));
  const out = allocateBuffer(dtype, batches * n * m);
  const aOffsets = batchOffsets(batch, aBatch);
  const bOffsets = batchOffsets(batch, bBatch);
  const kernel = kernelFor(dtype, x, y, n, k, m);
  for (let t = 0; t < batches; t++) {
    kernel(x, aOffsets[t]! * n * k, y, bOffsets[t]! * k * m, out, t * n * m);
  }
  return arrayFromBuffer(out, dtype, outShape);
}

type Kernel = (
  a: NumericBuffer,
  aAt: number,
  b: NumericBuffer,
  bAt: number,
  out: NumericBuffer,
  outAt: number,
) => void;

function kernelFor(
  dtype: DType,
  x: NumericBuffer,
  y: NumericBuffer,
  n: number,
  k: number,
  m: number,
): Kernel {
  switch (dtype.kind) {
    case "b":
      return (a, aAt, b, bAt, out, outAt) => boolKernel(a, aAt, b, bAt, out, outAt, n, k, m);
    case "c":
      return (a, aAt, b, bAt, out, outAt) =>
        complexKernel(
          a as Float64Array,
          aAt,
          b as Float64Array,
          bAt,
          out as Float64Array,
          outAt,
          n,
          k,
          m,
        );
    case "f":
      if (dtype.itemsize === 2) {
        return (a, aAt, b, bAt, out, outAt) =>
          halfKernel(
            a as Uint16Array,
            aAt,
            b as Uint16Array,
            bAt,
            out as Uint16Array,
            outAt,
            n,
            k,
            m,
          );
      }
      return (a, aAt, b, bAt, out, outAt) => {
        const acc = new Float64Array(n * m);
        floatKernel(a as Float64Array, aAt, b as Float64Array, bAt, acc, n, k, m);
        (out as Float64Array).set(acc, outAt);
      };
  }
  if (dtype.itemsize < 8) {
    return (a, aAt, b, bAt, out, outAt) => {
      const acc = new Int32Array(n * m);
      int32Kernel(a as Int32Array, aAt, b as Int32Array, bAt, acc, n, k, m);
      (out as Int32Array).set(acc, outAt);
    };
  }
  // 64-bit integers: exact in doubles when no partial sum can pass 2^53.
  const bound = maxAbs(x as BigInt64Array) * maxAbs(y as BigInt64Array) * k;
  if (bound < 2 ** 53) {
    const xf = Float64Array.from(x as BigInt64Array, Number);
    const yf = Float64Array.from(y as BigInt64Array, Number);
    return (_a, aAt, _b, bAt, out, outAt) => {
      const acc = new Float64Array(n * m);
      floatKernel(xf, aAt, yf, bAt, acc, n, k, m);
      const target = out as BigInt64Array;
      for (let i = 0; i < acc.length; i++) target[outAt + i] = BigInt(acc[i]!);
    };
  }
  return (a, aAt, b, bAt, out, outAt) =>
    bigKernel(
      a as BigInt64Array,
      aAt,
      b as BigInt64Array,
      bAt,
      out as BigInt64Array,
      outAt,
      n,
      k,
      m,
    );
}

function maxAbs(values: BigInt64Array | BigUint64Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(Number(values[i]!));
    if (v > max) max = v;
  }
  return max;
}

// The innermost loops are small functions of their own: engines compile a
// hot small function at once, while a hot loop nested in a long-running one
// is compiled "on stack" and thrown away each time the inner loop exits.

/** acc[row + j] += v × b[from + j] for j < m. */
function axpy(
  acc: Float64Array,
  row: number,
  v: number,
  b: ArrayLike<number>,
  from: number,
  m: number,
): void {
  for (let j = 0; j < m; j++) acc[row + j]! += v * b[from + j]!;
}

function floatKernel(
  a: ArrayLike<number>,
  aAt: number,
  b: ArrayLike<number>,
  bAt: number,
  acc: Float64Array,
  n: number,
  k: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) axpy(acc, i * m, a[aAt + i * k + p]!, b, bAt + p * m, m);
  }
}

/** The same in wrapping 32-bit integer arithmetic. */
function axpyInt32(
  acc: Int32Array,
  row: number,
  v: number,
  b: ArrayLike<number>,
  from: number,
  m: number,
): void {
  for (let j = 0; j < m; j++) acc[row + j] = (acc[row + j]! + Math.imul(v, b[from + j]!)) | 0;
}

function int32Kernel(
  a: ArrayLike<number>,
  aAt: number,
  b: ArrayLike<number>,
  bAt: number,
  acc: Int32Array,
  n: number,
  k: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) axpyInt32(acc, i * m, a[aAt + i * k + p]! | 0, b, bAt + p * m, m);
  }
}

function bigKernel(
  a: BigInt64Array,
  aAt: number,
  b: BigInt64Array,
  bAt: number,
  out: BigInt64Array,
  outAt: number,
  n: number,
  k: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0n;
      for (let p = 0; p < k; p++) sum += a[aAt + i * k + p]! * b[bAt + p * m + j]!;
      // Storing into a 64-bit typed array wraps modulo 2^64, as NumPy's integers do.
      out[outAt + i * m + j] = sum;
    }
  }
}

function boolKernel(
  a: NumericBuffer,
  aAt: number,
  b: NumericBuffer,
  bAt: number,
  out: NumericBuffer,
  outAt: number,
  n: number,
  k: number,
  m: number,
): void {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  const o = out as Uint8Array;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      if (x[aAt + i * k + p] === 0) continue;
      const from = bAt + p * m;
      const row = outAt + i * m;
      for (let j = 0; j < m; j++) if (y[from + j] !== 0) o[row + j] = 1;
    }
  }
}

function halfKernel(
  a: Uint16Array,
  aAt: number,
  b: Uint16Array,
  bAt: number,
  out: Uint16Array,
  outAt: number,
  n: number,
  k: number,
  m: number,
): void {
  // NumPy sums float16 products in float32; a product of two halves is exact in float32.
  const x = Float64Array.from(a.subarray(aAt, aAt + n * k), halfToNumber);
  const y = Float64Array.from(b.subarray(bAt, bAt + k * m), halfToNumber);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum = Math.fround(sum + x[i * k + p]! * y[p * m + j]!);
      out[outAt + i * m + j] = numberToHalf(sum);
    }
  }
}

function complexKernel(
  a: ArrayLike<number>,
  aAt: number,
  b: ArrayLike<number>,
  bAt: number,
  out: Float32Array | Float64Array,
  outAt: number,
  n: number,
  k: number,
  m: number,
): void {
  const acc = new Float64Array(2 * n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const at = 2 * (aAt + i * k + p);
      complexAxpy(acc, 2 * i * m, a[at]!, a[at + 1]!, b, 2 * (bAt + p * m), m);
    }
  }
  out.set(acc, 2 * outAt);
}

/** acc[row + j] += (re + i·im) × b[from + j] over m interleaved complex values. */
function complexAxpy(
  acc: Float64Array,
  row: number,
  re: number,
  im: number,
  b: ArrayLike<number>,
  from: number,
  m: number,
): void {
  for (let j = 0; j < m; j++) {
    const c = b[from + 2 * j]!;
    const d = b[from + 2 * j + 1]!;
    acc[row + 2 * j]! += re * c - im * d;
    acc[row + 2 * j + 1]! += re * d + im * c;
  }
}
