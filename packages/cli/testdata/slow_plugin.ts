// A test plugin that reads slowly: ten pieces, 150 ms apart, so a command
// reading it works for over a second and may draw its progress bar.
import { arange, type FormatPlugin } from "@ndio/core";

const MAGIC = [0x53, 0x4c, 0x4f, 0x57]; // "SLOW"

const slowPlugin: FormatPlugin = {
  id: "slow",
  label: "Reads slowly (test plugin)",
  extensions: [".slow"],
  mediaTypes: [],
  content: "array",
  sniff: (head) => (MAGIC.every((b, i) => head[i] === b) ? 1 : 0),
  async read(source) {
    const piece = Math.ceil(source.byteLength / 10);
    for (let at = 0; at < source.byteLength; at += piece) {
      await source.read(at, Math.min(piece, source.byteLength - at));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return { kind: "array", array: arange(source.byteLength) };
  },
};

export default slowPlugin;
