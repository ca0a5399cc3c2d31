// Prints what a JavaScript user ships (the _bg.wasm, its glue and the JS snippets the glue
// imports, when a --dev build left them unbundled): raw, gzip -9, brotli -11. Usage: node scripts/size.mjs <pkg dir> [--json]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "pkg";

/** The JS snippet modules the glue imports, as paths relative to the package folder. */
export function snippetFiles(pkgDir) {
  // A release build bundles them into the glue (scripts/minify.mjs).
  if (!existsSync(join(pkgDir, "snippets"))) return [];
  return readdirSync(join(pkgDir, "snippets"), { recursive: true })
    .filter((name) => name.endsWith(".js"))
    .map((name) => join("snippets", name));
}

/** The files of a built package that run: the wasm, the glue, and every snippet module. */
export function shippedFiles(pkgDir) {
  return ["inbox_sender_bg.wasm", "inbox_sender.js", ...snippetFiles(pkgDir)];
}

/** Sizes of one buffer: raw, gzip -9 and brotli -11 (quality 11, large window). */
export function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24 },
    }).length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) printTable();

function printTable() {
const rows = shippedFiles(dir).map((name) => ({ name, ...sizes(readFileSync(join(dir, name))) }));
const total = rows.reduce(
  (sum, r) => ({ name: "total", raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip, brotli: sum.brotli + r.brotli }),
  { raw: 0, gzip: 0, brotli: 0 },
);
rows.push(total);
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(total));
} else {
  const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
  console.log("\nsize of what a JS user ships".padEnd(30) + "raw".padStart(11) + "gzip".padStart(11) + "brotli".padStart(11));
  for (const r of rows) console.log(r.name.replace(/^snippets\/.*\//, "snippets/…/").padEnd(29) + kb(r.raw) + kb(r.gzip) + kb(r.brotli));
  // The second entry, inbox-sender/webhook: what a webhook receiver ships instead.
  if (existsSync(join(dir, "webhook.js"))) {
    const webhook = sizes(readFileSync(join(dir, "webhook.js")));
    console.log("webhook.js (its own entry)".padEnd(29) + kb(webhook.raw) + kb(webhook.gzip) + kb(webhook.brotli));
  }
}
}
