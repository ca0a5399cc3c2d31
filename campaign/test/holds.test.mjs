// Failures charged to their scope, in workerd against the emulator: a refused token (401, the
// team's) and a disconnected X account (409 accountLinkDisconnected, one sender's) hold DMs
// instead of failing them or spending a request per DM while they last. Once the outage ends,
// every DM is sent, each stored once, none failed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ACCOUNTS, TOKEN, startEmulator, startWorker, until } from "./harness.mjs";

const HOLD_PROBE_MS = 1_000;
let emulator;
let worker;

before(async () => {
  emulator = await startEmulator(["--token", TOKEN, "--sender-limits", "none"]);
  worker = await startWorker({ INBOX_BASE_URL: emulator.url, RETRY_BASE_MS: "100", HOLD_PROBE_MS: String(HOLD_PROBE_MS) });
});
after(async () => {
  await worker?.mf.dispose();
  await emulator?.stop();
});

const post = async (path, body) => {
  const response = await fetch(emulator.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.ok(response.ok, `${path}: HTTP ${response.status} ${await response.text()}`);
};
const dms = (id, count, sender) =>
  Array.from({ length: count }, (_, i) => ({ accountLinkId: sender(i), content: `${id} DM #${i}`, externalPlatformId: String(5_000_000 + i) }));

/** Runs a campaign through an outage; returns its final status and the requests the outage drew. */
async function throughOutage(id, messages, outage, status) {
  const before = (await emulator.control.requests()).length;
  await post(outage.path, outage.body);
  const created = await worker.call("/campaigns", { method: "POST", body: { id, messages } });
  assert.equal(created.status, 202, created.text);
  const end = await until(
    async () => {
      const { json } = await worker.call(`/campaigns/${id}`);
      return json.queued + json.sending === 0 && json;
    },
    { timeoutMs: 60_000, everyMs: 250, what: `every DM of ${id} to end` },
  );
  const record = (await emulator.control.requests()).slice(before);
  const refused = record.filter((r) => r.status === status).length;
  return { end, refused };
}

test("a refused token holds the campaign: no DM fails, a few requests per probe, all sent once after", { timeout: 90_000 }, async () => {
  const messages = dms("token", 40, (i) => ACCOUNTS[i % 2]);
  const { end, refused } = await throughOutage("token", messages, { path: "/__emulator/token", body: { refused: true, durationMs: 4_000 } }, 401);
  assert.equal(end.failed, 0, JSON.stringify(end));
  assert.equal(end.sent, 40, JSON.stringify(end));
  for (const { content } of messages) assert.equal((await emulator.control.stored(content)).length, 1, `${content} stored once`);
  // 40 DMs, a 4 s outage, a probe a second: the refusals are the requests in flight when it
  // began plus those of a handful of probes, never one or more per DM.
  assert.ok(refused > 0, "the outage was met");
  assert.ok(refused < 40, `a hold, not a request per DM: ${refused} refused requests`);
});

test("a disconnected X account holds its sender alone: the other sends on, nothing fails", { timeout: 90_000 }, async () => {
  const [off, on] = ACCOUNTS;
  const messages = dms("link", 40, (i) => ACCOUNTS[i % 2]);
  const { end, refused } = await throughOutage(
    "link",
    messages,
    { path: `/__emulator/account-links/${off}/status`, body: { status: "offline", durationMs: 4_000 } },
    409,
  );
  assert.equal(end.failed, 0, JSON.stringify(end));
  assert.equal(end.sent, 40, JSON.stringify(end));
  assert.equal(end.bySender[on].sent, 20);
  assert.equal(end.bySender[off].sent, 20);
  for (const { content } of messages) assert.equal((await emulator.control.stored(content)).length, 1, `${content} stored once`);
  assert.ok(refused > 0, "the outage was met");
  assert.ok(refused < 20, `a hold, not a request per DM: ${refused} refused requests`);
});
