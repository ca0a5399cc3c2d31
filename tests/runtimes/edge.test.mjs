// Vercel's Edge Runtime (npm `edge-runtime`, run locally) loads the package as a Vercel Edge
// Function does: the packed tarball installed into an app, the function bundled with esbuild
// under the `edge-light` condition, the `.wasm?module` import bound to a `WebAssembly.Module`
// compiled ahead in the runtime's realm, and `process.env` given to it, as Vercel's build and
// runtime do. The README's Edge quick start runs as written; the
// shared scenarios (send, 401, abort, timeout, validation) pass.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { build } from "esbuild";
import { EdgeRuntime } from "edge-runtime";
import { startEmulator, ACCOUNT, PROSPECT } from "../js/helpers.mjs";
import { installedApp, readmeSnippet, write, addScenarios, assertScenarios, signedDeliveries, assertWebhooks, VERIFY_ALL } from "./package.mjs";

/** The global a bundled `.wasm?module` import reads its compiled module from. */
const WASM_BINDING = "__inbox_sender_wasm";

let app, emulator;
before(async () => {
  app = installedApp("inbox-edge-");
  addScenarios(app.dir);
  emulator = await startEmulator();
});
after(async () => {
  await emulator?.stop();
  app?.remove();
});

/** Bundles `entry` (in the app) into one script, its `*.wasm?module` imports read from WASM_BINDING. */
async function bundle(entry) {
  const wasmModule = {
    name: "wasm-module",
    setup(builder) {
      builder.onResolve({ filter: /\.wasm\?module$/ }, ({ path }) => ({ path, namespace: "wasm-module" }));
      builder.onLoad({ filter: /.*/, namespace: "wasm-module" }, () => ({ contents: `export default globalThis.${WASM_BINDING};` }));
    },
  };
  const { outputFiles } = await build({
    entryPoints: [join(app.dir, entry)],
    absWorkingDir: app.dir,
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    conditions: ["edge-light", "worker", "browser"],
    mainFields: ["module", "main"],
    plugins: [wasmModule],
    logLevel: "silent",
  });
  return outputFiles[0].text;
}

/** An Edge Runtime running `code`, with the package's wasm compiled in it and `env` as process.env. */
async function edgeRuntime(code, env) {
  const runtime = new EdgeRuntime({ extend: (context) => Object.assign(context, { process: { env } }) });
  const wasm = readFileSync(createRequire(join(app.dir, "package.json")).resolve("inbox-sender/inbox_sender_bg.wasm"));
  runtime.context.__wasmBytes = wasm;
  runtime.context[WASM_BINDING] = await runtime.evaluate("WebAssembly.compile(__wasmBytes)");
  delete runtime.context.__wasmBytes;
  runtime.evaluate(code);
  return runtime;
}

test("runs in edge-runtime's own realm (not Node's globals)", async () => {
  const runtime = await edgeRuntime("", {});
  assert.equal(runtime.evaluate("EdgeRuntime"), "edge-runtime");
  assert.equal(runtime.evaluate("typeof require + typeof Buffer"), "undefinedundefined");
  const version = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("edge-runtime/package.json"), "utf8")).version;
  console.log(`# edge-runtime ${version} on Node ${process.versions.node}`);
});

test("README Vercel Edge quick start sends a DM, run as written", async () => {
  write(app.dir, "send.js", readmeSnippet("### Vercel Edge Functions"));
  // Vercel calls the default export with each request.
  write(app.dir, "entry.js", `import handler from "./send.js";\naddEventListener("fetch", (event) => event.respondWith(handler(event.request)));\n`);
  const runtime = await edgeRuntime(await bundle("entry.js"), { INBOX_API_TOKEN: emulator.token, INBOX_BASE_URL: emulator.url });
  const content = `edge quick start ${Date.now()}`;
  const response = await runtime.dispatchFetch("https://app.example/api/send", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accountLinkId: ACCOUNT, content, externalPlatformId: PROSPECT }),
  });
  const body = await response.json();
  await response.waitUntil();
  assert.equal(response.status, 200, JSON.stringify(body));
  const stored = await emulator.control.stored(content);
  assert.equal(stored.length, 1, "stored once");
  assert.deepEqual(body, { messageId: stored[0].id, threadId: stored[0].threadId });
});

test("initSync with the bound module: sends, 401, abort, timeout and validation", async () => {
  write(
    app.dir,
    "scenarios-entry.js",
    `import wasm from "inbox-sender/inbox_sender_bg.wasm?module";
import { initSync, InboxClient } from "inbox-sender";
import { scenarios } from "./scenarios.mjs";
initSync({ module: wasm });
addEventListener("fetch", (event) =>
  event.respondWith(event.request.json().then((args) => scenarios({ InboxClient }, args)).then((out) => Response.json(out))));
`,
  );
  const runtime = await edgeRuntime(await bundle("scenarios-entry.js"), {});
  const runId = `edge-${Date.now()}`;
  const response = await runtime.dispatchFetch("https://app.example/", {
    method: "POST",
    body: JSON.stringify({ url: emulator.url, token: emulator.token, runId }),
  });
  assert.equal(response.status, 200);
  const out = await response.json();
  await response.waitUntil();
  await assertScenarios(out, emulator, runId, emulator.token);
});

test("inbox-sender/webhook verifies with the Edge Runtime's WebCrypto", async () => {
  write(
    app.dir,
    "webhook-entry.js",
    `import { verifyWebhook } from "inbox-sender/webhook";
${VERIFY_ALL}
addEventListener("fetch", (event) => event.respondWith(event.request.json().then(verifyAll).then((out) => Response.json(out))));
`,
  );
  const runtime = await edgeRuntime(await bundle("webhook-entry.js"), {});
  const response = await runtime.dispatchFetch("https://app.example/", { method: "POST", body: signedDeliveries() });
  assertWebhooks(await response.json());
  await response.waitUntil();
});
