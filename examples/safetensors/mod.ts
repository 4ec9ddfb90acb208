/**
 * A third-party ndio format plugin for Hugging Face `.safetensors` files,
 * written only against `@ndio/core`'s public interface: it shows what a
 * format ndio does not ship needs to plug into the registry and the CLI.
 *
 * A safetensors file is an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and `data_offsets`, then the raw
 * little-endian data in C order. Reading validates hostile headers (size
 * limit, malformed JSON, duplicate keys, unknown dtypes, ranges that
 * overlap, leave gaps, run past the file or do not match shape × dtype) and
 * throws ndio's typed errors naming the tensor and the byte offset.
 *
 * NumPy has no bfloat16 or 8-bit float dtype, so BF16, F8_E4M3 and F8_E5M2
 * tensors are read as float32 (exact: every value of those types is a
 * float32), or as their raw bits with `exoticFloats: "bits"`. Writing stores
 * float32 as F32 unless the `bf16` option asks for BF16 (rounded to nearest
 * even). Complex128, strings, datetimes, records and objects have no
 * safetensors dtype and are refused with an `UnsupportedError`.
 *
 * @example Writing and reading
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "@ndio-examples/safetensors";
 * import { array } from "@ndio/core";
 * import assert from "node:assert/strict";
 *
 * const bytes = encodeSafetensors(
 *   { weight: array([[1, 2], [3, 4]], { dtype: "<f4" }) },
 *   { metadata: { format: "pt" } },
 * );
 * const file = decodeSafetensors(bytes);
 * assert.deepEqual(file.tensors.get("weight")?.toNested(), [[1, 2], [3, 4]]);
 * assert.equal(file.metadata.get("format"), "pt");
 * ```
 *
 * @example With the CLI
 * ```sh
 * ndio --plugin examples/safetensors/mod.ts convert weights.safetensors weights.npz
 * ndio --plugin examples/safetensors/mod.ts convert weights.npz weights.safetensors
 * ```
 *
 * @module
 */

export * from "./header.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export * from "./plugin.ts";
export { safetensorsPlugin as default } from "./plugin.ts";
