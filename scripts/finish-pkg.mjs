// Finishes pkg/ after wasm-pack (scripts/build.sh runs it for --release and --dev alike):
// - inbox_sender.d.ts: wasm-bindgen declares `[Symbol.dispose](): void` on each class, and
//   TypeScript's lib declares `Symbol.dispose` only in ESNext.Disposable (TypeScript ≥ 5.2), so
//   a project with the usual `lib: ["es2022", "dom"]` failed with TS2550. The file now declares
//   that one member itself. `/// <reference lib="esnext.disposable" />` would also do on 5.2+,
//   but it is an error on 5.0 and 5.1 (no such lib) and pulls the whole lib into the user's
//   program; the declaration is the same one TypeScript's lib and @types/node make, so the
//   three merge (checked by scripts/check-types.mjs with lib ESNext). And `get` is made generic
//   (`get<T = unknown>(…): Promise<GetResult<T>>`, so a caller names the type it reads), which
//   wasm-bindgen cannot declare.
// - webhook.js and webhook.d.ts: `inbox-sender/webhook` (`verifyWebhook`), from src/js/, a
//   module of its own that the sending entry never imports; minified with esbuild in a release
//   build (one that has no snippets/ left), with the `@ts-self-types` comment Deno reads.
// - package.json: an `exports` map, so Node, Deno, Bun, bundlers and TypeScript (node16 and
//   bundler resolution) find the entry with its types and the .wasm, and nothing else (a release
//   build has the JS snippets bundled into the glue; a --dev build keeps snippets/ and lists it).
// Idempotent. Usage: node scripts/finish-pkg.mjs <pkg dir>
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { transformSync } from "esbuild";
import { join } from "node:path";

const dir = process.argv[2] ?? "pkg";

const DISPOSE = `// The classes below declare [Symbol.dispose] (\`using client = new InboxClient(...)\`).
// TypeScript's lib declares Symbol.dispose only from ESNext.Disposable (TypeScript 5.2) on, so
// this file declares it too: projects with lib ES2022 compile unchanged.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
`;
const dts = join(dir, "inbox_sender.d.ts");
let types = readFileSync(dts, "utf8");
if (!types.includes("interface SymbolConstructor")) {
  // After wasm-bindgen's lint-disabling header comments, before the first declaration.
  const header = types.match(/^(?:\/\*.*\*\/\n)*/)[0];
  types = header + DISPOSE + types.slice(header.length);
}
const GET = "get(path: string, options?: GetOptions | null): Promise<GetResult>;";
if (types.includes(GET)) {
  types = types.replace(GET, "get<T = unknown>(path: string, options?: GetOptions | null): Promise<GetResult<T>>;");
} else if (!types.includes("get<T = unknown>(")) {
  throw new Error(`finish-pkg: ${dts} declares no \`${GET}\` to make generic`);
}
writeFileSync(dts, types);

const WEBHOOK = ["webhook.js", "webhook.d.ts"];
const release = !existsSync(join(dir, "snippets"));
for (const name of WEBHOOK) copyFileSync(new URL(`../src/js/${name}`, import.meta.url), join(dir, name));
if (release) {
  const source = readFileSync(join(dir, "webhook.js"), "utf8");
  const { code } = transformSync(source, { minify: true, format: "esm", target: "es2022" });
  writeFileSync(join(dir, "webhook.js"), `/* @ts-self-types="./webhook.d.ts" */\n${code}`);
}

const manifestPath = join(dir, "package.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const entry = { types: `./${manifest.types}`, default: `./${manifest.main}` };
manifest.exports = {
  ".": entry,
  [`./${manifest.main}`]: entry,
  "./webhook": { types: "./webhook.d.ts", default: "./webhook.js" },
  "./inbox_sender_bg.wasm": "./inbox_sender_bg.wasm",
  "./package.json": "./package.json",
};
manifest.files = [...new Set([...manifest.files, ...WEBHOOK])];
if (existsSync(join(dir, "snippets"))) {
  manifest.exports["./snippets/*"] = "./snippets/*";
} else {
  manifest.files = manifest.files.filter((name) => name !== "snippets");
  // The one module left has no side effects on import (the snippets were the ones listed).
  manifest.sideEffects = false;
}
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
