// The README's Cloudflare Workers quick start, as written, from the packed package: installed
// from the tarball into an empty app, bundled by wrangler (its esbuild resolves
// "inbox-sender" and "inbox-sender/inbox_sender_bg.wasm" through the exports map; the README's
// CompiledWasm rule), run in workerd (Miniflare). The snippet calls the real API
// (no baseUrl), so Miniflare's outbound service sends https://inboxapp.com to the emulator.
// wrangler and miniflare come from examples/cloudflare-worker/node_modules.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startEmulator, unique, ACCOUNT, PROSPECT } from "../js/helpers.mjs";
import { root, installedApp, miniflare, readmeSnippet, workerdIn, write } from "./package.mjs";

const example = join(root, "examples/cloudflare-worker/");
const { Response } = await miniflare();

let app, emulator, worker;
before(async () => {
  app = installedApp("inbox-worker-");
  emulator = await startEmulator();
});
after(async () => {
  await worker?.dispose();
  await emulator?.stop();
  app?.remove();
});

test("README Workers quick start, bundled by wrangler from the installed tarball, sends a DM in workerd", async () => {
  write(app.dir, "worker.js", readmeSnippet("### Cloudflare Workers"));
  // The README's wrangler.toml advice, as written there.
  write(
    app.dir,
    "wrangler.toml",
    `name = "readme-worker"\nmain = "worker.js"\ncompatibility_date = "2026-04-20"\n\n[[rules]]\ntype = "CompiledWasm"\nglobs = ["**/*.wasm"]\n`,
  );
  const outdir = join(app.dir, "dist");
  await promisify(execFile)(
    process.execPath,
    [join(example, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir],
    { cwd: app.dir, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
  );
  const files = readdirSync(outdir);
  assert.ok(files.includes("worker.js") && files.some((f) => f.endsWith(".wasm")), `bundle: ${files}`);

  const api = new URL(emulator.url);
  worker = await workerdIn(outdir, "worker.js", {
    bindings: { INBOX_API_TOKEN: emulator.token },
    // The Worker calls https://inboxapp.com; the test answers from the emulator instead.
    outboundService: async (request) => {
      const url = new URL(request.url);
      assert.equal(url.origin, "https://inboxapp.com", "the only host the Worker calls");
      url.protocol = api.protocol;
      url.host = api.host;
      const answer = await fetch(url, { method: request.method, headers: request.headers, body: await request.arrayBuffer(), redirect: "manual" });
      return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
    },
  });
  const content = unique("Hi Maya from the README Worker");
  const response = await worker.dispatchFetch("http://worker.test/", {
    method: "POST",
    body: JSON.stringify({ accountLinkId: ACCOUNT, content, externalPlatformId: PROSPECT }),
  });
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  const stored = await emulator.control.stored(content);
  assert.equal(stored.length, 1);
  assert.equal(json.message.id, stored[0].id);

  const refused = await worker.dispatchFetch("http://worker.test/", {
    method: "POST",
    body: JSON.stringify({ accountLinkId: ACCOUNT, content: "Hi", externalPlatformId: "@maya" }),
  });
  assert.equal(refused.status, 400);
  assert.equal((await refused.json()).kind, "invalid_request");
});
