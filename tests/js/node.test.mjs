// The JavaScript package (pkg/) in Node: initSync from bytes, InboxClient against the emulator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, loadPackage, ACCOUNT, PROSPECT, unique, rejection } from "./helpers.mjs";

let emulator;
let InboxClient;
let client;

before(async () => {
  ({ InboxClient } = await loadPackage());
  emulator = await startEmulator();
  client = new InboxClient({ token: emulator.token, baseUrl: emulator.url });
});
after(() => emulator?.stop());


test("a DM arrives once, byte-exact, and reads back through the API", async () => {
  const contents = [
    unique("Hi 👋🏽 family 👨‍👩‍👧‍👦 flag 🇯🇵"),
    unique("مرحبا — שלום — RTL\u200f mark"),
    unique("combining: e\u0301 n\u0303 Z\u0351\u034a"),
    unique("quotes \" backslash \\ newline\n tab\t trailing space "),
    unique("a real replacement char \ufffd, controls \u0001\u001f\u007f, </script>"),
  ];
  const marker = unique("");
  contents.push(marker + "😀".repeat(10_000 - [...marker].length));
  for (const content of contents) {
    const { message, thread } = await client.sendMessage({ accountLinkId: ACCOUNT, content, externalPlatformId: PROSPECT });
    assert.equal(message.content, content);
    assert.match(thread.id, /^[0-9a-z]+$/);
    assert.equal((await emulator.control.stored(content)).length, 1, "stored exactly once");
    const listed = await emulator.control.threadMessages(thread.id);
    assert.equal(listed.messages.filter((m) => m.id === message.id && m.content === content).length, 1);
  }
});

test("the result is the server's JSON: prospect data, unknown fields and enum values kept", async () => {
  const { message, thread } = await client.sendMessage({
    accountLinkId: ACCOUNT,
    content: unique("shape"),
    externalPlatformId: PROSPECT,
  });
  assert.equal(message.platform, "twitter");
  assert.equal(thread.prospect.platformId, PROSPECT);
  assert.equal(typeof thread.prospect.followerCount, "number");
  assert.ok(thread.prospect.imageNormalized.startsWith(emulator.url));
});

test("failures are real InboxErrors with kind, status, attempts and no token", async () => {
  const secret = "not-the-token-8c1f";
  const wrong = new InboxClient({ token: secret, baseUrl: emulator.url });
  const content = unique("unauthorized");
  const error = await rejection(wrong.sendMessage({ accountLinkId: ACCOUNT, content, externalPlatformId: PROSPECT }));
  assert.ok(error instanceof Error);
  assert.equal(error.name, "InboxError");
  assert.equal(error.kind, "unauthorized");
  assert.equal(error.status, 401);
  assert.equal(error.maybeSent, false);
  assert.equal(error.attempts, 1);
  assert.match(error.message, /token/i);
  assert.ok(typeof error.stack === "string" && error.stack.length > 0);
  const everything = [error.message, error.stack, JSON.stringify(error), JSON.stringify(Object.entries(error))].join("\n");
  assert.ok(!everything.includes(secret), "the token never appears");
  assert.equal((await emulator.control.stored(content)).length, 0);
  // The instance keeps working after an error.
  const ok = await client.sendMessage({ accountLinkId: ACCOUNT, content: unique("after"), externalPlatformId: PROSPECT });
  assert.ok(ok.message.id);
});

test("not_found names the server's code", async () => {
  const error = await rejection(
    client.sendMessage({ accountLinkId: "nosuchlink", content: unique("x"), externalPlatformId: PROSPECT }),
  );
  assert.equal(error.kind, "not_found");
  assert.equal(error.status, 404);
  assert.equal(typeof error.apiCode, "string");
  assert.equal(error.maybeSent, false);
});

test("invalid requests reject before any network I/O, naming the field", async () => {
  const ok = { accountLinkId: ACCOUNT, content: "hello", externalPlatformId: PROSPECT };
  const cases = [
    [undefined, "request"],
    [null, "request"],
    [42, "request"],
    ["text", "request"],
    [[], "request"],
    [() => ok, "request"],
    [{ ...ok, accountLinkId: undefined }, "accountLinkId"],
    [{ ...ok, accountLinkId: "" }, "accountLinkId"],
    [{ ...ok, accountLinkId: "Has-Caps" }, "accountLinkId"],
    [{ ...ok, accountLinkId: 7 }, "accountLinkId"],
    [{ ...ok, content: undefined }, "content"],
    [{ ...ok, content: "" }, "content"],
    [{ ...ok, content: " \n\t\u3000" }, "content"],
    [{ ...ok, content: "x".repeat(10_001) }, "content"],
    [{ ...ok, content: 5 }, "content"],
    [{ ...ok, content: "broken \ud800 surrogate" }, "content"],
    [{ ...ok, content: "\ufffd and a lone \udc00" }, "content"],
    [{ accountLinkId: ACCOUNT, content: "hi" }, "externalPlatformId"],
    [{ ...ok, externalPlatformId: "@someone" }, "externalPlatformId"],
    [{ ...ok, externalPlatformId: "https://x.com/someone" }, "externalPlatformId"],
    [{ ...ok, externalPlatformId: "12 34" }, "externalPlatformId"],
    [{ ...ok, externalPlatformId: null }, "externalPlatformId"],
    [{ accountLinkId: ACCOUNT, content: "hi", externalId: "" }, "externalId"],
    [{ accountLinkId: ACCOUNT, content: "hi", externalId: "a b" }, "externalId"],
    [{ ...ok, externalPlatformID: "1" }, "externalPlatformID"],
  ];
  const before = (await emulator.control.requests()).length;
  for (const [request, field] of cases) {
    const error = await rejection(client.sendMessage(request));
    assert.equal(error.name, "InboxError", `${field}: ${error}`);
    assert.equal(error.kind, "invalid_request", `${field}: ${error.message}`);
    assert.equal(error.field, field, error.message);
    assert.ok(error.message.includes(field), error.message);
    assert.equal(error.attempts, 0);
    assert.equal(error.maybeSent, false);
  }
  const badOptions = [[{ timeoutMs: 0 }, "timeoutMs"], [{ timeoutMs: 1.5 }, "timeoutMs"], [{ signal: "no" }, "signal"], [{ timeout: 5 }, "timeout"]];
  for (const [options, field] of badOptions) {
    const error = await rejection(client.sendMessage(ok, options));
    assert.equal(error.field, field, error.message);
  }
  assert.equal((await emulator.control.requests()).length, before, "nothing reached the emulator");
});

test("invalid options throw from the constructor, naming the field", () => {
  const cases = [
    [undefined, "options"],
    [{}, "token"],
    [{ token: "" }, "token"],
    [{ token: "Bearer abc" }, "token"],
    [{ token: "a b" }, "token"],
    [{ token: "t", baseUrl: "http://example.com" }, "baseUrl"],
    [{ token: "t", baseUrl: "ftp://inboxapp.com" }, "baseUrl"],
    [{ token: "t", baseUrl: "https://inboxapp.com/api/v1" }, "baseUrl"],
    [{ token: "t", timeoutMs: -1 }, "timeoutMs"],
    [{ token: "t", maxRetries: 11 }, "maxRetries"],
    [{ token: "t", maxRetryDelayMs: "5" }, "maxRetryDelayMs"],
    [{ token: "t", baseURL: "https://inboxapp.com" }, "baseURL"],
  ];
  for (const [options, field] of cases) {
    assert.throws(
      () => new InboxClient(options),
      (error) => error.name === "InboxError" && error.kind === "invalid_request" && error.field === field,
      `${JSON.stringify(options)} should fail on ${field}`,
    );
  }
  for (const baseUrl of ["https://inboxapp.com", "https://proxy.example/inbox/", "http://localhost:8787", "http://127.0.0.1:1", "http://[::1]:9"]) {
    new InboxClient({ token: "t", baseUrl });
  }
});

test("a value of the wrong type names its field and the rule it breaks, in words", async () => {
  const ok = { accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content: "hi" };
  const keysThrow = new Proxy({}, { ownKeys: () => { throw new Error("no keys"); } });
  const getterThrows = { ...ok, get content() { throw new Error("no content"); } };
  const send = [
    [null, "request", "must be an object"],
    [keysThrow, "request", "could not be read: listing its keys threw"],
    [{ ...ok, externalPlatformID: "1" }, "externalPlatformID", "is not a known field; check its spelling"],
    [getterThrows, "content", "could not be read: reading it threw"],
    [{ ...ok, content: 5 }, "content", "must be a string"],
    [{ ...ok, content: "lone \ud800" }, "content", "must be well-formed text (it contains an unpaired UTF-16 surrogate)"],
  ];
  for (const [request, field, rule] of send) {
    const error = await rejection(client.sendMessage(request));
    assert.deepEqual([error.field, error.rule], [field, rule]);
  }
  const signal = await rejection(client.sendMessage(ok, { signal: "no" }));
  assert.deepEqual([signal.field, signal.rule], ["signal", "must be an AbortSignal"]);
  const target = await rejection(client.send({ target: { type: "thread", threadId: 5 }, content: "hi" }));
  assert.deepEqual([target.field, target.rule], ["target.threadId", "must be a string"]);
  const options = [
    [{ pace: "yes" }, "pace", "must be true or false"],
    [{ fetch: 5 }, "fetch", "must be a function"],
  ];
  for (const [extra, field, rule] of options) {
    assert.throws(() => new InboxClient({ token: "t", ...extra }), (error) => error.field === field && error.rule === rule);
  }
});

test("rateLimit reflects the last response's headers", async () => {
  const fresh = new InboxClient({ token: emulator.token, baseUrl: emulator.url });
  assert.equal(fresh.rateLimit, undefined);
  await fresh.sendMessage({ accountLinkId: ACCOUNT, content: unique("rl"), externalPlatformId: PROSPECT });
  const { limit, remaining, resetAt } = fresh.rateLimit;
  assert.ok(limit > 0 && remaining < limit);
  assert.ok(resetAt > Date.now() - 1000 && resetAt < Date.now() + 61_000 * 60);
});
