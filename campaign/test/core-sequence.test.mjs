// Sequences in the sender ledger (src/core/ledger.js with sequence.js): each step due after the
// API's createdAt of the one before, with its own key; no follow-up without a fresh look at the
// events; a reply stops what has not left, also when it falls between a look and a send; the
// sending hours and the jitter. No clock, no Worker: every time is given.
import assert from "node:assert/strict";
import { test } from "node:test";
import { accept, emptyLedger, finish, noteEvents, setSchedule, start, wants } from "../src/core/ledger.js";
import { checkFollowUps, stepKey } from "../src/core/sequence.js";

const S = {
  senderLimits: [{ limit: 100, windowMs: 10_000 }], guardMs: 100, timeoutMs: 1_000, retryBaseMs: 500, maxAttempts: 4, maxChecks: 3,
  v1GraceMs: 5_000, readWaitMs: 200, holdProbeMs: 60_000, perRun: 10, replyFreshnessMs: 10_000,
};
const HOUR = 3_600_000;
const prospect = (index, afterMs = [HOUR, 2 * HOUR], extra = {}) => ({
  campaign: "c", index, api: "v2", ifConversation: "send", platformId: String(100 + index), followUps: afterMs.map((ms) => ({ content: `f${ms}`, afterMs: ms })), ...extra,
});
/** Starts what the ledger wants with every lease granted; returns its effects. */
const go = (l, now, random) => {
  const w = wants(l, now, S);
  return start(l, now, S, { granted: w.requests, first: 1, retryAt: null, random }).effects;
};
const sends = (effects) => effects.filter((e) => e.type === "send");
const asks = (effects) => effects.some((e) => e.type === "read-events");
const alarm = (effects) => effects.find((e) => e.type === "set-alarm")?.at;
const ok = (messageId, createdAt, threadId = "t0") => ({ ok: true, messageId, threadId, createdAt, replayed: false });

test("sequence: every step once, with its own key, due after the API's createdAt of the step before; the last ends it sent", () => {
  const l = emptyLedger("s");
  accept(l, 0, [prospect(0)]);
  const [opener] = sends(go(l, 0));
  assert.deepEqual([opener.step, opener.idempotencyKey], [0, "c:0"]);
  // The API created it at 300; its answer came at 900: the follow-up is due from 300.
  finish(l, 900, S, opener, ok("m0", 300));
  const p = l.prospects["c:0"];
  assert.deepEqual([p.state, p.steps.length, p.steps[1].state, p.threadId], ["sending", 2, "due", "t0"]);
  noteEvents(l, HOUR + 299, { lookedAt: HOUR + 299 });
  assert.deepEqual(sends(go(l, HOUR + 299)), [], "not before its time");
  assert.equal(alarm(go(l, HOUR + 299)), HOUR + 300);
  const [first] = sends(go(l, HOUR + 300));
  assert.deepEqual([first.step, first.idempotencyKey], [1, "c:0:1"]);
  finish(l, HOUR + 400, S, first, ok("m1", HOUR + 350));
  noteEvents(l, 3 * HOUR + 350, { lookedAt: 3 * HOUR + 350 });
  const [second] = sends(go(l, 3 * HOUR + 350));
  assert.equal(second.idempotencyKey, "c:0:2");
  finish(l, 3 * HOUR + 500, S, second, ok("m2", 3 * HOUR + 450));
  assert.deepEqual([p.state, p.steps.map((st) => [st.state, st.messageId])], ["sent", [["sent", "m0"], ["sent", "m1"], ["sent", "m2"]]]);
  assert.deepEqual(sends(go(l, 10 * HOUR)), [], "nothing goes twice");
  assert.equal(stepKey("c:7", 0), "c:7");
  assert.equal(stepKey("c:7", 3), "c:7:3");
});

test("sequence: a follow-up leaves only after a look at the events at most REPLY_FRESHNESS_MS old, and asks for one", () => {
  const l = emptyLedger("s");
  accept(l, 0, [prospect(0, [1_000])]);
  finish(l, 10, S, sends(go(l, 0))[0], ok("m0", 5));
  let effects = go(l, 2_000);
  assert.deepEqual(sends(effects), [], "no look yet");
  assert.ok(asks(effects), "it asks for a look");
  noteEvents(l, 2_000, { lookedAt: 2_000 - 10_001 });
  effects = go(l, 2_000);
  assert.deepEqual(sends(effects), [], "a look 10.001 s old is too old");
  assert.ok(asks(effects));
  noteEvents(l, 2_000, { lookedAt: 2_000 - 7_000 });
  effects = go(l, 2_000);
  assert.equal(sends(effects).length, 1, "7 s old: it goes");
  assert.ok(asks(effects), "and a fresher look is asked for ahead of the next");
  // An older look handed in late never moves the last look back.
  noteEvents(l, 2_000, { lookedAt: -9_000 });
  assert.equal(l.lookedAt, 2_000 - 7_000);
  // An opener needs no look.
  const m = emptyLedger("s");
  accept(m, 0, [prospect(0)]);
  effects = go(m, 0);
  assert.deepEqual([sends(effects).length, asks(effects)], [1, false]);
});

test("sequence: a reply stops the steps not yet sent; a reply after the last step leaves it sent; one before the opener is none", () => {
  const l = emptyLedger("s");
  accept(l, 0, [prospect(0), prospect(1, [HOUR]), prospect(2)]);
  const [a, b, c] = sends(go(l, 0));
  finish(l, 10, S, a, ok("ma", 5, "ta"));
  finish(l, 10, S, b, ok("mb", 5, "tb"));
  finish(l, 10, S, c, ok("mc", 50, "tc"));
  const r = noteEvents(l, 20, { lookedAt: 20, replies: [{ seq: 7, threadId: "ta", at: 15 }, { seq: 8, threadId: "tc", at: 40 }, { seq: 9, threadId: "elsewhere", at: 16 }] });
  assert.deepEqual(r.changed, ["c:0"], "tc's message came before its opener was created");
  assert.deepEqual(r.unknown, [{ seq: 9, threadId: "elsewhere", at: 16 }], "a thread this ledger does not know is handed back");
  const pa = l.prospects["c:0"];
  assert.deepEqual([pa.state, pa.afterStep, pa.repliedAt, pa.threadId, pa.steps.map((st) => st.state)], ["replied", 0, 15, "ta", ["sent", "replied"]]);
  noteEvents(l, HOUR + 60, { lookedAt: HOUR + 60 });
  const out = sends(go(l, HOUR + 60));
  assert.deepEqual(out.map((e) => e.idempotencyKey).sort(), ["c:1:1", "c:2:1"], "the replied prospect's follow-up never goes");
  finish(l, HOUR + 20, S, out.find((e) => e.key === "c:1"), ok("mb1", HOUR + 10, "tb"));
  assert.equal(l.prospects["c:1"].state, "sent");
  noteEvents(l, HOUR + 30, { replies: [{ seq: 10, threadId: "tb", at: HOUR + 25 }] });
  assert.deepEqual([l.prospects["c:1"].state, l.prospects["c:1"].reply.seq], ["sent", 10], "a reply after the last step: still sent, the reply kept");
});

test("sequence: two campaigns to the same person from one sender share the thread: a reply stops both", () => {
  const l = emptyLedger("s");
  accept(l, 0, [prospect(0), { ...prospect(0), campaign: "d" }]);
  for (const e of sends(go(l, 0))) finish(l, 10, S, e, ok(`m${e.key}`, 5, "shared"));
  const r = noteEvents(l, 20, { lookedAt: 20, replies: [{ seq: 1, threadId: "shared", at: 15 }] });
  assert.deepEqual(r.changed.sort(), ["c:0", "d:0"]);
  assert.deepEqual([l.prospects["c:0"].state, l.prospects["d:0"].state], ["replied", "replied"]);
});

test("sequence: a reply that falls between a look and a send — the step out counts, the rest stop", () => {
  const l = emptyLedger("s");
  accept(l, 0, [prospect(0, [1_000, 1_000])]);
  finish(l, 10, S, sends(go(l, 0))[0], ok("m0", 5));
  // The look left at 2,000 and saw nothing; the prospect replied at 2,500 (the API has it); the
  // follow-up leaves at 3,000 on that look, which is fresh.
  noteEvents(l, 2_400, { lookedAt: 2_000 });
  const [step1] = sends(go(l, 3_000));
  assert.equal(step1.idempotencyKey, "c:0:1");
  // The next look brings the reply while step 1 is out: nothing is decided until its answer.
  noteEvents(l, 3_100, { lookedAt: 3_050, replies: [{ seq: 1, threadId: "t0", at: 2_500 }] });
  assert.equal(l.prospects["c:0"].state, "sending");
  finish(l, 3_300, S, step1, ok("m1", 3_200));
  const p = l.prospects["c:0"];
  assert.deepEqual([p.state, p.afterStep, p.repliedAt, p.steps.map((st) => st.state)], ["replied", 1, 2_500, ["sent", "sent", "replied"]]);
  assert.deepEqual(sends(go(l, 10_000)), []);
});

test("sequence: a follow-up that may have landed when the reply came is looked for, never sent again", () => {
  const setup = () => {
    const l = emptyLedger("s");
    accept(l, 0, [prospect(0, [1_000, 1_000])]);
    finish(l, 10, S, sends(go(l, 0))[0], ok("m0", 5));
    noteEvents(l, 1_500, { lookedAt: 1_500 });
    const [step1] = sends(go(l, 1_500));
    // A 500 after processing: it may be there; a retry with the same key would be safe, but a reply comes first.
    finish(l, 1_600, S, step1, { ok: false, failure: { kind: "server_error", scope: "request", retryable: true, maybeSent: true, message: "500" } });
    noteEvents(l, 1_700, { lookedAt: 1_700, replies: [{ seq: 3, threadId: "t0", at: 1_650 }] });
    const effects = go(l, 1_700);
    assert.deepEqual(effects.filter((e) => e.type !== "set-alarm" && e.type !== "read-events").map((e) => [e.type, e.step]), [["find-sent", 1]], "looked for, not sent");
    return { l, check: effects.find((e) => e.type === "find-sent") };
  };
  const landed = setup();
  finish(landed.l, 1_800, S, landed.check, { ok: true, found: { messageId: "m1", threadId: "t0", createdAt: 1_560 } });
  assert.deepEqual([landed.l.prospects["c:0"].state, landed.l.prospects["c:0"].afterStep], ["replied", 1]);
  const absent = setup();
  finish(absent.l, 1_800, S, absent.check, { ok: true, found: null });
  assert.deepEqual([absent.l.prospects["c:0"].state, absent.l.prospects["c:0"].afterStep], ["replied", 0]);
  assert.deepEqual(sends(go(absent.l, 5_000)), [], "never sent after the reply");
});

test("sequence: v1 settles an uncertain follow-up by findSent of that step, from its first try", () => {
  const l = emptyLedger("s");
  accept(l, 0, [prospect(0, [1_000], { api: "v1" })]);
  finish(l, 10, S, sends(go(l, 0))[0], ok("m0", 5));
  noteEvents(l, 2_000, { lookedAt: 2_000 });
  const [step1] = sends(go(l, 2_000));
  assert.deepEqual([step1.api, step1.step], ["v1", 1]);
  finish(l, 2_100, S, step1, { ok: false, failure: { kind: "timeout", scope: "request", retryable: true, maybeSent: true, message: "timed out" } });
  const [check] = go(l, 2_100 + S.v1GraceMs).filter((e) => e.type === "find-sent");
  assert.deepEqual([check.key, check.step, check.since], ["c:0", 1, 2_000]);
  finish(l, 7_200, S, check, { ok: true, found: { messageId: "m1", threadId: "t0", createdAt: 2_050 } });
  assert.deepEqual([l.prospects["c:0"].state, l.prospects["c:0"].steps[1].messageId], ["sent", "m1"]);
});

test("sequence: nothing leaves outside the sending hours; a step due outside waits for the opening; jitter spaces a sender's sends", () => {
  const monday9 = Date.parse("2026-11-02T14:00:00Z"); // 9:00 EST, the Monday after daylight saving ended
  const friday = Date.parse("2026-10-30T20:00:00Z"); // 16:00 EDT
  const l = emptyLedger("s");
  setSchedule(l, "c", { sendWindow: { timeZone: "America/New_York", days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" }, jitterMs: 30_000 });
  accept(l, friday, [prospect(0, [2 * HOUR]), prospect(1, [2 * HOUR])]);
  let effects = go(l, friday, 0.5);
  assert.equal(sends(effects).length, 1, "jitter: one send per run");
  assert.equal(alarm(effects), friday + 15_000, "the next after half of jitterMs (random 0.5)");
  finish(l, friday + 100, S, sends(effects)[0], ok("m0", friday + 50, "t0"));
  assert.deepEqual(sends(go(l, friday + 10_000, 0.1)), [], "not before the jitter passed");
  effects = go(l, friday + 15_000, 0.1);
  assert.equal(sends(effects).length, 1);
  finish(l, friday + 15_100, S, sends(effects)[0], ok("m1", friday + 15_050, "t1"));
  // The follow-ups fall due at 18:00 EDT on Friday, outside the window: they wait for Monday 9:00 EST.
  noteEvents(l, friday + 2 * HOUR + 60_000, { lookedAt: friday + 2 * HOUR + 60_000 });
  effects = go(l, friday + 2 * HOUR + 60_000, 0.1);
  assert.deepEqual(sends(effects), []);
  assert.equal(alarm(effects), monday9);
  noteEvents(l, monday9 - HOUR, { lookedAt: monday9 - HOUR });
  assert.deepEqual(sends(go(l, monday9 - HOUR, 0.1)), [], "8:00 EST: still closed (8:00 EDT would have been 12:00 UTC)");
  noteEvents(l, monday9, { lookedAt: monday9 });
  effects = go(l, monday9, 0.2);
  assert.deepEqual(sends(effects).map((e) => e.idempotencyKey), ["c:0:1"]);
  assert.equal(alarm(effects), monday9 + 6_000);
  assert.deepEqual(sends(go(l, monday9 + 6_000, 0.2)).map((e) => e.idempotencyKey), ["c:1:1"]);
});

test("sequence: every problem with followUps is named with its field and rule", () => {
  assert.deepEqual(checkFollowUps(undefined), []);
  assert.deepEqual(checkFollowUps([{ content: "Any news?", afterMs: 86_400_000 }]), []);
  assert.deepEqual(checkFollowUps("soon").map((p) => p.field), ["followUps"]);
  assert.deepEqual(checkFollowUps(Array.from({ length: 6 }, () => ({ content: "x", afterMs: 1 }))).map((p) => p.field), ["followUps"], "at most 5");
  const problems = checkFollowUps([{ content: "", afterMs: -1 }, null, { content: "ok", afterMs: 1.5, delay: 3 }], "messages[4].followUps");
  assert.deepEqual(problems.map((p) => p.field), [
    "messages[4].followUps[0].content", "messages[4].followUps[0].afterMs", "messages[4].followUps[1]", "messages[4].followUps[2].delay", "messages[4].followUps[2].afterMs",
  ]);
  for (const p of problems) assert.match(p.rule, /\w{4}/);
});
