// What a failure is about and whether trying again is safe (`error.scope`, `error.retryable`),
// through the JavaScript package in Node against the emulator: real answers where the emulator
// gives them (limits, unknown ids, a refused token), scripted vendor bodies where it cannot
// (a paused account link, a restricted thread). Every row of the README's error table is also
// checked natively (src/decide/scope.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorSuite, ACCOUNT, PROSPECT, unique, rejection } from "./helpers.mjs";

const suite = emulatorSuite({ maxRetryDelayMs: 50 });
const { client } = suite;
const target = { type: "profile", accountLinkId: ACCOUNT, platform: "twitter", platformId: PROSPECT };
const v1 = (content, ids = { externalPlatformId: PROSPECT }) => ({ accountLinkId: ACCOUNT, ...ids, content });

/** A v2 error answer in the vendor's shape, scripted for the next v2 send. */
const v2Answer = (status, code, details = null, extra = {}) => ({
  api: "v2",
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ code, message: `scripted ${code}`, details, requestId: "req_scripted" }),
  ...extra,
});

/** The facts a caller branches on. */
const facts = ({ kind, scope, retryable, apiCode, maybeSent }) => ({ kind, scope, retryable, apiCode, maybeSent });

test("v2 accountLinkDisconnected: a paused account link is retryable, an offline one is not; both are the sender's", async () => {
  const content = unique("disconnected");
  await suite.emulator.control.faults(
    v2Answer(409, "accountLinkDisconnected", { accountLinkId: ACCOUNT, status: "paused" }),
    v2Answer(409, "accountLinkDisconnected", { accountLinkId: ACCOUNT, status: "offline" }),
  );
  const paused = await rejection(client().send({ target, content }, { idempotencyKey: `k-${content}` }));
  assert.deepEqual(facts(paused), { kind: "conflict", scope: "sender", retryable: true, apiCode: "accountLinkDisconnected", maybeSent: false });
  const offline = await rejection(client().send({ target, content }, { idempotencyKey: `k-${content}` }));
  assert.deepEqual(facts(offline), { kind: "conflict", scope: "sender", retryable: false, apiCode: "accountLinkDisconnected", maybeSent: false });
  assert.equal((await suite.emulator.control.stored(content)).length, 0, "nothing was stored");
  // Paused resumes by itself: the same call, unchanged, then delivers it once.
  await client().send({ target, content }, { idempotencyKey: `k-${content}` });
  assert.equal((await suite.emulator.control.stored(content)).length, 1);
});

test("v2 recipient failures are the recipient's and never retryable", async () => {
  await suite.emulator.control.faults(
    v2Answer(422, "threadRestricted", { capability: "message:send" }),
    v2Answer(422, "recipientUnavailable", { reason: "closed DMs" }),
    v2Answer(404, "contactNotFound"),
  );
  for (const code of ["threadRestricted", "recipientUnavailable", "contactNotFound"]) {
    const error = await rejection(client().send({ target, content: unique(code) }));
    assert.equal(error.apiCode, code);
    assert.equal(error.scope, "recipient", code);
    assert.equal(error.retryable, false, code);
  }
});

test("v2 team failures: a locked workspace, and rateLimited with only details.resetAt saying how long", async () => {
  const resetAt = new Date(Date.now() + 30_000).toISOString();
  await suite.emulator.control.faults(
    v2Answer(403, "workspaceLocked"),
    v2Answer(429, "rateLimited", { window: "minute", limit: 300, resetAt }, { rateLimitHeaders: false }),
  );
  const locked = await rejection(client().send({ target, content: unique("locked") }));
  assert.deepEqual(facts(locked), { kind: "forbidden", scope: "team", retryable: false, apiCode: "workspaceLocked", maybeSent: false });
  const limited = await rejection(client().send({ target, content: unique("limited") }));
  assert.deepEqual(facts(limited), { kind: "rate_limited", scope: "team", retryable: true, apiCode: "rateLimited", maybeSent: false });
  // Longer than maxRetryDelayMs (50 ms): the call stops at once and says how long to wait.
  assert.equal(limited.attempts, 1);
  assert.ok(limited.retryAfterMs > 25_000 && limited.retryAfterMs <= 30_000, `retryAfterMs from resetAt: ${limited.retryAfterMs}`);
});

test("v2 5xx: retryable with the key, except a sendUnconfirmed that may have been delivered", async () => {
  const content = unique("v2 500");
  await suite.emulator.control.faults({ api: "v2", status: 500, process: true });
  const failed = await rejection(client({ maxRetries: 0 }).send({ target, content }, { idempotencyKey: `k-${content}` }));
  assert.deepEqual(facts(failed), { kind: "server_error", scope: "request", retryable: true, apiCode: "internal", maybeSent: true });
  assert.equal(failed.idempotencyKey, `k-${content}`);
  // Retrying as told (same call, same key) cannot duplicate it.
  await client().send({ target, content }, { idempotencyKey: failed.idempotencyKey });
  assert.equal((await suite.emulator.control.stored(content)).length, 1);

  // sendUnconfirmed is settled by reading the message it names: a 404 says X never got it...
  await suite.emulator.control.faults(v2Answer(502, "sendUnconfirmed", { messageId: "msg_unconfirmed" }));
  const lost = await rejection(client({ maxRetries: 0 }).send({ target, content: unique("unconfirmed") }));
  // ...so a new send is safe: retryable.
  assert.deepEqual(facts(lost), { kind: "server_error", scope: "request", retryable: true, apiCode: "sendUnconfirmed", maybeSent: false });
  // ...and a message without its platformId leaves it maybe delivered: never retryable.
  const pending = JSON.stringify({ id: "msg_unconfirmed", threadId: "t1", content: "x", platformId: null });
  await suite.emulator.control.faults(
    v2Answer(502, "sendUnconfirmed", { messageId: "msg_unconfirmed" }),
    { path: "*", method: "GET", status: 200, body: pending },
  );
  const unconfirmed = await rejection(client({ maxRetries: 0 }).send({ target, content: unique("unconfirmed") }));
  assert.deepEqual(facts(unconfirmed), { kind: "server_error", scope: "request", retryable: false, apiCode: "sendUnconfirmed", maybeSent: true });
  assert.equal(unconfirmed.idempotencyKey, undefined, "the key the vendor released is not offered");
});

test("v1: unknown prospect is the recipient's, unknown account link the sender's, a refused token the team's", async () => {
  const prospect = await rejection(client().sendMessage(v1(unique("who"), { externalId: "nosuchprospect" })));
  assert.deepEqual(facts(prospect), { kind: "not_found", scope: "recipient", retryable: false, apiCode: "PROSPECT_NOT_FOUND", maybeSent: false });
  const link = await rejection(client().sendMessage({ ...v1(unique("from")), accountLinkId: "nosuchlink" }));
  assert.deepEqual(facts(link), { kind: "not_found", scope: "sender", retryable: false, apiCode: "ACCOUNT_LINK_NOT_FOUND", maybeSent: false });
  const token = await rejection(new suite.InboxClient({ token: "wrong-token", baseUrl: suite.emulator.url }).sendMessage(v1(unique("token"))));
  assert.deepEqual(facts(token), { kind: "unauthorized", scope: "team", retryable: false, apiCode: "Unauthorized", maybeSent: false });
});

test("v1: a 500 may have delivered the DM, so it is not retryable (findSent first); a 503 processed nothing", async () => {
  const content = unique("v1 500");
  await suite.emulator.control.faults({ status: 500, process: true }, { status: 503, times: 3 });
  const failed = await rejection(client().sendMessage(v1(content)));
  assert.deepEqual(facts(failed), { kind: "server_error", scope: "request", retryable: false, apiCode: "INTERNAL_SERVER_ERROR", maybeSent: true });
  assert.equal((await suite.emulator.control.stored(content)).length, 1, "it had landed");
  const unavailable = await rejection(client().sendMessage(v1(unique("v1 503"))));
  assert.deepEqual(facts(unavailable), { kind: "server_error", scope: "team", retryable: true, apiCode: "SERVICE_UNAVAILABLE", maybeSent: false });
});

test("v1 RATE_LIMITED: the team's limit is the team's; X's per-sender limit (team budget left) is the sender's", async () => {
  await suite.emulator.control.config({ teamLimits: [{ limit: 2, windowMs: 60_000 }], senderLimits: [] });
  const c = client({ maxRetries: 0, pace: false });
  await c.sendMessage(v1(unique("team 1")));
  await c.sendMessage(v1(unique("team 2")));
  const team = await rejection(c.sendMessage(v1(unique("team 3"))));
  assert.deepEqual(facts(team), { kind: "rate_limited", scope: "team", retryable: true, apiCode: "RATE_LIMITED", maybeSent: false });

  await suite.emulator.control.reset();
  await suite.emulator.control.config({ teamLimits: [{ limit: 300, windowMs: 60_000 }], senderLimits: [{ limit: 1, windowMs: 60_000 }] });
  await c.sendMessage(v1(unique("sender 1")));
  const sender = await rejection(c.sendMessage(v1(unique("sender 2"))));
  assert.deepEqual(facts(sender), { kind: "rate_limited", scope: "sender", retryable: true, apiCode: "RATE_LIMITED", maybeSent: false });
  assert.ok(sender.rateLimit.remaining > 0, "the team budget had requests left");
});

test("invalid input is the request's and not retryable; a v1 timeout may have delivered, a v2 one is retryable", async () => {
  const invalid = await rejection(client().sendMessage(v1("")));
  assert.deepEqual(facts(invalid), { kind: "invalid_request", scope: "request", retryable: false, apiCode: undefined, maybeSent: false });
  await suite.emulator.control.faults({ api: "both", action: "hang", times: 2 });
  const v1Timeout = await rejection(client({ timeoutMs: 200 }).sendMessage(v1(unique("hang v1"))));
  assert.deepEqual(facts(v1Timeout), { kind: "timeout", scope: "request", retryable: false, apiCode: undefined, maybeSent: true });
  const v2Timeout = await rejection(client({ timeoutMs: 200, maxRetries: 0 }).send({ target, content: unique("hang v2") }));
  assert.deepEqual(facts(v2Timeout), { kind: "timeout", scope: "request", retryable: true, apiCode: undefined, maybeSent: true });
});
