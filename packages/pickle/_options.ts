// Options of the reader, checked because plugin callers pass untyped values.

import { ArgumentError } from "@ndio/core";

/** Options of {@linkcode loads} and {@linkcode loadsPrefix}. */
export interface LoadsOptions {
  /**
   * Turn globals outside the allowlist into inert `PyObject` placeholders
   * (recording what the pickle did with them) instead of refusing the
   * pickle (default false). Nothing runs either way.
   */
  readonly inert?: boolean;
  /**
   * The out-of-band buffers of a protocol-5 pickle, in order, as
   * `pickle.loads(data, buffers=...)` takes them (one per NEXT_BUFFER).
   */
  readonly buffers?: readonly Uint8Array[];
  /** The most memo entries (default 10,000,000). */
  readonly maxMemo?: number;
  /** The most values on the stack at once (default 10,000,000). */
  readonly maxStack?: number;
  /** The deepest nesting of marks and of containers in the result (default 1,000). */
  readonly maxNesting?: number;
  /**
   * The most bytes the reader may allocate for decoded strings, copies and
   * containers (default 4 GiB). Array and bytes data that stay views of the
   * input do not count.
   */
  readonly maxAllocation?: number;
  /** The most opcodes executed (default 1,000,000,000). */
  readonly maxOpcodes?: number;
}

/** The limits in force, defaults filled in. */
export interface Limits {
  readonly maxMemo: number;
  readonly maxStack: number;
  readonly maxNesting: number;
  readonly maxAllocation: number;
  readonly maxOpcodes: number;
}

/** The default limits. */
export const DEFAULT_LIMITS: Limits = {
  maxMemo: 10_000_000,
  maxStack: 10_000_000,
  maxNesting: 1_000,
  maxAllocation: 4 * 2 ** 30,
  maxOpcodes: 1_000_000_000,
};

export interface CheckedLoadsOptions extends Limits {
  readonly inert: boolean;
  readonly buffers: readonly Uint8Array[] | null;
}

/** Checks reader options, filling in defaults; unknown keys are ignored (plugins share options). */
export function checkLoadsOptions(options: LoadsOptions | undefined): CheckedLoadsOptions {
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o !== "object" || o === null) {
    throw new ArgumentError("option-invalid", "the options must be an object");
  }
  const limit = (name: keyof Limits): number => {
    const value = o[name];
    if (value === undefined) return DEFAULT_LIMITS[name];
    if (
      typeof value !== "number" || !(value >= 0) || !Number.isInteger(value) && value !== Infinity
    ) {
      throw new ArgumentError(
        "option-invalid",
        `${name} must be a non-negative integer, not ${String(value)}`,
      );
    }
    return value;
  };
  const inert = o.inert ?? false;
  if (typeof inert !== "boolean") {
    throw new ArgumentError("option-invalid", `inert must be true or false, not ${String(inert)}`);
  }
  const buffers = o.buffers ?? null;
  if (
    buffers !== null &&
    (!Array.isArray(buffers) || !buffers.every((b) => b instanceof Uint8Array))
  ) {
    throw new ArgumentError("option-invalid", "buffers must be an array of Uint8Array");
  }
  return {
    inert,
    buffers,
    maxMemo: limit("maxMemo"),
    maxStack: limit("maxStack"),
    maxNesting: limit("maxNesting"),
    maxAllocation: limit("maxAllocation"),
    maxOpcodes: limit("maxOpcodes"),
  };
}
