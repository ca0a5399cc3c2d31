// Puts the types' TypeScript declarations into pkg/inbox_sender.d.ts. tsify derives them (the
// crate's feature `types`), and tsify links std, which the shipped wasm does not (`panic` in src/lib.rs):
// so they come from a build of their own, the same surface with `types` on, run through the same
// wasm-bindgen. Its declarations up to `export type InitInput` (the surface and its types)
// replace the shipped build's; what follows (the shipped wasm's own exports, `initSync`) stays.
// scripts/build.sh runs it before minify.mjs, which renames those exports.
// Usage: node scripts/declarations.mjs <pkg dir>
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = process.argv[2] ?? "pkg";
const root = new URL("..", import.meta.url).pathname;
const SPLIT = "export type InitInput";

const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
// A dev build: the declarations do not depend on the profile, and it is the quicker one.
run("cargo", ["build", "-q", "-p", "inbox-sender", "--lib", "--target", "wasm32-unknown-unknown", "--features", "js,types"]);
const out = mkdtempSync(join(tmpdir(), "inbox-declarations-"));
try {
  run("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "inbox_sender", join(root, "target/wasm32-unknown-unknown/debug/inbox_sender.wasm")]);
  const typed = readFileSync(join(out, "inbox_sender.d.ts"), "utf8");
  const path = join(dir, "inbox_sender.d.ts");
  const shipped = readFileSync(path, "utf8");
  const [head, tail] = [typed.indexOf(SPLIT), shipped.indexOf(SPLIT)];
  if (head < 0 || tail < 0) throw new Error(`declarations.mjs: no \`${SPLIT}\` in a .d.ts to splice at`);
  writeFileSync(path, typed.slice(0, head) + shipped.slice(tail));
} finally {
  rmSync(out, { recursive: true, force: true });
}
