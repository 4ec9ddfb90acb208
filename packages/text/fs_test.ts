import assert from "node:assert/strict";
import { MalformedError } from "@ndio/core";
import { python } from "../../testing/python.ts";
import { loadtxt } from "./loadtxt.ts";
import { loadtxtFile, savetxtFile } from "./fs.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "ndio-text-" });
}

Deno.test("loadtxtFile: the same array as loadtxt on the whole text, across piece boundaries", async () => {
  const dir = await tempDir();
  try {
    // Over 1 MiB, so the file comes in several pieces: CRLF and LF lines,
    // comments, an empty line, lines that straddle the pieces.
    const lines: string[] = ["# shape: (80000, 2, 3)"];
    for (let i = 0; i < 160000; i++) {
      const row = [i, -i * 7, (i * 31) % 1000].join("\t");
      lines.push(i % 1000 === 7 ? `${row}  # note` : i % 997 === 3 ? `\n${row}` : row);
    }
    const text = lines.join("\r\n").replaceAll("\r\n\n", "\n\n") + "\n";
    assert.ok(text.length > 1.5 * (1 << 20));
    const path = `${dir}/ints.tsv`;
    await Deno.writeTextFile(path, text);
    for (const options of [{ delimiter: "\t" }, { delimiter: "\t", dtype: "<i4" as const }, {}]) {
      for (const hugePages of [true, false]) {
        const a = await loadtxtFile(path, { ...options, hugePages });
        const b = loadtxt(text, options);
        assert.deepEqual(a.shape, [80000, 2, 3]);
        assert.equal(a.dtype.str, b.dtype.str);
        assert.deepEqual(
          a.data.subarray(a.offset, a.offset + a.nbytes),
          b.data.subarray(0, b.nbytes),
        );
      }
    }
    const some = await loadtxtFile(path, { delimiter: "\t", maxRows: 5, skiprows: 3 });
    assert.deepEqual(
      some.toNested(),
      loadtxt(text, { delimiter: "\t", maxRows: 5, skiprows: 3 }).toNested(),
    );
    // Floats, and a line longer than a piece.
    const long = Array.from({ length: 150000 }, (_, i) => (i / 7).toString()).join(" ");
    await Deno.writeTextFile(`${dir}/long.txt`, `${long}\n${long}\n`);
    const wide = await loadtxtFile(`${dir}/long.txt`);
    assert.deepEqual(wide.shape, [2, 150000]);
    assert.equal(wide.get(1, 149999), 149999 / 7);
    const empty = `${dir}/empty.txt`;
    await Deno.writeTextFile(empty, "");
    assert.deepEqual((await loadtxtFile(empty)).shape, [0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadtxtFile: errors name the file, the line and the column", async () => {
  const dir = await tempDir();
  try {
    const path = `${dir}/bad.txt`;
    const good = "1 2\n".repeat(300000);
    await Deno.writeTextFile(path, `${good}3 x\n`);
    await assert.rejects(() => loadtxtFile(path), (e: unknown) => {
      assert.ok(e instanceof MalformedError);
      assert.equal(e.line, 300001);
      assert.equal(e.column, 2);
      assert.ok(e.message.startsWith(`"${path}": could not convert "x"`), e.message);
      return true;
    });
    await assert.rejects(() => loadtxtFile(`${dir}/missing.txt`), Deno.errors.NotFound);
    await assert.rejects(() => loadtxtFile(""), TypeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("live: savetxtFile writes np.savetxt's bytes; loadtxtFile reads np.savetxt's file", async () => {
  const dir = await tempDir();
  try {
    await python(
      `
import numpy as np, sys
d = sys.argv[1]
rng = np.random.default_rng(3)
np.savetxt(d + "/np_ints.tsv", rng.integers(-10**12, 10**12, (50000, 7)), fmt="%d", delimiter="\\t")
np.savetxt(d + "/np_floats.txt", rng.standard_normal((30000, 5)))
`,
      { args: [dir] },
    );
    const ints = await loadtxtFile(`${dir}/np_ints.tsv`, { delimiter: "\t", dtype: "int64" });
    const floats = await loadtxtFile(`${dir}/np_floats.txt`, { dtype: "float64" });
    await savetxtFile(`${dir}/ndio_ints.tsv`, ints, { fmt: "%d", delimiter: "\t" });
    await savetxtFile(`${dir}/ndio_floats.txt`, floats);
    const out = await python(
      `
import numpy as np, sys
d = sys.argv[1]
same = lambda a, b: open(d + a, "rb").read() == open(d + b, "rb").read()
print(same("/np_ints.tsv", "/ndio_ints.tsv"), same("/np_floats.txt", "/ndio_floats.txt"))
`,
      { args: [dir] },
    );
    assert.equal(new TextDecoder().decode(out), "True True\n");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "ndio_floats.txt",
      "ndio_ints.tsv",
      "np_floats.txt",
      "np_ints.tsv",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
