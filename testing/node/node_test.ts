/**
 * Runs testing/node/roundtrip.mjs under Node.js against the packages as
 * `deno pack` builds them for npm: NumPy first writes files for Node to
 * read (numpy_inputs.py), Node reads them and writes its own, and NumPy then
 * checks what Node wrote (numpy_check.py).
 *
 * @module
 */

import assert from "node:assert/strict";
import { numpyDescribe } from "../../examples/safetensors/_test_helpers.ts";
import { python, pythonJson } from "../python.ts";

const repo = new URL("../../", import.meta.url);
const here = new URL(".", import.meta.url);

/** Package directories and names, as node resolves them. */
const PACKAGES: readonly (readonly [dir: string, name: string])[] = [
  ["packages/core", "@ndio/core"],
  ["packages/npy", "@ndio/npy"],
  ["packages/npz", "@ndio/npz"],
  ["packages/text", "@ndio/text"],
  ["packages/pickle", "@ndio/pickle"],
  ["examples/safetensors", "@ndio-examples/safetensors"],
];

/** npm dependencies of the packages, resolved from deno.lock and Deno's npm cache. */
const NPM_DEPENDENCIES: readonly string[] = ["fflate"];

async function run(cmd: string, args: string[], cwd: string, env?: Record<string, string>) {
  const output = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    ...(env ? { env } : {}),
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  return { code: output.code, text };
}

async function npmCache(): Promise<string> {
  const { text } = await run(Deno.execPath(), ["info", "--json"], repo.pathname);
  return (JSON.parse(text.slice(0, text.lastIndexOf("}") + 1)) as { npmCache: string }).npmCache;
}

/**
 * Adds the bare imports of a packed package to its package.json. `deno pack`
 * leaves out dependencies on workspace members (JSR's own npm packages
 * declare them), and TypeScript's resolution insists on them.
 */
async function declareDependencies(dir: string): Promise<void> {
  const dependencies: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.name.endsWith(".js")) continue;
    const source = await Deno.readTextFile(`${dir}/${entry.name}`);
    for (const [, spec] of source.matchAll(/from "((?:@[\w.-]+\/)?[\w.-]+)[^"]*"/g)) {
      if (!spec!.startsWith("node:")) dependencies[spec!] = "*";
    }
  }
  const file = `${dir}/package.json`;
  const manifest = JSON.parse(await Deno.readTextFile(file));
  manifest.dependencies = { ...dependencies, ...manifest.dependencies };
  await Deno.writeTextFile(file, JSON.stringify(manifest, null, 2));
}

/** Packs every package with `deno pack` and unpacks it into `modules`, as npm would install it. */
async function install(dir: string, modules: string): Promise<void> {
  await Promise.all(PACKAGES.map(async ([path, name]) => {
    const tarball = `${dir}/${name.replace("/", "__")}.tgz`;
    const packed = await run(
      Deno.execPath(),
      ["pack", "--allow-dirty", "-o", tarball],
      new URL(path, repo).pathname,
    );
    assert.equal(packed.code, 0, `deno pack ${path}:\n${packed.text}`);
    await Deno.mkdir(`${modules}/${name}`, { recursive: true });
    const untar = await run("tar", [
      "xzf",
      tarball,
      "--strip-components=1",
      "-C",
      `${modules}/${name}`,
    ], dir);
    assert.equal(untar.code, 0, untar.text);
    await declareDependencies(`${modules}/${name}`);
  }));
  if (NPM_DEPENDENCIES.length === 0) return;
  const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", repo))) as {
    npm: Record<string, unknown>;
  };
  const cache = `${await npmCache()}/registry.npmjs.org`;
  for (const dep of NPM_DEPENDENCIES) {
    const version = Object.keys(lock.npm).find((k) => k.startsWith(`${dep}@`))
      ?.slice(dep.length + 1);
    assert.ok(version, `${dep} is not in deno.lock`);
    await Deno.mkdir(`${modules}/${dep}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.symlink(`${cache}/${dep}/${version}`, `${modules}/${dep}`);
  }
}

Deno.test("Node.js runs the round trips from the packed packages", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ndio-node-" });
  try {
    const inputs = `${dir}/in`;
    const out = `${dir}/out`;
    await Promise.all([Deno.mkdir(inputs), Deno.mkdir(out)]);
    await Promise.all([
      install(dir, `${dir}/node_modules`),
      python(await Deno.readTextFile(new URL("numpy_inputs.py", here)), { args: [inputs] }),
    ]);
    await Deno.copyFile(new URL("roundtrip.mjs", here), `${dir}/roundtrip.mjs`);

    // The packed type declarations serve a TypeScript user on Node.js.
    await Deno.copyFile(new URL("consumer.ts", here), `${dir}/consumer.ts`);
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({
        type: "module",
        dependencies: Object.fromEntries(PACKAGES.map(([, name]) => [name, "*"])),
      }),
    );
    const typed = await run(
      Deno.execPath(),
      ["check", "--quiet", "--node-modules-dir=manual", "consumer.ts"],
      dir,
      { NO_COLOR: "1" },
    );
    assert.equal(typed.code, 0, `the packed .d.ts files do not type-check:\n${typed.text}`);

    const node = await run("node", ["--test", "roundtrip.mjs"], dir, {
      NDIO_NODE_IN: inputs,
      NDIO_NODE_OUT: out,
      NDIO_REPO: repo.pathname,
    });
    assert.equal(node.code, 0, `node --test failed:\n${node.text}`);
    assert.match(node.text, /# fail 0/);

    // What Node wrote, NumPy reads with the same dtype, shape and values.
    const report = await pythonJson<Record<string, string>>(
      await Deno.readTextFile(new URL("numpy_check.py", here)),
      { args: [out] },
    );
    for (const [file, verdict] of Object.entries(report)) assert.equal(verdict, "ok", file);
    assert.ok(Object.keys(report).length >= 10, JSON.stringify(report));

    const described = await numpyDescribe(`${out}/node.safetensors`);
    assert.deepEqual(described.metadata, { runtime: "node" });
    assert.deepEqual(described.tensors["ids"]?.shape, [2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
