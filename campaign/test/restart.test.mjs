// The runtime dies mid-campaign: `wrangler dev` (a real process, local Queue and Durable Objects
// on state persisted to a temp dir) is SIGKILLed as a whole process group a third of the way into
// a v2 campaign (its last 300 DMs added just before, so they die in the local queue, which holds
// them in memory), then started again on the same state. Whatever it lost (the local queue's
// in-memory messages, alarms, outcomes not yet reported) the campaign's watchdog re-drives with
// the same idempotency keys: it finishes with every DM stored exactly once and accounted for.
import assert from "node:assert/strict";
import { test } from "node:test";
import { until } from "./harness.mjs";
import { freePort, wranglerDevSuite } from "./process.mjs";

const DMS = 3000;
const ACCOUNTS = Array.from({ length: 10 }, (_, k) => `acct${String(k + 1).padStart(2, "0")}bulk`);
const ID = "restart";

// The emulator's windows (100,000 per minute, no X limit) do not bind: the team budget follows
// what the API reports, so the run takes seconds and the kill lands mid-campaign.
const suite = wranglerDevSuite({
  emulatorArgs: ["--account-links", String(ACCOUNTS.length), "--team-limits", "100000/60000", "--sender-limits", "none"],
  prefix: "campaign-restart-",
  vars: { TEAM_LIMITS: "100000/60s", SENDER_LIMITS: "1000/1s", RATE_GUARD_MS: "100", RETRY_BASE_MS: "200", INBOX_TIMEOUT_MS: "5000", WATCHDOG_MS: "3000" },
});
// A poll that fails is asked again (wrangler dev reloads the Worker when its sources change).
const { call } = suite;

test(`wrangler dev SIGKILLed a third of the way into ${DMS} v2 DMs and started again: every DM once`, { timeout: 600_000 }, async () => {
  const port = await freePort();
  await suite.start(port);
  const messages = Array.from({ length: DMS }, (_, i) => ({
    accountLinkId: ACCOUNTS[i % ACCOUNTS.length],
    content: `Restart DM #${i}`,
    externalPlatformId: String(5_000_000 + i),
  }));
  const post = async (part) => {
    const created = await call("/campaigns", { method: "POST", body: JSON.stringify({ id: ID, messages: part }) });
    assert.equal(created.status, 202, JSON.stringify(created.json));
  };
  const LATE = 300; // added just before the kill: still in the local queue (held in memory) when it dies
  await post(messages.slice(0, DMS - LATE));
  await until(async () => (await call(`/campaigns/${ID}`).then((r) => r.json, () => null))?.sent >= DMS / 3, { timeoutMs: 300_000, everyMs: 100, what: "a third sent" });
  await post(messages.slice(DMS - LATE));
  const { json: before } = await call(`/campaigns/${ID}`);
  await suite.kill();
  assert.ok(before.sent < DMS, "killed mid-campaign");

  await suite.start(port);
  const status = await until(async () => {
    const json = await call(`/campaigns/${ID}`).then((r) => r.json, () => null);
    return json !== null && json.queued + json.sending === 0 && json;
  }, { timeoutMs: 300_000, everyMs: 1000, what: "every DM to end after the restart" });
  console.log(`killed at ${before.sent} sent, ${before.queued} queued, ${before.sending} sending; after the restart: ${JSON.stringify({ sent: status.sent, failed: status.failed })}`);

  assert.equal(status.total, DMS);
  assert.equal(status.sent, DMS, JSON.stringify(status));
  const stored = (await suite.emulator.control.messages()).filter((m) => m.content.startsWith("Restart DM #"));
  const byKey = new Map();
  for (const m of stored) byKey.set(m.idempotencyKey, (byKey.get(m.idempotencyKey) ?? 0) + 1);
  const twice = [...byKey].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], "no idempotency key stored twice");
  assert.equal(stored.length, DMS, "every DM stored once");
  for (let i = 0; i < DMS; i++) assert.equal(byKey.get(`${ID}:${i}`), 1, `DM ${i} stored once under ${ID}:${i}`);
});
