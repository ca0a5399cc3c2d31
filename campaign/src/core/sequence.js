// A prospect's sequence: the opener (step 0) and up to five follow-ups, each due `afterMs` after
// the previous step was sent (the API's `createdAt` of it), each going only while the prospect
// has not replied and only after a fresh look at the events. What a reply does to the step in
// hand is decided here; the ledger applies it.
import { STEP } from "./states.js";

/** Follow-ups a message may carry. */
export const MAX_FOLLOW_UPS = 5;
/** The longest wait before a follow-up. */
export const MAX_AFTER_MS = 90 * 86_400_000;

/** The v2 Idempotency-Key of step `step` of the prospect whose key is `key` (the opener keeps `key`). */
export const stepKey = (key, step) => (step === 0 ? key : `${key}:${step}`);

/**
 * Every problem with a message's `followUps`, each `{ field, rule }` (the content of each is
 * then checked with the package's rules, as the opener's is).
 * @param {unknown} followUps
 * @param {string} [field]
 */
export function checkFollowUps(followUps, field = "followUps") {
  if (followUps === undefined) return [];
  if (!Array.isArray(followUps) || followUps.length > MAX_FOLLOW_UPS) {
    return [{ field, rule: `must be a list of at most ${MAX_FOLLOW_UPS} follow-ups { content, afterMs }` }];
  }
  const problems = [];
  followUps.forEach((f, i) => {
    const at = `${field}[${i}]`;
    if (f === null || typeof f !== "object" || Array.isArray(f)) return problems.push({ field: at, rule: "must be an object { content, afterMs }" });
    for (const key of Object.keys(f)) if (!["content", "afterMs"].includes(key)) problems.push({ field: `${at}.${key}`, rule: "is not a known field; check its spelling" });
    if (typeof f.content !== "string" || f.content.trim() === "") problems.push({ field: `${at}.content`, rule: "must be a non-empty string" });
    if (!(Number.isInteger(f.afterMs) && f.afterMs >= 0 && f.afterMs <= MAX_AFTER_MS)) {
      problems.push({ field: `${at}.afterMs`, rule: `must be a whole number of ms from 0 to ${MAX_AFTER_MS} (90 days)` });
    }
    return undefined;
  });
  return problems;
}

/**
 * What follows step `index` of `p` sent (created by the API at `createdAt`): the next step due
 * at its time, or the end — `sent` when it was the last, `replied` when a reply is known.
 * @returns {{ type: "next", at: number } | { type: "end", state: "sent" | "replied" }}
 */
export function afterSent(p, index, createdAt) {
  if (index >= p.afterMs.length) return { type: "end", state: "sent" };
  if (p.reply) return { type: "end", state: "replied" };
  return { type: "next", at: createdAt + p.afterMs[index] };
}

/**
 * What a known reply does to the step in hand (`p.reply` set, the prospect open):
 *   none   the step is out or being checked (its answer decides), or it is the opener
 *   stop   a follow-up that has not left, or whose earlier attempts surely did not land: the
 *          prospect ends `replied` after the step before it
 *   check  a follow-up whose earlier attempt may have landed: looked for in its thread first
 *          (found: sent; absent: stopped), never sent again after the reply
 * @returns {"none"|"stop"|"check"}
 */
export function onReply(p) {
  const index = p.steps.length - 1;
  const step = p.steps[index];
  if (index === 0 || step.state === STEP.sending || step.state === STEP.checking) return "none";
  if (step.attempts === 0 || !step.error?.maybeSent) return "stop";
  return "check";
}

/**
 * Whether a follow-up may leave at `now` given the last complete look at the events (`lookedAt`,
 * when its last page's request left): only when it is at most `freshnessMs` old. `look`: a
 * fresher look is wanted (already when half the freshness has passed, so sends rarely wait).
 * @returns {{ go: boolean, look: boolean }}
 */
export function fresh(lookedAt, now, freshnessMs) {
  if (lookedAt === null) return { go: false, look: true };
  const age = now - lookedAt;
  return { go: age <= freshnessMs, look: age > freshnessMs / 2 };
}
