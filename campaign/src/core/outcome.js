// What a failed request means for its step, from the failure's own facts (scope, retryable,
// apiCode, maybeSent): a hold, a timed wait, a check, a retry, or the end of the DM.

const MAX_BACKOFF_MS = 60_000;

/**
 * @typedef {{ type: "hold", failure: import("./states.js").Failure }
 *   | { type: "wait", scope: "sender" | "team", until: number }
 *   | { type: "check", by: "read-message" | "find-sent", at: number, messageId: string | null }
 *   | { type: "retry", at: number }
 *   | { type: "fail", reason: string }} Next
 */

/**
 * What follows a failed send of a step that has made `attempts` attempts (this one included).
 * A refusal about the sender or the team holds it (the step waits; not an attempt); a 429 is a
 * timed wait (not an attempt); a send that may have landed is checked, never sent blind; a
 * retryable failure goes again with the same key; anything else ends the DM, explained.
 * @param {import("./states.js").Failure} f
 * @param {{ api: "v2" | "v1", attempts: number, key: string }} step
 * @param {number} now
 * @param {{ retryBaseMs: number, maxAttempts: number, v1GraceMs: number, readWaitMs: number }} s
 * @returns {Next}
 */
export function afterSendFailure(f, { api, attempts, key }, now, s) {
  if (f.kind === "rate_limited") {
    const wait = f.retryAfterMs ?? s.retryBaseMs;
    return f.scope === "sender"
      ? { type: "wait", scope: "sender", until: now + wait }
      : { type: "wait", scope: "team", until: Math.max(now + wait, f.resetAt ?? 0) };
  }
  if (holds(f)) return { type: "hold", failure: f };
  if (f.apiCode === "sendUnconfirmed") return { type: "check", by: "read-message", at: now + s.readWaitMs, messageId: f.messageId ?? null };
  if (api === "v1" && f.maybeSent) return { type: "check", by: "find-sent", at: now + s.v1GraceMs, messageId: null };
  if (!f.retryable) return { type: "fail", reason: f.message ?? f.kind };
  if (attempts >= s.maxAttempts) {
    const maybe = f.maybeSent ? ` It may have been delivered; sending again with Idempotency-Key ${key} is safe (it cannot arrive twice).` : "";
    return { type: "fail", reason: `Gave up after ${attempts} attempts: ${f.message ?? f.kind}${maybe}` };
  }
  return { type: "retry", at: now + (f.retryAfterMs ?? backoff(s.retryBaseMs, attempts)) };
}

/**
 * Whether a failure holds its sender or the team: one about them that someone outside the
 * campaign clears. The API unavailable for everyone (a 5xx) passes by itself: retried with backoff.
 */
const holds = (f) => (f.scope === "sender" || f.scope === "team") && f.kind !== "server_error";

/** The wait before attempt `attempts + 1`: doubling from `baseMs`, capped. */
export const backoff = (baseMs, attempts) => Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));

/**
 * What follows a failed read (a check or a conversation lookup): a hold or a wait like a send,
 * else read again later (reads are idempotent).
 * @returns {Next}
 */
export function afterReadFailure(f, reads, now, s) {
  if (f.kind === "rate_limited") return afterSendFailure(f, { api: "v2", attempts: 0, key: "" }, now, s);
  if (holds(f)) return { type: "hold", failure: f };
  return { type: "retry", at: now + (f.retryAfterMs ?? backoff(s.retryBaseMs, reads)) };
}
