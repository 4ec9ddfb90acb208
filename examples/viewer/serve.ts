/**
 * Serves the viewer on the loopback interface: the page, its style sheet
 * and the bundle. Nothing else is served.
 *
 * Run: `deno run -A examples/viewer/serve.ts [port]` builds the bundle and
 * serves http://127.0.0.1:8000/ (the `viewer` task).
 *
 * @module
 */

import { buildViewer } from "./build.ts";

const here = new URL(".", import.meta.url);

/** Options of {@linkcode serveViewer}. */
export interface ServeViewerOptions {
  /** The directory holding `viewer.js` (from {@linkcode buildViewer}). */
  readonly bundleDir: string;
  /** The port (default 0: any free port). */
  readonly port?: number;
  /** An abort signal that stops the server. */
  readonly signal?: AbortSignal;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

/**
 * Starts the server on 127.0.0.1.
 *
 * @param options Where the bundle is, the port, and a signal to stop.
 * @returns The server; its `addr.port` is the port.
 */
export function serveViewer(options: ServeViewerOptions): Deno.HttpServer<Deno.NetAddr> {
  const files: Readonly<Record<string, string>> = {
    "/": new URL("index.html", here).pathname,
    "/index.html": new URL("index.html", here).pathname,
    "/style.css": new URL("style.css", here).pathname,
    "/dist/viewer.js": `${options.bundleDir}/viewer.js`,
  };
  return Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  }, async (request) => {
    const path = files[new URL(request.url).pathname];
    if (path === undefined) return new Response("not found", { status: 404 });
    const type = TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
    return new Response(await Deno.readFile(path), {
      headers: { "content-type": type, "cache-control": "no-store" },
    });
  });
}

if (import.meta.main) {
  const bundleDir = new URL("dist", here).pathname;
  await buildViewer(bundleDir);
  const server = serveViewer({ bundleDir, port: Number(Deno.args[0] ?? 8000) });
  console.log(`ndio viewer: http://127.0.0.1:${server.addr.port}/`);
}
