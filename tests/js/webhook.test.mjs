// verifyWebhook (`inbox-sender/webhook`, pkg/webhook.js) in Node: deliveries signed by an independent signer (node:crypto's createHmac),
// every check it makes (missing, malformed, stale either way, mismatch), bad arguments, bytes
// and strings, `now` and `toleranceSeconds`, and no error ever quoting the secret.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { rejection } from "./helpers.mjs";

const SECRET = "whsec_node_7c2e9a41";
const T = 1_757_845_920;
const NOW = (T + 10) * 1000;
const EVENT = {
  id: "evt_1",
  seq: 42,
  type: "message.received",
  apiVersion: "2",
  createdAt: "2026-09-14T10:32:00.000Z",
  object: { type: "message", id: "m1", url: "/api/v2/messages/m1" },
  data: { threadId: "t1", note: "héllo 👋🏽" },
};
// As Inbox sends it: its own spacing, which a re-serialised object does not keep.
const BODY = JSON.stringify(EVENT, null, 1);

/** The hex HMAC-SHA256 of `"<t>.<body>"`, as Inbox signs (Node's own crypto, not WebCrypto). */
const sign = (body, t = T, secret = SECRET) => createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex");
const header = (body = BODY, t = T, secret = SECRET) => `t=${t},v1=${sign(body, t, secret)}`;

let verifyWebhook;
const errors = [];
/** The InboxError a verification rejects with, kept to check every one for the secret. */
const failure = async (...args) => {
  const error = await rejection(verifyWebhook(...args));
  errors.push(error);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "InboxError");
  return error;
};

before(async () => {
  ({ verifyWebhook } = await import("../../pkg/webhook.js"));
});

test("a signed delivery verifies and resolves to the parsed event", async () => {
  const event = await verifyWebhook(BODY, header(), SECRET, { now: NOW });
  assert.deepEqual(event, EVENT);
});

test("the body as bytes verifies like the string: Uint8Array, Buffer, ArrayBuffer, a view into a larger buffer", async () => {
  const bytes = new TextEncoder().encode(BODY);
  const padded = new Uint8Array(bytes.length + 8);
  padded.set(bytes, 4);
  for (const payload of [bytes, Buffer.from(BODY), bytes.buffer, padded.subarray(4, 4 + bytes.length)]) {
    assert.deepEqual(await verifyWebhook(payload, header(), SECRET, { now: NOW }), EVENT);
  }
});

test("the second of several v1 signatures matches (a secret being rotated)", async () => {
  const rotating = `t=${T},v1=${sign(BODY, T, "whsec_old")},v1=${sign(BODY)}`;
  assert.deepEqual(await verifyWebhook(BODY, rotating, SECRET, { now: NOW }), EVENT);
  const error = await failure(BODY, `t=${T},v1=${sign(BODY, T, "whsec_old")},v1=${sign(BODY, T, "whsec_older")}`, SECRET, { now: NOW });
  assert.equal(error.check, "mismatch");
});

test("a wrong secret, a tampered body and a re-serialised object are a mismatch", async () => {
  const cases = [
    [BODY, "whsec_node_7c2e9a42"],
    [BODY.replace("t1", "t2"), SECRET],
    [`${BODY} `, SECRET],
    [JSON.stringify(EVENT), SECRET],
    [new TextEncoder().encode(BODY.replace("👋🏽", "👋")), SECRET],
  ];
  for (const [payload, secret] of cases) {
    const error = await failure(payload, header(), secret, { now: NOW });
    assert.equal(error.kind, "invalid_signature");
    assert.equal(error.check, "mismatch");
    assert.match(error.message, /^The webhook did not verify: no v1 signature matches this body and secret \(pass the body exactly as received\)\.$/);
    assert.equal(error.maybeSent, false);
    assert.equal(error.attempts, 0);
  }
});

test("a missing header: null, undefined, empty or blank", async () => {
  for (const signature of [null, undefined, "", "  \t"]) {
    const error = await failure(BODY, signature, SECRET, { now: NOW });
    assert.equal(error.kind, "invalid_signature");
    assert.equal(error.check, "missing");
    assert.equal(error.message, "The webhook did not verify: no X-Inbox-Signature header.");
  }
});

test("every header form of the fixture reads as documented: well-formed, missing or malformed", async () => {
  const { headers } = JSON.parse(readFileSync(new URL("../fixtures/webhook-headers.json", import.meta.url)));
  const v1 = sign(BODY);
  const other = sign(BODY, T, "whsec_other");
  for (const [form, check] of headers) {
    const value = form.replaceAll("{t}", T).replaceAll("{v1}", v1).replaceAll("{V1}", v1.toUpperCase()).replaceAll("{other}", other);
    const verifies = check === null && form.includes("{v1}") || form.includes("{V1}");
    if (verifies) {
      assert.deepEqual(await verifyWebhook(BODY, value, SECRET, { now: NOW }), EVENT, JSON.stringify(value));
      continue;
    }
    const error = await failure(BODY, value, SECRET, { now: NOW });
    assert.equal(error.kind, "invalid_signature", JSON.stringify(value));
    assert.equal(error.check, check ?? "mismatch", JSON.stringify(value));
    if (check === "malformed") {
      assert.equal(error.message, "The webhook did not verify: the X-Inbox-Signature header is not t=<seconds>,v1=<hex>.");
    }
  }
});

test("a stale timestamp, either way: older or ahead of now by more than the tolerance", async () => {
  const within = [T - 300, T + 300].map((t) => verifyWebhook(BODY, header(BODY, t), SECRET, { now: T * 1000 }));
  assert.equal((await Promise.all(within)).length, 2);
  const old = await failure(BODY, header(BODY, T - 301), SECRET, { now: T * 1000 });
  assert.equal(old.check, "stale");
  assert.equal(old.message, "The webhook did not verify: its timestamp is 301 s old, over the tolerance of 300 s.");
  const ahead = await failure(BODY, header(BODY, T + 301), SECRET, { now: T * 1000 });
  assert.equal(ahead.check, "stale");
  assert.equal(ahead.message, "The webhook did not verify: its timestamp is 301 s ahead of now, over the tolerance of 300 s.");
  // Whole seconds of `now` count, as the vendor's own check does.
  await verifyWebhook(BODY, header(BODY, T - 300), SECRET, { now: T * 1000 + 999 });
  // A stale delivery is refused even with the right signature, before any HMAC.
  const ancient = await failure(BODY, header(BODY, 1), SECRET);
  assert.equal(ancient.check, "stale");
});

test("`now` and `toleranceSeconds` are honoured; without `now` the clock is read", async () => {
  const now = (T + 3600) * 1000;
  assert.equal((await failure(BODY, header(), SECRET, { now })).check, "stale");
  assert.deepEqual(await verifyWebhook(BODY, header(), SECRET, { now, toleranceSeconds: 3600 }), EVENT);
  assert.equal((await failure(BODY, header(), SECRET, { now, toleranceSeconds: 3599 })).check, "stale");
  assert.equal((await failure(BODY, header(BODY, T + 1), SECRET, { now: T * 1000, toleranceSeconds: 0 })).check, "stale");
  assert.deepEqual(await verifyWebhook(BODY, header(), SECRET, { now: T * 1000, toleranceSeconds: 0 }), EVENT);
  const fresh = Math.floor(Date.now() / 1000);
  assert.deepEqual(await verifyWebhook(BODY, header(BODY, fresh), SECRET), EVENT);
  assert.deepEqual(await verifyWebhook(BODY, header(BODY, fresh), SECRET, null), EVENT);
  assert.equal((await failure(BODY, header(), SECRET)).check, "stale", "T is long past by the real clock");
});

test("bad arguments are invalid_request naming the field; nothing else is checked first", async () => {
  const cases = [
    [[{ ...EVENT }, header(), SECRET], "payload", "must be the body exactly as received: a string, Uint8Array or ArrayBuffer"],
    [[undefined, header(), SECRET], "payload"],
    [[null, header(), SECRET], "payload"],
    [[new Uint16Array(4), header(), SECRET], "payload"],
    [["\ud800", header(), SECRET], "payload", "must be well-formed text (it contains an unpaired UTF-16 surrogate)"],
    [[BODY, ["t=1"], SECRET], "signature", "must be a string, or null when the header is absent"],
    [[BODY, 42, SECRET], "signature"],
    [[BODY, header(), ""], "secret", "must be a non-empty string"],
    [[BODY, header(), undefined], "secret"],
    [[BODY, header(), new TextEncoder().encode(SECRET)], "secret"],
    [[BODY, header(), "whsec_\udc00"], "secret", "must be well-formed text (it contains an unpaired UTF-16 surrogate)"],
    [[BODY, header(), SECRET, { toleranceSeconds: -1 }], "toleranceSeconds", "must be a whole number, 0 or more"],
    [[BODY, header(), SECRET, { toleranceSeconds: 1.5 }], "toleranceSeconds"],
    [[BODY, header(), SECRET, { toleranceSeconds: "300" }], "toleranceSeconds"],
    [[BODY, header(), SECRET, { now: NaN }], "now", "must be a Unix time in milliseconds"],
    [[BODY, header(), SECRET, { now: new Date(NOW) }], "now"],
    [[BODY, header(), SECRET, { tolerance: 300 }], "tolerance", "is not a known field; check its spelling"],
    [[BODY, header(), SECRET, 300], "options", "must be an object"],
  ];
  for (const [args, field, rule] of cases) {
    const error = await failure(...args);
    assert.equal(error.kind, "invalid_request", `${field}: ${error.message}`);
    assert.equal(error.field, field);
    if (rule) assert.equal(error.rule, rule);
    assert.equal(error.check, undefined);
  }
  // Argument errors come before the header's: a missing header does not hide them.
  assert.equal((await failure(BODY, null, "")).field, "secret");
});

test("a signed body that is not JSON is refused after the signature, naming payload", async () => {
  const text = "not json";
  const error = await failure(text, header(text), SECRET, { now: NOW });
  assert.equal(error.kind, "invalid_request");
  assert.equal(error.field, "payload");
  assert.equal(error.rule, "must be a JSON event (this one is signed, but not JSON)");
  // Unsigned, the same body is a mismatch: nothing about it is read before the HMAC.
  assert.equal((await failure(text, header(), SECRET, { now: NOW })).check, "mismatch");
});

test("the payload is copied when the call is made: reusing its buffer afterwards changes nothing", async () => {
  const bytes = new TextEncoder().encode(BODY);
  const pending = verifyWebhook(bytes, header(), SECRET, { now: NOW });
  bytes.fill(0x20);
  assert.deepEqual(await pending, EVENT);
});

test("a webhook the emulator posts for a prospect's reply verifies, and its event names the thread", async () => {
  const { startEmulator, ACCOUNT, PROSPECT } = await import("./helpers.mjs");
  const { createServer } = await import("node:http");
  const received = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ body: Buffer.concat(chunks), signature: request.headers["x-inbox-signature"] ?? null });
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const emulator = await startEmulator();
  try {
    const secret = "whsec_emulator_0a9d";
    await emulator.control.config({ webhookUrl: `http://127.0.0.1:${server.address().port}/inbox`, webhookSecret: secret, webhookEvents: ["message.received"] });
    const reply = await fetch(`${emulator.url}/__emulator/replies`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accountLinkId: ACCOUNT, platformId: PROSPECT, content: "sounds good" }),
    });
    assert.equal(reply.status, 200, await reply.clone().text());
    for (let i = 0; i < 100 && received.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(received.length, 1, "one delivery");
    const [{ body, signature }] = received;
    const event = await verifyWebhook(body, signature, secret);
    assert.equal(event.type, "message.received");
    assert.equal(typeof event.seq, "number");
    assert.equal(typeof event.data.threadId, "string");
    assert.equal((await failure(body, signature, `${secret}x`)).check, "mismatch");
  } finally {
    await emulator.stop();
    server.close();
  }
});

test("no error message, stack or property ever quotes the secret (checked last, over every error above)", () => {
  assert.ok(errors.length > 40, `${errors.length} errors seen`);
  for (const error of errors) {
    const text = [error.message, error.stack, JSON.stringify(error), ...Object.values(error).map(String)].join("\n");
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes("whsec_old"), text);
  }
});
