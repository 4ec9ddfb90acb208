// Malicious and broken pickles (testdata/malicious, written by
// make_fixtures.py): each is refused with its specific error, and nothing
// runs.

import assert from "node:assert/strict";
import { NdioError, PyObject } from "@ndio/core";
import { loads } from "./mod.ts";

const dir = new URL("./testdata/malicious/", import.meta.url);
const expected: Record<string, { error: string; code: string; message?: string }> = JSON.parse(
  Deno.readTextFileSync(new URL("malicious.json", dir)),
);

Deno.test("malicious fixtures: each is refused with its error", () => {
  assert.ok(Object.keys(expected).length >= 20);
  for (const [name, want] of Object.entries(expected)) {
    const bytes = Deno.readFileSync(new URL(name, dir));
    assert.throws(
      () => loads(bytes),
      (error: unknown) => {
        assert.ok(error instanceof NdioError, `${name}: ${String(error)}`);
        assert.equal((error as Error).name, want.error, `${name}: ${String(error)}`);
        assert.equal((error as NdioError).code, want.code, `${name}: ${String(error)}`);
        if (want.message !== undefined) assert.equal((error as Error).message, want.message);
        return true;
      },
      name,
    );
  }
});

Deno.test("malicious fixtures: inert mode keeps os.system as a placeholder that ran nothing", () => {
  for (let p = 0; p <= 5; p++) {
    const value = loads(Deno.readFileSync(new URL(`os_system.p${p}.pkl`, dir)), { inert: true });
    assert.ok(value instanceof PyObject);
    assert.match(value.qualifiedName, /^(os|posix)\.system$/);
    assert.deepEqual(value.args, ["echo pwned"]);
  }
});
