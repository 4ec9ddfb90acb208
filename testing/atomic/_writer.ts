// A child process for the atomic-write tests: starts a write of ARGS[1] and
// is killed with SIGKILL by the test while it runs.
//   stream PATH      appends rows to createNpyWriter(PATH) forever
//   save PATH MB     save(PATH) of an MB-megabyte strided view
//   convert IN OUT   ndio convert IN OUT
//   savetxt PATH MB  savetxtFile(PATH) of about MB megabytes of text
//   savez PATH MB    savez(PATH) of arrays of MB megabytes in all, stored

import { arange, NDArray } from "@ndio/core";
import { createNpyWriter, save } from "@ndio/npy/fs";
import { main } from "@ndio/cli";
import { savetxtFile } from "@ndio/text/fs";
import { savez } from "@ndio/npz/fs";

const [mode, path, arg] = Deno.args;
const encoder = new TextEncoder();
const say = (line: string) => Deno.stdout.writeSync(encoder.encode(line + "\n"));

if (mode === "stream") {
  const writer = createNpyWriter(path!, { dtype: "<f8", rowShape: [1024] });
  const rows = arange(1024 * 256, { dtype: "<f8" }).reshape([256, 1024]);
  await writer.append(rows);
  say("writing");
  for (;;) {
    await writer.append(rows);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
} else if (mode === "save") {
  const megabytes = Number(arg);
  // Every other element of a larger array: save converts it chunk by chunk.
  const base = new NDArray("<f8", [megabytes * 1024 * 1024 / 8]);
  say("writing");
  await save(path!, base.index("::2"));
  say("done");
} else if (mode === "savetxt") {
  // "%.18e" takes 25 bytes a value with its delimiter.
  const values = Math.floor(Number(arg) * 1e6 / 25 / 8) * 8;
  const array = arange(values, { dtype: "<f8" }).reshape([values / 8, 8]);
  say("writing");
  await savetxtFile(path!, array);
  say("done");
} else if (mode === "savez") {
  const megabytes = Number(arg);
  const member = new NDArray("<f8", [megabytes * 1024 * 1024 / 8 / 4]);
  say("writing");
  await savez(path!, { a: member, b: member, c: member, d: member });
  say("done");
} else if (mode === "convert") {
  say("writing");
  Deno.exit(await main(["convert", path!, arg!]));
}
