// The sender ledger's decisions (src/core/ledger.js), natively on plain data: conversation
// checks before openers, holds, sendUnconfirmed settled by a read, a runtime that lost its
// memory, X's limit. No clock, no Worker: every time is given.
import assert from "node:assert/strict";
import { test } from "node:test";
import { accept, emptyLedger, finish, recover, resume, setCampaign, start, wants } from "../src/core/ledger.js";

const S = {
  senderLimits: [{ limit: 3, windowMs: 10_000 }], guardMs: 100, timeoutMs: 1_000, retryBaseMs: 500, maxAttempts: 4, maxChecks: 3,
  v1GraceMs: 5_000, readWaitMs: 200, holdProbeMs: 60_000, perRun: 10,
};
const items = (n, extra = {}) => Array.from({ length: n }, (_, i) => ({ campaign: "c", index: i, api: "v2", platformId: String(100 + i), ...extra }));
/** Starts what the ledger wants with every lease granted. */
const go = (l, now) => {
  const w = wants(l, now, S);
  return start(l, now, S, { granted: w.requests, first: 1, retryAt: null });
};
const requests = (r) => r.effects.filter((e) => e.type !== "set-alarm");
const ok = (extra) => ({ ok: true, rateLimit: { limit: 300, remaining: 200, resetAt: 60_000 }, ...extra });
const failure = (kind, scope, retryable, extra = {}) => ({ ok: false, failure: { kind, scope, retryable, apiCode: null, maybeSent: false, messageId: null, message: kind, ...extra } });

test("ledger: a prospect taken twice is one; openers wait for their contacts read, and contacts for one threads read", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(150));
  accept(l, 0, items(150));
  assert.equal(l.order.length, 150);
  let r = go(l, 0);
  const [lookup] = requests(r);
  assert.equal(requests(r).length, 1, "no send before the conversation is known");
  assert.deepEqual([lookup.type, lookup.by, lookup.ids.length], ["lookup-conversations", "platformId", 100]);
  // Two of them are contacts: one with a conversation with this sender, one with an empty thread.
  const found = Object.fromEntries(lookup.ids.map((id) => [id, null]));
  found["100"] = { contactId: "ca" };
  found["101"] = { contactId: "cb" };
  finish(l, 10, S, lookup, ok({ found }));
  r = go(l, 10);
  // The openers known to be clear go (X's limit: 3 per window); the contacts wait, so that one
  // threads read covers many of them.
  const first = requests(r).filter((e) => e.type === "send");
  assert.deepEqual(first.map((e) => e.key), ["c:2", "c:3", "c:4"]);
  assert.equal(requests(r).length, 3, "no threads read while clear openers are ready and the contacts are fresh");
  for (const e of first) finish(l, 20, S, e, ok({ messageId: `m${e.key}`, threadId: `t${e.key}` }));
  // An hour after they were found, the contacts are read at once.
  r = go(l, 3_600_010);
  const threads = requests(r).find((e) => e.type === "lookup-conversations");
  assert.deepEqual([threads.by, threads.ids], ["contactId", ["ca", "cb"]]);
  finish(l, 3_600_020, S, threads, ok({ found: { ca: { threadId: "t1", messages: 3 }, cb: { threadId: "t2", messages: 0 } } }));
  assert.equal(l.prospects["c:0"].state, "skipped");
  assert.equal(l.prospects["c:0"].conversationThreadId, "t1");
  assert.equal(l.prospects["c:0"].reason, "in_conversation");
  for (const e of requests(r).filter((x) => x.type === "send")) finish(l, 3_600_020, S, e, ok({ messageId: `m${e.key}`, threadId: `t${e.key}` }));
  r = go(l, 3_620_000);
  const sends = requests(r).filter((e) => e.type === "send");
  assert.equal(sends[0].key, "c:1", "an empty thread is no conversation");
  assert.equal(sends[0].idempotencyKey, "c:1");
  assert.equal(sends.length, 3, "X's limit: 3 per window");
});

test("ledger: when only contacts are left, their threads are read at once", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(3));
  const [lookup] = requests(go(l, 0));
  finish(l, 10, S, lookup, ok({ found: { 100: { contactId: "ca" }, 101: { contactId: "cb" }, 102: null } }));
  const [send] = requests(go(l, 10));
  assert.equal(send.key, "c:2");
  const threads = requests(go(l, 11)).find((e) => e.type === "lookup-conversations");
  assert.deepEqual([threads.by, threads.ids], ["contactId", ["ca", "cb"]], "nothing else is ready: no wait");
});

test("ledger: ifConversation send skips the check; X's limit holds in every interval", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(20, { ifConversation: "send" }));
  const sentAt = [];
  for (let t = 0; t < 70_000; t += 50) {
    for (const e of requests(go(l, t))) {
      assert.equal(e.type, "send");
      finish(l, t + 20, S, e, ok({ messageId: `m${e.key}`, threadId: "t" }));
      sentAt.push(t + 20);
    }
  }
  assert.equal(sentAt.length, 20);
  for (const from of sentAt) assert.ok(sentAt.filter((t) => t >= from && t < from + 10_000).length <= 3);
});

test("ledger: a disconnected sender is held; the DM stays queued; one probe per interval; resume probes at once", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(3, { ifConversation: "send" }));
  const [a, b, c] = requests(go(l, 0));
  finish(l, 10, S, a, failure("conflict", "sender", false, { apiCode: "accountLinkDisconnected", status: "offline" }));
  assert.equal(l.hold.scope, "sender");
  assert.match(l.hold.fix, /reconnect/);
  assert.equal(l.hold.nextProbeAt, 10 + S.holdProbeMs);
  // The other request in flight when the hold began is refused too: still no DM failed.
  finish(l, 11, S, b, failure("conflict", "sender", false, { apiCode: "accountLinkDisconnected", status: "offline" }));
  finish(l, 11, S, c, failure("conflict", "sender", false, { apiCode: "accountLinkDisconnected", status: "offline" }));
  assert.deepEqual([l.prospects["c:0"].state, l.prospects["c:0"].steps[0].attempts], ["queued", 0]);
  assert.equal(l.hold.nextProbeAt, 11 + S.holdProbeMs, "each refusal puts the probe off");
  assert.equal(wants(l, 60_010, S).requests, 0, "nothing before the probe is due");
  let r = go(l, 60_011);
  assert.equal(requests(r).length, 1, "one probe");
  finish(l, 60_020, S, requests(r)[0], failure("conflict", "sender", false, { apiCode: "accountLinkDisconnected", status: "offline" }));
  assert.equal(wants(l, 60_030, S).requests, 0);
  resume(l, 60_030);
  r = go(l, 60_030);
  assert.equal(requests(r).length, 1, "a resume probes at once");
  finish(l, 60_040, S, requests(r)[0], ok({ messageId: "m", threadId: "t" }));
  assert.equal(l.hold, null, "the probe got through: the hold is lifted");
  assert.equal(requests(go(l, 60_040)).length, 2, "the rest go");
  assert.ok(Object.values(l.prospects).every((p) => p.state !== "failed"));
});

test("ledger: a team refusal is the team budget's hold (settled with the failure), not the DM's", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(1, { ifConversation: "send" }));
  const [send] = requests(go(l, 0));
  const r = finish(l, 10, S, send, failure("unauthorized", "team", false));
  assert.equal(r.settle[0].hold.scope, "team");
  assert.equal(l.hold, null);
  assert.deepEqual([l.prospects["c:0"].state, l.prospects["c:0"].steps[0].state], ["queued", "due"]);
});

test("ledger: sendUnconfirmed is settled by reading the message, never sent blind", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(2, { ifConversation: "send" }));
  const [a, b] = requests(go(l, 0));
  const unconfirmed = (id) => failure("server_error", "request", false, { apiCode: "sendUnconfirmed", maybeSent: true, messageId: id });
  finish(l, 10, S, a, unconfirmed("ma"));
  finish(l, 10, S, b, unconfirmed("mb"));
  assert.equal(wants(l, 100, S).requests, 0, "a short wait first");
  let reads = requests(go(l, 300));
  assert.deepEqual(reads.map((e) => [e.type, e.messageId]), [["read-message", "ma"], ["read-message", "mb"]]);
  finish(l, 310, S, reads[0], ok({ found: true, platformSent: true, threadId: "t" }));
  finish(l, 310, S, reads[1], ok({ found: false }));
  assert.deepEqual([l.prospects["c:0"].state, l.prospects["c:0"].steps[0].messageId], ["sent", "ma"]);
  const again = requests(go(l, 400));
  assert.deepEqual(again.map((e) => [e.type, e.key]), [["send", "c:1"]], "absent: a new send is safe");
  // Still pending after every read: unconfirmed, explained, never resent.
  const m = emptyLedger("s");
  accept(m, 0, items(1, { ifConversation: "send" }));
  finish(m, 10, S, requests(go(m, 0))[0], unconfirmed("mc"));
  for (let t = 300; m.prospects["c:0"].state !== "unconfirmed"; t += 300) {
    reads = requests(go(m, t));
    assert.equal(reads[0].type, "read-message");
    finish(m, t + 10, S, reads[0], ok({ found: true, platformSent: false }));
  }
  assert.match(m.prospects["c:0"].reason, /never resent automatically/);
});

test("ledger: the API unavailable for everyone (503, scope team) is retried with backoff, not held", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(1, { ifConversation: "send" }));
  const [send] = requests(go(l, 0));
  const r = finish(l, 10, S, send, failure("server_error", "team", true, { maybeSent: true }));
  assert.equal(r.settle[0].hold, null);
  assert.equal(l.hold, null);
  assert.equal(l.prospects["c:0"].steps[0].state, "retry");
  assert.equal(wants(l, 100, S).requests, 0, "backoff");
  const [retry] = requests(go(l, 10 + S.retryBaseMs));
  assert.deepEqual([retry.key, retry.idempotencyKey], ["c:0", "c:0"]);
});

test("ledger: transient failures retry with the same key; a DM's own refusal ends it explained", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(2, { ifConversation: "send" }));
  const [a, b] = requests(go(l, 0));
  finish(l, 10, S, a, failure("server_error", "request", true, { maybeSent: true }));
  finish(l, 10, S, b, failure("unprocessable", "recipient", false, { message: "cannot receive DMs" }));
  assert.deepEqual([l.prospects["c:1"].state, l.prospects["c:1"].reason], ["failed", "cannot receive DMs"]);
  assert.equal(wants(l, 100, S).requests, 0, "backoff");
  const [retry] = requests(go(l, 10 + S.retryBaseMs));
  assert.deepEqual([retry.key, retry.idempotencyKey], ["c:0", "c:0"]);
});

test("ledger: after the runtime lost its memory, a step cut off mid-send is looked for before it goes again", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(1, { ifConversation: "send" }));
  requests(go(l, 0));
  recover(l, 50, S);
  assert.equal(wants(l, 100, S).requests, 0, "the grace first");
  let r = requests(go(l, 50 + S.v1GraceMs));
  assert.deepEqual([r[0].type, r[0].leases.length], ["find-sent", 2]);
  finish(l, 50 + S.v1GraceMs + 10, S, r[0], ok({ found: null }));
  r = requests(go(l, 50 + S.v1GraceMs + 20));
  assert.deepEqual([r[0].type, r[0].idempotencyKey], ["send", "c:0"], "not there: sent again");
});

test("ledger: a paused campaign sends nothing until resumed; a cancelled one ends what has not left", () => {
  const l = emptyLedger("s");
  accept(l, 0, items(5, { ifConversation: "send" }));
  setCampaign(l, 0, "c", "paused");
  assert.equal(wants(l, 0, S).requests, 0);
  setCampaign(l, 10, "c", "running");
  const out = requests(go(l, 10));
  assert.equal(out.length, 3, "X's limit: 3 leave");
  const changed = setCampaign(l, 20, "c", "cancelled");
  assert.deepEqual(changed.sort(), ["c:3", "c:4"], "those out are left to their answers");
  assert.match(l.prospects["c:3"].reason, /cancelled/);
  for (const e of out) finish(l, 30, S, e, ok({ messageId: `m${e.key}`, threadId: "t" }));
  assert.deepEqual(Object.values(l.prospects).map((p) => p.state), ["sent", "sent", "sent", "cancelled", "cancelled"]);
});
