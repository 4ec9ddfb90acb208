// Type-checked by node_test.ts against the packed packages' .d.ts files in
// node_modules, as a TypeScript user on Node.js would import them. The two
// expected errors below prove the types are real (not `any`).
import { arange, type DType, type NDArray } from "@ndio/core";
import { decodeNpy, encodeNpy, type NpyHeader, parseNpyHeader } from "@ndio/npy";
import { loadtxt, savetxt } from "@ndio/text";
import { encodeNpz, type NpzFile } from "@ndio/npz";
import { decodeSafetensors, type SafetensorsFile } from "@ndio-examples/safetensors";

const a: NDArray = arange(6, { dtype: "<f8" }).reshape([2, 3]);
const bytes: Uint8Array = encodeNpy(a);
const header: NpyHeader = parseNpyHeader(bytes);
const back: NDArray = decodeNpy(bytes);
const text: string = savetxt(back, { fmt: "%.3f" });
const again: NDArray = loadtxt(text);
const dtype: DType = again.dtype;
const archive: Uint8Array = encodeNpz({ a, again });
const lazy: NpzFile | undefined = undefined;
const file: SafetensorsFile | undefined = undefined;
// @ts-expect-error: a shape is a list of numbers
const wrong: string = header.shape;
// @ts-expect-error: encodeNpy takes an NDArray
encodeNpy([1, 2, 3]);
console.log(dtype.str, file, wrong, decodeSafetensors, archive, lazy);
