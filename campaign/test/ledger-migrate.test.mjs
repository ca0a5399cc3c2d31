// A ledger kept in the layout the Worker used before the core drove it (src/ledger-migrate.js),
// read into the core's ledger: what each earlier state becomes, and what the core then does with
// it — a send cut off by the deploy is looked for, never sent blind; sent ones stay sent; X's log
// still paces the sender; a paused campaign stays paused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { objectWorker } from "./harness.mjs";
import { recover, start, wants } from "../src/core/ledger.js";
import { fromEarlier } from "../src/ledger-migrate.js";

const S = {
  senderLimits: [{ limit: 3, windowMs: 10_000 }], guardMs: 100, timeoutMs: 1_000, retryBaseMs: 500, maxAttempts: 4, maxChecks: 3,
  v1GraceMs: 5_000, readWaitMs: 200, holdProbeMs: 60_000, perRun: 10, replyFreshnessMs: 10_000,
};
const row = (idx, state, extra = {}) => ({
  key: `c:${idx}`, campaign: "c", idx, api: "v1", dm: JSON.stringify({ accountLinkId: "acct", content: `DM ${idx}`, externalId: `x${idx}` }),
  state, held: 0, attempts: 0, checks: 0, next_at: 0, first_try_at: null, error_kind: null, error_message: null, message_id: null, thread_id: null,
  ...extra,
});

test("an earlier ledger: every DM keeps its state, and a send cut off mid-flight is looked for first", () => {
  const rows = [
    row(0, "sent", { attempts: 1, first_try_at: 500, message_id: "m0", thread_id: "t0" }),
    row(1, "failed", { attempts: 1, first_try_at: 600, error_kind: "invalid_request", error_message: "content: too long" }),
    row(2, "sending", { attempts: 1, first_try_at: 700 }),
    row(3, "checking", { attempts: 1, checks: 1, first_try_at: 800, next_at: 9_000 }),
    row(4, "retry", { attempts: 1, first_try_at: 900, next_at: 1_500 }),
    row(5, "queued"),
    row(6, "unconfirmed", { attempts: 1, error_kind: "unconfirmed", error_message: "not found after 5 checks" }),
  ];
  const { ledger: l, dms } = fromEarlier({ sender: "acct", xHeldUntil: 0, xlog: [1_000, 1_100], campaigns: [], rows }, 2_000);
  assert.deepEqual(l.order, rows.map((r) => r.key), "in the order they were taken");
  assert.equal(dms.get("c:5").content, "DM 5", "each DM kept for its send");
  assert.deepEqual(rows.map((r) => l.prospects[r.key].state), ["sent", "failed", "sending", "sending", "sending", "queued", "unconfirmed"]);
  assert.equal(l.prospects["c:0"].steps[0].messageId, "m0");
  assert.equal(l.prospects["c:1"].reason, "content: too long", "the explanation stays");
  assert.equal(l.prospects["c:5"].conversation, "none", "no conversation check the campaign was not created with");

  // The object starts on this state: the cut-off send becomes a check, after the grace.
  recover(l, 2_000, S);
  const cut = l.prospects["c:2"].steps[0];
  assert.deepEqual([cut.state, cut.checkBy, cut.nextAt], ["checking", "find-sent", 2_000 + S.v1GraceMs]);

  // What goes at 2,000: the retry (due at 1,500) and the queued DM, one X slot left by the log.
  const w = wants(l, 2_000, S);
  const r = start(l, 2_000, S, { granted: w.requests, first: 1, retryAt: null });
  const sends = r.effects.filter((e) => e.type === "send").map((e) => e.key);
  assert.deepEqual(sends, ["c:4"], "X's log of two sends leaves one slot of three; the retry goes first");
  assert.equal(r.effects.filter((e) => e.type === "find-sent").length, 0, "checks wait for their time");
  assert.ok(!sends.includes("c:2") && !sends.includes("c:3"), "nothing uncertain is sent blind");
});

test("an earlier ledger: a paused campaign stays paused, and the sender's wait for X holds", () => {
  const { ledger: l } = fromEarlier({ sender: "acct", xHeldUntil: 50_000, xlog: [], campaigns: [{ id: "c", status: "paused" }], rows: [row(0, "queued")] }, 1_000);
  assert.equal(l.campaigns.c, "paused");
  assert.equal(wants(l, 1_000, S).requests, 0, "paused");
  l.campaigns.c = "running";
  assert.equal(wants(l, 1_000, S).requests, 0, "X's 429 said to wait until 50,000");
  assert.equal(wants(l, 50_000, S).requests, 1);
});

test("an earlier ledger in workerd's SQLite: rewritten once, in one transaction, the earlier tables dropped", async () => {
  const mf = objectWorker("earlier-ledger.js", "EARLIER", "Earlier");
  try {
    await (await mf.dispatchFetch("http://earlier.test/seed")).json();
    const first = await (await mf.dispatchFetch("http://earlier.test/migrate")).json();
    assert.equal(first.migrated, true);
    assert.deepEqual(first.tables, ["header", "news", "prospects"], "the earlier tables are gone; news stays");
    const l = first.ledger;
    assert.equal(l.sender, "acct01");
    assert.deepEqual(l.order, ["c:0", "c:1", "c:2"]);
    assert.deepEqual(["c:0", "c:1", "c:2"].map((k) => l.prospects[k].state), ["sent", "sending", "queued"]);
    assert.equal(l.prospects["c:1"].steps[0].state, "sending", "cut off mid-send: the object's recover looks for it");
    assert.deepEqual(l.xlog, [400, 600]);
    assert.equal(l.campaigns.c, "paused");
    assert.equal(first.dms[2][1].content, "DM 2");
    const again = await (await mf.dispatchFetch("http://earlier.test/migrate")).json();
    assert.equal(again.migrated, false, "once");
    assert.deepEqual(again.ledger, first.ledger);
  } finally {
    await mf.dispose();
  }
});
