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
// Each campaign writes to prospects of its own: one that already got a DM is in a conversation.
let nextProspect = 5_000_000;
const dms = (id, count, sender) => {
  const base = nextProspect;
  nextProspect += count;
  return Array.from({ length: count }, (_, i) => ({ accountLinkId: sender(i), content: `${id} DM #${i}`, externalPlatformId: String(base + i) }));
};

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

test("an account link Inbox does not know holds its sender, shown with its fix; nothing fails; cancel ends it", { timeout: 90_000 }, async () => {
  const ghost = "acct9unknown";
  const [on] = ACCOUNTS;
  const messages = dms("ghost", 20, (i) => (i % 4 === 3 ? ghost : on));
  const before = (await emulator.control.requests()).length;
  const created = await worker.call("/campaigns", { method: "POST", body: { id: "ghost", messages } });
  assert.equal(created.status, 202, created.text);
  const held = await until(
    async () => {
      const { json } = await worker.call("/campaigns/ghost");
      return json.sent === 15 && json.held === 5 && json;
    },
    { timeoutMs: 60_000, everyMs: 250, what: "the known sender done, the unknown one held" },
  );
  assert.equal(held.failed, 0, JSON.stringify(held));
  assert.equal(held.queued + held.sending, 5);
  assert.equal(held.holds.length, 1, JSON.stringify(held.holds));
  const [hold] = held.holds;
  assert.equal(hold.scope, "sender");
  assert.equal(hold.accountLinkId, ghost);
  assert.equal(hold.apiCode, "accountLinkNotFound");
  assert.match(hold.fix, new RegExp(`${ghost}.*check the account link in Inbox`));
  assert.ok(Date.parse(hold.nextProbeAt) > Date.parse(hold.since), "a probe is due after it began");
  // Probes every HOLD_PROBE_MS, not a request per DM.
  await new Promise((r) => setTimeout(r, 3 * HOLD_PROBE_MS));
  const refused = (await emulator.control.requests()).slice(before).filter((r) => r.status === 404 && r.path === "/api/v2/messages").length;
  assert.ok(refused >= 2 && refused <= 6, `one send per probe: ${refused} refused sends in about ${3 + 1} probe intervals`);

  const cancelled = await worker.call("/campaigns/ghost/cancel", { method: "POST" });
  assert.equal(cancelled.status, 200);
  const end = await until(async () => {
    const { json } = await worker.call("/campaigns/ghost");
    return json.queued + json.sending === 0 && json;
  }, { what: "the held DMs cancelled" });
  assert.equal(end.cancelled, 5, JSON.stringify(end));
  assert.equal(end.failed, 0);
  assert.deepEqual(end.holds, [], "a hold with nothing behind it is not shown");
  for (const [i, { content }] of messages.entries()) assert.equal((await emulator.control.stored(content)).length, i % 4 === 3 ? 0 : 1, content);
});
