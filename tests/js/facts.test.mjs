// What each call reports, checks and uses, through the JavaScript package in Node
// against the emulator: `meta` on every result, `rateLimit` on every error that got an answer,
// `client.validate`, and the `fetch` option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorSuite, ACCOUNT, PROSPECT, unique, rejection } from "./helpers.mjs";

const suite = emulatorSuite();
const { client } = suite;
const target = { type: "profile", accountLinkId: ACCOUNT, platform: "twitter", platformId: PROSPECT };
const v1 = (content) => ({ accountLinkId: ACCOUNT, externalPlatformId: PROSPECT, content });

/** Checks a `rateLimit` object against its shape and the emulator's team limit. */
function assertBudget(rateLimit, what) {
  assert.ok(rateLimit, `${what}: rateLimit`);
  assert.deepEqual(Object.keys(rateLimit), ["limit", "remaining", "resetAt"], what);
  assert.equal(rateLimit.limit, 300, what);
  assert.ok(rateLimit.remaining >= 0 && rateLimit.remaining <= 300, `${what}: remaining ${rateLimit.remaining}`);
  assert.equal(rateLimit.resetAt % 1000, 0, `${what}: resetAt is whole seconds in ms`);
  assert.ok(rateLimit.resetAt > Date.now() - 1000 && rateLimit.resetAt < Date.now() + 86_400_000, `${what}: resetAt in Unix ms`);
}

// ---- meta ----

test("meta: a v1 send reports its status, request id, attempts and that answer's budget", async () => {
  const c = client();
  const first = await c.sendMessage(v1(unique("meta v1")));
  assert.deepEqual(Object.keys(first.meta), ["status", "requestId", "attempts", "rateLimit"]);
  assert.equal(first.meta.status, 200);
  assert.equal(first.meta.attempts, 1);
  assert.match(first.meta.requestId, /\S/);
  assertBudget(first.meta.rateLimit, "first");
  const second = await c.sendMessage(v1(unique("meta v1 again")));
  assert.notEqual(second.meta.requestId, first.meta.requestId, "each answer's own request id");
  assert.equal(second.meta.rateLimit.remaining, first.meta.rateLimit.remaining - 1, "each answer's own budget");
  assert.deepEqual(c.rateLimit, second.meta.rateLimit, "client.rateLimit is the last answer's");
  // The message and thread are untouched by meta.
  assert.equal(second.message.meta, undefined);
  assert.ok(second.thread.id);
});

test("meta: v2 counts the attempts a retry took, and says 201 for a new send, 200 for a replay", async () => {
  const c = client();
  const content = unique("meta v2");
  await suite.emulator.control.faults({ api: "v2", status: 503, times: 2, headers: { "retry-after-ms": "5" } });
  const sent = await c.send({ target, content }, { idempotencyKey: `k-${content}` });
  assert.equal(sent.meta.status, 201);
  assert.equal(sent.meta.attempts, 3);
  assert.equal(sent.replayed, false);
  assertBudget(sent.meta.rateLimit, "v2");
  const replay = await c.send({ target, content }, { idempotencyKey: `k-${content}` });
  assert.equal(replay.meta.status, 200);
  assert.equal(replay.meta.attempts, 1);
  assert.equal(replay.replayed, true);
  assert.equal((await suite.emulator.control.stored(content)).length, 1);
});

test("meta: an answer without X-RateLimit-* headers has no rateLimit (and the request id comes from X-Request-Id)", async () => {
  const content = unique("no budget headers");
  // A server that omits the rate-limit headers: a plain loopback server in this test.
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "req-plain-1" });
      res.end(JSON.stringify({ message: { id: "m1", content: JSON.parse(body).content }, thread: { id: "t1" } }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const c = new suite.InboxClient({ token: "t", baseUrl: `http://127.0.0.1:${server.address().port}` });
    const sent = await c.sendMessage(v1(content));
    assert.deepEqual(sent.meta, { status: 200, requestId: "req-plain-1", attempts: 1 });
    assert.equal(c.rateLimit, undefined);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("meta.requestId is redacted like every server text: an X-Request-Id echoing the token never reaches the caller", async () => {
  const token = "tok_secret/echo+123";
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const echo = `req-${token}`;
      if (req.url.startsWith("/api/v1/threads/lookup")) {
        // A lookup answer of the wrong shape: findSent's decode error.
        res.writeHead(200, { "content-type": "application/json", "x-request-id": echo });
        return res.end("[1, 2]");
      }
      res.writeHead(200, { "content-type": "application/json", "x-request-id": echo });
      res.end(JSON.stringify({ message: { id: "m1", content: JSON.parse(body).content }, thread: { id: "t1" } }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const c = new suite.InboxClient({ token, baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 });
    const sent = await c.sendMessage(v1("hello"));
    assert.equal(sent.meta.requestId, "req-***");
    const error = await rejection(c.findSent(v1("hello"), { since: Date.now() }));
    assert.equal(error.kind, "decode");
    for (const text of [error.message, error.requestId, error.body, JSON.stringify(error)]) {
      assert.ok(!String(text).includes("secret"), `no piece of the token: ${text}`);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

// ---- error.rateLimit ----

test("errors that got an answer carry that answer's rateLimit; errors without one do not", async () => {
  const c = client({ maxRetries: 0 });
  await suite.emulator.control.faults({ status: 500, process: false });
  const failed = await rejection(c.sendMessage(v1(unique("500"))));
  assert.equal(failed.kind, "server_error");
  assertBudget(failed.rateLimit, "500");
  const notFound = await rejection(c.sendMessage({ accountLinkId: "acct9unknown", externalPlatformId: PROSPECT, content: "x" }));
  assert.equal(notFound.status, 404);
  assertBudget(notFound.rateLimit, "404");
  const invalid = await rejection(c.sendMessage(v1("")));
  assert.equal(invalid.kind, "invalid_request");
  assert.equal(invalid.rateLimit, undefined, "nothing was asked");
  await suite.emulator.control.faults({ action: "close" });
  const dropped = await rejection(c.sendMessage(v1(unique("dropped"))));
  assert.equal(dropped.kind, "network");
  assert.equal(dropped.rateLimit, undefined, "no answer arrived");
});

test("a 429 carries the budget the API reported with it; an error after retries carries the last one reported", async () => {
  const c = client({ maxRetries: 1 });
  await suite.emulator.control.faults(
    { api: "v2", status: 503, times: 1, headers: { "retry-after-ms": "5" } },
    { api: "v2", action: "close", times: 1 },
  );
  const error = await rejection(c.send({ target, content: unique("retried") }));
  assert.equal(error.kind, "network");
  assert.equal(error.attempts, 2);
  assertBudget(error.rateLimit, "the 503 before the dropped connection");
});

// ---- validate ----

test("validate: null for a good v1 or v2 request; the send's own field and rule for a bad one, with no I/O", async () => {
  const c = client();
  const before = (await suite.emulator.control.requests()).length;
  assert.equal(c.validate(v1("hello")), null);
  assert.equal(c.validate({ target, content: "hello" }), null);
  assert.equal(c.validate({ target: { type: "thread", threadId: "t1abc" }, content: "hi", replyToMessageId: "m1" }), null);
  const cases = [
    [v1(""), "content"],
    [v1("   "), "content"],
    [v1("x".repeat(10_001)), "content"],
    [{ accountLinkId: "BAD", externalPlatformId: PROSPECT, content: "x" }, "accountLinkId"],
    [{ accountLinkId: ACCOUNT, externalPlatformId: "@maya", content: "x" }, "externalPlatformId"],
    [{ accountLinkId: ACCOUNT, content: "x" }, "externalPlatformId"],
    [{ ...v1("x"), extra: 1 }, "extra"],
    [{ ...v1("x"), content: 42 }, "content"],
    [{ target: { ...target, platformId: "@maya" }, content: "x" }, "target.platformId"],
    [{ target: { type: "fax" }, content: "x" }, "target.type"],
    [{ target, content: "" }, "content"],
    [{ target: "profile", content: "x" }, "target"],
    [null, "request"],
    ["hello", "request"],
  ];
  for (const [request, field] of cases) {
    const problem = c.validate(request);
    assert.ok(problem, `${JSON.stringify(request)?.slice(0, 80)}: a problem`);
    assert.deepEqual(Object.keys(problem), ["field", "rule", "message"]);
    assert.equal(problem.field, field, JSON.stringify(problem));
    assert.match(problem.rule, /\S/);
    // Exactly what the send itself says.
    const sent = request && typeof request == "object" && "target" in request ? c.send(request) : c.sendMessage(request);
    const error = await rejection(sent);
    assert.equal(error.kind, "invalid_request");
    assert.equal(error.field, problem.field);
    assert.equal(error.rule, problem.rule);
    assert.equal(error.message, problem.message);
  }
  assert.equal((await suite.emulator.control.requests()).length, before, "validate and the rejected sends asked nothing");
  // A proxy whose getters throw is a problem, not a throw.
  const hostile = new Proxy({}, { ownKeys() { throw new Error("no"); } });
  assert.equal(c.validate(hostile).field, "request");
});

// ---- the fetch option ----

test("fetch option: every request goes through it, called as fetch(url, init); the global fetch is left alone", async () => {
  const seen = [];
  const original = globalThis.fetch;
  function tracing(url, init) {
    seen.push({ url, method: init.method, self: this, hasSignal: init.signal instanceof AbortSignal });
    return original(url, init);
  }
  const c = client({ fetch: tracing });
  const content = unique("through the option");
  const since = Date.now();
  await c.sendMessage(v1(content));
  await c.send({ target, content: unique("v2 through the option") });
  assert.ok(await c.findSent(v1(content), { since }));
  assert.equal(globalThis.fetch, original);
  assert.deepEqual(seen.map((s) => [s.method, new URL(s.url).pathname]), [
    ["POST", "/api/v1/threads/messages"],
    ["POST", "/api/v2/messages"],
    ["GET", "/api/v1/threads/lookup"],
    ["GET", new URL(seen[3].url).pathname],
  ]);
  assert.match(new URL(seen[3].url).pathname, /^\/api\/v1\/threads\/[0-9a-z]+\/messages$/);
  assert.ok(seen.every((s) => s.self === undefined && s.hasSignal), "a plain call with the timeout's signal");
});

test("fetch option: what it throws or answers is judged like the runtime's own fetch", async () => {
  const refused = client({ maxRetries: 0, fetch: () => Promise.reject(new TypeError("proxy down")) });
  const error = await rejection(refused.sendMessage(v1(unique("refused"))));
  assert.equal(error.kind, "network");
  assert.equal(error.maybeSent, true);
  assert.match(error.message, /proxy down/);
  const answered = client({ fetch: async () => new Response('{"error":{"code":"FORBIDDEN","message":"no"}}', { status: 403 }) });
  const forbidden = await rejection(answered.sendMessage(v1("x")));
  assert.equal(forbidden.kind, "forbidden");
  assert.equal(forbidden.apiCode, "FORBIDDEN");
});

test("fetch option: without it the global fetch is looked up at each request", async () => {
  const c = client();
  const original = globalThis.fetch;
  let calls = 0;
  globalThis.fetch = (url, init) => {
    calls += 1;
    return original(url, init);
  };
  try {
    await c.sendMessage(v1(unique("global at call time")));
  } finally {
    globalThis.fetch = original;
  }
  assert.equal(calls, 1, "the global installed after the client was made");
});

test("fetch option: anything but a function is refused at construction, naming the field", () => {
  for (const fetch of ["https://proxy", 42, {}, null]) {
    assert.throws(
      () => client({ fetch }),
      (error) => error.name === "InboxError" && error.kind === "invalid_request" && error.field === "fetch" && /function/.test(error.rule),
      String(fetch),
    );
  }
});
