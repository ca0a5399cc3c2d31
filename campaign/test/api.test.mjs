// The HTTP API in workerd against the emulator: bad input, duplicates, auth, body size,
// pause / resume / cancel, results. Run: node --test campaign/test/
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ACCOUNTS, SECRET, TOKEN, startEmulator, startWorker, until } from "./harness.mjs";

let emulator;
let worker;
const seen = [];

before(async () => {
  emulator = await startEmulator(["--token", TOKEN, "--team-limits", "20/1000,100000/3600000", "--sender-limits", "none"]);
  worker = await startWorker({
    INBOX_BASE_URL: emulator.url,
    TEAM_LIMITS: "20/1s,100000/3600s",
    SENDER_LIMITS: "1000/1s",
    RATE_GUARD_MS: "100",
    RETRY_BASE_MS: "100",
    INBOX_TIMEOUT_MS: "2000",
    V1_GRACE_MS: "300",
    MAX_BODY_BYTES: String(256 * 1024),
  });
});
after(async () => {
  await worker?.mf.dispose();
  await emulator?.stop();
});

const call = async (...args) => {
  const answer = await worker.call(...args);
  seen.push(answer.text);
  return answer;
};
const dm = (i, account = ACCOUNTS[i % 2]) => ({ accountLinkId: account, content: `Hello #${i} from the campaign test`, externalPlatformId: String(1_000_000 + i) });
const finished = (id) =>
  until(async () => {
    const { json } = await call(`/campaigns/${id}`);
    return json.queued + json.sending === 0 && json;
  }, { what: `campaign ${id} to finish` });

describe("POST /campaigns", () => {
  test("an invalid message refuses the whole call with every {index, field, rule}; nothing queued", async () => {
    const messages = [dm(0), { ...dm(1), accountLinkId: "Acct-1" }, dm(2), { ...dm(3), content: "  " }, { ...dm(4), externalPlatformId: "@maya" }, { accountLinkId: "acct1sales", content: "hi" }, { ...dm(6), colour: "red" }];
    const { status, json } = await call("/campaigns", { method: "POST", body: { id: "bad-input", messages } });
    assert.equal(status, 400);
    assert.equal(json.error.kind, "invalid_request");
    assert.deepEqual(
      json.error.problems.map(({ index, field }) => [index, field]),
      [[1, "accountLinkId"], [3, "content"], [4, "externalPlatformId"], [5, "externalPlatformId"], [6, "colour"]],
    );
    for (const p of json.error.problems) assert.ok(p.rule.length > 5, JSON.stringify(p));
    assert.equal((await call("/campaigns/bad-input")).status, 404, "no campaign was created");
    const shape = await call("/campaigns", { method: "POST", body: { api: "v3", messages: [], extra: 1 } });
    assert.equal(shape.status, 400);
    assert.deepEqual(shape.json.error.problems.map((p) => p.field).sort(), ["api", "extra", "messages"]);
    assert.equal((await call("/campaigns", { method: "POST", body: "{not json" })).status, 400);
    assert.deepEqual(await emulator.control.requests(), []);
  });

  test("the same campaign call twice queues nothing twice; new messages are added", async () => {
    const messages = Array.from({ length: 30 }, (_, i) => dm(100 + i));
    const first = await call("/campaigns", { method: "POST", body: { id: "twice", messages } });
    assert.equal(first.status, 202);
    assert.deepEqual(first.json, { id: "twice", total: 30, added: 30, alreadyInCampaign: 0 });
    const again = await call("/campaigns", { method: "POST", body: { id: "twice", messages } });
    assert.deepEqual(again.json, { id: "twice", total: 30, added: 0, alreadyInCampaign: 30 });
    const more = await call("/campaigns", { method: "POST", body: { id: "twice", messages: [...messages.slice(0, 5), dm(200)] } });
    assert.deepEqual(more.json, { id: "twice", total: 31, added: 1, alreadyInCampaign: 5 });
    const other = await call("/campaigns", { method: "POST", body: { id: "twice", api: "v1", messages: [dm(201)] } });
    assert.equal(other.status, 409);
    const status = await finished("twice");
    assert.equal(status.sent, 31);
    const stored = (await emulator.control.messages()).filter((m) => m.idempotencyKey?.startsWith("twice:"));
    assert.equal(stored.length, 31);
    assert.equal(new Set(stored.map((m) => m.content)).size, 31, "each DM stored exactly once");
    const page1 = await call("/campaigns/twice/results?state=sent&limit=20");
    assert.equal(page1.json.results.length, 20);
    const page2 = await call(`/campaigns/twice/results?state=sent&limit=20&cursor=${page1.json.cursor}`);
    assert.equal(page2.json.results.length, 11);
    assert.equal(page2.json.cursor, null);
    assert.ok(page2.json.results.every((r) => r.state === "sent" && /^m/.test(r.messageId) && /^t/.test(r.threadId)));
  });

  test("a wrong or missing secret: 401, nothing queued or sent", async () => {
    const before = (await emulator.control.requests()).length;
    for (const secret of [null, "wrong", SECRET.slice(0, -1), `${SECRET}x`]) {
      const { status, headers, json } = await call("/campaigns", { method: "POST", secret, body: { id: "unauth", messages: [dm(300)] } });
      assert.equal(status, 401);
      assert.equal(json.error.kind, "unauthenticated");
      assert.match(headers.get("www-authenticate"), /^Bearer/);
      assert.equal((await call("/campaigns/twice", { secret })).status, 401);
      assert.equal((await call("/campaigns/twice/pause", { method: "POST", secret })).status, 401);
    }
    assert.equal((await call("/campaigns/unauth")).status, 404);
    assert.equal((await emulator.control.requests()).length, before);
  });

  test("an oversized body: 413 (by Content-Length and by bytes read), nothing queued", async () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({ ...dm(400 + i), content: "x".repeat(8000) }));
    const { status, json } = await call("/campaigns", { method: "POST", body: { id: "huge", messages } });
    assert.equal(status, 413);
    assert.equal(json.error.kind, "payload_too_large");
    const chunks = Array.from({ length: 40 }, () => new TextEncoder().encode(" ".repeat(8 * 1024)));
    const stream = new ReadableStream({ pull: (c) => { const x = chunks.pop(); x ? c.enqueue(x) : c.close(); } });
    assert.equal((await call("/campaigns", { method: "POST", body: stream, duplex: "half" })).status, 413);
    assert.equal((await call("/campaigns/huge")).status, 404);
  });
});

describe("pause, resume, cancel", () => {
  test("pause mid-run stops sending; resume finishes; every DM stored exactly once", async () => {
    const messages = Array.from({ length: 120 }, (_, i) => dm(500 + i)); // 20/s team budget: ~6 s
    assert.equal((await call("/campaigns", { method: "POST", body: { id: "pausing", messages } })).status, 202);
    await until(async () => (await call("/campaigns/pausing")).json.sent >= 20, { what: "some sends" });
    const paused = await call("/campaigns/pausing/pause", { method: "POST" });
    assert.equal(paused.status, 200);
    assert.equal(paused.json.paused, true);
    await new Promise((r) => setTimeout(r, 1500)); // sends already granted finish
    const held = (await call("/campaigns/pausing")).json;
    await new Promise((r) => setTimeout(r, 2000));
    const still = (await call("/campaigns/pausing")).json;
    assert.equal(still.sent, held.sent, "nothing sent while paused");
    assert.ok(still.queued > 0);
    assert.equal(still.etaMs, null);
    const resumed = await call("/campaigns/pausing/resume", { method: "POST" });
    assert.equal(resumed.json.paused, false);
    const done = await finished("pausing");
    assert.equal(done.sent, 120);
    const stored = (await emulator.control.messages()).filter((m) => m.idempotencyKey?.startsWith("pausing:"));
    assert.equal(stored.length, 120);
    assert.equal(new Set(stored.map((m) => m.idempotencyKey)).size, 120);
  });

  test("cancel: what was not sent ends cancelled, and is listed", async () => {
    const messages = Array.from({ length: 100 }, (_, i) => dm(700 + i));
    await call("/campaigns", { method: "POST", body: { id: "cancelling", messages } });
    await until(async () => (await call("/campaigns/cancelling")).json.sent >= 10, { what: "some sends" });
    assert.equal((await call("/campaigns/cancelling/cancel", { method: "POST" })).json.status, "cancelled");
    const done = await finished("cancelling");
    assert.ok(done.cancelled > 0, JSON.stringify(done));
    assert.equal(done.sent + done.cancelled, 100);
    const stored = (await emulator.control.messages()).filter((m) => m.idempotencyKey?.startsWith("cancelling:"));
    assert.equal(stored.length, done.sent);
    const listed = await call("/campaigns/cancelling/results?state=cancelled&limit=1000");
    assert.equal(listed.json.results.length, done.cancelled);
  });

  test("v1: uncertain failures resolved with findSent; still unknown → unconfirmed, never resent", async () => {
    const v1 = (i) => ({ accountLinkId: "acct1sales", content: `v1 DM #${i}`, externalPlatformId: String(4_000_000 + i) });
    await emulator.control.faults(
      { api: "v1", process: true, status: 500 }, // stored, answered 500: findSent finds it
      { api: "v1", status: 502 }, // not stored, answered 502: findSent says absent, sent again
    );
    await call("/campaigns", { method: "POST", body: { id: "v1found", api: "v1", messages: [v1(0), v1(1)] } });
    const found = await finished("v1found");
    assert.deepEqual([found.sent, found.unconfirmed, found.failed], [2, 0, 0], JSON.stringify(found));

    await emulator.control.faults(
      { api: "v1", process: true, action: "close" }, // stored, the connection dropped ...
      { path: "/api/v1/threads/lookup", status: 500, times: 3 }, // ... and every check fails
    );
    // No conversation check first ("send"): the failing thread lookups are all findSent's.
    await call("/campaigns", { method: "POST", body: { id: "v1unknown", api: "v1", ifConversation: "send", messages: [v1(2)] } });
    const unknown = await finished("v1unknown");
    assert.deepEqual([unknown.sent, unknown.unconfirmed, unknown.failed], [0, 1, 0], JSON.stringify(unknown));
    const [entry] = (await call("/campaigns/v1unknown/results?state=unconfirmed")).json.results;
    assert.match(entry.error.message, /never resent automatically/);

    for (const i of [0, 1, 2]) assert.equal((await emulator.control.stored(v1(i).content)).length, 1, `v1 DM #${i} stored exactly once`);
    assert.deepEqual(await (await fetch(`${emulator.url}/__emulator/faults`)).json(), []);
  });

  test("unknown campaigns and endpoints", async () => {
    assert.equal((await call("/campaigns/nope")).status, 404);
    assert.equal((await call("/campaigns/nope/pause", { method: "POST" })).status, 404);
    assert.equal((await call("/campaigns/nope/results")).status, 404);
    assert.equal((await call("/elsewhere")).status, 404);
    assert.equal((await call("/campaigns", { method: "GET" })).status, 405);
    assert.equal((await call("/campaigns/twice/results?state=lost")).status, 400);
  });
});

test("no answer carried the Inbox token; no 429 from the emulator's own limits", async () => {
  for (const text of seen) assert.ok(!text.includes(TOKEN));
  const stats = await (await fetch(`${emulator.url}/__emulator/stats`)).json();
  assert.equal(stats.rateLimited.team + stats.rateLimited.sender, 0, JSON.stringify(stats.rateLimited));
});
