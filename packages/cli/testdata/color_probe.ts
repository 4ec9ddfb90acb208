// Runs `ndio` in-process with a stderr that claims to be a terminal and
// prints what was written, so tests can see whether colour is used.
import { main } from "../main.ts";

let err = "";
await main(Deno.args, { stderr: { write: (t) => (err += t), isTerminal: true }, stdout: { write: () => {} } });
console.log(JSON.stringify(err));
