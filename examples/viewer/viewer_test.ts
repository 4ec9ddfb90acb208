/// <reference lib="dom" />
// The viewer in a real headless Chromium (Debian's, driven by playwright-core):
// one browser launch loads the page from a loopback server and opens files
// NumPy made, checking what the page shows against NumPy's own answers.

import assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import { buildViewer } from "./build.ts";
import { serveViewer } from "./serve.ts";
import { NAN_COLOR, rampColor } from "./heatmap.ts";
import { pythonJson } from "../../testing/python.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
const inCI = Deno.env.get("CI") !== undefined;
if (!hasChromium && !inCI) {
  console.warn(`viewer_test: skipped, ${CHROMIUM} is missing (apt-get install chromium)`);
}

/** Files NumPy writes for the test, and what NumPy says about them. */
interface Made {
  readonly files: Record<string, string>;
  readonly arrays: Record<string, { dtype: string; shape: number[]; repr: string }[]>;
}

const MAKE_FILES = `
import json, sys, numpy as np
d = sys.argv[1]
files, arrays = {}, {}
def entry(a):
    return {"dtype": a.dtype.str, "shape": list(a.shape), "repr": repr(a)}

grid = (np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 5) / 4
grid[1, 2, 3] = np.nan
np.save(f"{d}/grid.npy", grid)
files["grid"] = f"{d}/grid.npy"
arrays["grid"] = [entry(grid)]

ints = np.arange(-3, 3, dtype=">i8")
np.save(f"{d}/ints.npy", ints)
files["ints"] = f"{d}/ints.npy"
arrays["ints"] = [entry(ints)]

seed = np.random.default_rng(1).integers(1, 100, (4, 5, 6))
np.savetxt(f"{d}/seed.txt", seed.reshape(20, 6), fmt="%d", delimiter="\t",
           header="Original shape: (4, 5, 6)")
files["seed"] = f"{d}/seed.txt"
arrays["seed"] = [entry(seed)]

with open(f"{d}/broken.npy", "wb") as f:
    f.write(b"\\x93NUMPY\\x01\\x00\\x10\\x00{'descr': '<f8'")
files["broken"] = f"{d}/broken.npy"
json.dump({"files": files, "arrays": arrays}, sys.stdout)
`;

async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return await page.evaluate(([x, y]) => {
    const canvas = document.getElementById("heatmap") as HTMLCanvasElement;
    return [...canvas.getContext("2d")!.getImageData(x!, y!, 1, 1).data];
  }, [x, y]);
}

/** Picks a file and waits until the page has read it (or failed to). */
async function openFile(page: Page, path: string): Promise<void> {
  await page.setInputFiles("#file", path);
  const name = path.slice(path.lastIndexOf("/") + 1);
  await page.waitForFunction((name) => {
    const text = document.getElementById("status")?.textContent ?? "";
    return text.includes(name) && !text.startsWith("Reading");
  }, name);
}

async function tableRows(page: Page): Promise<string[][]> {
  return await page.$$eval(
    "#arrays tr",
    (rows) => rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent ?? "")),
  );
}

Deno.test({
  name: "the viewer shows NumPy-made files in headless Chromium",
  ignore: !hasChromium && !inCI,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    assert.ok(hasChromium, `${CHROMIUM} is missing: .ci/run installs it with apt`);
    const work = await Deno.makeTempDir({ prefix: "ndio-viewer-" });
    const controller = new AbortController();
    let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
    try {
      const [made] = await Promise.all([
        pythonJson<Made>(MAKE_FILES, { args: [work] }),
        buildViewer(`${work}/bundle`),
      ]);
      const server = serveViewer({ bundleDir: `${work}/bundle`, signal: controller.signal });
      context = await chromium.launchPersistentContext(`${work}/profile`, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      const page = context.pages()[0] ?? await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`http://127.0.0.1:${server.addr.port}/`);
      await page.waitForSelector("body[data-ready=true]");

      // A 3-D float32 .npy: format, dtype, shape, repr, and the heatmap of its first 2-D slice.
      await openFile(page, made.files["grid"]!);
      assert.equal(await page.textContent("#format"), "NumPy array (.npy)");
      assert.equal(await page.getAttribute("#format", "data-id"), "npy");
      const grid = made.arrays["grid"]![0]!;
      assert.deepEqual(await tableRows(page), [["(the array)", grid.dtype, "(2, 3, 4)"]]);
      assert.equal(await page.textContent("#dtype"), "<f4 (float32)");
      assert.equal(await page.textContent("#shape"), "(2, 3, 4)");
      assert.equal(await page.textContent("#repr"), grid.repr);
      assert.equal(await page.inputValue("#slice"), "0, :, :");
      assert.equal(await page.getAttribute("#heatmap", "data-rows"), "3");
      assert.equal(await page.getAttribute("#heatmap", "data-columns"), "4");
      assert.equal(await page.getAttribute("#heatmap", "data-min"), "-1.25");
      assert.equal(await page.getAttribute("#heatmap", "data-max"), "1.5");
      assert.deepEqual(await pixel(page, 0, 0), [...rampColor(0), 255]); // the minimum
      assert.deepEqual(await pixel(page, 3, 2), [...rampColor(1), 255]); // the maximum

      // Another slice, typed as a NumPy index: the second plane holds the NaN.
      await page.fill("#slice", "1, ::-1, :");
      await page.press("#slice", "Enter");
      await page.waitForFunction(() =>
        document.getElementById("heatmap")?.getAttribute("data-min") === "1.75"
      );
      assert.deepEqual(await pixel(page, 3, 0), [...NAN_COLOR, 255]); // [1, 2, 3] reversed to row 0
      assert.equal(await page.getAttribute("#heatmap", "data-max"), "4.25");
      assert.match(
        (await page.textContent("#heatmap-info"))!,
        /Slice \(3, 4\), values 1\.75 to 4\.25/,
      );

      // Big-endian int64 dropped on the page rather than picked.
      const bytes = [...await Deno.readFile(made.files["ints"]!)];
      const transfer = await page.evaluateHandle((data) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(data)], "ints.npy"));
        return dt;
      }, bytes);
      await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
      await page.waitForFunction(() =>
        document.getElementById("file-name")?.textContent?.startsWith("ints.npy") ?? false
      );
      assert.equal(await page.textContent("#dtype"), ">i8 (int64)");
      assert.equal(await page.textContent("#repr"), made.arrays["ints"]![0]!.repr);
      assert.equal(await page.getAttribute("#heatmap", "data-min"), "-3");

      // The seed's savetxt: a 3-D int array as tab-separated text under a shape header.
      await openFile(page, made.files["seed"]!);
      assert.equal(await page.getAttribute("#format", "data-id"), "text");
      const seed = made.arrays["seed"]![0]!;
      assert.deepEqual(await tableRows(page), [["(the array)", seed.dtype, "(4, 5, 6)"]]);
      assert.equal(await page.textContent("#repr"), seed.repr);
      assert.equal(await page.inputValue("#slice"), "0, :, :");
      assert.equal(await page.getAttribute("#heatmap", "data-rows"), "5");
      assert.equal(await page.getAttribute("#heatmap", "data-columns"), "6");

      // A truncated file: a typed error, shown, not thrown.
      await openFile(page, made.files["broken"]!);
      assert.match((await page.textContent("#status"))!, /^Cannot open broken\.npy: \w+Error/);
      assert.equal(await page.getAttribute("#status", "role"), "alert");
      assert.equal(await page.isHidden("#result"), true);

      assert.deepEqual(errors, []);
    } finally {
      await context?.close();
      controller.abort();
      await Deno.remove(work, { recursive: true });
    }
  },
});
