/**
 * Writing a `.npy` in pieces: rows appended along the first axis, the
 * header's shape fixed in place at the end. Arrays larger than memory are
 * written with memory bounded by the largest chunk appended.
 *
 * @module
 */

import {
  ArgumentError,
  type ByteSink,
  type Descr,
  DType,
  NDArray,
  NdioError,
  type SeekableByteSink,
} from "@ndio/core";
import { encodeNpyHeader, type EncodeNpyHeaderOptions, type NpyHeader } from "./header.ts";

/** What a {@linkcode NpyStreamWriter} writes: the dtype and the shape of one row. */
export interface NpyStreamFields {
  /** The dtype of the elements (not an object dtype). */
  readonly dtype: DType | Descr;
  /** The shape after the first axis: `[]` for a 1-D array, `[3]` for rows of 3. */
  readonly rowShape?: readonly number[];
}

/** Options of {@linkcode NpyStreamWriter}. */
export interface NpyStreamWriterOptions extends EncodeNpyHeaderOptions {
  /**
   * The number of rows that will be written. Needed when the sink cannot
   * seek (the header is then final from the start, and `close()` checks the
   * count); optional otherwise.
   */
  readonly rows?: number;
}

function isSeekable(sink: ByteSink): sink is SeekableByteSink {
  const s = sink as Partial<SeekableByteSink>;
  return typeof s.writeAt === "function" && typeof s.position === "number";
}

/**
 * Writes a C-order `.npy` whose first axis grows as chunks are appended.
 * The header is written first with the length so far and rewritten in
 * place by `close()`. NumPy leaves room in every header for the first
 * axis to reach 21 digits (its "growth spaces"); the header is written with
 * that room, so any length ndio can count (up to 2**53, 16 digits) fits and
 * the final file is byte for byte what `np.save` writes for the whole array.
 *
 * With a sink that cannot seek, pass `rows` up front: the header is then
 * final at once and `close()` checks that exactly that many rows came.
 *
 * @example
 * ```ts
 * import { decodeNpy, encodeNpy, NpyStreamWriter } from "@ndio/npy";
 * import { arange, bytesSink } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const sink = bytesSink();
 * const writer = new NpyStreamWriter(sink, { dtype: "<f8", rowShape: [3] });
 * for (let i = 0; i < 4; i++) {
 *   await writer.append(arange(i * 6, i * 6 + 6, { dtype: "<f8" }).reshape([2, 3]));
 * }
 * const header = await writer.close();
 * assert.deepEqual(header.shape, [8, 3]);
 * const whole = arange(24, { dtype: "<f8" }).reshape([8, 3]);
 * assert.deepEqual(sink.bytes(), encodeNpy(whole));
 * ```
 */
export class NpyStreamWriter {
  readonly #sink: ByteSink;
  readonly #dtype: DType;
  readonly #rowShape: readonly number[];
  readonly #rowBytes: number;
  readonly #options: NpyStreamWriterOptions | undefined;
  readonly #announced: number | undefined;
  #rows = 0;
  #headerStart = -1;
  #headerLength = 0;
  #state: "new" | "open" | "closed" | "failed" = "new";

  /**
   * Creates a writer; nothing is written until the first `append` or `close`.
   *
   * @param sink Where the bytes go; seekable to fix the header at the end.
   * @param fields The dtype and the shape of one row.
   * @param options The row count, if known; a version to force.
   */
  constructor(sink: ByteSink, fields: NpyStreamFields, options?: NpyStreamWriterOptions) {
    if (sink === null || typeof sink !== "object" || typeof sink.write !== "function") {
      throw new ArgumentError("sink-invalid", "the sink must have a write() method");
    }
    const dtype = DType.parse(fields.dtype);
    if (dtype.hasObject) {
      throw new ArgumentError(
        "npy-stream-object",
        `object arrays ("${dtype.str}") are one pickle and cannot be written in chunks`,
      );
    }
    let rowShape = [...(fields.rowShape ?? [])];
    let base = dtype;
    if (dtype.subarray !== null) {
      rowShape = [...rowShape, ...dtype.subarray.shape];
      base = dtype.subarray.base;
    }
    let rowBytes = base.itemsize;
    for (const d of rowShape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new ArgumentError(
          "shape-invalid",
          `row dimension ${d} is not a non-negative integer`,
        );
      }
      rowBytes *= d;
    }
    const rows = options?.rows;
    if (rows !== undefined && (!Number.isSafeInteger(rows) || rows < 0)) {
      throw new ArgumentError("option-invalid", `rows must be a non-negative integer, not ${rows}`);
    }
    if (rows === undefined && !isSeekable(sink)) {
      throw new ArgumentError(
        "npy-stream-not-seekable",
        "the sink cannot seek to fix the header at the end: pass the number of rows as options.rows",
      );
    }
    this.#sink = sink;
    this.#dtype = base;
    this.#rowShape = rowShape;
    this.#rowBytes = rowBytes;
    this.#options = options;
    this.#announced = rows;
  }

  /** The rows appended so far. */
  get rows(): number {
    return this.#rows;
  }

  #header(rows: number): Uint8Array {
    const version = this.#options?.version;
    return encodeNpyHeader(
      { dtype: this.#dtype, shape: [rows, ...this.#rowShape], fortranOrder: false },
      version === undefined ? {} : { version },
    );
  }

  async #start(): Promise<void> {
    if (this.#state === "open") return;
    if (this.#state !== "new") {
      throw new NdioError("npy-stream-closed", `the writer is already ${this.#state}`);
    }
    const header = this.#header(this.#announced ?? 0);
    this.#headerStart = isSeekable(this.#sink) ? this.#sink.position : 0;
    this.#headerLength = header.length;
    this.#state = "open";
    await this.#guard(() => this.#sink.write(header));
  }

  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      this.#state = "failed";
      throw error;
    }
  }

  /**
   * Appends rows: an array of shape `[k, ...rowShape]` with the writer's
   * dtype (a strided view is fine; it is copied in pieces, never whole).
   *
   * @example
   * ```ts
   * import { decodeNpy, NpyStreamWriter } from "@ndio/npy";
   * import { array, bytesSink } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const sink = bytesSink();
   * const writer = new NpyStreamWriter(sink, { dtype: "<i4", rowShape: [2] });
   * await writer.append(array([[1, 2]], { dtype: "<i4" }));
   * await writer.append(array([[3, 4], [5, 6]], { dtype: "<i4" }).T.T);
   * await writer.close();
   * assert.deepEqual(decodeNpy(sink.bytes()).toNested(), [[1, 2], [3, 4], [5, 6]]);
   * ```
   *
   * @param chunk The rows.
   */
  async append(chunk: NDArray): Promise<void> {
    if (!(chunk instanceof NDArray)) {
      throw new ArgumentError("npy-not-an-array", "append() takes an NDArray");
    }
    if (!chunk.dtype.equals(this.#dtype)) {
      throw new ArgumentError(
        "dtype-mismatch",
        `the writer takes "${this.#dtype.str}" elements, not "${chunk.dtype.str}"`,
      );
    }
    const rowShape = chunk.shape.slice(1);
    if (chunk.ndim !== this.#rowShape.length + 1 || rowShape.join() !== this.#rowShape.join()) {
      throw new ArgumentError(
        "shape-mismatch",
        `the writer takes rows of shape (${this.#rowShape.join(", ")}), so chunks of shape ` +
          `(k, ${this.#rowShape.join(", ")}), not (${chunk.shape.join(", ")})`,
      );
    }
    await this.#start();
    if (this.#state !== "open") {
      throw new NdioError("npy-stream-closed", `the writer is already ${this.#state}`);
    }
    const count = chunk.shape[0]!;
    if (this.#announced !== undefined && this.#rows + count > this.#announced) {
      this.#state = "failed";
      throw new ArgumentError(
        "npy-stream-rows",
        `${this.#rows + count} rows appended but the writer was told ${this.#announced}`,
      );
    }
    await this.#guard(async () => {
      for (const piece of chunk.chunks({ order: "C" })) await this.#sink.write(piece);
    });
    this.#rows += count;
  }

  /**
   * Finishes the file: rewrites the header with the final shape (for
   * seekable sinks) or checks the announced row count. Does not close the
   * sink.
   *
   * @example
   * ```ts
   * import { NpyStreamWriter } from "@ndio/npy";
   * import { bytesSink } from "@ndio/core";
   * import assert from "node:assert/strict";
   *
   * const writer = new NpyStreamWriter(bytesSink(), { dtype: "<f8" });
   * const header = await writer.close(); // no rows: an empty array
   * assert.deepEqual(header.shape, [0]);
   * ```
   *
   * @returns The final header.
   */
  async close(): Promise<NpyHeader> {
    await this.#start();
    if (this.#state !== "open") {
      throw new NdioError("npy-stream-closed", `the writer is already ${this.#state}`);
    }
    const rows = this.#rows;
    if (this.#announced !== undefined && rows !== this.#announced && !isSeekable(this.#sink)) {
      this.#state = "failed";
      throw new NdioError(
        "npy-stream-rows",
        `the header announced ${this.#announced} rows but ${rows} were appended`,
      );
    }
    const header = this.#header(rows);
    if (header.length !== this.#headerLength) {
      // Cannot happen for headers this writer wrote: the growth spaces hold 21 digits.
      this.#state = "failed";
      throw new NdioError(
        "npy-stream-header-grew",
        `the final header needs ${header.length} bytes but ${this.#headerLength} were reserved`,
      );
    }
    if (rows !== this.#announced) {
      const sink = this.#sink as SeekableByteSink;
      await this.#guard(() => sink.writeAt(this.#headerStart, header));
    }
    this.#state = "closed";
    const dataOffset = header.length;
    return {
      version: header[6] as 1 | 2 | 3,
      dtype: this.#dtype,
      shape: [rows, ...this.#rowShape],
      fortranOrder: false,
      headerLength: dataOffset - (header[6] === 1 ? 10 : 12),
      dataOffset,
      dataLength: rows * this.#rowBytes,
    };
  }
}
