// Checks that the crate and the npm package are publishable as they stand (docs/promises.md), failing
// with every problem it finds:
// - LICENSE (the license Cargo.toml names) and CHANGELOG.md (with a section for this version);
// - `cargo package --list` holds only what a Rust user builds (Cargo's own files, src/,
//   README.md, LICENSE, CHANGELOG.md), including every JS module a `module = "/src/..."`
//   attribute imports;
// - `cargo doc --no-deps` is clean with `-D warnings`, natively and for wasm32;
// - pkg/package.json has the fields a registry shows and resolvers need, and `npm pack` of pkg/
//   holds the package's own files and nothing else;
// - every member of the .d.ts's interfaces and classes has a doc comment (editor hover), except
//   wasm-bindgen's own (`InitOutput`, `free()`, `[Symbol.dispose]()`) and a member whose type is
//   one string literal.
// Needs pkg/ built (scripts/build.sh). Usage: node scripts/check-publish.mjs [pkg dir]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, process.argv[2] ?? "pkg");
const problems = [];
const fail = (message) => problems.push(message);
const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20, ...options });

// Cargo.toml's [package] table, the few string and array keys this needs.
const cargoToml = readFileSync(join(root, "Cargo.toml"), "utf8");
const packageTable = cargoToml.slice(cargoToml.indexOf("[package]")).split(/\n\[/)[0];
const key = (name) => packageTable.match(new RegExp(`^${name} = "([^"]*)"`, "m"))?.[1];
const version = key("version");
const license = key("license");

// LICENSE and CHANGELOG.md.
const licenseFile = join(root, "LICENSE");
if (!existsSync(licenseFile)) fail("LICENSE is missing");
else if (license === "MIT" && !readFileSync(licenseFile, "utf8").startsWith("MIT License")) fail(`LICENSE is not the MIT license Cargo.toml names`);
const changelog = join(root, "CHANGELOG.md");
if (!existsSync(changelog)) fail("CHANGELOG.md is missing");
else if (!readFileSync(changelog, "utf8").includes(`## [${version}]`)) fail(`CHANGELOG.md has no "## [${version}]" section`);

// cargo package --list.
const cargoOwn = new Set(["Cargo.toml", "Cargo.toml.orig", "Cargo.lock", ".cargo_vcs_info.json"]);
const documents = ["README.md", "LICENSE", "CHANGELOG.md"];
const listed = run("cargo", ["package", "-p", "inbox-sender", "--allow-dirty", "--no-verify", "--list", "--quiet"]).split("\n").filter(Boolean);
const outside = listed.filter((file) => !cargoOwn.has(file) && !documents.includes(file) && !file.startsWith("src/"));
if (outside.length) {
  const shown = outside.slice(0, 10).join(", ") + (outside.length > 10 ? `, … (${outside.length - 10} more)` : "");
  fail(`cargo package holds ${outside.length} files a Rust user does not build: ${shown}`);
}
for (const file of documents) if (!listed.includes(file)) fail(`cargo package lacks ${file}`);
const sources = (dir) => readdirSync(join(root, dir), { withFileTypes: true })
  .flatMap((entry) => (entry.isDirectory() ? sources(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`]));
for (const file of sources("src").filter((name) => name.endsWith(".rs"))) {
  for (const [, module] of readFileSync(join(root, file), "utf8").matchAll(/module = "\/([^"]+)"/g)) {
    if (!listed.includes(module)) fail(`cargo package lacks ${module}, which ${file} imports`);
  }
}

// cargo doc, natively and for wasm32: -D warnings, and no warning from cargo itself either.
for (const target of [[], ["--target", "wasm32-unknown-unknown"]]) {
  const where = target.length ? "wasm32" : "native";
  const doc = spawnSync("cargo", ["doc", "--no-deps", "-p", "inbox-sender", ...target], {
    cwd: root, encoding: "utf8", env: { ...process.env, RUSTDOCFLAGS: "-D warnings" },
  });
  if (doc.status !== 0) fail(`cargo doc (${where}) failed:\n${doc.stderr}`);
  else if (/^warning/m.test(doc.stderr)) fail(`cargo doc (${where}) warns:\n${doc.stderr}`);
}

// pkg/package.json.
const manifestPath = join(pkg, "package.json");
if (!existsSync(manifestPath)) {
  fail(`${manifestPath} is missing: build pkg/ first (scripts/build.sh)`);
} else {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  for (const field of ["name", "version", "description", "license", "repository", "keywords", "types", "exports", "sideEffects", "files"]) {
    if (manifest[field] === undefined || manifest[field] === "" || (Array.isArray(manifest[field]) && manifest[field].length === 0)) fail(`pkg/package.json lacks "${field}"`);
  }
  if (manifest.license !== license) fail(`pkg/package.json's license ${manifest.license} is not Cargo.toml's ${license}`);
  if (manifest.version !== version) fail(`pkg/package.json's version ${manifest.version} is not Cargo.toml's ${version}`);
  if (!(manifest.repository?.url ?? manifest.repository)) fail(`pkg/package.json's repository has no url`);
  if (manifest.types && !existsSync(join(pkg, manifest.types))) fail(`pkg/package.json's types ${manifest.types} does not exist`);
  const entry = manifest.exports?.["."];
  if (!entry?.types || !entry?.default) fail(`pkg/package.json's exports["."] lacks types or default`);
  if (manifest.sideEffects !== false && !Array.isArray(manifest.sideEffects)) fail(`pkg/package.json's sideEffects is neither false nor a list`);

  // npm pack: the package's own files (a --dev build keeps wasm-bindgen's snippets/ beside the
  // glue), whatever the manifest's `files` says.
  const own = ["package.json", "README.md", "LICENSE", "inbox_sender.js", "inbox_sender_bg.wasm", "inbox_sender.d.ts", "webhook.js", "webhook.d.ts"];
  const [packed] = JSON.parse(run("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], { cwd: pkg }));
  const packedFiles = packed.files.map((file) => file.path);
  for (const file of packedFiles) {
    if (!own.includes(file) && !file.startsWith("snippets/")) fail(`npm pack of pkg/ holds ${file}, which is not the package's`);
  }
  for (const file of own) if (!packedFiles.includes(file)) fail(`npm pack of pkg/ lacks ${file}`);

  // Doc comments in the .d.ts.
  if (manifest.types && existsSync(join(pkg, manifest.types))) {
    const lines = readFileSync(join(pkg, manifest.types), "utf8").split("\n");
    let owner;
    lines.forEach((line, index) => {
      const declaration = line.match(/^(?:export )?(?:declare )?(?:interface|class) (\w+)/);
      if (declaration) owner = declaration[1];
      if (/^\S/.test(line) && !declaration) owner = undefined;
      const member = line.match(/^ {4}(?:readonly |static |get |set )?(\[?[\w.$]+\]?)(\??)(\(|:)\s*(.*)/);
      if (!owner || !member || owner === "InitOutput" || owner === "SymbolConstructor") return;
      if ((member[1] === "free" || member[1] === "[Symbol.dispose]") && member[3] === "(") return;
      if (/^"[^"]*";$/.test(member[4])) return;
      if (!lines[index - 1].trim().endsWith("*/")) fail(`${manifest.types}:${index + 1}: ${owner}.${member[1]} has no doc comment`);
    });
  }
}

if (problems.length) {
  console.error(`not publishable as it stands (${problems.length}):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`publishable: cargo package holds ${listed.length} files, cargo doc clean (native, wasm32), pkg/package.json and npm pack complete, the .d.ts documented`);
