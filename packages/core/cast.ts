/**
 * NumPy's numeric casting: which casts a rule allows ({@linkcode canCast}),
 * the common type of two dtypes ({@linkcode promoteTypes}), and the value
 * conversions of `NDArray.astype` — integer overflow wraps, floats truncate
 * toward zero, complex to real keeps the real part, anything to bool is
 * "non-zero".
 *
 * NumPy leaves float-to-integer casts of NaN, infinities and out-of-range
 * values undefined (it warns "invalid value encountered in cast"); ndio gives
 * the values NumPy's vectorised loops give on x86-64, documented per type in
 * `_cast_kernels.ts`. Long doubles (`f16`, `c32`) are carried as raw bytes, so
 * casting them (other than to another byte order) is unsupported.
 *
 * @module
 */

import { DType } from "./dtype.ts";
import type { Descr } from "./dtype.ts";
import { ArgumentError, UnsupportedError } from "./errors.ts";
import { dtypeRepr } from "./_dtype_str.ts";
import { NDArray } from "./ndarray.ts";
import { castValues } from "./_cast_kernels.ts";
import { reorderInPlace } from "./_byteswap.ts";

/** NumPy's casting rules, from strictest to loosest. */
export type Casting = "no" | "equiv" | "safe" | "same_kind" | "unsafe";

const CASTINGS: ReadonlySet<string> = new Set(["no", "equiv", "safe", "same_kind", "unsafe"]);

/** Checks a casting rule name. */
export function checkCasting(casting: unknown): Casting {
  if (typeof casting !== "string" || !CASTINGS.has(casting)) {
    throw new ArgumentError(
      "casting-invalid",
      `casting must be "no", "equiv", "safe", "same_kind" or "unsafe", not ${
        JSON.stringify(casting) ?? String(casting)
      }`,
    );
  }
  return casting as Casting;
}

function isNumber(dtype: DType): boolean {
  return dtype.isNumeric;
}

// Order of kinds for same_kind: bool < unsigned < signed < float < complex.
const KIND_ORDER: Readonly<Record<string, number>> = { b: 0, u: 1, i: 2, f: 3, c: 4 };

/** The smallest float size that holds every value of an integer type exactly. */
function floatSizeFor(kind: string, itemsize: number): number {
  if (kind === "b") return 2;
  if (itemsize === 1) return 2;
  if (itemsize === 2) return 4;
  return 8;
}

function safeNumeric(from: DType, to: DType): boolean {
  const a = from.kind;
  const b = to.kind;
  const m = from.itemsize;
  const n = to.itemsize;
  if (a === "b") return true;
  if (b === "b") return false;
  switch (a) {
    case "u":
      if (b === "u") return n >= m;
      if (b === "i") return n > m;
      if (b === "f") return n >= floatSizeFor(a, m);
      return n >= 2 * floatSizeFor(a, m);
    case "i":
      if (b === "u") return false;
      if (b === "i") return n >= m;
      if (b === "f") return n >= floatSizeFor(a, m);
      return n >= 2 * floatSizeFor(a, m);
    case "f":
      if (b === "f") return n >= m;
      if (b === "c") return n >= 2 * m;
      return false;
    case "c":
      return b === "c" && n >= m;
  }
  return false;
}

function sameLayout(a: DType, b: DType): boolean {
  return a.toNative().equals(b.toNative());
}

/**
 * Whether NumPy allows casting `from` to `to` under a rule (`np.can_cast`),
 * for numeric dtypes (bool, integers, floats, complex). `no` and `equiv`
 * apply to every dtype; the other rules to numeric dtypes and to dtypes that
 * differ only in byte order.
 *
 * @example
 * ```ts
 * import { canCast } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(canCast("<i4", "<f8", "safe"), true);
 * assert.equal(canCast("<f8", "<i8", "safe"), false);
 * assert.equal(canCast("<f8", "<f4", "same_kind"), true);
 * assert.equal(canCast("<i8", "<u1", "same_kind"), false);
 * ```
 *
 * @param from The source dtype.
 * @param to The target dtype.
 * @param casting The rule (default `safe`, as NumPy's).
 * @returns Whether the cast is allowed.
 */
export function canCast(
  from: DType | Descr,
  to: DType | Descr,
  casting: Casting = "safe",
): boolean {
  const a = DType.parse(from);
  const b = DType.parse(to);
  const rule = checkCasting(casting);
  if (rule === "no") return a.equals(b);
  if (sameLayout(a, b)) return true;
  if (rule === "equiv") return false;
  if (!isNumber(a) || !isNumber(b)) {
    throw new UnsupportedError(
      "cast-unsupported",
      `ndio casts between numeric dtypes only, not from "${a.str}" to "${b.str}"`,
    );
  }
  if (rule === "unsafe") return true;
  if (safeNumeric(a, b)) return true;
  return rule === "same_kind" && KIND_ORDER[a.kind]! <= KIND_ORDER[b.kind]!;
}

function numeric(kind: string, itemsize: number): DType {
  const code = kind === "b" ? "|b1" : `${itemsize === 1 ? "|" : "<"}${kind}${itemsize}`;
  return DType.parse(code).toNative();
}

/**
 * The smallest dtype both can be cast to safely (`np.promote_types`), in
 * native byte order, for numeric dtypes: `int64` with `float32` gives
 * `float64`, `uint8` with `int8` gives `int16`, `uint64` with `int64` gives
 * `float64`. Equal non-numeric dtypes promote to themselves.
 *
 * @example
 * ```ts
 * import { promoteTypes } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(promoteTypes("<i8", "<f4").str, "<f8");
 * assert.equal(promoteTypes("|u1", "|i1").str, "<i2");
 * assert.equal(promoteTypes(">f4", ">f4").str, "<f4");
 * ```
 *
 * @param a A dtype.
 * @param b Another dtype.
 * @returns The promoted dtype.
 */
export function promoteTypes(a: DType | Descr, b: DType | Descr): DType {
  const x = DType.parse(a);
  const y = DType.parse(b);
  if (!isNumber(x) || !isNumber(y)) {
    if (sameLayout(x, y)) return x.toNative();
    throw new UnsupportedError(
      "promote-unsupported",
      `ndio promotes numeric dtypes only, not "${x.str}" with "${y.str}"`,
    );
  }
  if (x.kind === "b") return y.toNative();
  if (y.kind === "b") return x.toNative();
  const [p, q] = KIND_ORDER[x.kind]! <= KIND_ORDER[y.kind]! ? [x, y] : [y, x];
  // p's kind is lower or equal: u <= i <= f <= c.
  if (p.kind === q.kind) return numeric(p.kind, Math.max(p.itemsize, q.itemsize));
  if (q.kind === "i") {
    // p is unsigned.
    if (q.itemsize > p.itemsize) return q.toNative();
    return p.itemsize >= 8 ? numeric("f", 8) : numeric("i", p.itemsize * 2);
  }
  const floatSize = p.kind === "f" ? p.itemsize : floatSizeFor(p.kind, p.itemsize);
  if (q.kind === "f") return numeric("f", Math.max(q.itemsize, floatSize));
  // q is complex.
  return numeric("c", Math.max(q.itemsize, 2 * floatSize));
}

/** The error NumPy raises when a rule forbids a cast. */
export function castError(from: DType, to: DType, casting: Casting): ArgumentError {
  return new ArgumentError(
    "cast-not-allowed",
    `cannot cast array data from ${dtypeRepr(from)} to ${
      dtypeRepr(to)
    } according to the rule '${casting}'`,
  );
}

/** Options of `NDArray.astype`. */
export interface AstypeOptions {
  /** The rule the cast must satisfy (default `"unsafe"`, as NumPy's `astype`). */
  readonly casting?: Casting;
  /** `false` returns the array itself when its dtype is already the one asked for (default true). */
  readonly copy?: boolean;
}

/** `a.astype(to, options)`: see `NDArray.astype`. */
export function castArray(a: NDArray, to: DType, options?: AstypeOptions): NDArray {
  const casting = checkCasting(options?.casting ?? "unsafe");
  const copy = options?.copy ?? true;
  if (typeof copy !== "boolean") {
    throw new ArgumentError("copy-invalid", `copy must be true or false, not ${String(copy)}`);
  }
  const from = a.dtype;
  if (from.equals(to)) return copy ? a.copy("K") : a;
  if (sameLayout(from, to)) {
    if (casting === "no") throw castError(from, to, casting);
    const out = a.copy("C");
    reorderInPlace(out.data, from, to, out.size);
    return new NDArray(to, out.shape, {
      data: out.data,
      ...(out.objects === null ? {} : { objects: out.objects }),
    });
  }
  if (!canCast(from, to, casting)) throw castError(from, to, casting);
  if (from.isLongDouble || to.isLongDouble) {
    throw new UnsupportedError(
      "long-double",
      `casting "${from.str}" to "${to.str}" is not supported: ndio carries long doubles as raw bytes only`,
    );
  }
  return castValues(a, to);
}
