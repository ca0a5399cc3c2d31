// The package (../../pkg, built by scripts/build.sh) and the Worker's settings from the
// environment.
import wasm from "../../pkg/inbox_sender_bg.wasm";
import { initSync, InboxClient } from "../../pkg/inbox_sender.js";
import { parseLimits } from "./core/limits.js";

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
    maxChecks: number(env.MAX_CHECKS, 3),
    v1GraceMs: number(env.V1_GRACE_MS, 30_000),
    readWaitMs: number(env.READ_WAIT_MS, 2_000),
    holdProbeMs: number(env.HOLD_PROBE_MS, 300_000),
    perAlarm: number(env.SENDS_PER_ALARM, 100),
    maxInFlight: number(env.MAX_IN_FLIGHT, 100),
    replyFreshnessMs: number(env.REPLY_FRESHNESS_MS, 10_000),
    webhookToleranceS: number(env.WEBHOOK_TOLERANCE_S, 300),
    testFaults: env.TEST_FAULTS ? JSON.parse(env.TEST_FAULTS) : {},
  };
  for (const key of ["timeoutMs", "guardMs", "retryBaseMs", "maxAttempts", "maxChecks", "v1GraceMs", "readWaitMs", "holdProbeMs", "perAlarm", "replyFreshnessMs"]) {
    if (!Number.isInteger(s[key]) || s[key] < 0) throw new Error(`${key} must be a whole number ≥ 0`);
  }
  if (!Number.isInteger(s.maxInFlight) || s.maxInFlight < 1) throw new Error("MAX_IN_FLIGHT must be a whole number ≥ 1");
  if (!Number.isInteger(s.webhookToleranceS) || s.webhookToleranceS < 1) throw new Error("WEBHOOK_TOLERANCE_S must be a whole number ≥ 1");
  return s;
}

/** The core ledger's settings (core/ledger.js `LedgerSettings`). */
export function ledgerSettings(env) {
  const s = settings(env);
  return {
    senderLimits: s.senderLimits, guardMs: s.guardMs, timeoutMs: s.timeoutMs, retryBaseMs: s.retryBaseMs, maxAttempts: s.maxAttempts,
    maxChecks: s.maxChecks, v1GraceMs: s.v1GraceMs, readWaitMs: s.readWaitMs, holdProbeMs: s.holdProbeMs, perRun: s.perAlarm,
    replyFreshnessMs: s.replyFreshnessMs,
  };
}

/** The events feed's settings (core/replies.js `FeedSettings`). */
export function feedSettings(env) {
  const s = settings(env);
  return { idleLookMs: 3_600_000, retryBaseMs: s.retryBaseMs, holdRepliesMs: 86_400_000, lookAfterMs: Math.floor(s.replyFreshnessMs / 2) };
}

/** The team budget's settings (core/team-budget.js `grant` and `settle`). */
export function teamSettings(env) {
  const s = settings(env);
  // A lease whose holder never settles it (the sender died mid-send) ends after the longest a
  // request can take.
  return { windows: s.teamLimits, guardMs: s.guardMs, maxInFlight: s.maxInFlight, leaseMs: 2 * s.timeoutMs + 1_000, holdProbeMs: s.holdProbeMs };
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

/** The v2 target of a campaign DM: a profile for an X user id, else a contact. */
export function v2Target(dm) {
  return dm.externalPlatformId != null
    ? { type: "profile", accountLinkId: dm.accountLinkId, platform: "twitter", platformId: dm.externalPlatformId }
    : { type: "contact", accountLinkId: dm.accountLinkId, contactId: dm.externalId };
}
