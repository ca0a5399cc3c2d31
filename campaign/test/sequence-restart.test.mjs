// The runtime dies in the middle of sequences: `wrangler dev` (a real process, local Durable
// Objects on state persisted to a temp dir) is SIGKILLed as a process group once the events feed
// has been read, a prospect replies while it is down, and it is started again on the same state.
// The feed resumes from the last seq it kept; the reply stops that prospect's follow-up; every
// other step is stored exactly once under its own key.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ACCOUNTS, until } from "./harness.mjs";
import { freePort, wranglerDevSuite } from "./process.mjs";

const ID = "seqrestart";
const PROSPECTS = 12;

const suite = wranglerDevSuite({
  emulatorArgs: ["--team-limits", "100000/60000", "--sender-limits", "none"],
  prefix: "campaign-seq-restart-",
  vars: {
    TEAM_LIMITS: "100000/60s", SENDER_LIMITS: "1000/1s", RATE_GUARD_MS: "100", RETRY_BASE_MS: "200",
    INBOX_TIMEOUT_MS: "5000", WATCHDOG_MS: "3000", REPLY_FRESHNESS_MS: "2000",
  },
});
const { call } = suite;
const eventReads = async () => (await suite.emulator.control.requests()).filter((r) => r.method === "GET" && r.path === "/api/v2/events");
const afterSeqOf = (read) => Number(/(?:^|&)afterSeq=(\d+)/.exec(read.query ?? "")?.[1] ?? 0);

test("wrangler dev SIGKILLed mid-sequence, a reply while it is down: the feed resumes from its seq, the reply stops the follow-up, every other step once", { timeout: 600_000 }, async () => {
  const port = await freePort();
  await suite.start(port);
  // #0's follow-up is far enough away to be due only after the restart; the others' come first.
  const messages = Array.from({ length: PROSPECTS }, (_, i) => ({
    accountLinkId: ACCOUNTS[i % 2], content: `${ID} #${i} step 0`, externalPlatformId: String(7_600_000 + i),
    followUps: [{ content: `${ID} #${i} step 1`, afterMs: i === 0 ? 20_000 : 1_500 }, { content: `${ID} #${i} step 2`, afterMs: 1_500 }],
  }));
  const created = await call("/campaigns", { method: "POST", body: JSON.stringify({ id: ID, ifConversation: "send", messages }) });
  assert.equal(created.status, 202, JSON.stringify(created.json));

  // Killed once the feed has been read twice (the others' follow-ups asked for looks): the
  // second read went on from the seq the first one reached.
  await until(async () => (await eventReads()).length >= 2, { timeoutMs: 120_000, what: "two reads of the events feed" });
  await suite.kill();
  const readsBefore = await eventReads();
  const lastSeqBefore = Math.max(...readsBefore.map(afterSeqOf));
  assert.equal((await suite.emulator.control.stored(messages[0].content)).length, 1, "#0's opener left before the kill");

  const answer = await fetch(`${suite.emulator.url}/__emulator/replies`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ accountLinkId: messages[0].accountLinkId, platformId: messages[0].externalPlatformId, content: "Got it, thanks" }),
  });
  assert.equal(answer.status, 200, await answer.text());

  await suite.start(port);
  const end = await until(async () => {
    const json = await call(`/campaigns/${ID}`).then((r) => r.json, () => null);
    return json !== null && json.queued + json.sending === 0 && json;
  }, { timeoutMs: 300_000, everyMs: 1000, what: "every sequence to end after the restart" });
  assert.deepEqual([end.sent, end.replied, end.stepsSent], [PROSPECTS - 1, 1, (PROSPECTS - 1) * 3 + 1], JSON.stringify(end));

  // The first read after the restart went on from where the feed was, not from the start.
  const readsAfter = (await eventReads()).slice(readsBefore.length);
  assert.ok(readsAfter.length > 0, "the feed was read after the restart");
  assert.ok(afterSeqOf(readsAfter[0]) > 0 && afterSeqOf(readsAfter[0]) >= lastSeqBefore, `resumed at afterSeq=${afterSeqOf(readsAfter[0])} (before the kill: ${lastSeqBefore})`);

  const stored = (await suite.emulator.control.messages()).filter((m) => m.content.startsWith(`${ID} #`));
  const byKey = new Map();
  for (const m of stored) byKey.set(m.idempotencyKey, (byKey.get(m.idempotencyKey) ?? 0) + 1);
  assert.deepEqual([...byKey].filter(([, n]) => n > 1), [], "no key stored twice");
  for (let i = 0; i < PROSPECTS; i++) {
    for (const step of [0, 1, 2]) {
      const key = step === 0 ? `${ID}:${i}` : `${ID}:${i}:${step}`;
      assert.equal(byKey.get(key) ?? 0, i === 0 && step > 0 ? 0 : 1, key);
    }
  }
  const { json } = await call(`/campaigns/${ID}/results?state=replied`);
  assert.deepEqual(json.results.map((r) => [r.index, r.afterStep]), [[0, 0]]);
});
