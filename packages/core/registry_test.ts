import assert from "node:assert/strict";
import {
  arange,
  ArgumentError,
  array,
  type ByteSource,
  bytesSource,
  type Content,
  convertContent,
  createRegistry,
  type FormatPlugin,
  NDArray,
  NdioError,
  NotDetectedError,
  readAll,
} from "./mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A plugin that claims `magic` at the start of input with `score`. */
function fake(id: string, magic: string, score: number, extensions: string[] = []): FormatPlugin {
  return {
    id,
    label: id,
    extensions,
    mediaTypes: [],
    content: "array",
    sniff: (head) => (decoder.decode(head.subarray(0, magic.length)) === magic ? score : 0),
    decode: () => ({ kind: "array", array: arange(1) }),
  };
}

// A third-party format defined here, outside ndio: one float64 vector as
// text, "VEC1\n" then numbers separated by spaces. It uses only the public
// plugin interface, as the built-in formats do.
const vecPlugin: FormatPlugin = {
  id: "vec",
  label: "Toy vector text",
  extensions: [".vec"],
  mediaTypes: ["text/x-vec"],
  content: "array",
  sniff: (head) => (decoder.decode(head.subarray(0, 5)) === "VEC1\n" ? 1 : 0),
  decode(bytes) {
    const text = decoder.decode(bytes).slice(5).trim();
    const values = text === "" ? [] : text.split(" ").map(Number);
    return { kind: "array", array: array(new Float64Array(values)) };
  },
  async read(source: ByteSource) {
    return vecPlugin.decode!(await readAll(source));
  },
  encode(content: Content) {
    const one = convertContent(content, "array");
    if (one.kind !== "array") throw new Error("unreachable");
    const values = [...one.array.astype("<f8").toTypedArray() as Float64Array];
    return encoder.encode(`VEC1\n${values.join(" ")}\n`);
  },
};

Deno.test("a third-party plugin defined outside ndio is detected, read and written like a built-in", async () => {
  const registry = createRegistry([fake("npy-like", "\x93NUMPY", 1, [".npy"]), vecPlugin]);
  const bytes = encoder.encode("VEC1\n1.5 2 -3\n");
  const plugin = registry.detect(bytes.subarray(0, 512), { fileName: "data.vec" });
  assert.equal(plugin, vecPlugin);
  assert.equal(registry.get("vec"), vecPlugin);
  assert.deepEqual(registry.forFileName("/tmp/DATA.VEC"), [vecPlugin]);
  const content = plugin.decode!(bytes);
  assert.equal(content.kind, "array");
  assert.deepEqual(content.kind === "array" && content.array.toNested(), [1.5, 2, -3]);
  const streamed = await plugin.read!(bytesSource(bytes));
  assert.deepEqual(streamed.kind === "array" && streamed.array.toNested(), [1.5, 2, -3]);
  // Content from any other format converts into it, as for a built-in writer.
  const named = convertContent({ kind: "arrays", arrays: new Map([["x", arange(3)]]) }, "array");
  assert.equal(decoder.decode(plugin.encode!(named)), "VEC1\n0 1 2\n");
  // And the registry with it is an ordinary registry.
  assert.equal(registry.with([fake("other", "OTHER", 1)]).plugins.length, 3);
});

Deno.test("detection ranks by score, then file extension, then registration order", () => {
  const a = fake("a", "MAGIC", 0.5, [".aa"]);
  const b = fake("b", "MAGIC", 0.5, [".bb"]);
  const c = fake("c", "MAGIC", 0.9, [".cc"]);
  const head = encoder.encode("MAGIC and more");
  const registry = createRegistry([a, b, c]);
  // The highest score wins whatever the name says.
  assert.equal(registry.detect(head, { fileName: "x.bb" }), c);
  const tied = createRegistry([a, b]);
  // Equal scores: the extension decides, then the order.
  assert.equal(tied.detect(head, { fileName: "x.bb" }), b);
  assert.equal(tied.detect(head, { fileName: "X.AA" }), a);
  assert.equal(tied.detect(head), a);
  assert.equal(createRegistry([b, a]).detect(head), b);
  assert.deepEqual(
    registry.rank(head, { fileName: "x.bb" }).map((r) => [r.plugin.id, r.score, r.extensionMatch]),
    [["c", 0.9, false], ["b", 0.5, true], ["a", 0.5, false]],
  );
  // Multi-part extensions and URLs.
  const tar = fake("tgz", "\x1f\x8b", 1, [".tar.gz"]);
  assert.deepEqual(createRegistry([tar]).forFileName("https://host/a/b.TAR.GZ?x=1#y"), [tar]);
  assert.deepEqual(createRegistry([tar]).forFileName(".tar.gz"), []);
});

Deno.test("a sniff that throws or returns nonsense counts as 0", () => {
  const throwing: FormatPlugin = {
    ...fake("boom", "", 1),
    sniff: () => {
      throw new Error("broken plugin");
    },
  };
  const nan: FormatPlugin = { ...fake("nan", "", 1), sniff: () => NaN };
  const huge: FormatPlugin = { ...fake("huge", "H", 1), sniff: (h) => (h[0] === 72 ? 7 : 0) };
  const registry = createRegistry([throwing, nan, huge]);
  assert.equal(registry.detect(encoder.encode("H")), huge);
  assert.deepEqual(registry.rank(encoder.encode("H")).map((c) => c.score), [1]);
  assert.throws(() => registry.detect(encoder.encode("Z"), { fileName: "f.zzz" }), (e: unknown) => {
    assert.ok(e instanceof NotDetectedError && e instanceof NdioError);
    assert.equal(e.code, "not-detected");
    assert.deepEqual(e.tried, ["boom", "nan", "huge"]);
    assert.equal(e.key, "f.zzz");
    assert.equal(e.message, 'no loaded format recognises "f.zzz" (tried "boom", "nan", "huge")');
    return true;
  });
});

Deno.test("registries are immutable and validate plugins", () => {
  const a = fake("a", "A", 1);
  const registry = createRegistry([a]);
  assert.ok(Object.isFrozen(registry));
  assert.ok(Object.isFrozen(registry.plugins));
  assert.throws(() => (registry.plugins as FormatPlugin[]).push(a), TypeError);
  const bigger = registry.with([fake("b", "B", 1)]);
  assert.equal(registry.plugins.length, 1);
  assert.equal(bigger.plugins.length, 2);
  assert.throws(
    () => createRegistry([a, fake("a", "X", 1)]),
    (e: unknown) =>
      e instanceof ArgumentError && e.code === "plugin-duplicate" && /"a"/.test(e.message),
  );
  assert.throws(() => registry.with([fake("a", "Z", 1)]), ArgumentError);
  const broken: unknown[] = [
    null,
    { ...a, id: "Has Space" },
    { ...a, label: 3 },
    { ...a, extensions: ["npy"] },
    { ...a, mediaTypes: "x" },
    { ...a, content: "table" },
    { ...a, sniff: undefined },
    { ...a, decode: "no" },
    { ...a, decode: undefined },
  ];
  for (const plugin of broken) {
    assert.throws(
      () => createRegistry([plugin as FormatPlugin]),
      ArgumentError,
      JSON.stringify(plugin),
    );
  }
  // Reading asynchronously only is enough to be a plugin.
  const { decode: _decode, ...withoutDecode } = a;
  const readOnly: FormatPlugin = {
    ...withoutDecode,
    read: () => Promise.resolve({ kind: "array", array: new NDArray("<f8", [0]) }),
  };
  assert.equal(createRegistry([readOnly]).plugins.length, 1);
  assert.throws(() => createRegistry([]).detect(new Uint8Array(1)), /no format plugin is loaded/);
});
