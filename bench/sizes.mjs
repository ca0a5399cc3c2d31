// What a JS user ships (wasm + glue, raw and minified glue) next to the baselines bundled and
// minified by esbuild the same way, and twiggy's top contributors on a names-kept build.
import { readFileSync, existsSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { homedir } from "node:os";
import { build } from "esbuild";
import { shippedFiles, sizes } from "../scripts/size.mjs";

const root = new URL("../", import.meta.url).pathname;

/** esbuild bundle of one entry point: ESM, for browsers, minified or not. */
export async function bundle(entry, minify) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "error",
  });
  return Buffer.from(out.outputFiles[0].contents);
}

/** Rows { name, raw, gzip, brotli } for the package and the baselines. */
export async function sizeRows() {
  const sum = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
  const wasm = sizes(readFileSync(`${root}pkg/inbox_sender_bg.wasm`));
  // The glue and the JS snippets it imports, as the release build bundles and minifies them
  // (scripts/minify.mjs).
  const glue = shippedFiles(`${root}pkg`)
    .filter((name) => name.endsWith(".js"))
    .map((name) => sizes(readFileSync(`${root}pkg/${name}`)))
    .reduce(sum);
  return [
    { name: "inbox_sender_bg.wasm", ...wasm },
    { name: "inbox_sender.js (JS)", ...glue },
    { name: "shipped: wasm + JS", ...sum(wasm, glue), shipped: true },
    { name: "baseline fetch+JSON.parse", ...sizes(await bundle(`${root}bench/baselines/fetch.mjs`, true)), baseline: "fetch" },
    { name: "baseline ky", ...sizes(await bundle(`${root}bench/baselines/ky.mjs`, true)), baseline: "ky" },
  ];
}

/**
 * `twiggy top -n 15` on a names-kept build of the release wasm, or a reason it was skipped.
 * The build uses the shared target dir: after scripts/build.sh it is already up to date.
 */
export function twiggyTop() {
  const twiggy = `${process.env.CARGO_HOME ?? `${homedir()}/.cargo`}/bin/twiggy`;
  if (!existsSync(twiggy)) return { skipped: "twiggy is not installed (cargo install twiggy)" };
  const out = "/tmp/bench-names";
  mkdirSync(out, { recursive: true });
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] }).toString();
  try {
    run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "inbox-sender", "--features", "pkg", "-q"]);
    run("wasm-bindgen", ["--target", "web", "--keep-debug", "--out-dir", out, "target/wasm32-unknown-unknown/release/inbox_sender.wasm"]);
    run(`${root}node_modules/.bin/wasm-opt`, ["-Oz", "-g", "--strip-dwarf", `${out}/inbox_sender_bg.wasm`, "-o", `${out}/named.wasm`]);
    return { table: run(twiggy, ["top", "-n", "15", `${out}/named.wasm`]) };
  } catch (error) {
    return { skipped: `names-kept build failed: ${String(error.stderr || error.message).trim().split("\n").at(-1)}` };
  }
}
