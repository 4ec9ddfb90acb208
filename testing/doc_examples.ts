/**
 * Lists the public symbols of ndio's entry points that lack a runnable
 * `@example` (JSR readiness: `deno doc --lint` checks that symbols are
 * documented; this checks that functions, classes with their public methods
 * and constructors, and exported values show an example; interfaces and
 * type aliases need only their doc). `deno test --doc` runs the examples.
 *
 * Run: `deno run -A testing/doc_examples.ts [entry points...]`; exits 1 when
 * something lacks an example.
 *
 * @module
 */

interface JsDoc {
  readonly doc?: string;
  readonly tags?: readonly { readonly kind: string }[];
}

interface Method {
  readonly name: string;
  readonly jsDoc?: JsDoc;
  readonly kind?: string;
  readonly accessibility?: string;
  readonly isStatic?: boolean;
}

interface Declaration {
  readonly kind: string;
  readonly jsDoc?: JsDoc;
  readonly location: { readonly filename: string; readonly line: number };
  readonly def?: {
    readonly methods?: readonly Method[];
    readonly constructors?: readonly (Method & { jsDoc?: JsDoc })[];
  };
}

interface DocJson {
  readonly nodes: Record<
    string,
    { symbols?: readonly { name: string; declarations: Declaration[] }[] }
  >;
}

const hasExample = (doc: JsDoc | undefined): boolean =>
  doc?.tags?.some((tag) => tag.kind === "example") ?? false;

/** Symbols of `entries` without an `@example`, as `file:line name`. */
export async function missingExamples(entries: readonly string[]): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...entries],
    cwd: new URL("../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
  const json = JSON.parse(new TextDecoder().decode(stdout)) as DocJson;
  const missing = new Set<string>();
  const root = new URL("../", import.meta.url).href;
  for (const node of Object.values(json.nodes)) {
    for (const symbol of node.symbols ?? []) {
      for (const declaration of symbol.declarations) {
        const where = `${
          declaration.location.filename.replace(root, "")
        }:${declaration.location.line}`;
        if (!["function", "class", "variable"].includes(declaration.kind)) continue;
        if (!hasExample(declaration.jsDoc)) missing.add(`${where} ${symbol.name}`);
        if (declaration.kind !== "class") continue;
        for (const method of declaration.def?.methods ?? []) {
          if (method.accessibility === "private" || method.name.startsWith("[")) continue;
          if (method.kind === "getter" || method.kind === "setter") continue;
          if (!hasExample(method.jsDoc)) missing.add(`${where} ${symbol.name}.${method.name}`);
        }
        for (const constructor of declaration.def?.constructors ?? []) {
          if (constructor.accessibility === "private") continue;
          if (!hasExample(constructor.jsDoc) && !hasExample(declaration.jsDoc)) {
            missing.add(`${where} new ${symbol.name}`);
          }
        }
      }
    }
  }
  return [...missing].sort();
}

if (import.meta.main) {
  const missing = await missingExamples(Deno.args);
  for (const line of missing) console.log(line);
  console.log(`${missing.length} public symbols without an @example`);
  Deno.exit(missing.length === 0 ? 0 : 1);
}
