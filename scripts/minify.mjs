// Shrinks the built package in place, same behaviour: (1) gives the wasm's imports and exports
// one- or two-letter names (wasm-bindgen names each import `__wbg_<name>_<16 hex digits>`, and
// those digits are incompressible: written once in the wasm and once in the glue): binaryen's
// wasm-opt renames them and prints the old→new map, from which the glue and the declarations
// (the wasm's .d.ts, `InitOutput`) are renamed to match; (2) bundles the JS snippets the glue
// imports (src/**/*.js) into the glue and minifies it with esbuild, so the package ships two
// files that run: inbox_sender.js and inbox_sender_bg.wasm. Each small file compressed on its
// own costs more than its share of one (measured: 444 B brotli for the four snippets).
// The readable sources are src/**/*.js and wasm-bindgen's output.
// Binaryen's renaming replaced a hand-written wasm section parser: measured on the same build,
// +5 B brotli on one (27,286 B against 27,281 B), -2 B on another (27,277 B against 27,279 B).
// Binaryen draws import and export names from one sequence, so a few take two letters
// (bench/README.md, size).
// Usage: node scripts/minify.mjs <pkg dir>
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import binaryen from "binaryen";
import { buildSync } from "esbuild";

/** The module wasm-bindgen's glue answers for, and the one binaryen moves every import to. */
const OWN_MODULE = "./inbox_sender_bg.js";
const MODULE = "a";
/**
 * The wasm features rustc's wasm32 target emits, as wasm-opt flags and binaryen.js flags (the
 * release build strips the target-features section, so binaryen has to be told).
 */
const FEATURES = {
  "bulk-memory": binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt,
  multivalue: binaryen.Features.Multivalue,
  "mutable-globals": binaryen.Features.MutableGlobals,
  "nontrapping-float-to-int": binaryen.Features.NontrappingFPToInt,
  "reference-types": binaryen.Features.ReferenceTypes,
  "sign-ext": binaryen.Features.SignExt,
};

/**
 * Levels that make binaryen's writer optimize its stack IR, and run no pass: without them a
 * read and write of the -Oz module grows its code by ~120 B (local sets and gets around
 * multivalue calls, which -Oz's own write had removed). binaryen.js's writer does not do it.
 */
const WRITE_LEVELS = ["--optimize-level=2", "--shrink-level=2"];

const dir = process.argv[2] ?? "pkg";
shortenWasmNames(dir);
bundleGlue(dir);

/** Bundles the glue with the snippets it imports into one minified module; drops snippets/. */
function bundleGlue(dir) {
  const path = join(dir, "inbox_sender.js");
  // Deno and JSR find the types through this comment; esbuild would drop it.
  const header = readFileSync(path, "utf8").match(/^\/\* @ts-self-types=.*\*\/\n/)?.[0] ?? "";
  const { outputFiles } = buildSync({
    entryPoints: [path],
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    target: "es2022",
    legalComments: "none",
  });
  writeFileSync(path, header + outputFiles[0].text);
  rmSync(join(dir, "snippets"), { recursive: true, force: true });
}

/**
 * Renames the wasm's imports, import modules and exports (wasm-opt
 * `--minify-imports-and-exports-and-modules`: every import moves to module `a`), then the glue
 * to match: its import object becomes `{ a: import0 }`, where import0 (the glue's own functions,
 * keyed by import name) has its keys renamed and gains the functions the wasm imports from a
 * snippet directly; and the properties of `wasm` (the exports) it reads.
 */
function shortenWasmNames(dir) {
  const wasmPath = join(dir, "inbox_sender_bg.wasm");
  const { imports, exports } = minifyWasm(wasmPath);

  const gluePath = join(dir, "inbox_sender.js");
  let glue = readFileSync(gluePath, "utf8");
  // `return { __proto__: null, "<module>": import<n>, ... };`: a module may be listed twice.
  const object = /return \{\n\s*__proto__: null,\n((?:\s*"[^"]+": import\d+,\n)+)\s*\};/;
  const [entries] = object.exec(glue)?.slice(1) ?? [];
  if (!entries) throw new Error("no import object in the glue");
  const namespaces = new Map([...entries.matchAll(/"([^"]+)": (import\d+)/g)].reverse().map((m) => m.slice(1)));
  if (namespaces.get(OWN_MODULE) !== "import0") throw new Error(`${OWN_MODULE} is not import0`);
  const direct = [];
  for (const [module, from, to] of imports) {
    const namespace = namespaces.get(module);
    if (!namespace) throw new Error(`no import object entry for ${module}`);
    if (namespace === "import0") glue = replaceExactly(glue, new RegExp(`\\b${from}\\b`, "g"), to, 1);
    else direct.push(`${to}: ${namespace}.${from},`);
  }
  const own = "const import0 = {\n        __proto__: null,\n";
  glue = replaceExactly(glue, own, own + direct.map((entry) => `${entry}\n`).join(""), 1);
  glue = replaceExactly(glue, object, `return { __proto__: null, ${MODULE}: import0 };`, 1);
  // Exports are read as properties of `wasm`; some (the allocator's free) never are.
  for (const [from, to] of exports) glue = replaceExactly(glue, new RegExp(`\\bwasm\\.${from}\\b`, "g"), `wasm.${to}`);
  writeFileSync(gluePath, glue);

  // The exports' declarations: the wasm's own .d.ts, and `InitOutput` (what `initSync` returns).
  const declarations = [
    ["inbox_sender_bg.wasm.d.ts", (name) => `export const ${name}:`],
    ["inbox_sender.d.ts", (name) => `readonly ${name}:`],
  ];
  for (const [file, declaration] of declarations) {
    let types = readFileSync(join(dir, file), "utf8");
    // Some exports (wasm-bindgen's abort hooks) are not declared.
    for (const [from, to] of exports) types = replaceExactly(types, declaration(from), declaration(to));
    writeFileSync(join(dir, file), types);
  }
}

/**
 * Minifies the wasm at `path` in place with wasm-opt and returns binaryen's map: `imports` as
 * `[module, old, new]`, `exports` as `[old, new]`. `memory` keeps its name (`initSync` returns
 * the exports, and a caller may read it): binaryen renames every export, so binaryen.js renames
 * it back and wasm-opt writes the module once more (see WRITE_LEVELS). Throws unless the result
 * imports exactly the mapped names from `a` and exports the others.
 */
function minifyWasm(path) {
  const map = JSON.parse(wasmOpt(path, "--minify-imports-and-exports-and-modules"));
  const memory = map.exports.find(([from]) => from === "memory");
  if (!memory) throw new Error("the wasm exports no memory");
  const module = binaryen.readBinary(readFileSync(path));
  try {
    module.setFeatures(Object.values(FEATURES).reduce((all, feature) => all | feature));
    const { kind, value } = binaryen.getExportInfo(module.getExport(memory[1]));
    if (kind !== binaryen.ExternalMemory) throw new Error(`export ${memory[1]} is not the memory`);
    module.removeExport(memory[1]);
    module.addMemoryExport(value, "memory");
    writeFileSync(path, module.emitBinary());
  } finally {
    module.dispose();
  }
  wasmOpt(path);
  const exports = map.exports.filter((entry) => entry !== memory);

  const compiled = new WebAssembly.Module(readFileSync(path));
  const got = WebAssembly.Module.imports(compiled).map((i) => `${i.module} ${i.name}`).sort();
  const want = map.imports.map(([, , to]) => `${MODULE} ${to}`).sort();
  if (got.join() !== want.join()) throw new Error(`wasm imports ${got} after minifying, expected ${want}`);
  const gotExports = WebAssembly.Module.exports(compiled).map((e) => e.name).sort();
  const wantExports = ["memory", ...exports.map(([, to]) => to)].sort();
  if (gotExports.join() !== wantExports.join()) throw new Error(`wasm exports ${gotExports}, expected ${wantExports}`);
  return { imports: map.imports, exports };
}

/** Rewrites the wasm at `path` with wasm-opt, running `passes` (none: only rewritten); returns its stdout. */
function wasmOpt(path, ...passes) {
  const bin = fileURLToPath(new URL("../node_modules/.bin/wasm-opt", import.meta.url));
  const enable = Object.keys(FEATURES).map((feature) => `--enable-${feature}`);
  // stderr is kept from the console (with no pass wasm-opt warns that it has none) and is in
  // the error that a failure throws.
  const args = [path, ...enable, ...WRITE_LEVELS, ...passes, "-o", path];
  return execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** `text` with `pattern` replaced by `replacement`; throws unless it matched `count` times (when given). */
function replaceExactly(text, pattern, replacement, count) {
  const found =
    typeof pattern === "string"
      ? text.split(pattern).length - 1
      : [...text.matchAll(new RegExp(pattern.source, pattern.flags.replace("g", "") + "g"))].length;
  if (count !== undefined && found !== count) throw new Error(`expected ${count} of ${pattern}, found ${found}`);
  // A function, so that `$` in a new name is not read as a replacement pattern.
  return typeof pattern === "string" ? text.replaceAll(pattern, () => replacement) : text.replace(pattern, () => replacement);
}
