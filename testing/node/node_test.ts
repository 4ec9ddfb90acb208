/**
 * Runs testing/node/roundtrip.mjs under Node.js against the packages as
 * `deno pack` builds them for npm, then checks what Node wrote with NumPy.
 *
 * @module
 */

import assert from "node:assert/strict";
import { numpyDescribe } from "../../examples/safetensors/_test_helpers.ts";
import { pythonJson } from "../python.ts";

const repo = new URL("../../", import.meta.url);

/** Package directories and names, as node resolves them. */
const PACKAGES: readonly (readonly [dir: string, name: string])[] = [
  ["packages/core", "@ndio/core"],
  ["packages/npy", "@ndio/npy"],
  ["examples/safetensors", "@ndio-examples/safetensors"],
];

/** npm dependencies of the packages, resolved from deno.lock and Deno's npm cache. */
const NPM_DEPENDENCIES: readonly string[] = [];

async function run(cmd: string, args: string[], cwd: string, env?: Record<string, string>) {
  const output = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    ...(env ? { env } : {}),
  })
    .output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  return { code: output.code, text };
}

async function npmCache(): Promise<string> {
  const { text } = await run(Deno.execPath(), ["info", "--json"], repo.pathname);
  return (JSON.parse(text.slice(0, text.lastIndexOf("}") + 1)) as { npmCache: string }).npmCache;
}

Deno.test("Node.js runs the round trips from the packed packages", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ndio-node-" });
  try {
    const modules = `${dir}/node_modules`;
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
    }));
    if (NPM_DEPENDENCIES.length > 0) {
      const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", repo))) as {
        npm: Record<string, unknown>;
      };
      const cache = `${await npmCache()}/registry.npmjs.org`;
      for (const dep of NPM_DEPENDENCIES) {
        const version = Object.keys(lock.npm).find((k) => k.startsWith(`${dep}@`))?.slice(
          dep.length + 1,
        );
        assert.ok(version, `${dep} is not in deno.lock`);
        await Deno.mkdir(`${modules}/${dep}`.replace(/\/[^/]+$/, ""), { recursive: true });
        await Deno.symlink(`${cache}/${dep}/${version}`, `${modules}/${dep}`);
      }
    }
    await Deno.copyFile(new URL("roundtrip.mjs", import.meta.url), `${dir}/roundtrip.mjs`);
    const out = `${dir}/out`;
    await Deno.mkdir(out);
    const node = await run("node", ["--test", "roundtrip.mjs"], dir, {
      NDIO_NODE_OUT: out,
      NDIO_REPO: repo.pathname,
    });
    assert.equal(node.code, 0, `node --test failed:\n${node.text}`);
    assert.match(node.text, /# fail 0/);

    // What Node wrote, NumPy reads.
    const npy = await pythonJson<Record<string, unknown>>(
      `import json, sys, numpy as np
d = sys.argv[1]
out = {}
for name in ["f2", "i8_be", "fortran", "records", "text"]:
    a = np.load(f"{d}/{name}.npy")
    out[name] = [a.dtype.str if a.dtype.names is None else a.dtype.descr, list(a.shape),
                 bool(a.flags.f_contiguous and not a.flags.c_contiguous), repr(a.tolist())]
json.dump(out, sys.stdout)`,
      { args: [out] },
    );
    assert.deepEqual(npy, {
      f2: ["<f2", [2, 2], false, "[[0.5, 65504.0], [-1.1920928955078125e-07, 3.0]]"],
      i8_be: [">i8", [3], false, "[-9223372036854775808, 1, 2]"],
      fortran: ["<f8", [2, 3], true, "[[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]"],
      records: [[["x", "<i4"], ["y", "<f8"]], [2], false, "[(1, 2.5), (3, -4.0)]"],
      text: ["<U7", [3], false, "['ndio', 'runs', 'in node']"],
    });
    const described = await numpyDescribe(`${out}/node.safetensors`);
    assert.deepEqual(described.metadata, { runtime: "node" });
    assert.deepEqual(described.tensors["ids"]?.shape, [2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
