/**
 * Moving arrays between ndio and NumPy in tests, in both directions, byte for
 * byte: each array travels as a JSON header (its `.npy` descr and shape)
 * followed by its raw element bytes in C order. Not published.
 *
 * In the Python code, `inputs` is the list of arrays sent from the test, and
 * `emit(value, array=None)` sends back a JSON value and optionally an array.
 *
 * @module
 */

import { DType, NDArray } from "../packages/core/mod.ts";
import { python } from "./python.ts";

/** Python definitions available to the code given to {@linkcode numpy}. */
export const NUMPY_PRELUDE = `
import sys, json, struct
import numpy as np
from numpy.lib.format import dtype_to_descr, descr_to_dtype

def _descr(d):
    if isinstance(d, str):
        return d
    out = []
    for f in d:
        name = f[0] if isinstance(f[0], str) else tuple(f[0])
        item = [name, _descr(f[1])]
        if len(f) == 3:
            item.append(tuple(f[2]))
        out.append(tuple(item))
    return out

def _jsonable(d):
    if isinstance(d, (list, tuple)):
        return [_jsonable(x) for x in d]
    return d

def _read_arrays():
    data = sys.stdin.buffer.read()
    pos, out = 0, []
    while pos < len(data):
        (n,) = struct.unpack_from('<I', data, pos)
        pos += 4
        head = json.loads(data[pos:pos + n])
        pos += n
        dt = descr_to_dtype(_descr(head['descr']))
        count = head['nbytes']
        a = np.frombuffer(data[pos:pos + count], dtype=dt).reshape(head['shape']).copy()
        pos += count
        out.append(a)
    return out

_out = sys.stdout.buffer

def emit(value=None, array=None):
    raw = b''
    head = {'value': value}
    if array is not None:
        a = np.asarray(array)
        raw = a.tobytes()
        head.update(descr=_jsonable(dtype_to_descr(a.dtype)), shape=list(a.shape))
    head['nbytes'] = len(raw)
    h = json.dumps(head).encode()
    _out.write(struct.pack('<I', len(h)))
    _out.write(h)
    _out.write(raw)

inputs = _read_arrays()
`;

/** One thing Python emitted: a JSON value and, if one was sent, an array. */
export interface NumpyFrame {
  /** The JSON value passed to `emit`. */
  readonly value: unknown;
  /** The array passed to `emit`, rebuilt byte for byte, or null. */
  readonly array: NDArray | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Frames arrays for the Python side: header length, JSON header, C-order bytes. */
export function frameArrays(arrays: readonly NDArray[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const a of arrays) {
    const chunks = [...a.chunks()];
    const nbytes = chunks.reduce((n, c) => n + c.length, 0);
    const head = encoder.encode(JSON.stringify({ descr: a.dtype.descr, shape: a.shape, nbytes }));
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, head.length, true);
    parts.push(length, head, ...chunks);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parses what `emit` wrote. */
export function parseFrames(bytes: Uint8Array): NumpyFrame[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: NumpyFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = view.getUint32(at, true);
    at += 4;
    const head = JSON.parse(decoder.decode(bytes.subarray(at, at + n)));
    at += n;
    let array: NDArray | null = null;
    if (head.descr !== undefined) {
      const data = bytes.slice(at, at + head.nbytes);
      array = new NDArray(DType.parse(head.descr), head.shape, { data });
    }
    at += head.nbytes;
    frames.push({ value: head.value, array });
  }
  return frames;
}

/**
 * Runs Python code with NumPy, sending `inputs` (available as `inputs`) and
 * collecting what the code emits.
 */
export async function numpy(code: string, inputs: readonly NDArray[] = []): Promise<NumpyFrame[]> {
  const out = await python(NUMPY_PRELUDE + "\n" + code, { stdin: frameArrays(inputs) });
  return parseFrames(out);
}
