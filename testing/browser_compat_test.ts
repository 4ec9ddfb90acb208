import assert from "node:assert/strict";

// The check:browser task type-checks the runtime-agnostic entry points with
// testing/browser_compat.json (DOM and ES libraries only). This proves the
// configuration really lacks the Deno namespace: the Deno-only file helpers
// must fail it.
Deno.test("the browser configuration rejects code that uses Deno APIs", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--config", "testing/browser_compat.json", "packages/core/fs.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  assert.notEqual(code, 0);
  assert.match(new TextDecoder().decode(stderr), /Cannot find name 'Deno'/);
});
