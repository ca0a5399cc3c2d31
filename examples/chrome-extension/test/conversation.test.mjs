// conversation.js's reading of a looked-up thread, on the answers the browser tests cannot script:
// an empty thread still syncing, an answer with no time, and one that is not a thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { summarise } from "../conversation.js";

const PROSPECT = "1566123362161725440";
const thread = (fields) => ({ id: "t1", isSyncing: false, lastMessage: null, prospect: null, ...fields });

test("no thread, or an empty one that is not syncing, is no conversation", () => {
  assert.equal(summarise(null, PROSPECT), null);
  assert.equal(summarise(thread({}), PROSPECT), null);
});

test("an empty thread still syncing is a conversation whose messages are not known yet", () => {
  assert.deepEqual(summarise(thread({ isSyncing: true }), PROSPECT), { threadId: "t1", syncing: true, lastMessage: null });
});

test("the prospect wrote it only when authorId is one of the prospect's ids", () => {
  const prospect = { platformId: PROSPECT, externalId: "p1maya" };
  const from = (authorId) =>
    summarise(thread({ prospect, lastMessage: { content: "hi", authorId, createdAt: "2026-12-01T10:00:00.000Z" } }), PROSPECT)
      .lastMessage.fromProspect;
  assert.equal(from("p1maya"), true);
  assert.equal(from(PROSPECT), true);
  for (const ours of ["acct1sales", "1690000000000000001", "clx9k2m4p0000abcd1234efgh", undefined]) assert.equal(from(ours), false, ours);
});

test("a last message without a readable time keeps its text and author, with no time", () => {
  const { lastMessage } = summarise(thread({ lastMessage: { content: "hi", authorId: "x" } }), PROSPECT);
  assert.deepEqual(lastMessage, { content: "hi", fromProspect: false, at: null });
});

test("an answer that is not a thread or null is refused, naming the read", () => {
  for (const data of [[], "thread", { threadId: "t1" }]) {
    assert.throws(() => summarise(data, PROSPECT), /\/api\/v1\/threads\/lookup .*not a thread or null/);
  }
});
