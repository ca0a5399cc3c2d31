// Seeded fuzz run of the public surface (fast-check): random client options and inputs to
// sendMessage, send and findSent, against a real loopback server answering at random (any
// status 1xx-5xx, truncated, non-JSON, huge and token-echoing bodies, garbage rate-limit and
// Retry-After headers, dropped connections, delays around the timeout). Every failure must be
// an InboxError of a documented kind carrying no piece of the token, every success must carry
// message.id, and the same client must still send afterwards.
//
// FUZZ_SEED replays a run (the seed is printed; default 20261202, `random` for a fresh one);
// FUZZ_RUNS sets the number of runs (default 200).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { loadPackage } from "./helpers.mjs";

const SEED_RESPONSE = readFileSync(new URL("../fixtures/seed-response.json", import.meta.url), "utf8");
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
// A fixed seed by default, so CI replays the same runs; FUZZ_SEED=random draws a new one.
const SEED = process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261202);

/** The error kinds the README's error table lists. */
const KINDS = new Set([
  "invalid_request", "bad_request", "unauthorized", "forbidden", "not_found", "conflict", "unprocessable",
  "rate_limited", "server_error", "unexpected_status", "timeout", "aborted", "network", "decode",
]);

const GOOD = { accountLinkId: "acct1sales", content: "fuzz: a good DM", externalPlatformId: "1566123362161725440" };
const V2_MESSAGE = { message: { id: "msg1", content: "fuzz" }, thread: { id: "thr1" } };

// Tokens from characters that change form when echoed; the bodies' filler shares none of them
// (nor `\`, `%`, digits or hex letters), so any 8-character piece of the token found in an error
// came from an echo the package failed to redact.
const tokenArb = fc
  .stringMatching(/^[A-Za-z0-9/+=%_.\-"\\]{12,40}$/)
  .filter((t) => new Set(t).size >= 8);
const fillerArb = fc.string({ unit: fc.constantFrom(..."!#&()*,:;<>?@[]^`{|}~ éñ😀\n"), maxLength: 300 });

/** Every form an echo of `text` can take in a response. */
const FORMS = {
  raw: (t) => t,
  json: (t) => JSON.stringify(t).slice(1, -1).replaceAll("/", "\\/"),
  unicode: (t) => [...t].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  unicodeUpper: (t) => [...t].map((c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`).join(""),
  percent: (t) => [...t].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  percentLower: (t) => [...t].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
  uri: (t) => encodeURIComponent(t),
};
/** One character in one form each, chosen by `picks` (a mix within one echo). */
const mixed = (t, picks) => [...t].map((c, i) => Object.values(FORMS)[picks[i % picks.length]](c)).join("");

const echoArb = fc.record({
  form: fc.constantFrom(...Object.keys(FORMS), "mixed"),
  picks: fc.array(fc.nat(Object.keys(FORMS).length - 1), { minLength: 1, maxLength: 8 }),
  // A random offset, or one around the 2 KB read limit plus the redaction reach (6 per character).
  at: fc.oneof(fc.nat(4000), fc.integer({ min: -80, max: 80 }).map((d) => ({ nearLimit: d }))),
});
const echoOf = (token, e) => (e.form === "mixed" ? mixed(token, e.picks) : FORMS[e.form](token));

/** A header value: sensible, garbage, huge, or an echo of the token. */
const headerArb = fc.oneof(
  fc.nat(100).map(String),
  fc.integer({ min: -5, max: 2 ** 40 }).map(String),
  fc.constantFrom("", "soon", "1.5", "-1", "NaN", "Wed, 21 Oct 2015 07:28:00 GMT", new Date(Date.now() + 500).toUTCString(), "9".repeat(400)),
  fc.constant("ECHO"),
);

const answerArb = fc.record({
  how: fc.constantFrom("good", "good", "status", "status", "drop", "truncate", "raw1xx", "garbage"),
  status: fc.oneof(fc.integer({ min: 200, max: 599 }), fc.constantFrom(301, 302, 307, 308, 408, 429, 500, 502, 503, 504)),
  body: fc.constantFrom("seed", "errorV1", "errorAuth", "errorV2", "text", "empty", "huge", "json"),
  filler: fillerArb,
  echoes: fc.array(echoArb, { maxLength: 4 }),
  hugeKb: fc.integer({ min: 3, max: 600 }),
  headers: fc.record(
    {
      "x-ratelimit-limit": headerArb,
      "x-ratelimit-remaining": headerArb,
      "x-ratelimit-reset": headerArb,
      "retry-after": headerArb,
      "retry-after-ms": headerArb,
      "x-request-id": headerArb,
    },
    { requiredKeys: [] },
  ),
  delayMs: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 150 })),
});

/** Where an echo goes in a JSON body (no filler or token character in it). */
const PLACE = "§§ECHO§§";

/** The text `answer` carries, with the token echoed at its offsets. */
function bodyText(answer, token, path) {
  // JSON bodies carry the echo in the JSON text itself (spliced in after stringify), as a
  // server echoing the token in a JSON string writes it.
  const words = `${answer.filler}${answer.echoes.length ? PLACE : ""}${answer.filler}`;
  const json = (value) => JSON.stringify(value).replaceAll(PLACE, answer.echoes.length ? echoOf(token, answer.echoes[0]) : "");
  switch (answer.body) {
    case "seed":
      return path.startsWith("/api/v2/") ? JSON.stringify(V2_MESSAGE) : SEED_RESPONSE;
    case "errorV1":
      return json({ error: { code: words, message: words, status: answer.status } });
    case "errorAuth":
      return json({ error: words, message: words });
    case "errorV2":
      return json({ code: words, message: words, details: { retryAfterSeconds: 1 }, requestId: words });
    case "empty":
      return "";
    case "json":
      return json({ message: { id: 1 }, thread: null, note: words });
    default: {
      // Plain or huge text with every echo spliced in at its offset.
      let text = answer.filler.repeat(answer.body === "huge" ? Math.ceil((answer.hugeKb * 1024) / Math.max(1, answer.filler.length)) : 1) || "x";
      if (answer.body === "huge") text = text.slice(0, answer.hugeKb * 1024);
      for (const e of answer.echoes) {
        const at = typeof e.at === "number" ? e.at : 2048 + 6 * token.length + e.at.nearLimit;
        const offset = Math.max(0, Math.min(text.length, at));
        text = text.slice(0, offset) + echoOf(token, e) + text.slice(offset);
      }
      return text;
    }
  }
}

/** The answer a request gets when the script has none: the documented success of its path. */
function good(req, res) {
  const path = req.url.split("?")[0];
  let body = SEED_RESPONSE;
  if (path.startsWith("/api/v2/")) body = JSON.stringify(V2_MESSAGE);
  else if (path.startsWith("/api/v1/threads/lookup")) body = JSON.stringify({ thread: null });
  else if (req.method === "GET") body = JSON.stringify({ messages: [], nextCursor: null });
  res.writeHead(path.startsWith("/api/v2/") ? 201 : 200, { "content-type": "application/json" }).end(body);
}

/** A loopback server answering each request with the next answer of `state.script`. */
async function startFuzzServer(state) {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      state.requests++;
      const answer = state.script.shift();
      if (!answer) return good(req, res);
      setTimeout(() => respond(answer, req, res), answer.delayMs).unref();
    });
  });
  const respond = (answer, req, res) => {
    if (answer.how === "good") return good(req, res);
    if (answer.how === "drop") return req.socket.destroy();
    if (answer.how === "raw1xx" || answer.how === "garbage") {
      const status = answer.how === "raw1xx" ? 100 + (answer.status % 4) : answer.status;
      const head = answer.how === "raw1xx" ? `HTTP/1.1 ${status} Interim\r\n\r\n` : `HTTP/1.1 ${status}${answer.filler}\r\nbroken\r\n\r\n`;
      return req.socket.end(head);
    }
    const token = state.token;
    const text = bodyText(answer, token, req.url);
    const headers = { "content-type": answer.body.startsWith("error") || answer.body === "json" ? "application/json" : "text/plain" };
    for (const [name, value] of Object.entries(answer.headers)) {
      headers[name] = value === "ECHO" ? echoOf(token, { form: "raw" }) : value;
    }
    if (answer.status >= 300 && answer.status < 400) headers.location = "http://127.0.0.1:9/elsewhere";
    const bytes = Buffer.from(text);
    try {
      if (answer.how === "truncate") {
        res.writeHead(answer.status, { ...headers, "content-length": bytes.length + 100 });
        res.write(bytes.subarray(0, bytes.length >> 1));
        return setTimeout(() => req.socket.destroy(), 5).unref();
      }
      res.writeHead(answer.status, headers).end(bytes);
    } catch {
      // A header value node refuses (the 400 nines are accepted; this is a guard): drop.
      req.socket.destroy();
    }
  };
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

/** Every 8-character piece of `token`, in every form. */
function pieces(token) {
  const out = new Set();
  for (let i = 0; i + 8 <= token.length; i++) {
    for (const form of Object.values(FORMS)) out.add(form(token.slice(i, i + 8)));
  }
  return [...out];
}

/** What a rejection must be: an InboxError of a documented kind without any piece of the token. */
function checkError(error, token, where) {
  assert.ok(error instanceof Error, `${where}: rejected with a non-Error ${String(error)}`);
  assert.equal(error.name, "InboxError", `${where}: ${error.name}: ${error.message}`);
  assert.ok(KINDS.has(error.kind), `${where}: undocumented kind ${error.kind}`);
  for (const prop of ["message", "body", "apiCode", "requestId"]) {
    const value = error[prop];
    if (value === undefined || value === null) continue;
    const text = String(value);
    for (const piece of pieces(token)) {
      assert.ok(!text.includes(piece), `${where}: ${prop} holds the token piece ${JSON.stringify(piece)}: ${JSON.stringify(text.slice(0, 300))}`);
    }
  }
}

/** A value that breaks whoever reads it: throwing getters, wrong types, lone surrogates, huge. */
const hostileArb = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom("\uD800", "a\uDFFFb", "x".repeat(20_000), "", " ", "@handle", "https://x.com/handle", "12 34"),
  // Symbol keys answer (fast-check looks up its own symbols on generated values); names throw.
  fc.constant(new Proxy({}, { get: (_, key) => { if (typeof key === "string") throw new Error("getter threw"); } })),
  fc.constant(Object.defineProperty({ [fc.toStringMethod]: () => "{ get content() throws }" }, "content", { get: () => { throw new TypeError("content getter"); }, enumerable: true })),
  fc.constant(Symbol("s")),
  fc.constant(10n),
);

/** A field of a request: mostly valid, sometimes hostile. */
const fieldArb = (valid) => fc.oneof({ weight: 12, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: hostileArb });

const v1RequestArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    accountLinkId: fieldArb(GOOD.accountLinkId),
    content: fc.oneof(fieldArb(GOOD.content), fc.string({ unit: "binary", minLength: 1, maxLength: 50 })),
    externalPlatformId: fieldArb(GOOD.externalPlatformId),
    externalId: fc.option(fieldArb("ext1"), { nil: undefined }),
  }, { requiredKeys: ["accountLinkId", "content"] }) },
  { weight: 1, arbitrary: hostileArb },
);
const v2RequestArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    target: fc.oneof(
      fc.record({ type: fieldArb("profile"), accountLinkId: fieldArb("acct1"), platform: fieldArb("twitter"), platformId: fieldArb("123") }),
      fc.record({ type: fieldArb("contact"), accountLinkId: fieldArb("acct1"), contactId: fieldArb("c1") }),
      fc.record({ type: fieldArb("thread"), threadId: fieldArb("t1") }),
      hostileArb,
    ),
    content: fieldArb("fuzz v2"),
  }) },
  { weight: 1, arbitrary: hostileArb },
);
/** A call's options: absent, its own fields (sometimes hostile), or hostile as a whole. */
const callOptionsArb = (fields, requiredKeys = []) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.record(fields, { requiredKeys }) },
    { weight: 1, arbitrary: hostileArb },
  );
const callArb = fc.oneof(
  fc.record({ method: fc.constant("sendMessage"), request: v1RequestArb, options: callOptionsArb({ timeoutMs: fieldArb(200) }) }),
  fc.record({ method: fc.constant("send"), request: v2RequestArb, options: callOptionsArb({ timeoutMs: fieldArb(200), idempotencyKey: fieldArb("fuzz-key-1") }) }),
  fc.record({ method: fc.constant("findSent"), request: v1RequestArb, options: callOptionsArb({ since: fieldArb(0), timeoutMs: fieldArb(200) }, ["since"]) }),
);

/** Valid client options, small limits so a run stays short. */
const clientOptionsArb = fc.record({
  timeoutMs: fc.integer({ min: 40, max: 250 }),
  maxRetries: fc.integer({ min: 0, max: 2 }),
  maxRetryDelayMs: fc.integer({ min: 0, max: 40 }),
  pace: fc.boolean(),
});
/** Constructor options gone wrong, one field at a time, or as a whole. */
const badOptionsArb = fc.oneof(
  hostileArb,
  fc.record({
    token: fieldArb("tok"),
    baseUrl: fc.oneof(fieldArb("http://127.0.0.1:1"), fc.constantFrom("http://example.com", "ftp://x", "https://", "not a url", "https://x/\uD800")),
    timeoutMs: fieldArb(100),
    maxRetries: fc.oneof(fieldArb(1), fc.constantFrom(-1, 1.5, NaN, Infinity, 2 ** 53)),
    maxRetryDelayMs: fieldArb(10),
    pace: fieldArb(true),
  }, { requiredKeys: [] }),
);

test("fuzz: random inputs and random answers never trap, never leak the token, and the client still sends", { timeout: 170_000 }, async (t) => {
  const { InboxClient } = await loadPackage();
  const state = { script: [], token: "", requests: 0 };
  const seen = {};
  const server = await startFuzzServer(state);
  t.diagnostic(`FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
  try {
    await fc.assert(
      fc.asyncProperty(
        tokenArb, clientOptionsArb, badOptionsArb, fc.array(callArb, { minLength: 1, maxLength: 4 }), fc.array(answerArb, { maxLength: 6 }),
        async (token, options, badOptions, calls, answers) => {
          state.token = token;
          state.script = [];
          // The constructor with hostile options: constructs, or throws an InboxError.
          try {
            new InboxClient(badOptions).free();
          } catch (error) {
            checkError(error, token, "constructor");
            assert.equal(error.kind, "invalid_request", `constructor: ${error.kind}`);
          }

          const client = new InboxClient({ token, baseUrl: server.url, ...options });
          try {
            state.script = answers.slice();
            for (const { method, request, options: callOptions } of calls) {
              let result;
              try {
                result = await client[method](request, callOptions);
              } catch (error) {
                checkError(error, token, method);
                seen[error.kind] = (seen[error.kind] ?? 0) + 1;
                continue;
              }
              seen.ok = (seen.ok ?? 0) + 1;
              if (method === "findSent") assert.ok(result === null || typeof result?.id === "string", "findSent: a message or null");
              else assert.equal(typeof result?.message?.id, "string", `${method}: success without message.id`);
            }
            // The same client still sends: a final good send succeeds (a long timeout of its own,
            // so the verdict does not depend on the machine's load; with pacing on, a budget the
            // answers said was spent may hold it: then it must say so, before any attempt).
            state.script = [];
            try {
              const { message } = await client.sendMessage(GOOD, { timeoutMs: 30_000 });
              assert.equal(typeof message.id, "string");
            } catch (error) {
              checkError(error, token, "final send");
              assert.ok(options.pace && error.kind === "rate_limited" && error.attempts === 0, `final send failed: ${error.kind}: ${error.message}`);
            }
          } finally {
            client.free();
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
    );
    t.diagnostic(`outcomes: ${JSON.stringify(seen)}, requests answered: ${state.requests}`);
    // The run reached the server and both ends of it, not only the input checks.
    assert.ok(seen.ok > 0 && seen.invalid_request > 0 && state.requests > RUNS, JSON.stringify(seen));
  } finally {
    await server.close();
  }
});
