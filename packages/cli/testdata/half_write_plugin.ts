// A test plugin whose writer fails halfway: it writes some bytes, then throws,
// so the tests can check that a failed convert leaves OUT untouched and no
// temporary file behind.
import { type FormatPlugin, UnsupportedError } from "@ndio/core";

const halfWritePlugin: FormatPlugin = {
  id: "half",
  label: "Fails halfway (test plugin)",
  extensions: [".half"],
  mediaTypes: [],
  content: "array",
  sniff: () => 0,
  async write(_content, sink) {
    await sink.write(new TextEncoder().encode("partial output ".repeat(100)));
    throw new UnsupportedError("half-write", "the disk is full (simulated)");
  },
  encode() {
    throw new UnsupportedError("half-write", "the disk is full (simulated)");
  },
};

export default halfWritePlugin;
