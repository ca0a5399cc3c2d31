// findSent against the vendor's contract, through the JavaScript package in Node:
// the sender's own messages count in every authorId form the vendor allows ("a cuid2 or a
// legacy external ID"), and the search follows v1's `nextCursor` object across pages.
// Each form runs against an emulator that writes it (`--author-ids`).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, loadPackage, ACCOUNT, PROSPECT, unique, rejection } from "./helpers.mjs";

const { InboxClient } = await loadPackage();
const emulators = new Map();
after(() => Promise.all([...emulators.values()].map((e) => e.stop())));

/** An emulator whose v1 answers carry the sender's messages' authorId in `form`. */
async function emulatorWith(form) {
  if (!emulators.has(form)) emulators.set(form, await startEmulator(["--author-ids", form, "--sender-limits", "none"]));
  return emulators.get(form);
}

const v1 = (content) => ({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content });

for (const form of ["link", "x-user", "cuid2", "missing"]) {
  test(`findSent finds a DM that landed when its authorId is the ${form} form; one that did not land is null`, async () => {
    const emulator = await emulatorWith(form);
    const c = new InboxClient({ token: emulator.token, baseUrl: emulator.url, maxRetries: 0 });
    const landed = v1(unique(`landed ${form}`));
    const since = Date.now();
    await emulator.control.faults({ process: true, status: 500 });
    const error = await rejection(c.sendMessage(landed));
    assert.equal(error.maybeSent, true);

    // The emulator wrote the form asked for: the thread's own page shows it.
    const [stored] = await emulator.control.stored(landed.content);
    const page = await emulator.control.threadMessages(stored.threadId);
    const shown = page.messages.find((m) => m.content === landed.content);
    const expected = { link: (id) => id === ACCOUNT, "x-user": (id) => /^\d+$/.test(id), cuid2: (id) => /^[0-9a-z]+$/.test(id) && id !== ACCOUNT, missing: (id) => id === undefined || id === null };
    assert.ok(expected[form](shown.authorId), `authorId ${JSON.stringify(shown.authorId)} is the ${form} form`);

    const found = await c.findSent(landed, { since });
    assert.ok(found, "it landed: findSent must say so, or the caller sends it twice");
    assert.equal(found.id, stored.id);

    const lost = v1(unique(`lost ${form}`));
    await emulator.control.faults({ process: false, action: "close" });
    assert.equal((await rejection(c.sendMessage(lost))).maybeSent, true);
    assert.equal(await c.findSent(lost, { since }), null, "it did not land: safe to send again");
    // Resending only what findSent said did not land: each DM stored once.
    await c.sendMessage(lost);
    assert.equal((await emulator.control.stored(landed.content)).length, 1);
    assert.equal((await emulator.control.stored(lost.content)).length, 1);
  });
}

test("findSent follows nextCursor ({ id, timestamp }) to a DM on an older page", async () => {
  const emulator = await emulatorWith("link");
  await emulator.control.reset();
  const c = new InboxClient({ token: emulator.token, baseUrl: emulator.url, pace: false });
  const since = Date.now();
  const target = v1(unique("on page two"));
  await c.sendMessage(target);
  // 120 newer messages in the same thread push it past the first page (100 a page).
  for (let i = 0; i < 120; i += 1) await c.sendMessage(v1(unique(`newer ${i}`)));
  const found = await c.findSent(target, { since });
  assert.ok(found, "found on the second page");
  assert.equal(found.content, target.content);
  const reads = (await emulator.control.requests()).filter((r) => r.method === "GET" && /\/messages$/.test(r.path));
  assert.equal(reads.length, 2, "two pages read");
  const second = new URLSearchParams(reads[1].query ?? "");
  assert.ok(second.get("cursorId") && second.get("cursorTimestamp"), `both cursor fields sent: ${reads[1].query}`);
});

test("findSent never answers null from a syncing thread: it reads again, then says unsettled", async () => {
  const emulator = await emulatorWith("link");
  await emulator.control.reset();
  const c = new InboxClient({ token: emulator.token, baseUrl: emulator.url, maxRetries: 2, pace: false });
  const since = Date.now();
  const landed = v1(unique("landed while syncing"));
  const threadId = (await c.sendMessage(landed)).thread.id;
  const pageReads = async () =>
    (await emulator.control.requests()).filter((r) => r.method === "GET" && r.path === `/api/v1/threads/${threadId}/messages`).length;
  const lost = v1(unique("not sent while syncing"));

  // Syncing for two reads: the third, settled, is the one that may say null.
  await emulator.control.syncing(threadId, 2);
  let before = await pageReads();
  assert.equal(await c.findSent(lost, { since }), null);
  assert.equal((await pageReads()) - before, 3, "read until the thread settled");

  // Syncing for longer than 1 + maxRetries reads: unsettled, never null.
  await emulator.control.syncing(threadId, 5);
  before = await pageReads();
  const error = await rejection(c.findSent(lost, { since }));
  assert.equal(error.kind, "unsettled");
  assert.equal(error.maybeSent, false);
  assert.match(error.message, /still syncing/);
  assert.match(error.message, /ask again later/);
  assert.equal((await pageReads()) - before, 3);

  // A DM that landed is found even while the thread syncs.
  const found = await c.findSent(landed, { since });
  assert.equal(found?.content, landed.content);
  assert.equal((await emulator.control.stored(lost.content)).length, 0);
});
