// Option checking shared by the readers and writers: options may come from
// plugin callers as untyped values, so each is checked before use.

import {
  ArgumentError,
  type DType,
  ForbiddenError,
  MalformedError,
  NDArray,
  type PickleCodec,
  type PluginOptions,
} from "@ndio/core";

/** Options about object (`|O`) arrays, whose data is a pickle. */
export interface NpyPickleOptions {
  /**
   * Decode object arrays (default false when reading: their data is a pickle).
   * Needs a {@linkcode NpyPickleOptions.pickle} codec. When writing, set it
   * to false to refuse object arrays.
   */
  readonly allowPickle?: boolean;
  /** The pickle codec that decodes and encodes object arrays, such as `@ndio/pickle`'s. */
  readonly pickle?: PickleCodec;
  /** Options passed to the pickle codec. */
  readonly pickleOptions?: PluginOptions;
}

export function checkBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new ArgumentError("option-invalid", `${name} must be true or false, not ${String(value)}`);
}

export function checkCodec(value: unknown): PickleCodec | undefined {
  if (value === undefined) return undefined;
  const codec = value as Partial<PickleCodec> | null;
  if (
    codec === null || typeof codec !== "object" || typeof codec.loads !== "function" ||
    typeof codec.dumps !== "function"
  ) {
    throw new ArgumentError(
      "option-invalid",
      "pickle must be a pickle codec with loads() and dumps()",
    );
  }
  return codec as PickleCodec;
}

export function checkArray(value: unknown, what = "the value to write"): NDArray {
  if (value instanceof NDArray) return value;
  throw new ArgumentError("npy-not-an-array", `${what} must be an NDArray`);
}

/**
 * Decodes the pickled data of an object array, or refuses to. With
 * `prefix`, the pickle may be followed by more data and its length is
 * returned (null when the codec cannot tell: it then runs to the end).
 */
export function loadObjectArray(
  payload: Uint8Array,
  dtype: DType,
  shape: readonly number[],
  options: NpyPickleOptions | undefined,
  offset: number,
  prefix = false,
): { array: NDArray; length: number | null } {
  const allow = checkBoolean("allowPickle", options?.allowPickle) ?? false;
  const codec = checkCodec(options?.pickle);
  if (!allow) {
    throw new ForbiddenError(
      "npy-pickle-forbidden",
      `the array has dtype "${dtype.str}", so its data is a pickle, which is not loaded by ` +
        `default; to decode it, pass allowPickle: true and a pickle codec (pickle: the codec ` +
        `from @ndio/pickle, which never runs code from the file)`,
      { format: "npy" },
    );
  }
  if (codec === undefined) {
    throw new ArgumentError(
      "npy-no-pickle-codec",
      `the array has dtype "${dtype.str}", so its data is a pickle: allowPickle is true but no ` +
        `pickle codec was given (pass one as the pickle option, e.g. from @ndio/pickle)`,
    );
  }
  let value: unknown;
  let length: number | null = null;
  if (prefix && typeof codec.loadsPrefix === "function") {
    const result = codec.loadsPrefix(payload, options?.pickleOptions);
    value = result.value;
    length = result.length;
    if (!Number.isSafeInteger(length) || length < 1 || length > payload.length) {
      throw new ArgumentError(
        "npy-pickle-codec",
        `the pickle codec reported a pickle of ${length} bytes in ${payload.length}`,
      );
    }
  } else {
    value = codec.loads(payload, options?.pickleOptions);
  }
  if (!(value instanceof NDArray)) {
    throw new MalformedError(
      "npy-pickle-not-array",
      `the pickle of an object array holds ${describe(value)}, not an array`,
      { format: "npy", offset },
    );
  }
  if (value.shape.join() !== shape.join()) {
    throw new MalformedError(
      "npy-pickle-shape",
      `the header says shape (${shape.join(", ")}) but the pickled array has shape (${
        value.shape.join(", ")
      })`,
      { format: "npy", offset },
    );
  }
  return { array: value, length };
}

/** Encodes the data of an object array as a pickle, or refuses to. */
export function dumpObjectArray(array: NDArray, options: NpyPickleOptions | undefined): Uint8Array {
  const allow = checkBoolean("allowPickle", options?.allowPickle) ?? true;
  const codec = checkCodec(options?.pickle);
  if (!allow) {
    throw new ForbiddenError(
      "npy-pickle-forbidden",
      `an array of dtype "${array.dtype.str}" is stored as a pickle, and allowPickle is false`,
      { format: "npy" },
    );
  }
  if (codec === undefined) {
    throw new ArgumentError(
      "npy-no-pickle-codec",
      `an array of dtype "${array.dtype.str}" is stored as a pickle: pass a pickle codec as ` +
        `the pickle option (e.g. from @ndio/pickle)`,
    );
  }
  // NumPy pickles the whole array with protocol 4.
  return codec.dumps(array, { protocol: 4, ...options?.pickleOptions });
}

function describe(value: unknown): string {
  if (value === null) return "None";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Map) return "a dict";
  if (typeof value === "object") return `a ${value.constructor?.name ?? "value"}`;
  return `a ${typeof value}`;
}
