/**
 * @ndio/cli: the `ndio` command. Run `deno run -A jsr:@ndio/cli/main`, or
 * call {@linkcode main} with arguments.
 *
 * @module
 */

export { main } from "./main.ts";
