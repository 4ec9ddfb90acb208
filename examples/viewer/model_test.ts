import assert from "node:assert/strict";
import { arange, array, NDArray, PyTuple } from "@ndio/core";
import { encodeNpy } from "@ndio/npy";
import { encodeSafetensors } from "@ndio-examples/safetensors";
import { defaultSlice, heatmap, NAN_COLOR, rampColor } from "./heatmap.ts";
import { encodeNpz } from "@ndio/npz";
import { arraysInValue, openFile, shapeText } from "./model.ts";

Deno.test("heatmap: one pixel per element, min to max on the ramp, NaN grey", () => {
  const a = array([[0, 5], [10, NaN]], { dtype: "<f8" });
  const map = heatmap(a);
  assert.deepEqual([map.width, map.height, map.min, map.max, map.step], [2, 2, 0, 10, 1]);
  const px = (i: number) => [...map.rgba.subarray(4 * i, 4 * i + 4)];
  assert.deepEqual(px(0), [...rampColor(0), 255]);
  assert.deepEqual(px(1), [...rampColor(0.5), 255]);
  assert.deepEqual(px(2), [...rampColor(1), 255]);
  assert.deepEqual(px(3), [...NAN_COLOR, 255]);
  assert.deepEqual(rampColor(0), [68, 1, 84]);
  assert.deepEqual(rampColor(1), [253, 231, 37]);
});

Deno.test("heatmap: 1-D as one row, booleans and int64, large slices sampled", () => {
  assert.equal(heatmap(array([true, false])).width, 2);
  assert.equal(heatmap(array([1n, 2n], { dtype: "<i8" })).max, 2);
  const big = heatmap(arange(3000 * 10, { dtype: "<i4" }).reshape([3000, 10]), 1000);
  assert.deepEqual([big.height, big.width, big.step], [1000, 4, 3]);
  const flat = heatmap(array([7, 7, 7], { dtype: "<i4" }));
  assert.deepEqual([flat.min, flat.max], [7, 7]);
  assert.throws(() => heatmap(array(["a"])), /no heatmap for dtype "<U1"/);
  assert.throws(() => heatmap(arange(8).reshape([2, 2, 2])), /1-D or 2-D/);
});

Deno.test("defaultSlice picks the first plane of the last two axes", () => {
  assert.equal(defaultSlice([]), "");
  assert.equal(defaultSlice([5]), ":");
  assert.equal(defaultSlice([2, 3]), ":, :");
  assert.equal(defaultSlice([4, 2, 3, 5]), "0, 0, :, :");
  assert.equal(shapeText([3]), "(3,)");
  assert.equal(shapeText([]), "()");
});

Deno.test("arraysInValue names arrays by their path and survives cycles", () => {
  const list: unknown[] = [1, arange(2)];
  list.push(list);
  const value = new Map<unknown, unknown>([
    ["array", arange(3)],
    ["it's", new PyTuple([arange(1), "x"])],
    [7, list],
  ]);
  const found = arraysInValue(value as never);
  assert.deepEqual(found.map((f) => f.name), ["['array']", "['it\\'s'][0]", "[7][1]"]);
  assert.ok(found.every((f) => f.array instanceof NDArray));
});

Deno.test("openFile detects npy and safetensors and lists their arrays", () => {
  const npy = openFile(encodeNpy(arange(4, { dtype: "<i2" })), "a.npy");
  assert.equal(npy.format.id, "npy");
  assert.deepEqual(npy.arrays.map((a) => [a.name, a.array.dtype.str]), [["", "<i2"]]);
  const st = openFile(
    encodeSafetensors({ w: arange(2, { dtype: "<f4" }), b: arange(1, { dtype: "<f8" }) }),
    "m.safetensors",
  );
  assert.equal(st.format.id, "safetensors");
  assert.deepEqual(st.arrays.map((a) => a.name), ["b", "w"]);
  assert.throws(() => openFile(new Uint8Array(10), "x.bin"), { name: "NotDetectedError" });
});

Deno.test("openFile opens a NumPy pickle and names its arrays by path", () => {
  const bytes = Deno.readFileSync(
    new URL("../../packages/pickle/testdata/seed.p4.pkl", import.meta.url),
  );
  const file = openFile(bytes, "seed.pkl");
  assert.equal(file.format.id, "pickle");
  assert.deepEqual(
    file.arrays.map((a) => [a.name, a.array.dtype.str, a.array.shape.join("x")]),
    [["['array']", "<i8", "3x4x5"], ["['another_array']", "<f8", "7"]],
  );
  const evil = Deno.readFileSync(
    new URL("../../packages/pickle/testdata/malicious/os_system.p2.pkl", import.meta.url),
  );
  assert.throws(() => openFile(evil, "evil.pkl"), { name: "ForbiddenError" });
});

Deno.test("openFile opens .npz archives, stored and compressed, with their member names", () => {
  for (const compress of [false, true]) {
    const bytes = encodeNpz([arange(3, { dtype: "<f8" }), { w: arange(4, { dtype: "<i2" }) }], {
      compress,
    });
    const npz = openFile(bytes, "arr.npz");
    assert.equal(npz.format.id, "npz");
    assert.deepEqual(npz.arrays.map((a) => [a.name, a.array.dtype.str]), [
      ["w", "<i2"],
      ["arr_0", "<f8"],
    ]);
  }
});
