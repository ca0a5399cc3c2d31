// The Rust Worker (workers-rs + the inbox-sender crate as a path dependency), built by
// examples/rust-worker/build.sh into build/, run in workerd (Miniflare) against the emulator.
// Run from the repo root after the build: node --test examples/rust-worker/test/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startEmulator, unique, ACCOUNT, PROSPECT } from "../../../tests/js/helpers.mjs";

const example = new URL("../", import.meta.url).pathname;
const build = join(example, "build");
const compatibilityDate = /^compatibility_date = "(.+)"$/m.exec(readFileSync(join(example, "wrangler.toml"), "utf8"))[1];
// Miniflare from the JavaScript Worker example's lockfile.
const { Miniflare } = await import(pathToFileURL(createRequire(join(example, "../cloudflare-worker/")).resolve("miniflare")));

let emulator, worker;
before(async () => {
  assert.ok(existsSync(join(build, "index.js")), "build/ exists (examples/rust-worker/build.sh)");
  emulator = await startEmulator();
  worker = start(emulator.token);
});

/** The built Worker in workerd, configured for the emulator. */
function start(token) {
  return new Miniflare({
    modules: true,
    scriptPath: join(build, "index.js"),
    modulesRoot: build,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate,
    cf: false,
    bindings: { INBOX_API_TOKEN: token, INBOX_BASE_URL: emulator.url },
  });
}
after(async () => {
  await worker?.dispose();
  await emulator?.stop();
});

const send = (body) =>
  worker.dispatchFetch("http://worker.test/send", { method: "POST", body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: await r.json() }));
const dm = (content) => ({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content });

test("the build holds the Worker's module, its wasm, and no copy of the package's JS surface", () => {
  const files = readdirSync(build, { recursive: true });
  assert.ok(files.some((f) => f.endsWith(".wasm")), `a .wasm in build/: ${files}`);
  const js = files.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(build, f), "utf8")).join("\n");
  assert.ok(!js.includes("InboxClient"), "the js feature is off: no InboxClient in a Rust dependent");
});

test(
  "the Worker's module exports nothing of the crate's",
  () => {
    const js = readFileSync(join(build, "index.js"), "utf8");
    const exported = [...js.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => m[1].split(",").map((e) => e.trim().split(/\s+as\s+/).at(-1)));
    assert.ok(exported.includes("default"), `exports: ${exported}`);
    assert.deepEqual(exported.filter((name) => /^Inbox/.test(name)), []);
  },
);

test("Client::send_message in workerd sends a DM to the emulator, stored once", async () => {
  const content = unique("Hi Maya from a Rust Worker 🦀");
  const { status, json } = await send(dm(content));
  assert.equal(status, 200, JSON.stringify(json));
  const stored = await emulator.control.stored(content);
  assert.equal(stored.length, 1);
  assert.equal(json.messageId, stored[0].id);
  assert.equal(json.threadId, stored[0].threadId);
});

test("errors come back typed: invalid input, and 503 after the retries", async () => {
  const invalid = await send({ ...dm("Hi"), externalPlatformId: "@maya" });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.json.kind, "invalid_request");

  await emulator.control.faults({ status: 503, times: 3, headers: { "retry-after-ms": "5" } });
  const unavailable = await send(dm(unique("Hi")));
  assert.equal(unavailable.status, 503, JSON.stringify(unavailable.json));
  assert.equal(unavailable.json.kind, "server_error");
  assert.equal(unavailable.json.maybeSent, false);
});

test("a wrong token is unauthorized, and the sentence does not contain it", async () => {
  const other = start("wrong-token-123");
  try {
    const response = await other.dispatchFetch("http://worker.test/send", { method: "POST", body: JSON.stringify(dm("Hi")) });
    const json = await response.json();
    assert.equal(response.status, 401);
    assert.equal(json.kind, "unauthorized");
    assert.ok(!json.message.includes("wrong-token-123"), json.message);
  } finally {
    await other.dispose();
  }
});
