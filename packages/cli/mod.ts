/**
 * @ndio/cli: the `ndio` command. Run `deno run -A jsr:@ndio/cli/main`, or
 * call {@linkcode main} with arguments.
 *
 * @module
 */

export { main, type MainOptions, type MainStream } from "./main.ts";
export { builtinPlugins } from "./builtin_plugins.ts";
