// Deflating one independent piece of a member with node:zlib; imported by
// the deflate threads, so it imports nothing else (they start faster).

import { constants, deflateRawSync } from "node:zlib";

/** Deflates one piece; `last` ends the stream, otherwise a sync flush ends the piece. */
export function deflatePiece(piece: Uint8Array, level: number, last: boolean): Uint8Array {
  const out = deflateRawSync(piece, {
    level,
    finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
