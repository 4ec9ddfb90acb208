// A thread of @ndio/npz/fs's deflate pool: deflates one piece at a time.

import { parentPort } from "node:worker_threads";
import { deflatePiece } from "./_deflate_piece.ts";

interface Request {
  id: number;
  buffer: ArrayBuffer;
  level: number;
  last: boolean;
}

parentPort!.on("message", ({ id, buffer, level, last }: Request) => {
  try {
    const out = deflatePiece(new Uint8Array(buffer), level, last).slice().buffer;
    parentPort!.postMessage({ id, out }, [out]);
  } catch (error) {
    parentPort!.postMessage({ id, error: String(error) });
  }
});
