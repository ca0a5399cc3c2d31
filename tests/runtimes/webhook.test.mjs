// The README's Worker that receives webhooks, run as written in workerd (Miniflare) with
// pkg/webhook.js (the `inbox-sender/webhook` entry, nothing else):
// deliveries signed by node:crypto's createHmac verify there (WebCrypto in workerd), and a
// tampered body, a wrong secret, a stale or missing header answer 401 with the check.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readmeSnippet, root, workerdIn } from "./package.mjs";

const SECRET = "whsec_workerd_51be";
const body = JSON.stringify({
  id: "evt_9",
  seq: 7,
  type: "thread.created",
  apiVersion: "2",
  createdAt: "2026-09-14T10:32:00.000Z",
  object: { type: "thread", id: "th1", url: "/api/v2/threads/th1" },
  data: {},
});
const signed = (text, t = Math.floor(Date.now() / 1000), secret = SECRET) =>
  `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${text}`).digest("hex")}`;

let dir, worker;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "inbox-webhook-"));
  // The snippet as written, its package import pointed at pkg/'s webhook entry beside it.
  const snippet = readmeSnippet("### A Cloudflare Worker receiving webhooks").replace('"inbox-sender/webhook"', '"./webhook.js"');
  assert.ok(snippet.includes('"./webhook.js"'), "the README's Worker imports inbox-sender/webhook");
  writeFileSync(join(dir, "worker.mjs"), snippet);
  copyFileSync(join(root, "pkg/webhook.js"), join(dir, "webhook.js"));
  worker = await workerdIn(dir, "worker.mjs", { bindings: { INBOX_WEBHOOK_SECRET: SECRET } });
  await worker.ready;
}, { timeout: 60_000 });
after(async () => {
  await worker?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const deliver = async (text, signature) => {
  const headers = signature === undefined ? {} : { "x-inbox-signature": signature };
  const response = await worker.dispatchFetch("http://worker.test/inbox", { method: "POST", headers, body: text });
  return { status: response.status, json: await response.json() };
};

test("workerd: a signed delivery verifies and the Worker acts on its event", async () => {
  assert.deepEqual(await deliver(body, signed(body)), { status: 200, json: { received: "evt_9", type: "thread.created" } });
  const rotating = `${signed(body, undefined, "whsec_old")},${signed(body).replace(/^t=\d+,/, "")}`;
  assert.equal((await deliver(body, rotating)).status, 200);
});

test("workerd: each failed check answers 401 with the check", async () => {
  const cases = [
    [body.replace("th1", "th2"), signed(body), "mismatch"],
    [body, signed(body, undefined, "whsec_wrong"), "mismatch"],
    [body, signed(body, Math.floor(Date.now() / 1000) - 301), "stale"],
    [body, signed(body, Math.floor(Date.now() / 1000) + 301), "stale"],
    [body, "t=abc,v1=00", "malformed"],
    [body, undefined, "missing"],
  ];
  for (const [text, signature, check] of cases) {
    assert.deepEqual(await deliver(text, signature), { status: 401, json: { check } }, check);
  }
});
