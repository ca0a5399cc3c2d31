// Minifies the package's JavaScript in place (the wasm-bindgen glue and the JS snippets it
// imports) with esbuild: same modules, same exports, about 40% fewer brotli bytes to ship.
// The readable sources are src/*.js and wasm-bindgen's output. Usage: node scripts/minify.mjs <pkg dir>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { shippedFiles } from "./size.mjs";

const dir = process.argv[2] ?? "pkg";
for (const name of shippedFiles(dir).filter((f) => f.endsWith(".js"))) {
  const path = join(dir, name);
  const source = readFileSync(path, "utf8");
  // Deno and JSR find the types through this comment; esbuild would drop it.
  const header = source.match(/^\/\* @ts-self-types=.*\*\/\n/)?.[0] ?? "";
  const { code } = transformSync(source, { minify: true, format: "esm", target: "es2022", legalComments: "none" });
  writeFileSync(path, header + code);
}
