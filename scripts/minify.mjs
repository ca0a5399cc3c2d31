// Shrinks the built package in place, same behaviour: (1) gives the wasm's imports and exports
// one- or two-letter names (wasm-bindgen names each import `__wbg_<name>_<16 hex digits>`, and
// those digits are incompressible: written once in the wasm and once in the glue) and renames
// them to match in the glue and in the declarations (the wasm's .d.ts, `InitOutput`); (2) bundles the JS snippets the glue
// imports (src/**/*.js) into the glue and minifies it with esbuild, so the package ships two
// files that run: inbox_sender.js and inbox_sender_bg.wasm. Each small file compressed on its
// own costs more than its share of one (measured: 444 B brotli for the four snippets).
// The readable sources are src/**/*.js and wasm-bindgen's output.
// Usage: node scripts/minify.mjs <pkg dir>
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";

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
 * Renames the wasm's imports, import modules and exports, then the glue to match: in its
 * import object, the glue's own module (`./inbox_sender_bg.js`, whose functions are keyed by
 * import name) and each snippet the wasm imports from directly (keyed by module: its functions
 * are then listed under their new names); and the properties of `wasm` (the exports) it reads.
 */
function shortenWasmNames(dir) {
  const wasmPath = join(dir, "inbox_sender_bg.wasm");
  const { bytes, modules, exports } = renameWasm(readFileSync(wasmPath));
  writeFileSync(wasmPath, bytes);

  const gluePath = join(dir, "inbox_sender.js");
  let glue = readFileSync(gluePath, "utf8");
  for (const [module, { to, names }] of modules) {
    const key = new RegExp(`"${module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}": (import\\d+)`, "g");
    const [, namespace] = key.exec(glue) ?? [];
    if (!namespace) throw new Error(`no import object entry for ${module}`);
    if (module === "./inbox_sender_bg.js") {
      glue = replaceExactly(glue, key, `"${to}": ${namespace}`, 1);
      for (const [from, short] of names) glue = replaceExactly(glue, new RegExp(`\\b${from}\\b`, "g"), short, 1);
    } else {
      const renamed = names.map(([from, short]) => `${short}: ${namespace}.${from}`).join(", ");
      glue = replaceExactly(glue, key, `"${to}": { ${renamed} }`, 1);
    }
  }
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
 * The wasm `bytes` with short import modules, import names and export names. Returns the new
 * bytes, each old module's new name with its `[old, new]` import names, and the `[old, new]`
 * export names. Only the import (2) and export (7) sections change; the others are copied.
 */
function renameWasm(bytes) {
  let at = 8; // after the magic number and version
  const u32 = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const name = () => {
    const length = u32();
    return new TextDecoder().decode(bytes.subarray(at, (at += length)));
  };
  const leb = (value) => {
    const out = [];
    do {
      out.push((value & 0x7f) | (value >= 0x80 ? 0x80 : 0));
      value = Math.floor(value / 128);
    } while (value > 0);
    return out;
  };
  const encode = (text) => {
    const utf8 = new TextEncoder().encode(text);
    return [...leb(utf8.length), ...utf8];
  };
  const short = (n) => (n < 52 ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[n] : short(Math.floor(n / 52) - 1) + short(n % 52));

  const modules = new Map();
  const exports = [];
  // Pieces of the new module; untouched sections are copied as slices (the code section is
  // tens of KB: too large to spread into an array).
  const out = [bytes.subarray(0, 8)];
  while (at < bytes.length) {
    const sectionStart = at;
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id !== 2 && id !== 7) {
      out.push(bytes.subarray(sectionStart, end));
      at = end;
      continue;
    }
    const count = u32();
    const body = [...leb(count)];
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        const module = name();
        const entry = modules.get(module) ?? { to: short(modules.size), names: [] };
        modules.set(module, entry);
        const to = short(entry.names.length);
        entry.names.push([name(), to]);
        const start = at;
        skipImportDescription();
        body.push(...encode(entry.to), ...encode(to), ...bytes.subarray(start, at));
      } else {
        const from = name();
        // `memory` keeps its name: `initSync` returns the exports, and a caller may read it.
        const to = from === "memory" ? from : short(exports.length);
        if (to !== from) exports.push([from, to]);
        const start = at;
        at++; // the kind
        u32(); // the index
        body.push(...encode(to), ...bytes.subarray(start, at));
      }
    }
    if (at !== end) throw new Error(`section ${id} did not parse to its end`);
    out.push(Uint8Array.from([id, ...leb(body.length), ...body]));
  }
  return { bytes: Buffer.concat(out), modules, exports };

  /** Steps over an import's kind and type: a function, table, memory or global. */
  function skipImportDescription() {
    const kind = bytes[at++];
    const limits = () => {
      const flags = bytes[at++];
      if (flags > 1) throw new Error(`unexpected limits flags ${flags}`);
      u32();
      if (flags === 1) u32();
    };
    if (kind === 0) u32(); // the type index
    else if (kind === 1) {
      const type = bytes[at++];
      if (type !== 0x70 && type !== 0x6f) throw new Error(`unexpected table type ${type}`);
      limits();
    } else if (kind === 2) limits();
    else if (kind === 3) at += 2; // value type, mutability
    else throw new Error(`unexpected import kind ${kind}`);
  }
}

/** `text` with `pattern` replaced by `replacement`; throws unless it matched `count` times (when given). */
function replaceExactly(text, pattern, replacement, count) {
  const found = typeof pattern === "string" ? text.split(pattern).length - 1 : (text.match(pattern) ?? []).length;
  if (count !== undefined && found !== count) throw new Error(`expected ${count} of ${pattern}, found ${found}`);
  return typeof pattern === "string" ? text.replaceAll(pattern, replacement) : text.replace(pattern, replacement);
}
