// Builds the unpacked extension into dist/: the extension's own files plus the inbox-sender
// package (pkg/, built by scripts/build.sh). Run: node examples/chrome-extension/build.mjs
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkg = fileURLToPath(new URL("../../pkg/", import.meta.url));
export const dist = `${here}dist/`;

const files = {
  [here]: ["manifest.json", "service-worker.js", "conversation.js", "pending-keys.js", "content-script.js", "options.html", "options.js"],
  [pkg]: ["inbox_sender.js", "inbox_sender_bg.wasm"],
};

export function build() {
  if (!existsSync(`${pkg}inbox_sender_bg.wasm`)) throw new Error(`${pkg} is missing: run scripts/build.sh first`);
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist);
  for (const [dir, names] of Object.entries(files)) for (const name of names) copyFileSync(dir + name, dist + name);
  return dist;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`built ${build()}`);
