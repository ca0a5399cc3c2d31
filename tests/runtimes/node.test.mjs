// The npm package as a Node user gets it: `npm pack` of pkg/, installed from the tarball into an
// empty app. The README's Node quick start runs there as written; the package's exports map
// resolves what users import (and nothing else); the shared scenarios (send, 401, abort,
// timeout, validation) pass against the emulator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { startEmulator } from "../js/helpers.mjs";
import { installedApp, readmeSnippet, write, run, lastJson, scenarioScript, addScenarios, assertScenarios, webhookScript, signedDeliveries, assertWebhooks } from "./package.mjs";

let app, emulator;
before(async () => {
  app = installedApp("inbox-node-");
  emulator = await startEmulator();
});
after(async () => {
  await emulator?.stop();
  app?.remove();
});

test("the tarball holds the package's files and nothing else", () => {
  const files = execFileSync("tar", ["-tzf", app.tarball], { encoding: "utf8" }).trim().split("\n").sort();
  assert.deepEqual(
    files,
    [
      "package/LICENSE",
      "package/README.md",
      "package/inbox_sender.d.ts",
      "package/inbox_sender.js",
      "package/inbox_sender_bg.wasm",
      "package/package.json",
      "package/webhook.d.ts",
      "package/webhook.js",
    ],
  );
});

test("README Node quick start sends a DM, run as written from the installed tarball", async () => {
  write(app.dir, "quick-start.mjs", readmeSnippet("### Node.js"));
  const { code, stdout, stderr } = await run("node", ["quick-start.mjs"], {
    cwd: app.dir,
    env: { ...process.env, INBOX_API_TOKEN: emulator.token, INBOX_BASE_URL: emulator.url },
  });
  assert.equal(code, 0, stderr);
  const sent = (await emulator.control.messages()).filter((m) => stdout.includes(m.id));
  assert.equal(sent.length, 1, `one stored DM printed: ${stdout}`);
  assert.ok(stdout.includes(sent[0].threadId), stdout);
});

test("the exports map: entry with types, the webhook entry with types, the .wasm, package.json; nothing else", async () => {
  const script = `
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const here = process.cwd() + "/node_modules/";
const resolve = (s) => { try { return require.resolve(s).replace(here, ""); } catch (e) { return e.code; } };
const pkg = await import("inbox-sender");
const webhook = await import("inbox-sender/webhook");
const manifest = (await import("inbox-sender/package.json", { with: { type: "json" } })).default;
console.log(JSON.stringify({
  exports: Object.keys(pkg).sort(),
  webhookExports: Object.keys(webhook).sort(),
  webhookFile: resolve("inbox-sender/webhook"),
  webhookTypes: manifest.exports["./webhook"].types,
  main: new URL(import.meta.resolve("inbox-sender")).pathname.replace(here, ""),
  glue: resolve("inbox-sender/inbox_sender.js"),
  wasm: resolve("inbox-sender/inbox_sender_bg.wasm"),
  readme: resolve("inbox-sender/README.md"),
  types: manifest.exports["."].types,
}));`;
  write(app.dir, "exports.mjs", script);
  const out = lastJson(await run("node", ["exports.mjs"], { cwd: app.dir }));
  // The crate's per-call state objects (InboxDelivery, InboxFinder) are #[wasm_bindgen(private)].
  assert.deepEqual(out.exports, ["InboxClient", "default", "initSync"]);
  assert.deepEqual(out.webhookExports, ["DEFAULT_TOLERANCE_SECONDS", "verifyWebhook"]);
  assert.equal(out.webhookFile, "inbox-sender/webhook.js");
  assert.equal(out.webhookTypes, "./webhook.d.ts");
  assert.equal(out.main, "inbox-sender/inbox_sender.js");
  assert.equal(out.glue, "inbox-sender/inbox_sender.js");
  assert.equal(out.wasm, "inbox-sender/inbox_sender_bg.wasm");
  assert.equal(out.readme, "ERR_PACKAGE_PATH_NOT_EXPORTED", "only the listed subpaths are exported");
  assert.equal(out.types, "./inbox_sender.d.ts");
  assert.ok(readFileSync(join(app.dir, "node_modules/inbox-sender", out.types)).length > 0);
});

test("Node: sends, 401, abort, timeout and validation from the installed package", async () => {
  addScenarios(app.dir);
  write(
    app.dir,
    "scenarios-node.mjs",
    scenarioScript(
      `import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { initSync, InboxClient } from "inbox-sender";
initSync({ module: readFileSync(createRequire(import.meta.url).resolve("inbox-sender/inbox_sender_bg.wasm")) });`,
      "process.argv.slice(2)",
    ),
  );
  const runId = `node-${Date.now()}`;
  const out = lastJson(await run("node", ["scenarios-node.mjs", emulator.url, emulator.token, runId], { cwd: app.dir }));
  await assertScenarios(out, emulator, runId, emulator.token);
});

test("Node: inbox-sender/webhook verifies a delivery signed by node:crypto, and names each failed check", async () => {
  write(app.dir, "webhook.mjs", webhookScript("process.argv.slice(2)"));
  assertWebhooks(lastJson(await run("node", ["webhook.mjs", signedDeliveries()], { cwd: app.dir })));
});
