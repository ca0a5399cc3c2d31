// Exactly once through the JavaScript package in Node, against the emulator:
// v2 `send` under every scripted failure, `findSent` for uncertain v1 sends, and pacing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorSuite, ACCOUNT, PROSPECT, unique, rejection } from "./helpers.mjs";

const suite = emulatorSuite();
const { client } = suite;
const target = { type: "profile", accountLinkId: ACCOUNT, platform: "twitter", platformId: PROSPECT };
const stats = async () => (await fetch(`${suite.emulator.url}/__emulator/stats`)).json();


test("v2: a new send resolves replayed: false; the same key again replays it, stored once", async () => {
  const c = client();
  const content = unique("v2 hello");
  const key = `k-${content}`;
  const first = await c.send({ target, content }, { idempotencyKey: key });
  assert.equal(first.replayed, false);
  assert.equal(first.message.content, content);
  assert.ok(first.thread.id);
  const again = await c.send({ target, content }, { idempotencyKey: key });
  assert.equal(again.replayed, true);
  assert.equal(again.message.id, first.message.id);
  assert.equal((await suite.emulator.control.stored(content)).length, 1);
  const [request] = (await suite.emulator.control.requests()).filter((r) => r.body.includes(content));
  assert.equal(request.headers["idempotency-key"], key);
});

test("v2: without a key each call makes a random one (at least 122 bits), the same on every attempt", async () => {
  await suite.emulator.control.faults({ api: "v2", status: 503, times: 1, headers: { "retry-after-ms": "10" } });
  const content = unique("v2 random key");
  const sent = await client().send({ target, content });
  assert.equal(sent.replayed, false);
  const keys = (await suite.emulator.control.requests()).filter((r) => r.body.includes(content)).map((r) => r.headers["idempotency-key"]);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1]);
  assert.match(keys[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

// Processed, then the answer is lost: each resolves once, as a replay, and one DM is stored.
for (const [name, fault, options] of [
  ["a 500", { status: 500 }, {}],
  ["a dropped connection", { action: "close" }, {}],
  ["a timeout", { action: "hang" }, { timeoutMs: 300 }],
]) {
  test(`v2: processed, then ${name}: resolves once, replayed: true, stored once`, async () => {
    await suite.emulator.control.faults({ api: "v2", process: true, ...fault });
    const content = unique(`v2 ${name}`);
    const sent = await client().send({ target, content }, options);
    assert.equal(sent.replayed, true, "the retry replays the key");
    assert.equal(sent.message.content, content);
    assert.equal((await suite.emulator.control.stored(content)).length, 1, "stored exactly once");
    assert.equal((await suite.emulator.control.requests()).filter((r) => r.body.includes(content)).length, 2);
  });
}

test("v2: 409 sendInProgress while the first request is still processing: waits, then replays", async () => {
  // The first attempt is processed but answered only after 2.5 s; it times out at 300 ms, the
  // retry (after a backoff of at most 500 ms) meets the key still in progress (409), and a later
  // one replays it. The 1.7 s between them keep the verdict off the machine's load (at 800 ms a
  // loaded run's retry once arrived after the first had finished, and met no 409).
  await suite.emulator.control.faults({ api: "v2", process: true, delayMs: 2_500, status: 201 });
  const content = unique("v2 in progress");
  const sent = await client({ maxRetries: 5 }).send({ target, content }, { timeoutMs: 300 });
  assert.equal(sent.replayed, true);
  assert.equal((await suite.emulator.control.stored(content)).length, 1);
  assert.ok((await stats()).sendInProgress >= 1, "the emulator answered 409 sendInProgress");
});

test("v2: retries run out on an uncertain failure: maybeSent, the key, messageId, and resending with the key is safe", async () => {
  await suite.emulator.control.faults({ api: "v2", process: true, status: 409 }, { api: "v2", status: 502, times: 2 });
  const content = unique("v2 unconfirmed");
  const c = client();
  const error = await rejection(c.send({ target, content }, { idempotencyKey: `k-${content}` }));
  assert.equal(error.kind, "server_error");
  assert.equal(error.maybeSent, true);
  assert.equal(error.attempts, 3);
  assert.equal(error.idempotencyKey, `k-${content}`);
  assert.ok(error.messageId, "the message id the server gave");
  assert.match(error.message, /sending it again with idempotency key k-.* is safe/);
  const again = await c.send({ target, content }, { idempotencyKey: error.idempotencyKey });
  assert.equal(again.replayed, true);
  assert.equal(again.message.id, error.messageId);
  assert.equal((await suite.emulator.control.stored(content)).length, 1);
});

// 502 sendUnconfirmed: never sent again (the vendor releases the key, so a resend would be a
// second DM); the message it names is read instead.
const posts = async (content) =>
  (await suite.emulator.control.requests()).filter((r) => r.method === "POST" && r.body.includes(content)).length;
const reads = async () => (await suite.emulator.control.requests()).filter((r) => r.method === "GET" && r.path.startsWith("/api/v2/messages/"));

test("v2: sendUnconfirmed and X has it: one POST, the message read confirms it, stored once", async () => {
  await suite.emulator.control.faults({ api: "v2", process: true, status: 502 });
  const content = unique("v2 unconfirmed delivered");
  const sent = await client().send({ target, content });
  assert.equal(sent.replayed, false);
  assert.equal(sent.meta.confirmedBy, "read");
  assert.equal(sent.meta.attempts, 2);
  assert.equal(sent.message.content, content);
  assert.equal(typeof sent.message.platformId, "string");
  assert.equal(sent.thread.id, sent.message.threadId);
  assert.equal(await posts(content), 1, "never sent again");
  assert.equal((await suite.emulator.control.stored(content)).length, 1, "stored exactly once");
  const [read] = await reads();
  assert.equal(read.path, `/api/v2/messages/${sent.message.id}`);
});

test("v2: sendUnconfirmed and X does not have it: one POST, a 404 read, maybeSent: false, and a new send is stored once", async () => {
  await suite.emulator.control.faults({ api: "v2", status: 502, code: "sendUnconfirmed" });
  const content = unique("v2 unconfirmed lost");
  const c = client();
  const error = await rejection(c.send({ target, content }, { idempotencyKey: `k-${content}` }));
  assert.equal(error.kind, "server_error");
  assert.equal(error.apiCode, "sendUnconfirmed");
  assert.equal(error.maybeSent, false);
  assert.equal(error.idempotencyKey, undefined, "the released key is not offered");
  assert.ok(error.messageId);
  assert.equal(error.attempts, 2, "the send and one read");
  assert.match(error.message, /X never got it: no such message/);
  assert.equal(await posts(content), 1, "never sent again");
  assert.equal((await reads()).length, 1);
  assert.equal((await suite.emulator.control.stored(content)).length, 0, "not stored");
  await c.send({ target, content });
  assert.equal((await suite.emulator.control.stored(content)).length, 1, "the new send is the only DM");
});

test("v2: sendUnconfirmed and X never confirms: maxRetries reads, then maybeSent with the messageId to read later", async () => {
  const pending = JSON.stringify({ id: "m1", threadId: "t1", content: "x", platformId: null });
  await suite.emulator.control.faults(
    { api: "v2", process: true, status: 502 },
    { path: "*", method: "GET", times: 0, status: 200, body: pending },
  );
  const content = unique("v2 unconfirmed pending");
  const error = await rejection(client({ maxRetries: 2 }).send({ target, content }));
  assert.equal(error.kind, "server_error");
  assert.equal(error.apiCode, "sendUnconfirmed");
  assert.equal(error.maybeSent, true);
  assert.equal(error.idempotencyKey, undefined);
  assert.equal(error.attempts, 3, "the send and two reads");
  const [stored] = await suite.emulator.control.stored(content);
  assert.equal(error.messageId, stored.id);
  assert.match(error.message, new RegExp(`read message ${stored.id} later`));
  assert.equal(await posts(content), 1, "never sent again");
  assert.equal((await reads()).length, 2, "maxRetries reads");
});

test("v2: sendUnconfirmed, then a read that fails: read again, and it confirms", async () => {
  await suite.emulator.control.faults({ api: "v2", process: true, status: 502 }, { path: "*", method: "GET", status: 503 });
  const content = unique("v2 unconfirmed read retried");
  const sent = await client().send({ target, content });
  assert.equal(sent.meta.confirmedBy, "read");
  assert.equal(await posts(content), 1);
  assert.equal((await reads()).length, 2);
  assert.equal((await suite.emulator.control.stored(content)).length, 1);
});

test("v2: the same key with a different body is unprocessable and not retried", async () => {
  const c = client();
  const key = unique("reused").replace(/\s/g, "-");
  await c.send({ target, content: unique("first body") }, { idempotencyKey: key });
  const error = await rejection(c.send({ target, content: unique("second body") }, { idempotencyKey: key }));
  assert.equal(error.kind, "unprocessable");
  assert.equal(error.apiCode, "idempotencyKeyReused");
  assert.equal(error.maybeSent, false);
  assert.equal(error.attempts, 1);
});

test("v2: a wait above maxRetryDelayMs fails at once with retryAfterMs", async () => {
  await suite.emulator.control.faults({ api: "v2", status: 429, headers: { "Retry-After": "120" } });
  const error = await rejection(client({ maxRetryDelayMs: 1000 }).send({ target, content: unique("v2 long wait") }));
  assert.equal(error.kind, "rate_limited");
  assert.equal(error.retryAfterMs, 120_000);
  assert.equal(error.attempts, 1);
  assert.equal(error.maybeSent, false);
});

test("v2: the three target kinds reach the emulator", async () => {
  const c = client();
  const first = await c.send({ target, content: unique("to a profile") });
  const inThread = await c.send({ target: { type: "thread", threadId: first.thread.id }, content: unique("to a thread") });
  assert.equal(inThread.thread.id, first.thread.id);
  const toContact = await c.send({ target: { type: "contact", accountLinkId: ACCOUNT, contactId: "p1maya" }, content: unique("to a contact") });
  assert.equal(toContact.thread.id, first.thread.id);
});

test("v2: invalid input is refused before any request, naming the field", async () => {
  const before = (await suite.emulator.control.requests()).length;
  const c = client();
  const cases = [
    [{ target: { type: "profile", accountLinkId: ACCOUNT, platform: "twitter" }, content: "x" }, "target.platformId"],
    [{ target: { type: "thread", threadId: "t1", accountLinkId: ACCOUNT }, content: "x" }, "target.accountLinkId"],
    [{ target: { type: "dm", threadId: "t1" }, content: "x" }, "target.type"],
    [{ target: { type: "profile", accountLinkId: ACCOUNT, platform: "twitter", platformId: "@maya" }, content: "x" }, "target.platformId"],
    [{ target: { type: "thread", threadId: "T-1" }, content: "x" }, "target.threadId"],
    [{ target, content: "" }, "content"],
    [{ target, content: "x", replyToMessageId: "Not Valid" }, "replyToMessageId"],
    [{ content: "x" }, "target"],
  ];
  for (const [request, field] of cases) {
    const error = await rejection(c.send(request));
    assert.equal(error.kind, "invalid_request", JSON.stringify(request));
    assert.equal(error.field, field, `${JSON.stringify(request)}: ${error.message}`);
  }
  for (const key of ["", "x".repeat(256), "naïve", "tab\tkey"]) {
    const error = await rejection(c.send({ target, content: "x" }, { idempotencyKey: key }));
    assert.equal(error.field, "idempotencyKey", JSON.stringify(key));
  }
  const v1 = await rejection(c.sendMessage({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: "x" }, { idempotencyKey: "k" }));
  assert.equal(v1.field, "idempotencyKey");
  assert.equal((await suite.emulator.control.requests()).length, before, "nothing was sent");
});

// ---- findSent ----

test("findSent: a v1 DM processed and then answered 500 is found; one never processed is not", async () => {
  const c = client();
  const landed = { accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: unique("v1 maybe") };
  const since = Date.now();
  await suite.emulator.control.faults({ process: true, status: 500 });
  const error = await rejection(c.sendMessage(landed));
  assert.equal(error.maybeSent, true);
  const found = await c.findSent(landed, { since });
  assert.ok(found, "it landed");
  assert.equal(found.content, landed.content);
  assert.equal(found.id, (await suite.emulator.control.stored(landed.content))[0].id);

  const lost = { ...landed, content: unique("v1 never processed") };
  await suite.emulator.control.faults({ process: false, action: "close" });
  const error2 = await rejection(c.sendMessage(lost));
  assert.equal(error2.maybeSent, true);
  assert.equal(await c.findSent(lost, { since }), null, "it did not land: safe to send again");
});

test("findSent: byte for byte, and only at or after since less the skew allowance", async () => {
  const c = client();
  const request = { accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: unique("exact") };
  await c.sendMessage(request);
  assert.equal(await c.findSent({ ...request, content: request.content + " " }, { since: Date.now() - 1000 }), null);
  assert.ok(await c.findSent(request, { since: Date.now() + 60_000 }), "within the 2-minute allowance");
  assert.equal(await c.findSent(request, { since: Date.now() + 10 * 60_000 }), null, "sent before since");
});

test("findSent: no thread yet is null; bad input names the field", async () => {
  const c = client();
  assert.equal(await c.findSent({ accountLinkId: ACCOUNT, externalPlatformId: "42424242", content: "x" }, { since: Date.now() }), null);
  const missing = await rejection(c.findSent({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: "x" }));
  assert.equal(missing.field, "since");
  const bad = await rejection(c.findSent({ accountLinkId: "BAD", externalPlatformId: PROSPECT, content: "x" }, { since: 0 }));
  assert.equal(bad.field, "accountLinkId");
});

test("findSent: reads are retried like any GET (a 503 then the answer)", async () => {
  const c = client();
  const request = { accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: unique("retried read") };
  const since = Date.now();
  await c.sendMessage(request);
  await suite.emulator.control.faults({ path: "*", status: 502, times: 1, headers: { "retry-after-ms": "10" } });
  assert.ok(await c.findSent(request, { since }));
});

// ---- pacing ----

test("pacing: a burst of 200 concurrent sends against a 50-per-window limit draws zero 429s", async () => {
  await suite.emulator.control.config({ teamLimits: [{ limit: 50, windowMs: 1000 }], senderLimits: [] });
  const c = client();
  const contents = Array.from({ length: 200 }, (_, i) => unique(`burst ${i}`));
  const results = await Promise.allSettled(
    contents.map((content) => c.sendMessage({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content })),
  );
  const failed = results.filter((r) => r.status === "rejected");
  assert.deepEqual(failed.map((r) => r.reason.message), [], "every send resolved");
  const s = await stats();
  assert.equal(s.rateLimited.total, 0, "no 429 drawn");
  const stored = await suite.emulator.control.messages();
  for (const content of contents) assert.equal(stored.filter((m) => m.content === content).length, 1);
});

test("pacing: a hold longer than maxRetryDelayMs fails at once, attempts 0, maybeSent false", async () => {
  await suite.emulator.control.config({ teamLimits: [{ limit: 1, windowMs: 30_000 }], senderLimits: [] });
  const c = client({ maxRetryDelayMs: 1000 });
  await c.sendMessage({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: unique("uses the budget") });
  const requestsBefore = (await suite.emulator.control.requests()).length;
  const error = await rejection(c.sendMessage({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: unique("held") }));
  assert.equal(error.kind, "rate_limited");
  assert.equal(error.attempts, 0);
  assert.equal(error.maybeSent, false);
  // The reset comes in whole Unix seconds, so up to a second more than the window.
  assert.ok(error.retryAfterMs > 1000 && error.retryAfterMs <= 31_000, String(error.retryAfterMs));
  assert.equal((await suite.emulator.control.requests()).length, requestsBefore, "no request went out");
});

test("pacing: a held send honours the caller's signal", async () => {
  await suite.emulator.control.config({ teamLimits: [{ limit: 1, windowMs: 30_000 }], senderLimits: [] });
  const c = client();
  await c.sendMessage({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: unique("uses the budget") });
  const started = Date.now();
  const error = await rejection(
    c.sendMessage({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: unique("held then aborted") }, { signal: AbortSignal.timeout(200) }),
  );
  assert.equal(error.kind, "aborted");
  assert.equal(error.maybeSent, false);
  assert.ok(Date.now() - started < 5000);
});

test("pacing off: the same burst draws 429s (and retries them)", async () => {
  await suite.emulator.control.config({ teamLimits: [{ limit: 20, windowMs: 500 }], senderLimits: [] });
  const c = client({ pace: false, maxRetries: 10 });
  const contents = Array.from({ length: 40 }, (_, i) => unique(`unpaced ${i}`));
  await Promise.allSettled(contents.map((content) => c.sendMessage({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content })));
  assert.ok((await stats()).rateLimited.total > 0, "without pacing the burst is refused in part");
});
