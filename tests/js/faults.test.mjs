// The fault scenarios (fault-scenarios.mjs) in Node, one test each, plus a 200-send burst
// against the emulator's real rate limit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, loadPackage, ACCOUNT, PROSPECT } from "./helpers.mjs";
import { scenarios, runScenario } from "./fault-scenarios.mjs";

// With "/", "+" and "=": the characters whose echoes change form (JSON-escaped, percent-encoded).
const TOKEN = "tok/faults+node=5d81c2";
let emulator;
let InboxClient;

before(async () => {
  ({ InboxClient } = await loadPackage());
  emulator = await startEmulator(["--token", TOKEN]);
});
after(() => emulator?.stop());

for (const scenario of scenarios) {
  test(scenario.name, { todo: scenario.knownIssue?.node, timeout: 30_000 }, async (t) => {
    const row = await runScenario(scenario, { InboxClient, url: emulator.url, token: TOKEN, runtime: "node" });
    t.diagnostic(JSON.stringify(row));
  });
}

test("burst: 200 concurrent sends, 50 per window, paced: every DM stored exactly once, zero 429s", { timeout: 60_000 }, async (t) => {
  const { control } = emulator;
  await control.reset();
  await control.config({ rateLimitPerMinute: 50, rateLimitWindowMs: 500 });
  try {
    const client = new InboxClient({ token: TOKEN, baseUrl: emulator.url, maxRetries: 10 });
    const contents = Array.from({ length: 200 }, (_, i) => `burst ${i} ${Math.random().toString(36).slice(2)}`);
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      contents.map((content) => client.sendMessage({ accountLinkId: ACCOUNT, content, externalPlatformId: PROSPECT })),
    );
    const ms = Date.now() - started;
    const failed = outcomes.filter((o) => o.status === "rejected").map((o) => `${o.reason.kind}: ${o.reason.message}`);
    assert.deepEqual(failed, [], "every send succeeded");

    const stored = (await control.messages()).map((m) => m.content);
    assert.equal(stored.length, 200, "exactly 200 messages stored");
    assert.deepEqual([...stored].sort(), [...contents].sort(), "each DM stored once");

    // Attempts per DM, from what the emulator received: pacing held each send until the budget
    // allowed it, so every DM went out once and no 429 was drawn.
    const requests = (await control.requests()).filter((r) => r.path === "/api/v1/threads/messages");
    const attempts = new Map(contents.map((c) => [JSON.stringify(c), 0]));
    for (const r of requests) {
      const key = [...attempts.keys()].find((k) => r.body.includes(k));
      attempts.set(key, attempts.get(key) + 1);
    }
    const statuses = requests.reduce((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});
    assert.deepEqual(Object.keys(statuses), ["200"], "only 200 answers: zero 429s");
    assert.equal(statuses[200], 200, "one 200 per DM");
    const total = [...attempts.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, 200, "one attempt per DM");
    // 200 DMs at 50 per 500 ms window: at least three window resets.
    assert.ok(ms >= 1400, `took ${ms} ms`);
    assert.equal(client.rateLimit?.limit, 50, "rateLimit reports the configured limit");
    t.diagnostic(JSON.stringify({ ms, attempts: total, statuses, maxAttempts: Math.max(...attempts.values()) }));
    client.free();
  } finally {
    await control.config({ rateLimitPerMinute: 300, rateLimitWindowMs: 60_000 });
  }
});
