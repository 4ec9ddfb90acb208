// A thread of @ndio/npz/fs's deflate pool: deflates one piece at a time.

import { parentPort } from "node:worker_threads";
import { deflatePiece } from "./_deflate_piece.ts";

interface Request {
  id: number;
  buffer: ArrayBuffer;
  /** The piece's history, then the piece: `length` bytes in all. */
  historyLength: number;
  length: number;
  level: number;
  last: boolean;
}

parentPort!.on("message", async ({ id, buffer, historyLength, length, level, last }: Request) => {
  try {
    const deflated = await deflatePiece(
      new Uint8Array(buffer, historyLength, length - historyLength),
      level,
      last,
      new Uint8Array(buffer, 0, historyLength),
    );
    // Transfer zlib's own buffer when the output fills it; else a copy.
    const out = deflated.byteOffset === 0 && deflated.buffer.byteLength === deflated.length
      ? deflated.buffer as ArrayBuffer
      : deflated.slice().buffer;
    parentPort!.postMessage({ id, out, buffer }, [out, buffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: String(error), buffer }, [buffer]);
  }
});
