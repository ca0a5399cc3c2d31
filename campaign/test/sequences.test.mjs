// Follow-ups that stop on reply, and sending hours, in workerd against the emulator: a compressed
// sequence of three steps where every step is stored once under its own key, a prospect who
// replies (seen through the events feed, or through a signed webhook) gets no later step and
// ends `replied` after the step it answered, forged and stale webhooks change nothing, a
// follow-up whose answer was lost is not sent twice, and a sending window that is closed holds
// every send until it opens.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { ACCOUNTS, TOKEN, startEmulator, startWorker, until } from "./harness.mjs";

const WEBHOOK_SECRET = "whsec_campaign_test_5f1c";
let emulator;
let worker;

before(async () => {
  emulator = await startEmulator(["--token", TOKEN, "--team-limits", "100000/60000", "--sender-limits", "none"]);
  worker = await startWorker({
    INBOX_BASE_URL: emulator.url, TEAM_LIMITS: "100000/60s", SENDER_LIMITS: "100000/1s", RETRY_BASE_MS: "100",
    REPLY_FRESHNESS_MS: "2000", V1_GRACE_MS: "500", WEBHOOK_SECRET, WEBHOOK_TOLERANCE_S: "120",
  });
});
after(async () => {
  await worker?.mf.dispose();
  await emulator?.stop();
});

const status = async (id) => (await worker.call(`/campaigns/${id}`)).json;
const resultsOf = async (id) => (await worker.call(`/campaigns/${id}/results?limit=1000`)).json.results;
const stored = async (content) => (await emulator.control.stored(content)).length;

/** A message of `id` to X user `platformId` with follow-ups after `afterMs` each. */
const sequence = (id, i, platformId, afterMs) => ({
  accountLinkId: ACCOUNTS[i % 2], content: `${id} #${i} step 0`, externalPlatformId: platformId,
  followUps: afterMs.map((ms, k) => ({ content: `${id} #${i} step ${k + 1}`, afterMs: ms })),
});

/** The prospect of `message` answers now, in its thread (the emulator records a message.received event). */
async function reply(message) {
  const response = await fetch(`${emulator.url}/__emulator/replies`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accountLinkId: message.accountLinkId, platformId: message.externalPlatformId, content: "Thanks, not interested" }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).reply;
}

const eventReads = async () => (await emulator.control.requests()).filter((r) => r.method === "GET" && r.path === "/api/v2/events");

test("followUps and sending hours are checked with the body: every problem named, nothing queued", async () => {
  const good = sequence("bad", 0, "7000000", [1000]);
  const refused = await worker.call("/campaigns", {
    method: "POST",
    body: {
      id: "bad-seq", sendWindow: { timeZone: "Mars/Olympus", days: ["mon", "funday"], from: "17:00", to: "09:00" }, jitterMs: -1,
      senderWindows: { [ACCOUNTS[1]]: { timeZone: "UTC", days: ["sun"], from: "9", to: "10:00" } },
      messages: [
        good,
        { ...good, externalPlatformId: "7000001", followUps: Array.from({ length: 6 }, (_, k) => ({ content: `f${k}`, afterMs: 1 })) },
        { ...good, externalPlatformId: "7000002", followUps: [{ content: "", afterMs: 1.5 }, { content: "x".repeat(20_000), afterMs: 1, note: "?" }] },
      ],
    },
  });
  assert.equal(refused.status, 400, refused.text);
  const problems = refused.json.error.problems.map((p) => `${p.index}:${p.field}`);
  assert.deepEqual(problems.sort(), [
    "1:followUps",
    "2:followUps[0].afterMs", "2:followUps[0].content", "2:followUps[1].content", "2:followUps[1].note",
    "null:jitterMs", "null:sendWindow.days", "null:sendWindow.timeZone", "null:sendWindow.to", `null:senderWindows.${ACCOUNTS[1]}.from`,
  ].sort());
  assert.match(refused.json.error.problems.find((p) => p.field === "followUps[1].content").rule, /\S/);
  assert.equal((await worker.call("/campaigns/bad-seq")).status, 404, "nothing was created");
});

test("3 steps: each stored once under its own key; a reply read from the events feed stops the rest", { timeout: 180_000 }, async () => {
  const id = "seq";
  const messages = [0, 1, 2, 3].map((i) => sequence(id, i, String(7_100_000 + i), [1500, 1500]));
  // #4 replies after its opener; its follow-up waits long enough for the reply to come first.
  messages.push(sequence(id, 4, "7100004", [6000, 1500]));
  const created = await worker.call("/campaigns", { method: "POST", body: { id, messages } });
  assert.equal(created.status, 202, created.text);

  await until(async () => (await stored(messages[4].content)) === 1, { what: "#4's opener", timeoutMs: 60_000 });
  const replied = await reply(messages[4]);

  const end = await until(async () => {
    const s = await status(id);
    return s.queued + s.sending === 0 && s;
  }, { timeoutMs: 150_000, everyMs: 250, what: "every sequence to end" });
  assert.equal(end.sent, 4, JSON.stringify(end));
  assert.equal(end.replied, 1, JSON.stringify(end));
  assert.equal(end.stepsSent, 4 * 3 + 1, JSON.stringify(end));
  assert.equal(end.state, "finished");

  // Every step stored once, under its own Idempotency-Key: <campaign>:<index>, then <campaign>:<index>:<step>.
  for (const [i, m] of messages.entries()) {
    const steps = [m.content, ...m.followUps.map((f) => f.content)];
    const found = await Promise.all(steps.map((content) => emulator.control.stored(content)));
    assert.deepEqual(found.map((list) => list.length), i === 4 ? [1, 0, 0] : [1, 1, 1], `#${i}: stored per step`);
    found.forEach((list, k) => list.forEach((stored) => assert.equal(stored.idempotencyKey, k === 0 ? `${id}:${i}` : `${id}:${i}:${k}`)));
  }
  const rows = await resultsOf(id);
  for (const row of rows.filter((r) => r.index !== 4)) {
    assert.equal(row.state, "sent");
    assert.deepEqual(row.steps.map((s) => [s.step, s.state]), [[0, "sent"], [1, "sent"], [2, "sent"]]);
    assert.ok(row.steps.every((s) => s.messageId && s.sentAt), JSON.stringify(row.steps));
    assert.ok(row.threadId);
    // Step k+1 left no sooner than afterMs after step k.
    for (const k of [1, 2]) assert.ok(Date.parse(row.steps[k].sentAt) - Date.parse(row.steps[k - 1].sentAt) >= 1400, JSON.stringify(row.steps));
  }
  const four = rows.find((r) => r.index === 4);
  assert.equal(four.state, "replied");
  assert.equal(four.afterStep, 0);
  assert.equal(Math.abs(Date.parse(four.repliedAt) - replied.at) < 1000, true, `${four.repliedAt} vs ${replied.at}`);
  assert.deepEqual(four.steps.map((s) => [s.step, s.state]), [[0, "sent"], [1, "replied"]]);
  assert.ok(four.threadId);
  // The feed resumes from the last seq it read.
  const reads = await eventReads();
  assert.ok(reads.length > 0, "the events feed was read");
  assert.ok(reads.every((r) => /(^|&)type=message\.received(&|$)/.test(r.query ?? "")), "replies only");
  assert.ok(reads.slice(1).some((r) => /(^|&)afterSeq=[1-9]\d*(&|$)/.test(r.query ?? "")), reads.map((r) => r.query).join(" | "));

  const csv = await worker.call(`/campaigns/${id}/results.csv`);
  const [header, ...lines] = csv.text.trim().split("\r\n");
  assert.match(header, /,steps_sent,steps,replied_at,after_step$/);
  const line4 = lines.find((l) => l.startsWith("4,"));
  assert.match(line4, /,replied,/);
  assert.match(line4, /,1,0:sent:[^;]+@[^;]+;1:replied,[^,]+,0$/);
});

test("a reply through a signed webhook stops the sequence at once; forged and stale webhooks are 401 and change nothing; a repeat is taken once", { timeout: 120_000 }, async () => {
  const id = "hook";
  // Follow-ups a minute away: nothing asks the feed before then, so only the webhook can stop them.
  const messages = [0, 1].map((i) => sequence(id, i, String(7_200_000 + i), [60_000]));
  const created = await worker.call("/campaigns", { method: "POST", body: { id, messages } });
  assert.equal(created.status, 202, created.text);
  await until(async () => (await stored(messages[0].content)) + (await stored(messages[1].content)) === 2, { what: "both openers" });
  const threadOf = async (i) => until(async () => (await resultsOf(id))[i].threadId, { what: `#${i}'s thread` });
  const thread1 = await threadOf(1);

  // Forged (signed with another secret) and stale (signed right, six minutes old; and 200 s old,
  // inside the default 300 s but not the 120 s this Worker is given) webhooks for #1's thread.
  const event = { id: "evt_forged", seq: 9_999_999, type: "message.received", apiVersion: "2", createdAt: new Date().toISOString(), object: { type: "message", id: "m_forged", url: "/messages/m_forged" }, data: { threadId: thread1 } };
  const body = JSON.stringify(event);
  const sign = (secret, t) => `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
  const now = Math.floor(Date.now() / 1000);
  for (const [what, signature] of [["forged", sign("whsec_someone_else", now)], ["stale", sign(WEBHOOK_SECRET, now - 360)], ["stale for WEBHOOK_TOLERANCE_S", sign(WEBHOOK_SECRET, now - 200)], ["missing", null]]) {
    const answer = await worker.call("/webhooks/inbox", { method: "POST", body, secret: null, headers: signature ? { "x-inbox-signature": signature } : {} });
    assert.equal(answer.status, 401, `${what}: ${answer.text}`);
    assert.equal(answer.json.error.kind, "invalid_signature", what);
  }

  const readsBefore = (await eventReads()).length;
  await emulator.control.config({ webhookUrl: `${await worker.url()}webhooks/inbox`, webhookSecret: WEBHOOK_SECRET, webhookEvents: ["message.received"] });
  try {
    await reply(messages[0]);
    const row0 = await until(async () => {
      const row = (await resultsOf(id))[0];
      return row.state === "replied" && row;
    }, { timeoutMs: 20_000, what: "#0 replied through the webhook" });
    assert.equal(row0.afterStep, 0);
    assert.deepEqual(row0.steps.map((s) => s.state), ["sent", "replied"]);
    assert.equal((await eventReads()).length, readsBefore, "no read of the events feed: the webhook alone stopped it");
  } finally {
    await emulator.control.config({ webhookUrl: "" });
  }
  const row1 = (await resultsOf(id))[1];
  assert.equal(row1.state, "sending", "#1 is untouched by the forged and stale webhooks");
  assert.deepEqual(row1.steps.map((s) => s.state), ["sent", "due"]);
  assert.equal(await stored(messages[1].followUps[0].content), 0);

  // The same event signed right (here by the test) is taken once; its repeat, by seq, not again.
  const signed = { "x-inbox-signature": sign(WEBHOOK_SECRET, Math.floor(Date.now() / 1000)) };
  const first = await worker.call("/webhooks/inbox", { method: "POST", body, secret: null, headers: signed });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.taken, true);
  const again = await worker.call("/webhooks/inbox", { method: "POST", body, secret: null, headers: signed });
  assert.deepEqual([again.status, again.json.taken], [200, false]);
  const replied1 = await until(async () => {
    const row = (await resultsOf(id))[1];
    return row.state === "replied" && row;
  }, { what: "#1 replied through the test's webhook" });
  assert.equal(replied1.afterStep, 0);

  const end = await status(id);
  assert.equal(end.replied, 2, JSON.stringify(end));
  assert.equal(end.state, "finished");
  assert.equal(await stored(messages[0].followUps[0].content), 0, "#0's follow-up never left");
});

test("a follow-up whose answer was lost is stored once: v2 retried under its own key, v1 found by findSent with its own content", { timeout: 120_000 }, async () => {
  for (const api of ["v2", "v1"]) {
    const id = `lost-${api}`;
    const message = sequence(id, 0, api === "v2" ? "7400000" : "7400001", [1500]);
    const created = await worker.call("/campaigns", { method: "POST", body: { id, api, ifConversation: "send", messages: [message] } });
    assert.equal(created.status, 202, created.text);
    await until(async () => (await stored(message.content)) === 1, { what: `${api} opener` });
    // The follow-up is stored, and its answer is a 500.
    await emulator.control.faults({ api, process: true, status: 500 });
    const row = await until(async () => {
      const r = (await resultsOf(id))[0];
      return r.state !== "sending" && r.state !== "queued" && r;
    }, { timeoutMs: 60_000, what: `${api}: the sequence's end` });
    assert.equal(row.state, "sent", JSON.stringify(row));
    assert.deepEqual(row.steps.map((s) => s.state), ["sent", "sent"]);
    // v2 sent it again under its key (the API answered the replay); v1 found it instead.
    assert.equal(row.attempts, api === "v2" ? 2 : 1, JSON.stringify(row));
    const followUp = await emulator.control.stored(message.followUps[0].content);
    assert.equal(followUp.length, 1, `${api}: the follow-up stored once`);
    assert.equal(row.steps[1].messageId, followUp[0].id, `${api}: the stored follow-up is the one recorded`);
    assert.equal(await stored(message.content), 1);
  }
  assert.deepEqual(await (await fetch(`${emulator.url}/__emulator/faults`)).json(), [], "every fault was met");
});

test("pause holds follow-ups that fall due; resume sends each once", { timeout: 120_000 }, async () => {
  const id = "paused";
  const messages = [0, 1].map((i) => sequence(id, i, String(7_500_000 + i), [1000]));
  const created = await worker.call("/campaigns", { method: "POST", body: { id, ifConversation: "send", messages } });
  assert.equal(created.status, 202, created.text);
  await until(async () => (await stored(messages[0].content)) + (await stored(messages[1].content)) === 2, { what: "both openers" });
  assert.equal((await worker.call(`/campaigns/${id}/pause`, { method: "POST" })).status, 200);
  // Past their time (1 s after the openers), paused: none leaves.
  await new Promise((r) => setTimeout(r, 3_000));
  for (const m of messages) assert.equal(await stored(m.followUps[0].content), 0, "nothing left while paused");
  assert.equal((await status(id)).state, "paused");
  assert.equal((await worker.call(`/campaigns/${id}/resume`, { method: "POST" })).status, 200);
  const end = await until(async () => {
    const s = await status(id);
    return s.queued + s.sending === 0 && s;
  }, { what: "the sequences after resume" });
  assert.deepEqual([end.sent, end.stepsSent], [2, 4], JSON.stringify(end));
  for (const m of messages) assert.equal(await stored(m.followUps[0].content), 1, "each follow-up once");
});

test("a sending window closed now: nothing leaves until it opens, then the opener goes", { timeout: 240_000 }, async () => {
  // A window of one minute on every day, opening at the next whole minute at least 30 s away (UTC).
  const now = new Date();
  let opensMin = now.getUTCHours() * 60 + now.getUTCMinutes() + (now.getUTCSeconds() < 30 ? 1 : 2);
  if (opensMin >= 1439) opensMin = 0; // the next day's first minute
  const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const sendWindow = { timeZone: "UTC", days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], from: hhmm(opensMin), to: hhmm(opensMin + 1) };
  const opens = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + opensMin * 60_000 + (opensMin === 0 ? 86_400_000 : 0);
  const id = "hours";
  const message = { accountLinkId: ACCOUNTS[0], content: `${id} opener`, externalPlatformId: "7300000" };
  const created = await worker.call("/campaigns", { method: "POST", body: { id, sendWindow, jitterMs: 0, messages: [message] } });
  assert.equal(created.status, 202, created.text);

  // Once the conversation check is done (reads go at any hour) and the ledger has no earlier
  // wake-up left from the tests before, its next run is the opening.
  await until(async () => Date.parse((await status(id)).bySender[ACCOUNTS[0]]?.nextSendAt) === opens, {
    timeoutMs: Math.max(5_000, opens - Date.now() - 1_000), what: `the ledger's next run at the opening, ${new Date(opens).toISOString()}` });
  assert.equal(await stored(message.content), 0, "nothing left outside the window");
  await new Promise((r) => setTimeout(r, Math.max(0, opens - Date.now() - 2_000)));
  assert.equal(await stored(message.content), 0, "nothing left before the window opened");
  const row = await until(async () => {
    const r = (await resultsOf(id))[0];
    return r.state === "sent" && r;
  }, { timeoutMs: 60_000, what: "the opener once the window opened" });
  assert.ok(Date.parse(row.steps[0].sentAt) >= opens, `sent at ${row.steps[0].sentAt}`);
  assert.equal(await stored(message.content), 1);
});
