// `client.get`: any read of the Inbox API with the package's rules, through the JavaScript
// package in Node against the emulator. What arrives at the server is read back from the
// emulator's request record, so each test proves the request as sent, not only the answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorSuite, ACCOUNT, PROSPECT, unique, rejection } from "./helpers.mjs";

const suite = emulatorSuite({ maxRetryDelayMs: 50 });
const { client } = suite;
const target = { type: "profile", accountLinkId: ACCOUNT, platform: "twitter", platformId: PROSPECT };

/** The GETs the emulator received, as `path?query`. */
const gets = async () =>
  (await suite.emulator.control.requests()).filter((r) => r.method === "GET").map((r) => (r.query ? `${r.path}?${r.query}` : r.path));

test("get reads the contacts a send created, the query percent-encoded and an array repeating its key", async () => {
  const sent = await client().send({ target, content: unique("get contacts") });
  const { data, meta } = await client().get("/api/v2/contacts", {
    query: { platform: "twitter", platformId: [PROSPECT, "1 2/3"], limit: 50, unused: undefined },
  });
  assert.deepEqual(await gets(), [`/api/v2/contacts?platform=twitter&platformId=${PROSPECT}&platformId=1%202%2F3&limit=50`]);
  assert.equal(meta.status, 200);
  assert.equal(meta.attempts, 1);
  assert.equal(typeof meta.requestId, "string");
  assert.equal(data.data.length, 1, "the one contact the send made");
  assert.equal(data.data[0].id, sent.thread.contactId);
});

test("get retries a 503 and a timeout like any read, then resolves", async () => {
  await suite.emulator.control.faults(
    { path: "/api/v2/contacts", method: "GET", status: 503 },
    { path: "/api/v2/contacts", method: "GET", action: "hang" },
  );
  const { data, meta } = await client({ timeoutMs: 300 }).get("/api/v2/contacts", {
    query: { platform: "twitter", platformId: PROSPECT },
  });
  assert.equal(data.data[0].id, "p1maya", "the seeded contact");
  assert.equal(meta.attempts, 3);
  assert.equal((await gets()).length, 3);
});

test("a failed read is never maybeSent, and says what it is about", async () => {
  const error = await rejection(client().get("/api/v2/messages/msg_does_not_exist"));
  assert.equal(error.kind, "not_found");
  assert.equal(error.status, 404);
  assert.equal(error.maybeSent, false);
  assert.equal(typeof error.scope, "string");
  assert.equal(error.attempts, 1);
  const refused = await rejection(new suite.InboxClient({ token: "wrong", baseUrl: suite.emulator.url }).get("/api/v2/contacts"));
  assert.equal(refused.kind, "unauthorized");
  assert.equal(refused.scope, "team");
  assert.equal(refused.maybeSent, false);
});

test("a path that could leave the API is refused by name before any request", async () => {
  const paths = [
    "https://evil.example/api/v2/contacts",
    "//evil.example/api/v2/contacts",
    "/api/v3/contacts",
    "/__emulator/reset",
    "/api/v2/../../__emulator/reset",
    "/api/v2/%2e%2e/x",
    "/api/v2/.\t./x",
    "/api/v2/x\\..\\y",
    "/api/v2//contacts",
    "/api/v2/contacts?platform=twitter",
    "/api/v2/contacts#x",
  ];
  for (const path of paths) {
    const error = await rejection(client().get(path));
    assert.equal(error.kind, "invalid_request", path);
    assert.equal(error.field, "path", path);
    assert.match(error.rule, /under \/api\/v1\/ or \/api\/v2\//, path);
    assert.equal(error.attempts, 0);
  }
  const notText = await rejection(client().get(42));
  assert.deepEqual([notText.field, notText.rule], ["path", "must be a string"]);
  assert.deepEqual(await gets(), []);
});

test("a query value that cannot be written is refused by name, nothing dropped", async () => {
  const cases = [
    [{ limit: null }, "query.limit", /a string, a finite number, true or false/],
    [{ limit: Number.NaN }, "query.limit", /finite number/],
    [{ platformId: ["1", {}] }, "query.platformId", /or an array of them/],
    [{ platformId: [undefined] }, "query.platformId", /string/],
    [{ content: "\ud800" }, "query.content", /well-formed/],
    [[1, 2], "query", /must be an object/],
  ];
  for (const [query, field, rule] of cases) {
    const whole = Array.isArray(query) ? query : { platform: "twitter", platformId: PROSPECT, ...query };
    const error = await rejection(client().get("/api/v2/contacts", { query: whole }));
    assert.equal(error.kind, "invalid_request", JSON.stringify(query));
    assert.equal(error.field, field);
    assert.match(error.rule, rule);
  }
  const unknown = await rejection(client().get("/api/v2/contacts", { querry: {} }));
  assert.equal(unknown.field, "querry");
  assert.deepEqual(await gets(), [], "nothing went out");
});

test("get is cancelled by its signal, and the error says so", async () => {
  await suite.emulator.control.faults({ path: "/api/v2/contacts", method: "GET", action: "hang" });
  const controller = new AbortController();
  const pending = client().get("/api/v2/contacts", { query: { platform: "twitter", platformId: PROSPECT }, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  const error = await rejection(pending);
  assert.equal(error.kind, "aborted");
  assert.equal(error.maybeSent, false);
});
