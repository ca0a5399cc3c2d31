// One sender's ledger as a state machine over plain data (sans-IO): its prospects, its X log,
// its hold and its conversation checks. The driver (the SenderLedger object, or the simulation)
// asks what it `wants`, gets leases from the team budget, `start`s them (the core records each
// intent and returns the requests to make), makes the requests and hands each answer to
// `finish`. Nothing here reads a clock, storage or the network.
import { ENDED, PROSPECT, STEP } from "./states.js";
import { beginHold, probeDue, probeFailed, probeSent, resumeHold } from "./holds.js";
import { afterReadFailure, afterSendFailure } from "./outcome.js";
import { logSend, slidingAvailable } from "./sender-limit.js";
import { longestSpan } from "./limits.js";

const LOOKUP_BATCH = 100; // the v2 reads take up to 100 ids
const LOOK_AHEAD = 50; // openers looked up ahead of the sends
const SCAN = 1_000; // fresh prospects looked at per decision

/**
 * The ledger's settings (all times in ms).
 * @typedef {Object} LedgerSettings
 * @property {import("./states.js").Limit[]} senderLimits  X's limits for this sender
 * @property {number} guardMs       clock slack per window
 * @property {number} timeoutMs     a request's timeout: X counts a send by then at the latest
 * @property {number} retryBaseMs   backoff base
 * @property {number} maxAttempts   sends per step
 * @property {number} maxChecks     reads to settle an uncertain send
 * @property {number} v1GraceMs     v1: wait before findSent
 * @property {number} readWaitMs    v2: wait before reading a sendUnconfirmed message
 * @property {number} holdProbeMs   a held sender probes this often
 * @property {number} perRun        requests started per decision at most
 */

/** An empty ledger for `sender`. */
export const emptyLedger = (sender) => ({
  sender, prospects: {}, order: [], head: 0, lookHead: 0, active: {}, toThreads: [], xlog: [], xHeldUntil: 0,
  hold: null, lookupOut: false, lookupAfter: 0, campaigns: {},
});

/**
 * Takes prospects in (a redelivery of one already here changes nothing). Returns the ledger
 * and each one's record as the ledger has it.
 * @param {object} ledger
 * @param {number} now
 * @param {{ campaign: string, index: number, api: "v2"|"v1", ifConversation?: "skip"|"send", platformId?: string|null, contactId?: string|null }[]} items
 */
export function accept(ledger, now, items) {
  const l = ledger;
  const records = [];
  for (const it of items) {
    const key = `${it.campaign}:${it.index}`;
    if (!l.prospects[key]) {
      const checks = (it.ifConversation ?? "skip") === "skip";
      l.prospects[key] = {
        key, campaign: it.campaign, index: it.index, api: it.api, ifConversation: it.ifConversation ?? "skip",
        platformId: it.platformId ?? null, contactId: it.contactId ?? null, state: PROSPECT.queued,
        conversation: !checks ? "none" : it.api === "v2" && it.contactId ? "contact" : "unknown",
        conversationThreadId: null, reason: null,
        steps: [newStep(now)],
      };
      l.order.push(key);
      if (l.prospects[key].conversation === "contact") l.toThreads.push(key);
    }
    records.push(l.prospects[key]);
  }
  return { ledger: l, records };
}

const newStep = (now) => ({ state: STEP.due, attempts: 0, checks: 0, nextAt: now, firstTryAt: null, checkBy: null, messageId: null, threadId: null, sentAt: null, error: null, xAt: null });

/** A campaign was paused, resumed or cancelled; returns the keys whose record changed. */
export function setCampaign(ledger, now, campaign, status) {
  ledger.campaigns[campaign] = status;
  const changed = [];
  if (status === "running" && ledger.hold) ledger.hold = resumeHold(ledger.hold, now);
  if (status !== "cancelled") return changed;
  for (const key of ledger.order) {
    const p = ledger.prospects[key];
    const step = p.steps[p.steps.length - 1];
    if (p.campaign !== campaign || ENDED.includes(p.state) || step.state === STEP.sending || step.state === STEP.checking) continue;
    end(ledger, p, PROSPECT.cancelled, "The campaign was cancelled before this DM was sent.");
    changed.push(key);
  }
  return changed;
}

/** A resume (POST /campaigns/{id}/resume): a held sender probes at once. */
export function resume(ledger, now) {
  ledger.hold = resumeHold(ledger.hold, now);
  return ledger;
}

/**
 * After the runtime lost its memory (no request of this ledger is out any more): a step cut
 * off mid-send is looked for in its thread (`find-sent`) after the grace, and sent again only
 * when it is not there;
 * a lookup cut off is asked again; a probe cut off goes again.
 */
export function recover(ledger, now, s) {
  for (const key of Object.keys(ledger.active)) {
    const p = ledger.prospects[key];
    const step = current(p);
    if (step.state === STEP.checking && step.nextAt === null) step.nextAt = now;
    if (step.state !== STEP.sending) continue;
    // Not sent again blind, even on v2: its answer may have been a sendUnconfirmed, after which
    // the API no longer holds the key, and a resend would be a second DM.
    Object.assign(step, { state: STEP.checking, checkBy: "find-sent", nextAt: now + s.v1GraceMs });
  }
  for (const key of ledger.order.slice(ledger.head)) {
    const p = ledger.prospects[key];
    if (p.conversation === "looking") p.conversation = p.contactId && p.api === "v2" ? "contact" : "unknown";
  }
  ledger.lookHead = ledger.head;
  ledger.toThreads = ledger.order.slice(ledger.head).filter((k) => ledger.prospects[k].conversation === "contact");
  ledger.lookupOut = false;
  if (ledger.hold) ledger.hold = { ...ledger.hold, probe: null };
  return ledger;
}

const current = (p) => p.steps[p.steps.length - 1];
const running = (l, p) => (l.campaigns[p.campaign] ?? "running") === "running";

function end(l, p, state, reason) {
  p.state = state;
  p.reason = reason ?? null;
  const step = current(p);
  if (!ENDED.includes(step.state)) step.state = state === PROSPECT.skipped ? STEP.skipped : state;
  delete l.active[p.key];
}

/** X's budget for this sender now: its log of sends, and a platformRateLimited wait. */
function xAvailable(l, now, s) {
  const old = now - longestSpan(s.senderLimits, s.guardMs);
  let drop = 0;
  while (drop < l.xlog.length && l.xlog[drop] <= old) drop += 1;
  if (drop > 0) l.xlog.splice(0, drop);
  if (now < l.xHeldUntil) return { available: 0, retryAt: l.xHeldUntil };
  return slidingAvailable(l.xlog, s.senderLimits, now, s.guardMs);
}

/**
 * What could go now, in the order leases are used: checks of uncertain sends, conversation
 * lookups, then sends (retries first, then fresh openers in order). A held sender has one probe.
 * Returns the lists and `wakeAt`, the earliest moment something else becomes possible.
 */
function select(l, now, s) {
  const checks = [];
  const sends = [];
  let wakeAt = Infinity;
  const x = xAvailable(l, now, s);
  const held = l.hold !== null;
  // A held sender sends nothing but its probe: one request when it is due.
  if (held && !probeDue(l.hold, now)) return { checks, lookups: [], sends, wakeAt: l.hold.probe === null ? l.hold.nextProbeAt : Infinity };
  const limit = held ? 1 : s.perRun;
  let room = Math.min(limit, x.available);
  if (x.available === 0 && x.retryAt !== null) wakeAt = Math.min(wakeAt, x.retryAt);
  // Steps already under way: checks, and retries (and DMs a hold turned back).
  for (const key of Object.keys(l.active)) {
    const p = l.prospects[key];
    const step = current(p);
    if (!running(l, p) || step.nextAt === null || (step.state !== STEP.checking && step.state !== STEP.retry && step.state !== STEP.due)) continue;
    if (step.nextAt > now) {
      wakeAt = Math.min(wakeAt, step.nextAt);
      continue;
    }
    if (step.state === STEP.checking) {
      if (checks.length < limit) checks.push(p);
    } else if (sends.length < room) sends.push(p);
  }
  // Fresh openers, in order: each needs its conversation known to be none.
  let blockedBy = null;
  for (let i = l.head, seen = 0; i < l.order.length && seen < SCAN; i += 1, seen += 1) {
    const p = l.prospects[l.order[i]];
    if (p.state !== PROSPECT.queued || l.active[p.key]) {
      if (i === l.head && (ENDED.includes(p.state) || l.active[p.key])) l.head += 1;
      continue;
    }
    if (!running(l, p)) continue;
    if (p.conversation !== "none") {
      blockedBy = p;
      break;
    }
    if (sends.length >= room) break;
    sends.push(p);
  }
  const lookups = checks.length + sends.length >= limit ? [] : planLookups(l, now, blockedBy);
  if (lookups.length === 0 && l.lookupAfter > now && blockedBy) wakeAt = Math.min(wakeAt, l.lookupAfter);
  const total = checks.length + lookups.length + sends.length;
  const over = total - limit;
  if (over > 0) sends.splice(Math.max(0, sends.length - over));
  return { checks, lookups, sends, wakeAt };
}

const unknown = (p) => p.conversation === "unknown" && p.state === PROSPECT.queued;

/** The conversation reads due now: at most one out at a time, in the prospects' order. */
function planLookups(l, now, blockedBy) {
  if (l.lookupOut || now < l.lookupAfter) return [];
  const stalled = blockedBy !== null && blockedBy.conversation !== "looking";
  if (l.toThreads.length > 0 && (l.toThreads.length >= LOOKUP_BATCH || (stalled && blockedBy.conversation === "contact"))) {
    const keys = l.toThreads.slice(0, LOOKUP_BATCH);
    return [{ by: "contactId", keys, ids: keys.map((k) => l.prospects[k].contactId) }];
  }
  if (!stalled && l.lookHead - l.head >= LOOK_AHEAD) return [];
  // Prospects already past the unknown stage are skipped for good; the batch itself is
  // committed only when it is started.
  while (l.lookHead < l.order.length && !unknown(l.prospects[l.order[l.lookHead]])) l.lookHead += 1;
  const keys = [];
  let by = null;
  for (let i = l.lookHead; i < l.order.length && keys.length < LOOKUP_BATCH; i += 1) {
    const p = l.prospects[l.order[i]];
    if (!unknown(p)) continue;
    const kind = p.api === "v1" ? "thread" : "platformId";
    if (by !== null && kind !== by) break;
    by = kind;
    keys.push(p.key);
    if (kind === "thread") break;
  }
  if (keys.length === 0) {
    if (stalled && blockedBy.conversation === "contact") {
      const batch = l.toThreads.slice(0, LOOKUP_BATCH);
      return [{ by: "contactId", keys: batch, ids: batch.map((k) => l.prospects[k].contactId) }];
    }
    return [];
  }
  return [{ by, keys, ids: keys.map((k) => l.prospects[k].platformId) }];
}

/**
 * What this ledger would send now: `requests` team leases (a findSent check takes two) and
 * `probeSize`, the requests of its first call (what an unknown team window may grant).
 */
export function wants(ledger, now, s) {
  const { checks, lookups, sends } = select(ledger, now, s);
  const sizes = [...checks.map(checkSize), ...lookups.map(() => 1), ...sends.map(() => 1)];
  return { requests: sizes.reduce((a, b) => a + b, 0), probeSize: sizes[0] ?? 1 };
}

const checkSize = (p) => (current(p).checkBy === "find-sent" ? 2 : 1);

/**
 * Starts what the team granted: leases `first` … `first + granted - 1`, used in order (checks,
 * lookups, sends); each intent is recorded before its effect is returned. `retryAt`: when the
 * team budget said to ask again for the rest. Returns { ledger, effects, changed, unused }: the
 * requests to make and a `set-alarm`, the prospects whose record changed, and the leases left
 * unused (settle them at once).
 */
export function start(ledger, now, s, { granted, first, retryAt }) {
  const l = ledger;
  const { checks, lookups, sends, wakeAt } = select(l, now, s);
  const effects = [];
  const changed = [];
  let next = first;
  let left = granted;
  const take = (n) => {
    const leases = Array.from({ length: n }, (_, k) => next + k);
    next += n;
    left -= n;
    return leases;
  };
  for (const p of checks) {
    const size = checkSize(p);
    if (left < size) break;
    const step = current(p);
    step.state = STEP.checking;
    step.nextAt = null;
    step.checks += 1;
    if (l.hold) l.hold = probeSent(l.hold, p.key);
    effects.push(step.checkBy === "find-sent"
      ? { type: "find-sent", key: p.key, step: p.steps.length - 1, since: step.firstTryAt ?? now, leases: take(size) }
      : { type: "read-message", key: p.key, step: p.steps.length - 1, messageId: step.messageId, leases: take(size) });
  }
  for (const lk of lookups) {
    if (left < 1) break;
    for (const key of lk.keys) l.prospects[key].conversation = "looking";
    if (lk.by === "contactId") l.toThreads = l.toThreads.filter((k) => !lk.keys.includes(k));
    l.lookupOut = true;
    if (l.hold) l.hold = probeSent(l.hold, `lookup:${lk.keys[0]}`);
    effects.push({ type: "lookup-conversations", by: lk.by, ids: lk.ids, keys: lk.keys, leases: take(1) });
  }
  for (const p of sends) {
    if (left < 1) break;
    const step = current(p);
    step.state = STEP.sending;
    step.attempts += 1;
    step.firstTryAt ??= now;
    step.nextAt = null;
    // X counts a send when it arrives, at the latest when its request times out: logged so until
    // its answer says when.
    step.xAt = now + s.timeoutMs;
    logSend(l.xlog, step.xAt);
    p.state = PROSPECT.sending;
    l.active[p.key] = true;
    const isProbe = l.hold !== null;
    if (isProbe) l.hold = probeSent(l.hold, p.key);
    changed.push(p.key);
    const index = p.steps.length - 1;
    effects.push({
      type: "send", key: p.key, step: index, api: p.api, idempotencyKey: index === 0 ? p.key : `${p.key}:${index}`,
      leases: take(1), probe: isProbe,
    });
  }
  const unused = take(left);
  const again = effects.length < checks.length + lookups.length + sends.length;
  let at = wakeAt;
  if (again && retryAt !== null && retryAt !== undefined) at = Math.min(at, Math.max(retryAt, now));
  else if (again) at = Math.min(at, now + s.guardMs);
  if (at !== Infinity) effects.push({ type: "set-alarm", at: Math.max(at, now) });
  return { ledger: l, effects, changed, unused };
}

/**
 * What a request's answer means. `effect` is what `start` returned, `result` the answer (see
 * states.js `Result`), `at` when it came. Returns { ledger, settle, changed }: what to tell the
 * team budget about the effect's leases, and the prospects whose record changed.
 */
export function finish(ledger, now, s, effect, result) {
  const l = ledger;
  const at = result.at ?? now;
  const failure = result.ok ? null : result.failure;
  const changed = [];
  let teamHold = null;
  let blockedUntil;
  // The hold: a probe that got through lifts it; one refused again waits for the next.
  const wasProbe = l.hold && (l.hold.probe === effect.key || l.hold.probe === `lookup:${effect.keys?.[0]}`);
  const onHold = (next) => {
    if (next.type === "hold") {
      if (next.failure.scope === "team") teamHold = next.failure;
      else l.hold = beginHold(l.hold, now, next.failure, s.holdProbeMs, l.sender);
      return true;
    }
    if (next.type === "wait") {
      if (next.scope === "sender") l.xHeldUntil = Math.max(l.xHeldUntil, next.until + s.guardMs);
      else blockedUntil = next.until;
      return true;
    }
    return false;
  };
  if (effect.type === "lookup-conversations") {
    l.lookupOut = false;
    if (result.ok) lookedUp(l, effect, result.found, changed);
    else {
      for (const key of effect.keys) {
        const p = l.prospects[key];
        if (p.conversation !== "looking") continue;
        p.conversation = effect.by === "contactId" ? "contact" : "unknown";
        if (p.conversation === "contact") l.toThreads.push(key);
      }
      if (effect.by !== "contactId") l.lookHead = Math.min(l.lookHead, l.order.indexOf(effect.keys[0]));
      const next = afterReadFailure(failure, 1, now, s);
      if (!onHold(next)) l.lookupAfter = next.at;
    }
  } else {
    const p = l.prospects[effect.key];
    const step = p.steps[effect.step];
    if (effect.type === "send") {
      // The log keeps the send at the moment its answer came; a refusal X never counted and a
      // replay (X has the DM from an earlier attempt) leave it; a request that got no answer
      // stays logged at its timeout.
      if (step.xAt !== null && result.answered !== false) {
        const i = l.xlog.indexOf(step.xAt);
        if (i >= 0) l.xlog.splice(i, 1);
        const counted = result.ok ? !result.replayed : failure.kind !== "rate_limited" && failure.scope !== "sender" && failure.scope !== "team";
        if (counted) logSend(l.xlog, at);
      }
      step.xAt = null;
      if (result.ok) sent(l, p, step, result, at);
      else {
        const next = afterSendFailure(failure, { api: p.api, attempts: step.attempts, key: effect.idempotencyKey }, now, s);
        step.error = failure;
        if (onHold(next)) {
          // Not an attempt: it waits behind the hold or the 429 as it was.
          step.attempts -= 1;
          Object.assign(step, { state: step.attempts === 0 ? STEP.due : STEP.retry, nextAt: next.type === "wait" ? next.until + s.guardMs : now });
          if (step.attempts === 0 && effect.step === 0) p.state = PROSPECT.queued;
        } else if (next.type === "check") {
          Object.assign(step, { state: STEP.checking, checkBy: next.by, nextAt: next.at, messageId: next.messageId, checks: 0 });
        } else if (next.type === "retry") {
          Object.assign(step, { state: STEP.retry, nextAt: next.at });
        } else {
          end(l, p, PROSPECT.failed, next.reason);
        }
      }
    } else {
      checked(l, p, step, effect, result, now, s, onHold);
    }
    changed.push(p.key);
  }
  if (wasProbe && result.ok) l.hold = null;
  else if (wasProbe && l.hold.probe !== null) l.hold = probeFailed(l.hold, now, s.holdProbeMs, false);
  const settle = effect.leases.map((seq) => ({ seq, at, rateLimit: result.rateLimit, blockedUntil, hold: teamHold }));
  return { ledger: l, settle, changed };
}

function sent(l, p, step, result, at) {
  Object.assign(step, { state: STEP.sent, messageId: result.messageId, threadId: result.threadId ?? null, sentAt: at, error: null, nextAt: null });
  end(l, p, PROSPECT.sent, null);
}

/** A check's answer: landed → sent; not landed → sent again (safe); unknown → check again or end unconfirmed. */
function checked(l, p, step, effect, result, now, s, onHold) {
  if (result.ok) {
    const found = effect.type === "find-sent" ? result.found : result.found && result.platformSent ? { messageId: step.messageId, threadId: result.threadId } : null;
    if (found) return sent(l, p, step, { messageId: found.messageId, threadId: found.threadId }, now);
    const absent = effect.type === "find-sent" ? true : !result.found;
    if (absent) {
      if (step.attempts >= s.maxAttempts) {
        return end(l, p, PROSPECT.failed, `Not sent after ${step.attempts} attempts (the Inbox API confirmed none of them landed).`);
      }
      return Object.assign(step, { state: STEP.retry, nextAt: now, checkBy: null });
    }
  } else if (onHold(afterReadFailure(result.failure, step.checks, now, s))) {
    step.checks -= 1;
    return Object.assign(step, { nextAt: now });
  }
  if (step.checks >= s.maxChecks) {
    const why = result.ok ? "the message still had no X id" : `checking failed (${result.failure.message ?? result.failure.kind})`;
    return end(l, p, PROSPECT.unconfirmed, `The send may have reached the prospect, and after ${step.checks} checks ${why}. Look at the thread before sending it again: it is never resent automatically.`);
  }
  return Object.assign(step, { nextAt: now + (effect.type === "find-sent" ? s.v1GraceMs : s.readWaitMs) });
}

/** A conversation lookup's answer, applied to the prospects it was about. */
function lookedUp(l, effect, found, changed) {
  effect.keys.forEach((key, i) => {
    const p = l.prospects[key];
    if (p.conversation !== "looking") return;
    const hit = found[effect.ids[i]] ?? null;
    if (effect.by === "platformId") {
      if (hit && hit.contactId) {
        p.contactId = hit.contactId;
        p.conversation = "contact";
        l.toThreads.push(key);
      } else p.conversation = "none";
      return;
    }
    if (hit && hit.messages > 0) {
      p.conversation = "found";
      p.conversationThreadId = hit.threadId;
      end(l, p, PROSPECT.skipped, "in_conversation");
      changed.push(key);
    } else p.conversation = "none";
  });
}

/** How many of this ledger's prospects wait behind its hold (0 when it is not held). */
export const heldCount = (ledger) => (ledger.hold ? ledger.order.length - ledger.head : 0);
