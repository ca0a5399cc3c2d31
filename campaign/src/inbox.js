// The package (../../pkg, built by scripts/build.sh), its settings from the environment, and
// what the Inbox API said about the team budget in its X-RateLimit-* headers.
import wasm from "../../pkg/inbox_sender_bg.wasm";
import { initSync, InboxClient } from "../../pkg/inbox_sender.js";
import { parseLimits } from "./budget.js";

// Workers import .wasm as a compiled WebAssembly.Module, so instantiation is synchronous.
initSync({ module: wasm });

export { InboxClient };

const number = (value, fallback) => (value === undefined || value === "" ? fallback : Number(value));

/** Every setting, read and checked once per call site; throws an Error naming a bad one. */
export function settings(env) {
  const s = {
    baseUrl: env.INBOX_BASE_URL || "https://inboxapp.com",
    teamLimits: parseLimits(env.TEAM_LIMITS ?? "300/60s,10000/3600s,100000/86400s", "TEAM_LIMITS"),
    senderLimits: parseLimits(env.SENDER_LIMITS ?? "200/900s,1000/86400s", "SENDER_LIMITS"),
    timeoutMs: number(env.INBOX_TIMEOUT_MS, 10_000),
    guardMs: number(env.RATE_GUARD_MS, 1_000),
    retryBaseMs: number(env.RETRY_BASE_MS, 2_000),
    maxAttempts: number(env.MAX_ATTEMPTS, 8),
    v1GraceMs: number(env.V1_GRACE_MS, 30_000),
    perAlarm: number(env.SENDS_PER_ALARM, 100),
    testFaults: env.TEST_FAULTS ? JSON.parse(env.TEST_FAULTS) : {},
  };
  for (const key of ["timeoutMs", "guardMs", "retryBaseMs", "maxAttempts", "v1GraceMs", "perAlarm"]) {
    if (!Number.isInteger(s[key]) || s[key] < 0) throw new Error(`${key} must be a whole number ≥ 0`);
  }
  return s;
}

/**
 * A client that only ever makes one attempt and never holds a request: the campaign's Durable
 * Objects own retries (by alarm, with the same idempotency key) and pacing (the shared budgets),
 * so every request that leaves was granted a slot in both.
 */
export function campaignClient(env, s = settings(env)) {
  return new InboxClient({
    token: env.INBOX_API_TOKEN ?? "",
    baseUrl: s.baseUrl,
    timeoutMs: s.timeoutMs,
    maxRetries: 0,
    pace: false,
  });
}

// --- X-RateLimit-* observation ------------------------------------------------------------
// The package returns the message and thread, not the response headers, so the team budget is
// corrected from them by watching the global fetch the package calls (src/io/transport.js
// calls `fetch(url, init)` at request time). Only responses from the Inbox base URL are read.
// Keyed by the request's Idempotency-Key, so each Durable Object reads only its own requests'
// reports (several share this isolate). v1 requests carry no key and are not read.
const reports = new Map(); // idempotency key -> remaining
const originalFetch = globalThis.fetch;
globalThis.fetch = async function observingFetch(input, init) {
  const response = await originalFetch(input, init);
  const key = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get("idempotency-key");
  const remaining = response.headers.get("x-ratelimit-remaining");
  if (key !== null && remaining !== null && remaining !== "" && Number.isFinite(Number(remaining))) {
    reports.set(key, Number(remaining));
  }
  return response;
};

/** The fewest remaining requests the API reported for these keys (each report read once). */
export function takeRateLimitReport(keys) {
  let fewest = null;
  for (const key of keys) {
    const remaining = reports.get(key);
    if (remaining === undefined) continue;
    reports.delete(key);
    fewest = fewest === null ? remaining : Math.min(fewest, remaining);
  }
  return fewest;
}
