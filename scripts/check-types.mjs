// Type-checks tests/ts/consumer.ts against the built package with `tsc --strict`, the way users
// compile: `import ... from "inbox-sender"` from a project whose config names no extra lib
// (tests/ts/tsconfig.json: lib ES2022 + DOM, skipLibCheck false). It runs a matrix — every
// TypeScript minor from 5.0 to the newest (tests/ts/package.json) × moduleResolution bundler
// and node16, plus a project whose lib already has ESNext (so the package's own declaration of
// Symbol.dispose must merge with TypeScript's) — then compares the generated .d.ts with the
// reviewed snapshot in tests/snapshots/ (UPDATE_SNAPSHOTS=1 rewrites it).
// Usage: node scripts/check-types.mjs [--only 5.0]
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync, existsSync, mkdtempSync, mkdirSync, symlinkSync, rmSync, copyFileSync } from "node:fs";
import { tmpdir, availableParallelism } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const root = new URL("..", import.meta.url).pathname;
const tsDir = join(root, "tests/ts");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;

const versions = Object.keys(JSON.parse(readFileSync(join(tsDir, "package.json"), "utf8")).devDependencies)
  .map((name) => name.replace(/^typescript-/, ""))
  .filter((v) => !only || v === only);
const atLeast = (version, min) => {
  const [a, b] = version.split(".").map(Number), [c, d] = min.split(".").map(Number);
  return a > c || (a === c && b >= d);
};

// An empty app with the package installed where a user's would be (a symlink to pkg/).
const app = mkdtempSync(join(tmpdir(), "inbox-ts-"));
process.on("exit", () => rmSync(app, { recursive: true, force: true }));
mkdirSync(join(app, "node_modules"));
symlinkSync(join(root, "pkg"), join(app, "node_modules/inbox-sender"), "dir");
writeFileSync(join(app, "package.json"), JSON.stringify({ name: "ts-app", private: true, type: "module" }));
copyFileSync(join(tsDir, "consumer.ts"), join(app, "consumer.ts"));

const resolutions = {
  bundler: { module: "ES2022", moduleResolution: "bundler" },
  node16: { module: "Node16", moduleResolution: "Node16" },
};
const runs = [];
for (const version of versions) {
  for (const [name, options] of Object.entries(resolutions)) runs.push({ version, name, options });
  // ESNext already declares Symbol.dispose from 5.2 on: the package's declaration must merge.
  if (atLeast(version, "5.2")) runs.push({ version, name: "bundler, lib ESNext", options: { ...resolutions.bundler, lib: ["ESNext", "DOM"] } });
}

const run = promisify(execFile);
async function check({ version, name, options }) {
  const config = join(app, `tsconfig.${version}.${name.replace(/\W+/g, "-")}.json`);
  writeFileSync(config, JSON.stringify({ extends: join(tsDir, "tsconfig.json"), compilerOptions: options, files: ["consumer.ts"] }));
  const tsc = join(tsDir, `node_modules/typescript-${version}/bin/tsc`);
  try {
    await run(process.execPath, [tsc, "-p", config], { cwd: app });
    return { version, name, ok: true };
  } catch (error) {
    return { version, name, ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` || String(error) };
  }
}

// Two at a time: each tsc is single-threaded.
const results = [];
const queue = [...runs];
await Promise.all(
  Array.from({ length: Math.min(2, availableParallelism()) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) results.push(await check(next));
  }),
);
results.sort((a, b) => runs.findIndex((r) => r.version === a.version && r.name === a.name) - runs.findIndex((r) => r.version === b.version && r.name === b.name));
for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} TypeScript ${r.version.padEnd(4)} ${r.name}`);
const failed = results.filter((r) => !r.ok);
for (const r of failed) console.error(`\n--- TypeScript ${r.version}, ${r.name}:\n${r.output}`);
if (failed.length) {
  console.error(`tsc --strict failed on tests/ts/consumer.ts in ${failed.length} of ${results.length} configurations`);
  process.exit(1);
}
console.log(`tsc --strict: the consumer type-checks in all ${results.length} configurations, every @ts-expect-error is an error`);

const generated = readFileSync(`${root}pkg/inbox_sender.d.ts`, "utf8");
const snapshot = `${root}tests/snapshots/inbox_sender.d.ts`;
if (process.env.UPDATE_SNAPSHOTS === "1" || !existsSync(snapshot)) {
  writeFileSync(snapshot, generated);
  console.log(`wrote ${snapshot}`);
} else if (readFileSync(snapshot, "utf8") !== generated) {
  console.error(`pkg/inbox_sender.d.ts differs from ${snapshot}.`);
  console.error("Review the change: `diff tests/snapshots/inbox_sender.d.ts pkg/inbox_sender.d.ts`,");
  console.error("then accept it with `UPDATE_SNAPSHOTS=1 node scripts/check-types.mjs`.");
  process.exit(1);
} else {
  console.log(".d.ts matches the snapshot");
}
