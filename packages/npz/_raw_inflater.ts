// A raw-deflate inflater that writes into a buffer the caller owns, from
// node:zlib (zlib-ng in Deno). node:zlib's public functions return new
// buffers; its stream objects hold a native handle whose `writeSync`
// inflates an input range into an output range and reports how much of
// each is left — what Node's own sync functions are built on. With it a
// member inflates straight into its final buffer from bounded chunks of
// its compressed bytes. The handle is not a documented API, so it is
// probed once; without it the caller keeps its whole-buffer path.

import { constants, createInflateRaw } from "node:zlib";

/** The outcome of one {@linkcode RawInflater.write}. */
export interface InflateStep {
  /** Bytes written to the output range. */
  readonly written: number;
  /** Bytes of input consumed. */
  readonly consumed: number;
  /**
   * True when the stream's last block has been inflated: zlib stopped with
   * input and output room both left.
   */
  readonly ended: boolean;
}

/** One raw-deflate stream being inflated; `close` it when done. */
export interface RawInflater {
  /**
   * Inflates from `input` into `out` from `at` on. `finish` tells zlib that
   * no input follows, so a stream that is not complete fails. Throws an
   * `Error` with zlib's message on a corrupt or unfinished stream.
   */
  write(input: Uint8Array, out: Uint8Array, at: number, finish: boolean): InflateStep;
  close(): void;
}

interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inputOffset: number,
    inputLength: number,
    output: Uint8Array,
    outputOffset: number,
    outputLength: number,
  ): void;
  onerror: (message: string, errno: number) => void;
}

interface ZlibStreamInternals {
  _handle?: ZlibHandle;
  _writeState?: Uint32Array;
  close(): void;
}

let available: boolean | null = null;

/** Whether this runtime's node:zlib has the handle (probed once). */
export function hasRawInflater(): boolean {
  if (available === null) openRawInflater()?.close();
  return available === true;
}

/** Opens an inflater, or returns null when this runtime's node:zlib has no usable handle. */
export function openRawInflater(): RawInflater | null {
  if (available === false) return null;
  const stream = createInflateRaw() as unknown as ZlibStreamInternals;
  const handle = stream._handle;
  const state = stream._writeState;
  if (typeof handle?.writeSync !== "function" || !(state instanceof Uint32Array)) {
    available = false;
    stream.close();
    return null;
  }
  available = true;
  let failure: string | null = null;
  handle.onerror = (message) => {
    failure = message;
  };
  return {
    write(input, out, at, finish) {
      const room = out.length - at;
      const flush = finish ? constants.Z_FINISH : constants.Z_NO_FLUSH;
      handle.writeSync(flush, input, 0, input.length, out, at, room);
      if (failure !== null) throw new Error(failure);
      // zlib leaves what it did not use of each range in the write state.
      const [roomLeft = 0, inputLeft = 0] = state;
      return {
        written: room - roomLeft,
        consumed: input.length - inputLeft,
        ended: inputLeft > 0 && roomLeft > 0,
      };
    },
    close: () => stream.close(),
  };
}
