// Openers only into silence, in workerd against the emulator: before an opener leaves, the
// campaign reads whether its sender already talks with the prospect (v2: contacts by X user id,
// then this sender's threads with them, 100 at a time; v1: the thread lookup). Such a DM ends
// `skipped` with the thread and nothing is sent; a conversation with another of our senders is
// not this sender's. The checks of a v2 campaign cost at most 3 % of its DMs in requests.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ACCOUNTS, TOKEN, startEmulator, startWorker, until } from "./harness.mjs";

let emulator;
let worker;

before(async () => {
  emulator = await startEmulator(["--token", TOKEN, "--team-limits", "100000/60000", "--sender-limits", "none"]);
  worker = await startWorker({ INBOX_BASE_URL: emulator.url, TEAM_LIMITS: "100000/60s", SENDER_LIMITS: "100000/1s", RETRY_BASE_MS: "100" });
});
after(async () => {
  await worker?.mf.dispose();
  await emulator?.stop();
});

/** An earlier conversation between `accountLinkId` and the X user `platformId`; its thread id. */
async function converse(accountLinkId, platformId) {
  const response = await fetch(`${emulator.url}/__emulator/conversations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accountLinkId, platformId, messages: [{ direction: "outbound", content: "Hi, long ago" }, { direction: "inbound", content: "Hello!" }] }),
  });
  const text = await response.text();
  assert.ok(response.ok, text);
  return JSON.parse(text).threadId;
}

const dms = (id, count, base) =>
  Array.from({ length: count }, (_, i) => ({ accountLinkId: ACCOUNTS[i % 2], content: `${id} opener #${i}`, externalPlatformId: String(base + i) }));

/** Runs a campaign to its end; returns its status and the API requests it made. */
async function run(id, body) {
  const before = (await emulator.control.requests()).length;
  const created = await worker.call("/campaigns", { method: "POST", body: { id, ...body } });
  assert.equal(created.status, 202, created.text);
  const end = await until(
    async () => {
      const { json } = await worker.call(`/campaigns/${id}`);
      return json.queued + json.sending === 0 && json;
    },
    { timeoutMs: 120_000, everyMs: 250, what: `every DM of ${id} to end` },
  );
  return { end, requests: (await emulator.control.requests()).slice(before) };
}

const isCheck = (r) => r.method === "GET" && (r.path === "/api/v2/contacts" || r.path === "/api/v2/threads");

test("v2, 300 DMs: openers to prospects this sender talks with are skipped with the thread; checks ≤ 3 % of DMs", { timeout: 180_000 }, async () => {
  const messages = dms("talk", 300, 6_000_000);
  // #3 and #101 talk with their own sender (ACCOUNTS[1]); #5 talks with the other one only.
  const threads = { 3: await converse(ACCOUNTS[1], messages[3].externalPlatformId), 101: await converse(ACCOUNTS[1], messages[101].externalPlatformId) };
  await converse(ACCOUNTS[0], messages[5].externalPlatformId);

  const { end, requests } = await run("talk", { messages });
  assert.equal(end.skipped, 2, JSON.stringify(end));
  assert.equal(end.sent, 298, JSON.stringify(end));
  assert.equal(end.failed, 0);
  const { json } = await worker.call("/campaigns/talk/results?state=skipped");
  assert.deepEqual(
    json.results.map((r) => [r.index, r.threadId, r.error.kind]),
    [[3, threads[3], "in_conversation"], [101, threads[101], "in_conversation"]],
  );
  for (const [i, { content }] of messages.entries()) {
    assert.equal((await emulator.control.stored(content)).length, i === 3 || i === 101 ? 0 : 1, `#${i}`);
  }
  const checks = requests.filter(isCheck);
  console.log(`conversation checks: ${checks.length} GETs for ${messages.length} DMs (${checks.filter((r) => r.path === "/api/v2/contacts").length} contacts, ${checks.filter((r) => r.path === "/api/v2/threads").length} threads)`);
  assert.ok(checks.length > 0, "the conversations were read");
  assert.ok(checks.length <= 0.03 * messages.length, `${checks.length} check requests for ${messages.length} DMs`);
  assert.ok(checks.every((r) => r.status === 200), "every check answered");
  assert.ok(checks.filter((r) => r.path === "/api/v2/threads").every((r) => /(^|&)folder=all(&|$)/.test(r.query ?? "")), "threads read in every folder");
});

test('v2, ifConversation "send": every opener goes, nothing is read first', { timeout: 120_000 }, async () => {
  const messages = dms("anyway", 20, 6_100_000);
  await converse(ACCOUNTS[1], messages[1].externalPlatformId);
  const { end, requests } = await run("anyway", { ifConversation: "send", messages });
  assert.equal(end.sent, 20, JSON.stringify(end));
  assert.equal(end.skipped, 0);
  assert.equal(requests.filter(isCheck).length, 0);
  for (const { content } of messages) assert.equal((await emulator.control.stored(content)).length, 1, content);
});

test("v1: the thread lookup skips an opener into a conversation", { timeout: 120_000 }, async () => {
  const messages = dms("lookup", 6, 6_200_000);
  const thread = await converse(ACCOUNTS[0], messages[2].externalPlatformId);
  const { end, requests } = await run("lookup", { api: "v1", messages });
  assert.equal(end.skipped, 1, JSON.stringify(end));
  assert.equal(end.sent, 5, JSON.stringify(end));
  const { json } = await worker.call("/campaigns/lookup/results?state=skipped");
  assert.deepEqual(json.results.map((r) => [r.index, r.threadId]), [[2, thread]]);
  assert.equal((await emulator.control.stored(messages[2].content)).length, 0);
  assert.ok(requests.some((r) => r.method === "GET" && r.path === "/api/v1/threads/lookup"), "v1 looked the threads up");
});

test("ifConversation is checked with the body: anything else is refused, naming the field", async () => {
  const refused = await worker.call("/campaigns", { method: "POST", body: { id: "bad-if", ifConversation: "maybe", messages: dms("bad-if", 1, 6_300_000) } });
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.json.error.problems.map((p) => p.field), ["ifConversation"]);
});
