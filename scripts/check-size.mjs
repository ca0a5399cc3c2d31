// Fails when the package's brotli size (wasm + glue + snippets) passes the budget in
// size-budget.json.
// Usage: node scripts/check-size.mjs <pkg dir>
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { shippedFiles, sizes } from "./size.mjs";

const dir = process.argv[2] ?? "pkg";
const budget = JSON.parse(readFileSync(new URL("../size-budget.json", import.meta.url))).brotliBytes;
const shipped = shippedFiles(dir)
  .map((f) => sizes(readFileSync(join(dir, f))).brotli)
  .reduce((a, b) => a + b, 0);
if (shipped > budget) {
  console.error(`size budget exceeded: ${shipped} B brotli > ${budget} B (size-budget.json)`);
  process.exit(1);
}
console.log(`size budget ok: ${shipped} B brotli <= ${budget} B`);
