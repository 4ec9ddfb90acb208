/**
 * ndio's error types. Every error ndio throws on purpose carries a stable
 * `code` and passes `instanceof NdioError`, whatever built-in class it derives
 * from: bad arguments are {@linkcode ArgumentError} (a `TypeError`), values out
 * of range, truncated input and exceeded limits are {@linkcode OutOfRangeError}
 * (a `RangeError`), malformed input is {@linkcode MalformedError} (a
 * `SyntaxError`) carrying the format and byte offset.
 *
 * @module
 */

const BRAND: unique symbol = Symbol.for("ndio.error");

/** Where in an input an error was found. */
export interface ErrorLocation {
  /** The format being read, such as `"npy"` or `"pickle"`. */
  readonly format?: string | undefined;
  /** The byte offset into the input, when known. */
  readonly offset?: number | undefined;
  /** A 1-based line number, for text formats. */
  readonly line?: number | undefined;
  /** A 1-based column number, for text formats. */
  readonly column?: number | undefined;
  /** The member or key the error concerns (an npz member name, a dict key). */
  readonly key?: string | undefined;
}

/** Options shared by every ndio error. */
export interface NdioErrorOptions extends ErrorLocation {
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

function brand(
  error: Error & { code: string },
  code: string,
  options: NdioErrorOptions | undefined,
): void {
  Object.defineProperty(error, BRAND, { value: true });
  error.code = code;
  error.name = error.constructor.name;
  if (options?.cause !== undefined) {
    Object.defineProperty(error, "cause", {
      value: options.cause,
      configurable: true,
      writable: true,
    });
  }
}

function isBranded(value: unknown): boolean {
  return typeof value === "object" && value !== null && BRAND in value;
}

/**
 * The base of ndio's errors. `instanceof NdioError` is true for every ndio
 * error, including those that derive from `TypeError`, `RangeError` or
 * `SyntaxError`.
 *
 * @example Catching any ndio error
 * ```ts
 * import { DType, NdioError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * try {
 *   DType.parse("<x9");
 * } catch (error) {
 *   assert.ok(error instanceof NdioError);
 *   assert.equal((error as NdioError).code, "dtype-unknown");
 * }
 * ```
 */
export class NdioError extends Error {
  /** A stable, machine-readable identifier of the kind of failure. */
  code: string;
  /** The format concerned, when known. */
  readonly format: string | undefined;
  /** The member or key concerned, when known. */
  readonly key: string | undefined;

  /**
   * Creates an error.
   *
   * @param code A stable identifier such as `"pickle-forbidden-global"`.
   * @param message A sentence-case message without a trailing period.
   * @param options Where the error was found, and its cause.
   */
  constructor(code: string, message: string, options?: NdioErrorOptions) {
    super(message);
    this.code = code;
    this.format = options?.format;
    this.key = options?.key;
    brand(this, code, options);
  }

  /** True for every ndio error, whichever built-in class it derives from. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === NdioError) return isBranded(value);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/**
 * A bad argument: wrong type, unknown option, inconsistent request.
 *
 * @example
 * ```ts
 * import { ArgumentError, zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => zeros([2, 3]).reshape([4]), ArgumentError);
 * ```
 */
export class ArgumentError extends TypeError {
  /** A stable, machine-readable identifier of the kind of failure. */
  code: string;

  /**
   * Creates an error.
   *
   * @param code A stable identifier.
   * @param message A sentence-case message without a trailing period.
   * @param options The cause, if any.
   */
  constructor(code: string, message: string, options?: NdioErrorOptions) {
    super(message);
    this.code = code;
    brand(this, code, options);
  }
}

/**
 * A value out of range: an index past the end, truncated input, a size over
 * a configured limit.
 *
 * @example
 * ```ts
 * import { OutOfRangeError, zeros } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => zeros([2]).get(5), OutOfRangeError);
 * ```
 */
export class OutOfRangeError extends RangeError {
  /** A stable, machine-readable identifier of the kind of failure. */
  code: string;
  /** The format being read, when known. */
  readonly format: string | undefined;
  /** The byte offset into the input, when known. */
  readonly offset: number | undefined;
  /** The member or key concerned, when known. */
  readonly key: string | undefined;

  /**
   * Creates an error.
   *
   * @param code A stable identifier.
   * @param message A sentence-case message without a trailing period.
   * @param options Where the error was found, and its cause.
   */
  constructor(code: string, message: string, options?: NdioErrorOptions) {
    super(message);
    this.code = code;
    this.format = options?.format;
    this.offset = options?.offset;
    this.key = options?.key;
    brand(this, code, options);
  }
}

/**
 * Input that ends before it should.
 *
 * @example
 * ```ts
 * import { OutOfRangeError, TruncatedError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const error = new TruncatedError("the data ends early", { format: "npy", offset: 128 });
 * assert.ok(error instanceof OutOfRangeError);
 * assert.equal(error.code, "truncated");
 * ```
 */
export class TruncatedError extends OutOfRangeError {
  /**
   * Creates an error with code `"truncated"`.
   *
   * @param message A sentence-case message without a trailing period.
   * @param options Where the input ended, and the cause.
   */
  constructor(message: string, options?: NdioErrorOptions) {
    super("truncated", message, options);
  }
}

/**
 * A resource limit (header size, nesting depth, allocation) that input
 * would exceed. Every limit is configurable; the error names the option.
 *
 * @example
 * ```ts
 * import { LimitError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const error = new LimitError("maxHeaderSize", 1024, "the header is 2000 bytes", { format: "npy" });
 * assert.equal(error.limit, "maxHeaderSize");
 * assert.match(error.message, /maxHeaderSize/);
 * ```
 */
export class LimitError extends OutOfRangeError {
  /** The name of the option that sets the limit. */
  readonly limit: string;
  /** The limit's value. */
  readonly value: number;

  /**
   * Creates an error with code `"limit-exceeded"`.
   *
   * @param limit The option that sets the limit.
   * @param value The limit's value.
   * @param message What would exceed it, in sentence case.
   * @param options Where, and the cause.
   */
  constructor(limit: string, value: number, message: string, options?: NdioErrorOptions) {
    super(
      "limit-exceeded",
      `${message}, over the limit ${limit} = ${value} (raise it in the options to allow more)`,
      options,
    );
    this.limit = limit;
    this.value = value;
  }
}

/**
 * Malformed input: a bad magic string, an unparsable header, a corrupt
 * record. Carries the format and the byte offset (or line and column).
 *
 * @example
 * ```ts
 * import { MalformedError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const error = new MalformedError("npy-bad-magic", "not an npy file", { format: "npy", offset: 0 });
 * assert.ok(error instanceof SyntaxError);
 * assert.equal(error.offset, 0);
 * ```
 */
export class MalformedError extends SyntaxError {
  /** A stable, machine-readable identifier of the kind of failure. */
  code: string;
  /** The format being read. */
  readonly format: string | undefined;
  /** The byte offset into the input, when known. */
  readonly offset: number | undefined;
  /** The 1-based line, for text formats. */
  readonly line: number | undefined;
  /** The 1-based column, for text formats. */
  readonly column: number | undefined;
  /** The member or key concerned, when known. */
  readonly key: string | undefined;

  /**
   * Creates an error.
   *
   * @param code A stable identifier.
   * @param message A sentence-case message without a trailing period.
   * @param options Where the input is malformed, and the cause.
   */
  constructor(code: string, message: string, options?: NdioErrorOptions) {
    super(message);
    this.code = code;
    this.format = options?.format;
    this.offset = options?.offset;
    this.line = options?.line;
    this.column = options?.column;
    this.key = options?.key;
    brand(this, code, options);
  }
}

/**
 * Valid input that ndio does not handle, such as arithmetic on long doubles.
 *
 * @example
 * ```ts
 * import { NdioError, UnsupportedError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new UnsupportedError("long-double", "no arithmetic on \"<f16\"") instanceof NdioError);
 * ```
 */
export class UnsupportedError extends NdioError {}

/**
 * Input refused for safety: a pickle global outside the allowlist, an object
 * array when pickles are not allowed.
 *
 * @example
 * ```ts
 * import { ForbiddenError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const error = new ForbiddenError("pickle-forbidden-global", 'pickle references "os.system", which is not allowed');
 * assert.equal(error.code, "pickle-forbidden-global");
 * ```
 */
export class ForbiddenError extends NdioError {}

/**
 * Input that no loaded plugin claims.
 *
 * @example
 * ```ts
 * import { createRegistry, NotDetectedError } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => createRegistry([]).detect(new Uint8Array(4)), NotDetectedError);
 * ```
 */
export class NotDetectedError extends NdioError {
  /** The ids of the plugins that were asked. */
  readonly tried: readonly string[];

  /**
   * Creates an error with code `"not-detected"`.
   *
   * @param tried The ids of the plugins that were asked.
   * @param options The file name, if any, as `key`.
   */
  constructor(tried: readonly string[], options?: NdioErrorOptions) {
    const what = options?.key === undefined ? "the input" : `"${options.key}"`;
    super(
      "not-detected",
      tried.length === 0
        ? `no format plugin is loaded to read ${what}`
        : `no loaded format recognises ${what} (tried ${tried.map((id) => `"${id}"`).join(", ")})`,
      options,
    );
    this.tried = tried;
  }
}
