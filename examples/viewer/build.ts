/**
 * Bundles the viewer's script and the ndio packages it uses into one
 * browser ES module with `deno bundle`.
 *
 * Run: `deno run -A examples/viewer/build.ts` (writes examples/viewer/dist/viewer.js).
 *
 * @module
 */

const here = new URL(".", import.meta.url);
const root = new URL("../../", import.meta.url);

/**
 * Writes `viewer.js` into `outDir`.
 *
 * @param outDir The directory for the bundle (created if missing).
 * @returns The bundle's path.
 */
export async function buildViewer(outDir: string): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  const output = `${outDir}/viewer.js`;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--keep-names",
      "--platform",
      "browser",
      "--format",
      "esm",
      "--output",
      output,
      new URL("viewer.ts", here).pathname,
    ],
    cwd: root.pathname,
    stdout: "inherit",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (code !== 0) throw new Error(`deno bundle failed:\n${new TextDecoder().decode(stderr)}`);
  return output;
}

if (import.meta.main) {
  console.log(`wrote ${await buildViewer(new URL("dist", here).pathname)}`);
}
