import assert from "node:assert/strict";
import fc from "fast-check";
import {
  LimitError,
  MalformedError,
  NdioError,
  OutOfRangeError,
  TruncatedError,
  UnsupportedError,
} from "@ndio/core";
import { decodeSafetensors, parseSafetensorsHeader } from "./mod.ts";
import { fixture } from "./_test_helpers.ts";

/** A file built byte by byte: the length prefix (or `length`), the header text, then `data` bytes. */
function build(header: string | Uint8Array, data: number | Uint8Array = 0, length?: number) {
  const json = typeof header === "string" ? new TextEncoder().encode(header) : header;
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  const view = new DataView(out.buffer);
  const n = length ?? json.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function rejects(
  bytes: Uint8Array,
  type: abstract new (...args: never[]) => Error,
  code: string,
  message: RegExp,
  where?: { offset?: number; key?: string },
): void {
  assert.throws(
    () => decodeSafetensors(bytes),
    (e: unknown) => {
      assert.ok(e instanceof type, `${(e as Error).name}: ${(e as Error).message}`);
      assert.ok(e instanceof NdioError);
      const error = e as Error & { code: string; offset?: number; key?: string; format?: string };
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.equal(error.format, "safetensors");
      if (where?.offset !== undefined) assert.equal(error.offset, where.offset);
      if (where?.key !== undefined) assert.equal(error.key, where.key);
      assert.doesNotMatch(error.message, /\.$/);
      return true;
    },
  );
}

const f32 = (name: string, shape: number[], begin: number, end: number) =>
  `"${name}":{"dtype":"F32","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;

Deno.test("a file shorter than the length prefix is truncated", () => {
  rejects(new Uint8Array(5), TruncatedError, "truncated", /input has 5 bytes/);
});

Deno.test("an oversized header is a limit error naming maxHeaderSize", () => {
  rejects(build("{}", 0, 2 ** 40), LimitError, "limit-exceeded", /maxHeaderSize = 100000000/);
  const bytes = build(`{${f32("a", [1], 0, 4)}}`, 4);
  assert.throws(
    () => decodeSafetensors(bytes, { maxHeaderSize: 16 }),
    (e: unknown) => e instanceof LimitError && e.limit === "maxHeaderSize" && e.value === 16,
  );
  // A length past the end of the file, under the limit.
  rejects(build("{}", 0, 1000), TruncatedError, "truncated", /says it is 1000 bytes long/);
});

Deno.test("the header must be JSON that starts with {", () => {
  rejects(build(""), MalformedError, "safetensors-header-start", /does not start with "\{"/, {
    offset: 8,
  });
  rejects(build(" {}"), MalformedError, "safetensors-header-start", /start/);
  rejects(build("[]"), MalformedError, "safetensors-header-start", /start/);
  rejects(
    build(`{${f32("a", [1], 0, 4)},}`, 4),
    MalformedError,
    "safetensors-header-json",
    /expected a key/,
    { offset: 8 + 1 + f32("a", [1], 0, 4).length + 1 },
  );
  rejects(build("{} x"), MalformedError, "safetensors-header-json", /after the header/, {
    offset: 11,
  });
  rejects(build('{"a\\x":1}'), MalformedError, "safetensors-header-json", /invalid escape/);
  rejects(build('{"a'), MalformedError, "safetensors-header-json", /not closed/);
  rejects(build('{"a":tru}'), MalformedError, "safetensors-header-json", /expected "true"/);
  rejects(build('{"a":01}'), MalformedError, "safetensors-header-json", /unexpected character/);
  const notUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x7b, 0x7d, 0x7d]);
  rejects(build(notUtf8), MalformedError, "safetensors-header-json", /not UTF-8/, { offset: 9 });
  rejects(build('{"a\u0001":{}}'), MalformedError, "safetensors-header-json", /control/);
});

Deno.test("deep nesting is refused without exhausting the stack", () => {
  const deep = `{"__metadata__":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
  rejects(build(deep), MalformedError, "safetensors-header-json", /nest deeper than 16/);
});

Deno.test("duplicate keys are refused, in tensors and in __metadata__", () => {
  const header = `{${f32("w", [1], 0, 4)},${f32("w", [1], 4, 8)}}`;
  rejects(build(header, 8), MalformedError, "safetensors-duplicate-key", /names "w" twice/, {
    key: "w",
    offset: 8 + 1 + f32("w", [1], 0, 4).length + 1,
  });
  rejects(
    build('{"__metadata__":{"a":"1","a":"2"}}'),
    MalformedError,
    "safetensors-duplicate-key",
    /__metadata__ names "a" twice/,
  );
});

Deno.test("tensor descriptions must follow the schema", () => {
  const bad = (info: string, message: RegExp, data = 4) =>
    rejects(build(`{"t":${info}}`, data), MalformedError, "safetensors-header-invalid", message, {
      key: "t",
    });
  bad("[]", /not described by an object/);
  bad('{"dtype":1,"shape":[1],"data_offsets":[0,4]}', /dtype that is not a string/);
  bad('{"dtype":"F32","shape":1,"data_offsets":[0,4]}', /shape that is not a list/);
  bad('{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}', /not a non-negative integer/);
  bad('{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}', /not a non-negative integer/);
  bad('{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}', /not a non-negative integer/);
  bad('{"dtype":"F32","shape":[1],"data_offsets":[0]}', /needs data_offsets \[begin, end\]/);
  bad('{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}', /unknown field "extra"/);
  bad('{"dtype":"F32","shape":[1]}', /has no data_offsets/);
  bad('{"shape":[1],"data_offsets":[0,4]}', /has no dtype/);
  rejects(
    build('{"__metadata__":{"n":1}}'),
    MalformedError,
    "safetensors-header-invalid",
    /__metadata__ value "n" is not a string/,
  );
  rejects(build('{"__metadata__":[]}'), MalformedError, "safetensors-header-invalid", /not an/);
});

Deno.test("unknown and undecodable dtypes are unsupported, naming the tensor", () => {
  const info = (dtype: string) => `{"t":{"dtype":"${dtype}","shape":[2],"data_offsets":[0,1]}}`;
  rejects(build(info("F4"), 1), UnsupportedError, "safetensors-dtype-unsupported", /"F4"/, {
    key: "t",
  });
  rejects(build(info("F8_E8M0"), 1), UnsupportedError, "safetensors-dtype-unsupported", /E8M0/);
  rejects(build(info("Q4_K"), 1), UnsupportedError, "safetensors-dtype-unknown", /"Q4_K"/);
});

Deno.test("data_offsets must match shape × dtype", () => {
  rejects(
    build(`{${f32("w", [2, 2], 0, 12)}}`, 12),
    MalformedError,
    "safetensors-size-mismatch",
    /tensor "w" of dtype F32 and shape \(2, 2\) needs 16 bytes but its data_offsets \[0, 12\] span 12/,
    { key: "w", offset: 9 },
  );
  rejects(
    build(`{${f32("w", [1], 8, 4)}}`, 8),
    MalformedError,
    "safetensors-offsets",
    /end before they begin/,
  );
});

Deno.test("byte ranges may not overlap, leave gaps, or run past the file", () => {
  rejects(
    build(`{${f32("a", [2], 0, 8)},${f32("b", [2], 4, 12)}}`, 12),
    MalformedError,
    "safetensors-offsets",
    /tensor "b" starts at data byte 4, inside tensor "a", which ends at 8/,
    { key: "b" },
  );
  rejects(
    build(`{${f32("b", [2], 12, 20)},${f32("a", [2], 0, 8)}}`, 20),
    MalformedError,
    "safetensors-offsets",
    /tensor "b" starts at data byte 12, leaving bytes 8 to 12 unused/,
  );
  rejects(
    build(`{${f32("a", [4], 0, 16)}}`, 8),
    TruncatedError,
    "truncated",
    /tensor "a" ends at data byte 16 but the file has 8 bytes of data/,
  );
  const header = `{${f32("a", [2], 0, 8)}}`;
  rejects(
    build(header, 11),
    MalformedError,
    "safetensors-trailing-data",
    /cover 8 bytes of data but the file has 11/,
    { offset: 8 + header.length + 8 },
  );
  // An empty tensor may sit anywhere on a boundary.
  const ok = decodeSafetensors(build(`{${f32("a", [2], 0, 8)},${f32("e", [0, 5], 8, 8)}}`, 8));
  assert.deepEqual(ok.tensors.get("e")?.shape, [0, 5]);
});

Deno.test("sizes too large to address are out-of-range errors", () => {
  rejects(
    build(`{${f32("a", [2 ** 30, 2 ** 30], 0, 8)}}`, 8),
    OutOfRangeError,
    "safetensors-too-large",
    /too large to address/,
  );
  rejects(
    build('{"a":{"dtype":"U8","shape":[123456789012345678901],"data_offsets":[0,1]}}', 1),
    OutOfRangeError,
    "safetensors-too-large",
    /123456789012345678901/,
  );
});

Deno.test("parseSafetensorsHeader checks a header read apart from its data", () => {
  const bytes = fixture("weights.safetensors");
  const header = parseSafetensorsHeader(bytes);
  const head = bytes.subarray(0, header.dataOffset);
  assert.deepEqual(parseSafetensorsHeader(head, { fileLength: bytes.length }), header);
  assert.throws(() => parseSafetensorsHeader(head), TruncatedError);
  assert.throws(() => parseSafetensorsHeader(head.subarray(0, 100), { fileLength: bytes.length }), {
    name: "TruncatedError",
    message: /only 92 were given/,
  });
  assert.equal(header.metadata.get("format"), "pt");
});

Deno.test("damaged files give ndio errors or valid data, never anything else", () => {
  const valid = fixture("weights.safetensors");
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.nat({ max: valid.length }),
      (edits, cut) => {
        const bytes = valid.slice(0, cut === 0 ? valid.length : cut); // 0: keep it whole
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        try {
          const file = decodeSafetensors(bytes);
          for (const t of file.tensors.values()) t.toNested();
        } catch (error) {
          if (!(error instanceof NdioError)) throw error;
        }
      },
    ),
    { numRuns: 2000, seed: 42 },
  );
});
