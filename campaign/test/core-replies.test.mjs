// The events feed and webhooks (src/core/replies.js): when to look, pages in seq order resumed
// from the last seq, what counts as a complete look, webhooks deduplicated by seq, replies in
// unknown threads held for the ledger that learns them — and, through a ledger, a reply that
// falls between a look and a send.
import assert from "node:assert/strict";
import { test } from "node:test";
import { claimReplies, emptyFeed, holdReplies, pageRead, recoverFeed, startLook, wantsLook, webhookEvent } from "../src/core/replies.js";
import { accept, emptyLedger, finish, noteEvents, start, wants } from "../src/core/ledger.js";

const FS = { idleLookMs: 3_600_000, retryBaseMs: 1_000, holdRepliesMs: 86_400_000, lookAfterMs: 5_000 };
const event = (seq, threadId, at = seq) => ({ seq, threadId, at });

test("replies: one look serves every asker while it is young; idle, the feed is still read now and then; never two reads at once", () => {
  const feed = emptyFeed();
  assert.equal(wantsLook(feed, 0, FS, { asked: false, open: false }), false);
  assert.equal(wantsLook(feed, 0, FS, { asked: true, open: true }), true, "no look yet");
  const effect = startLook(feed, 100);
  assert.deepEqual(effect, { type: "read-events", afterSeq: null, eventType: "message.received", leftAt: 100 });
  assert.equal(wantsLook(feed, 200, FS, { asked: true, open: true }), false, "one read at a time");
  pageRead(feed, 400, FS, effect, { ok: true, events: [], lastSeq: null, hasMore: false });
  assert.equal(feed.lookedAt, 100, "a look counts from when its request left");
  assert.equal(wantsLook(feed, 5_000, FS, { asked: true, open: true }), false, "4.9 s old: askers take it as it is");
  assert.equal(wantsLook(feed, 5_100, FS, { asked: true, open: true }), true);
  assert.equal(wantsLook(feed, 3_600_000, FS, { asked: false, open: true }), false);
  assert.equal(wantsLook(feed, 3_600_100, FS, { asked: false, open: true }), true, "idle for an hour with sequences open");
  assert.equal(wantsLook(feed, 3_600_100, FS, { asked: false, open: false }), false);
});

test("replies: pages resume from lastSeq; a look is complete only on the last page, and counts from that page's request", () => {
  const feed = emptyFeed();
  const first = startLook(feed, 1_000);
  const a = pageRead(feed, 1_300, FS, first, { ok: true, events: [event(1, "t1"), event(2, "t2")], lastSeq: 5, hasMore: true });
  assert.deepEqual([a.complete, a.more, a.replies.map((r) => r.seq)], [false, true, [1, 2]]);
  assert.equal(feed.lookedAt, null, "not a look until the feed is read to its end");
  assert.equal(feed.afterSeq, 5, "lastSeq covers events the page left out");
  const second = startLook(feed, 1_300);
  assert.equal(second.afterSeq, 5);
  const b = pageRead(feed, 1_700, FS, second, { ok: true, events: [event(9, "t3")], lastSeq: 9, hasMore: false });
  assert.deepEqual([b.complete, b.more, b.replies.map((r) => r.seq)], [true, false, [9]]);
  assert.equal(feed.lookedAt, 1_300);
  // A failed read: no look, a backoff, then again from the same seq.
  const third = startLook(feed, 9_000);
  const c = pageRead(feed, 9_100, FS, third, { ok: false });
  assert.deepEqual([c.complete, feed.lookedAt, feed.afterSeq, feed.retryAt], [false, 1_300, 9, 10_100]);
  assert.equal(wantsLook(feed, 10_000, FS, { asked: true, open: true }), false, "backing off");
  startLook(feed, 10_100);
  recoverFeed(feed);
  assert.equal(feed.out, null, "a read lost with the runtime is forgotten");
  assert.equal(startLook(feed, 10_200).afterSeq, 9);
});

test("replies: webhooks are taken at once, deduplicated by seq against each other and the feed, and never count as a look", () => {
  const feed = emptyFeed();
  const look = startLook(feed, 0);
  pageRead(feed, 100, FS, look, { ok: true, events: [event(3, "t1")], lastSeq: 3, hasMore: false });
  assert.deepEqual(webhookEvent(feed, event(5, "t2")), [event(5, "t2")]);
  assert.deepEqual(webhookEvent(feed, event(5, "t2")), [], "delivered twice");
  assert.deepEqual(webhookEvent(feed, event(3, "t1")), [], "already read from the feed");
  assert.equal(feed.lookedAt, 0);
  const next = startLook(feed, 200);
  const r = pageRead(feed, 300, FS, next, { ok: true, events: [event(4, "t3"), event(5, "t2"), event(6, "t4")], lastSeq: 6, hasMore: false });
  assert.deepEqual(r.replies.map((x) => x.seq), [4, 6], "the webhook's event is not taken twice");
  assert.deepEqual(feed.early, [], "seqs behind the feed are forgotten");
});

test("replies: a reply in a thread nobody knows yet is held for the ledger that learns it, for a while", () => {
  const feed = emptyFeed();
  holdReplies(feed, 1_000, FS, [event(1, "t9", 900), event(2, "t8", 950)]);
  assert.deepEqual(claimReplies(feed, "t9"), [{ seq: 1, threadId: "t9", at: 900 }]);
  assert.deepEqual(claimReplies(feed, "t9"), [], "claimed once");
  holdReplies(feed, 1_000 + FS.holdRepliesMs, FS, []);
  assert.deepEqual(claimReplies(feed, "t8"), [], "dropped after holdRepliesMs");
});

test("replies: the promise through a ledger — a reply the API recorded after the look may meet a follow-up sent within the freshness, never after it", () => {
  const S = {
    senderLimits: [{ limit: 100, windowMs: 10_000 }], guardMs: 100, timeoutMs: 1_000, retryBaseMs: 500, maxAttempts: 4, maxChecks: 3,
    v1GraceMs: 5_000, readWaitMs: 200, holdProbeMs: 60_000, perRun: 10, replyFreshnessMs: 10_000,
  };
  const go = (l, now) => {
    const w = wants(l, now, S);
    return start(l, now, S, { granted: w.requests, first: 1, retryAt: null }).effects.filter((e) => e.type === "send");
  };
  const feed = emptyFeed();
  const l = emptyLedger("s");
  accept(l, 0, [0, 1].map((index) => ({ campaign: "c", index, api: "v2", ifConversation: "send", followUps: [{ content: "and?", afterMs: 20_000 }] })));
  for (const [i, e] of go(l, 0).entries()) finish(l, 100, S, e, { ok: true, messageId: `m${i}`, threadId: `t${i}`, createdAt: 50, replayed: false });
  // A look leaves at 20,000 and sees nothing; prospect 0 replies at 20,400, after the page was served.
  const look = startLook(feed, 20_000);
  pageRead(feed, 20_600, FS, look, { ok: true, events: [], lastSeq: null, hasMore: false });
  noteEvents(l, 20_600, { lookedAt: feed.lookedAt });
  // Both follow-ups go on that look (it is fresh): prospect 0's within the freshness of its reply.
  assert.deepEqual(go(l, 20_600).map((e) => e.idempotencyKey), ["c:0:1", "c:1:1"]);
  // Had they been due later, the look would have grown too old: nothing goes until the next,
  // which carries the reply.
  const m = emptyLedger("s");
  accept(m, 0, [{ campaign: "c", index: 0, api: "v2", ifConversation: "send", followUps: [{ content: "and?", afterMs: 31_000 }] }]);
  finish(m, 100, S, go(m, 0)[0], { ok: true, messageId: "m0", threadId: "t0", createdAt: 50 });
  noteEvents(m, 20_600, { lookedAt: feed.lookedAt });
  assert.deepEqual(go(m, 31_050), [], "the look is 11 s old");
  const again = startLook(feed, 31_100);
  const page = pageRead(feed, 31_400, FS, again, { ok: true, events: [event(1, "t0", 20_400)], lastSeq: 1, hasMore: false });
  noteEvents(m, 31_400, { lookedAt: feed.lookedAt, replies: page.replies });
  assert.deepEqual([m.prospects["c:0"].state, m.prospects["c:0"].afterStep], ["replied", 0]);
  assert.deepEqual(go(m, 31_400), []);
});
