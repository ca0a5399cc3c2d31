// Shrinks the built package in place, same behaviour: (1) gives the wasm's imports and exports
// one- or two-letter names (wasm-bindgen names each import `__wbg_<name>_<16 hex digits>`, and
// those digits are incompressible: written once in the wasm and once in the glue) and renames
// them to match in the glue and in the wasm's .d.ts; (2) minifies the JavaScript (the glue and
// the snippets it imports) with esbuild. The readable sources are src/**/*.js and
// wasm-bindgen's output. Usage: node scripts/minify.mjs <pkg dir>
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { shippedFiles } from "./size.mjs";

/**
 * The wasm features rustc's wasm32-unknown-unknown target uses (the build strips the section
 * that lists them, so wasm-opt must be told; one it is not told about fails validation loudly).
 */
const FEATURES = [
  "--enable-reference-types",
  "--enable-multivalue",
  "--enable-bulk-memory",
  "--enable-sign-ext",
  "--enable-nontrapping-float-to-int",
  "--enable-mutable-globals",
];

const dir = process.argv[2] ?? "pkg";
shortenWasmNames(dir);
for (const name of shippedFiles(dir).filter((f) => f.endsWith(".js"))) {
  const path = join(dir, name);
  const source = readFileSync(path, "utf8");
  // Deno and JSR find the types through this comment; esbuild would drop it.
  const header = source.match(/^\/\* @ts-self-types=.*\*\/\n/)?.[0] ?? "";
  const { code } = transformSync(source, { minify: true, format: "esm", target: "es2022", legalComments: "none" });
  writeFileSync(path, header + code);
}

/** Renames the wasm's imports, import module and exports (wasm-opt), then the glue to match. */
function shortenWasmNames(dir) {
  const wasm = join(dir, "inbox_sender_bg.wasm");
  const modules = (path) => [...new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(path))).map((i) => i.module))];
  const [oldModule, ...others] = modules(wasm);
  if (others.length) throw new Error(`expected one import module, found ${[oldModule, ...others]}`);
  const map = JSON.parse(
    execFileSync("wasm-opt", [wasm, ...FEATURES, "--minify-imports-and-exports-and-modules", "-o", wasm], { encoding: "utf8" }),
  );
  const [newModule] = modules(wasm);

  const gluePath = join(dir, "inbox_sender.js");
  let glue = readFileSync(gluePath, "utf8");
  // Each import is one key of the import object; the module is its one key.
  glue = replaceExactly(glue, `"${oldModule}":`, `"${newModule}":`, 1);
  for (const [, from, to] of map.imports) glue = replaceExactly(glue, new RegExp(`\\b${from}\\b`, "g"), to, 1);
  // Exports are read as properties of `wasm`; some (the allocator's free) never are.
  for (const [from, to] of map.exports) glue = replaceExactly(glue, new RegExp(`\\bwasm\\.${from}\\b`, "g"), `wasm.${to}`);
  writeFileSync(gluePath, glue);

  const typesPath = join(dir, "inbox_sender_bg.wasm.d.ts");
  let types = readFileSync(typesPath, "utf8");
  for (const [from, to] of map.exports) types = replaceExactly(types, new RegExp(`\\bconst ${from}:`, "g"), `const ${to}:`);
  writeFileSync(typesPath, types);
}

/** `text` with `pattern` replaced by `replacement`; throws unless it matched `count` times (when given). */
function replaceExactly(text, pattern, replacement, count) {
  const found = typeof pattern === "string" ? text.split(pattern).length - 1 : (text.match(pattern) ?? []).length;
  if (count !== undefined && found !== count) throw new Error(`expected ${count} of ${pattern}, found ${found}`);
  return typeof pattern === "string" ? text.replaceAll(pattern, replacement) : text.replace(pattern, replacement);
}
