// The Worker in workerd (Miniflare), sending to the emulator: status mapping, auth, body limit,
// exactly-once delivery. Run from the repo root: node --test examples/cloudflare-worker/test/
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { after, before, beforeEach, describe, test } from "node:test";
import { Miniflare } from "miniflare";
import { ACCOUNT, PROSPECT, startEmulator, unique } from "../../../tests/js/helpers.mjs";

const example = new URL("../", import.meta.url).pathname;
const root = new URL("../../../", import.meta.url).pathname;
const compatibilityDate = /^compatibility_date = "(.+)"$/m.exec(readFileSync(`${example}wrangler.toml`, "utf8"))[1];

const TOKEN = `tok_${randomUUID()}`;
const SECRET = `send_${randomUUID()}`;
const LIMIT = 64 * 1024;

/**
 * Loads the Worker into workerd: by default src/worker.js unbundled (it imports ../../../pkg/),
 * the glue as an ES module and the .wasm as a compiled module.
 */
function startWorker(bindings, { scriptPath = `${example}src/worker.js`, modulesRoot = root } = {}) {
  return new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate,
    cf: false,
    bindings: Object.fromEntries(Object.entries(bindings).filter(([, value]) => value !== undefined)),
  });
}

let emulator;
let worker;
const seen = []; // every response's status line, headers and body, checked for secrets at the end

/** Sends a request to a Worker and records what came back. */
async function call(mf, { path = "/send", method = "POST", secret = SECRET, body, headers = {}, ...init } = {}) {
  const response = await mf.dispatchFetch(`http://worker.test${path}`, {
    method,
    headers: { ...(secret === null ? {} : { authorization: `Bearer ${secret}` }), ...headers },
    body: isRaw(body) ? body : JSON.stringify(body),
    ...init,
  });
  const text = await response.text();
  seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}
const isRaw = (body) =>
  body === undefined || typeof body === "string" || body instanceof Uint8Array || body instanceof ReadableStream;
const send = (body, options) => call(worker, { body, ...options });
const dm = (content = unique("Hi Maya")) => ({ accountLinkId: ACCOUNT, content, externalPlatformId: PROSPECT });

before(async () => {
  emulator = await startEmulator(["--token", TOKEN]);
  worker = startWorker({ INBOX_API_TOKEN: TOKEN, SEND_SECRET: SECRET, INBOX_BASE_URL: emulator.url });
  await worker.ready;
});
after(async () => {
  await worker?.dispose();
  await emulator?.stop();
});
beforeEach(() => emulator.control.reset());

describe("POST /send", () => {
  test("delivers once, content byte-exact, and answers the API result", async () => {
    const content = unique("Hi Maya 👋🏽 — café, naïve, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🇸🇪\n\tsecond line");
    const { status, json, headers } = await send(dm(content));
    assert.equal(status, 200);
    assert.match(headers.get("content-type"), /^application\/json/);
    assert.equal(json.message.content, content);
    assert.equal(json.thread.prospect.platformId, PROSPECT);
    const stored = await emulator.control.stored(content);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].id, json.message.id);
    const [request] = await emulator.control.requests();
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(JSON.parse(request.body).content, content);
  });

  test("sends by externalId too", async () => {
    const content = unique("Hi Theo");
    const { status, json } = await send({ accountLinkId: ACCOUNT, content, externalId: "p2theo" });
    assert.equal(status, 200);
    assert.equal(json.thread.prospect.externalId, "p2theo");
    assert.equal((await emulator.control.stored(content)).length, 1);
  });

  test("invalid input: 400 naming the field, nothing sent upstream", async () => {
    const cases = [
      [{ ...dm(), accountLinkId: "Acct-1" }, "accountLinkId"],
      [{ ...dm(), content: " \n\t" }, "content"],
      [{ ...dm(), externalPlatformId: "@mayabuilds" }, "externalPlatformId"],
      [{ accountLinkId: ACCOUNT, content: "hi" }, "externalPlatformId"],
      [{ ...dm(), externalPlatformID: PROSPECT }, "externalPlatformID"], // unknown keys are refused
      ["[1, 2]", "request"],
      ['{"accountLinkId":', "body"],
      [new Uint8Array([0x7b, 0xff, 0x7d]), "body"], // not UTF-8
    ];
    for (const [body, field] of cases) {
      const { status, json } = await send(body);
      assert.equal(status, 400, `${field}: ${JSON.stringify(json)}`);
      assert.equal(json.error.kind, "invalid_request");
      assert.equal(json.error.field, field);
      assert.equal(json.error.maybeSent, false);
    }
    assert.deepEqual(await emulator.control.requests(), []);
  });

  test("missing or wrong secret: 401, nothing sent upstream", async () => {
    for (const headers of [{}, { authorization: `Basic ${SECRET}` }, { authorization: "Bearer" }]) {
      const { status, json } = await send(dm(), { secret: null, headers });
      assert.equal(status, 401);
      assert.equal(json.error.kind, "unauthenticated");
    }
    for (const secret of ["wrong", SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase()]) {
      const { status, headers } = await send(dm(), { secret });
      assert.equal(status, 401);
      assert.match(headers.get("www-authenticate"), /^Bearer/);
    }
    assert.equal((await send(dm(), { headers: { authorization: `bearer  ${SECRET}` } })).status, 200);
    const requests = await emulator.control.requests();
    assert.equal(requests.length, 1, "only the authenticated request reached the API");
  });

  test("body limit: 64 KiB accepted, one byte more is 413 (by Content-Length or by bytes read)", async () => {
    const content = unique("Padded");
    const exact = JSON.stringify(dm(content));
    const padded = exact + " ".repeat(LIMIT - Buffer.byteLength(exact));
    assert.equal((await send(padded)).status, 200);
    assert.equal((await emulator.control.stored(content)).length, 1);

    const over = await send(`${padded} `);
    assert.equal(over.status, 413);
    assert.equal(over.json.error.kind, "payload_too_large");

    // Streamed without Content-Length: the Worker counts the bytes it reads.
    const chunks = Array.from({ length: 9 }, () => new TextEncoder().encode(" ".repeat(8 * 1024)));
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.pop();
        chunk ? controller.enqueue(chunk) : controller.close();
      },
    });
    const streamed = await send(stream, { duplex: "half" });
    assert.equal(streamed.status, 413);
    assert.equal((await emulator.control.requests()).length, 1);
  });

  test("50 concurrent sends are each delivered exactly once", async () => {
    const contents = Array.from({ length: 50 }, (_, i) => unique(`Concurrent ${i} ✉️`));
    const results = await Promise.all(contents.map((content) => send(dm(content))));
    assert.deepEqual(results.map((r) => r.status), contents.map(() => 200));
    const stored = (await emulator.control.messages()).map((m) => m.content);
    assert.deepEqual(stored.toSorted(), contents.toSorted());
    assert.equal(new Set(results.map((r) => r.json.message.id)).size, 50);
  });
});

describe("upstream failures", () => {
  test("429 beyond the retry budget: 429 with Retry-After, nothing stored", async () => {
    await emulator.control.faults({ status: 429, headers: { "Retry-After": "120" } });
    const content = unique("Rate limited");
    const { status, headers, json } = await send(dm(content));
    assert.equal(status, 429);
    assert.equal(headers.get("retry-after"), "120");
    assert.deepEqual(
      { kind: json.error.kind, status: json.error.status, apiCode: json.error.apiCode, retryAfterMs: json.error.retryAfterMs, maybeSent: json.error.maybeSent },
      { kind: "rate_limited", status: 429, apiCode: "RATE_LIMITED", retryAfterMs: 120_000, maybeSent: false },
    );
    assert.match(json.error.requestId, /^req_/);
    assert.equal((await emulator.control.stored(content)).length, 0);
  });

  test("a short 429 is retried inside the Worker and delivered once", async () => {
    await emulator.control.faults({ status: 429, headers: { "retry-after-ms": "50" } });
    const content = unique("Retried");
    assert.equal((await send(dm(content))).status, 200);
    assert.equal((await emulator.control.requests()).length, 2);
    assert.equal((await emulator.control.stored(content)).length, 1);
  });

  test("500 after storing: 502, maybeSent, not retried", async () => {
    await emulator.control.faults({ process: true, status: 500 });
    const content = unique("Stored then 500");
    const { status, json } = await send(dm(content));
    assert.equal(status, 502);
    assert.equal(json.error.kind, "server_error");
    assert.equal(json.error.status, 500);
    assert.equal(json.error.maybeSent, true);
    assert.equal((await emulator.control.requests()).length, 1);
    assert.equal((await emulator.control.stored(content)).length, 1);
  });

  test("503 after the retries: 503, not sent", async () => {
    await emulator.control.faults({ status: 503, times: 3, headers: { "retry-after-ms": "20" } });
    const { status, headers, json } = await send(dm());
    assert.equal(status, 503);
    assert.equal(headers.get("retry-after"), "1");
    assert.equal(json.error.kind, "server_error");
    assert.equal(json.error.maybeSent, false);
    assert.equal((await emulator.control.requests()).length, 3);
  });

  test("unknown account link: 404 with the API's code", async () => {
    const { status, json } = await send({ ...dm(), accountLinkId: "acct9missing" });
    assert.equal(status, 404);
    assert.equal(json.error.kind, "not_found");
    assert.equal(json.error.apiCode, "ACCOUNT_LINK_NOT_FOUND");
  });

  test("a 200 with a broken body: 502 decode, maybeSent", async () => {
    await emulator.control.faults({ status: 200, body: '{"message":' });
    const { status, json } = await send(dm());
    assert.equal(status, 502);
    assert.equal(json.error.kind, "decode");
    assert.equal(json.error.maybeSent, true);
  });

  test("a server echoing the token does not get it into the answer", async () => {
    await emulator.control.faults({
      status: 500,
      body: JSON.stringify({ error: { code: "LEAK", message: `bad token ${TOKEN}` } }),
    });
    const { status, text } = await send(dm());
    assert.equal(status, 502);
    assert.ok(!text.includes(TOKEN));
    assert.match(text, /\*\*\*/);
  });
});

describe("Worker configuration", () => {
  let other;
  after(() => other?.dispose());
  const reconfigure = async (bindings) => {
    await other?.dispose();
    other = startWorker({ INBOX_API_TOKEN: TOKEN, SEND_SECRET: SECRET, INBOX_BASE_URL: emulator.url, ...bindings });
    await other.ready;
    return other;
  };

  test("a hanging API and INBOX_TIMEOUT_MS: 504, maybeSent", async () => {
    const mf = await reconfigure({ INBOX_TIMEOUT_MS: "300" });
    await emulator.control.faults({ action: "hang" });
    const started = Date.now();
    const { status, json } = await call(mf, { body: dm() });
    assert.equal(status, 504);
    assert.equal(json.error.kind, "timeout");
    assert.equal(json.error.maybeSent, true);
    assert.ok(Date.now() - started < 5_000);
  });

  test("the API refusing the Worker's token: 502 saying the Worker is misconfigured", async () => {
    const mf = await reconfigure({ INBOX_API_TOKEN: "not-the-token" });
    const { status, json, text } = await call(mf, { body: dm() });
    assert.equal(status, 502);
    assert.equal(json.error.kind, "unauthorized");
    assert.equal(json.error.status, 401);
    assert.match(json.error.message, /misconfigured.*INBOX_API_TOKEN/);
    assert.ok(!text.includes("not-the-token"));
  });

  test("missing secrets or a bad base URL: 500 before anything is sent", async () => {
    let mf = await reconfigure({ SEND_SECRET: undefined });
    let answer = await call(mf, { body: dm() });
    assert.equal(answer.status, 500);
    assert.match(answer.json.error.message, /SEND_SECRET/);

    mf = await reconfigure({ INBOX_API_TOKEN: undefined });
    answer = await call(mf, { body: dm() });
    assert.equal(answer.status, 500);
    assert.match(answer.json.error.message, /token/);

    mf = await reconfigure({ INBOX_BASE_URL: "http://inbox.example" }); // clear-text to a non-loopback host
    answer = await call(mf, { body: dm() });
    assert.equal(answer.status, 500);
    assert.equal(answer.json.error.kind, "misconfigured");
    assert.match(answer.json.error.message, /baseUrl/);
    assert.deepEqual(await emulator.control.requests(), []);
  });
});

describe("the wrangler bundle", () => {
  const outdir = mkdtempSync(`${tmpdir()}/inbox-worker-`);
  let bundled;
  after(async () => {
    await bundled?.dispose();
    rmSync(outdir, { recursive: true, force: true });
  });

  test("wrangler deploy --dry-run output runs in workerd and delivers", async () => {
    await promisify(execFile)(
      process.execPath,
      [`${example}node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--outdir", outdir],
      { cwd: example, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } },
    );
    assert.deepEqual(readdirSync(outdir).filter((f) => /\.(js|wasm)$/.test(f)).length, 2);
    bundled = startWorker(
      { INBOX_API_TOKEN: TOKEN, SEND_SECRET: SECRET, INBOX_BASE_URL: emulator.url },
      { scriptPath: `${outdir}/worker.js`, modulesRoot: outdir },
    );
    const content = unique("From the bundle 📦");
    const { status, json } = await call(bundled, { body: dm(content) });
    assert.equal(status, 200);
    assert.equal(json.message.content, content);
    assert.equal((await emulator.control.stored(content)).length, 1);
  });
});

describe("routing", () => {
  test("other paths 404, other methods 405 with Allow", async () => {
    assert.equal((await send(dm(), { path: "/" })).status, 404);
    assert.equal((await send(dm(), { path: "/send/x" })).status, 404);
    for (const method of ["GET", "PUT", "DELETE"]) {
      const { status, headers, json } = await send(undefined, { method });
      assert.equal(status, 405);
      assert.equal(headers.get("allow"), "POST");
      assert.equal(json.error.kind, "method_not_allowed");
    }
    assert.deepEqual(await emulator.control.requests(), []);
  });
});

test("no response carried the Inbox token or the send secret", () => {
  assert.ok(seen.length > 80, `${seen.length} responses checked`);
  for (const response of seen) {
    assert.ok(!response.includes(TOKEN), response);
    assert.ok(!response.includes(SECRET), response);
  }
});
