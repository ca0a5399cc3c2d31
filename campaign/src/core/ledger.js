// One sender's ledger as a state machine over plain data (sans-IO): its prospects, its X log,
// its hold and its conversation checks. The driver (the SenderLedger object, or the simulation)
// asks what it `wants`, gets leases from the team budget, `start`s them (the core records each
// intent and returns the requests to make), makes the requests and hands each answer to
// `finish`. Follow-ups wait in `waiting` (ordered by when they are due) and leave only inside the
// sending hours and after a fresh look at the events (`noteEvents`); a reply stops them
// (sequence.js). Nothing here reads a clock, storage, randomness or the network.
import { ENDED, PROSPECT, STEP } from "./states.js";
import { afterSent, fresh, onReply, stepKey } from "./sequence.js";
import { windowAt } from "./send-window.js";
import { beginHold, probeDue, probeFailed, probeSent, resumeHold } from "./holds.js";
import { afterReadFailure, afterSendFailure } from "./outcome.js";
import { logSend, slidingAvailable } from "./sender-limit.js";
import { longestSpan } from "./limits.js";

const LOOKUP_BATCH = 100; // the v2 reads take up to 100 ids
const LOOK_AHEAD = 50; // openers known to be clear kept ahead of the sends
// A prospect Inbox has a contact for waits for this sender's threads read, which batches up to
// 100 contacts: it goes when the batch is full, when nothing else is ready to send, or when the
// first contact in it has waited this long.
const CONTACT_WAIT_MS = 3_600_000;
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
 * @property {number} replyFreshnessMs  a follow-up leaves only after a look at the events at most this old
 */

/**
 * An empty ledger for `sender`. Beside its prospects (in `order`), X's log and its hold, it keeps
 * for sequences: `waiting` ([due, key, step] follow-ups, by due time), `threads` (thread id →
 * the prospects in it), `lookedAt` (the last look at the events it was given), `schedules`
 * (campaign → { sendWindow, jitterMs }), `windows` (each campaign's window as last read, until
 * it changes) and `sendAfter` (the jitter's wait); and `out`, the team leases of its requests
 * still out.
 */
export const emptyLedger = (sender) => ({
  sender, prospects: {}, order: [], head: 0, lookHead: 0, active: {}, toThreads: [], xlog: [], xHeldUntil: 0,
  hold: null, lookupOut: false, lookupAfter: 0, campaigns: {},
  waiting: [], threads: {}, lookedAt: null, schedules: {}, windows: {}, sendAfter: 0, out: [],
});

/**
 * Takes prospects in (a redelivery of one already here changes nothing). Returns the ledger
 * and each one's record as the ledger has it.
 * @param {object} ledger
 * @param {number} now
 * @param {{ campaign: string, index: number, api: "v2"|"v1", ifConversation?: "skip"|"send", platformId?: string|null, contactId?: string|null, followUps?: { afterMs: number }[] }[]} items
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
        afterMs: (it.followUps ?? []).map((f) => f.afterMs), threadId: null, reply: null, afterStep: null, repliedAt: null,
        steps: [newStep(now)],
      };
      l.order.push(key);
      l.schedules[it.campaign] ??= { sendWindow: null, jitterMs: 0 };
      if (l.prospects[key].conversation === "contact") l.toThreads.push(key);
    }
    records.push(l.prospects[key]);
  }
  return { ledger: l, records };
}

const newStep = (now) => ({ state: STEP.due, attempts: 0, checks: 0, nextAt: now, firstTryAt: null, checkBy: null, messageId: null, threadId: null, sentAt: null, createdAt: null, error: null, xAt: null });

/**
 * A campaign's sending hours in this ledger: `sendWindow` (this sender's: its override, else the
 * campaign's; null for always) and `jitterMs` (each send waits a random part of it after the last).
 * @param {object} ledger
 * @param {string} campaign
 * @param {{ sendWindow?: import("./send-window.js").SendWindow | null, jitterMs?: number }} schedule
 */
export function setSchedule(ledger, campaign, { sendWindow = null, jitterMs = 0 }) {
  ledger.schedules[campaign] = { sendWindow, jitterMs };
  delete ledger.windows[campaign];
  return ledger;
}

/** Whether `campaign`'s window is open at `now`, and until when (kept until that moment). */
function windowOf(l, campaign, now) {
  const window = l.schedules[campaign]?.sendWindow;
  if (!window) return { open: true, until: Infinity };
  const known = l.windows[campaign];
  if (known && now >= known.from && now < known.until) return known;
  const w = windowAt(window, now);
  l.windows[campaign] = { open: w.open, from: now, until: w.until };
  return l.windows[campaign];
}

/**
 * What a look at the events found: `lookedAt`, when the look's last page left (follow-ups may
 * go until it is `replyFreshnessMs` old), and the replies in it. A reply in a thread of this
 * ledger stops the prospect's later steps (a reply before its opener is none). Returns the
 * prospects whose record changed and the replies in threads this ledger does not know.
 * @param {object} ledger
 * @param {number} now
 * @param {{ lookedAt?: number|null, replies?: import("./replies.js").Reply[] }} events
 */
export function noteEvents(ledger, now, { lookedAt = null, replies = [] }) {
  const l = ledger;
  const changed = [];
  const unknown = [];
  for (const r of replies) {
    const keys = l.threads[r.threadId];
    if (keys === undefined) {
      unknown.push(r);
      continue;
    }
    // One thread may carry several prospects (campaigns to the same person from this sender).
    for (const key of keys) {
      const p = l.prospects[key];
      if (p.reply || r.at < (p.steps[0].createdAt ?? -Infinity)) continue;
      p.reply = { seq: r.seq, at: r.at, threadId: r.threadId };
      if (!ENDED.includes(p.state)) stopOnReply(l, p, now);
      changed.push(key);
    }
  }
  if (lookedAt !== null) l.lookedAt = Math.max(l.lookedAt ?? lookedAt, lookedAt);
  return { ledger: l, changed, unknown };
}

/** A reply is known and the prospect is open: stop its later steps, or check first (sequence.js). */
function stopOnReply(l, p, now) {
  const what = onReply(p);
  if (what === "stop") endReplied(l, p, p.steps.length - 2);
  else if (what === "check") {
    Object.assign(current(p), { state: STEP.checking, checkBy: "find-sent", nextAt: now, checks: 0 });
    l.active[p.key] = true;
  }
}

/** The prospect ends `replied`: the step after `afterStep` (and every later one) never goes. */
function endReplied(l, p, afterStep) {
  if (afterStep === p.steps.length - 1) p.steps.push(newStep(null));
  p.afterStep = afterStep;
  p.repliedAt = p.reply.at;
  end(l, p, PROSPECT.replied, null);
}

/** Keeps `waiting` ordered by due time: [at, key, step]. */
function wait(l, at, key, step) {
  let lo = 0;
  let hi = l.waiting.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l.waiting[mid][0] <= at) lo = mid + 1;
    else hi = mid;
  }
  l.waiting.splice(lo, 0, [at, key, step]);
}

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
    end(ledger, p, PROSPECT.cancelled, p.steps.length === 1 ? "The campaign was cancelled before this DM was sent." : `The campaign was cancelled before step ${p.steps.length - 1} was sent.`);
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
 * a lookup cut off is asked again; a probe cut off goes again. Returns the team leases its
 * requests held, to settle as ended without an answer.
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
  const cutOff = ledger.out;
  ledger.out = [];
  return cutOff;
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
 * lookups, then sends (retries first, then follow-ups as they fell due, then fresh openers in
 * order). A held sender has one probe. Sends go only inside their campaign's window, one per
 * run when it jitters and not before `sendAfter`; a follow-up only after a fresh look (`look`:
 * ask for one). Returns the lists and `wakeAt`, the earliest moment something else becomes possible.
 */
function select(l, now, s) {
  const checks = [];
  const sends = [];
  let wakeAt = Infinity;
  let look = false;
  const x = xAvailable(l, now, s);
  const held = l.hold !== null;
  // A held sender sends nothing but its probe: one request when it is due.
  if (held && !probeDue(l.hold, now)) return { checks, lookups: [], sends, look, wakeAt: l.hold.probe === null ? l.hold.nextProbeAt : Infinity };
  const limit = held ? 1 : s.perRun;
  let room = Math.min(limit, x.available);
  if (x.available === 0 && x.retryAt !== null) wakeAt = Math.min(wakeAt, x.retryAt);
  // Every campaign here outside its hours: nothing is sent until the first opens.
  const campaigns = Object.keys(l.schedules);
  if (campaigns.length > 0 && campaigns.every((c) => !windowOf(l, c, now).open)) {
    room = 0;
    wakeAt = Math.min(wakeAt, ...campaigns.map((c) => windowOf(l, c, now).until));
  }
  if (campaigns.some((c) => l.schedules[c].jitterMs > 0)) room = Math.min(room, 1);
  if (now < l.sendAfter) {
    room = 0;
    wakeAt = Math.min(wakeAt, l.sendAfter);
  }
  /** Whether step `index` of `p` may leave now: "go", or what stops it. */
  const gate = (p, index) => {
    const w = windowOf(l, p.campaign, now);
    if (!w.open) {
      wakeAt = Math.min(wakeAt, w.until);
      return "closed";
    }
    if (index === 0) return "go";
    const f = fresh(l.lookedAt, now, s.replyFreshnessMs);
    look ||= f.look;
    return f.go ? "go" : "stale";
  };
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
    } else if (sends.length < room && gate(p, p.steps.length - 1) === "go") sends.push(p);
  }
  // Follow-ups, as they fell due (entries of prospects that moved on are dropped).
  for (let i = 0, seen = 0; i < l.waiting.length && seen < SCAN; i += 1) {
    const [at, key, index] = l.waiting[i];
    if (at > now) {
      wakeAt = Math.min(wakeAt, at);
      break;
    }
    const p = l.prospects[key];
    if (ENDED.includes(p.state) || p.steps.length - 1 !== index || current(p).state !== STEP.due || l.active[key]) {
      l.waiting.splice(i, 1);
      i -= 1;
      continue;
    }
    seen += 1;
    if (!running(l, p)) continue;
    if (sends.length >= room) break;
    const g = gate(p, index);
    if (g === "stale") break;
    if (g === "go") sends.push(p);
  }
  // Fresh openers, in order: each needs its conversation known to be none. One with a contact
  // waits for the threads read and lets those behind it go; one not looked up yet stops the scan.
  let blockedBy = null;
  let ready = 0;
  for (let i = l.head, seen = 0; i < l.order.length && seen < SCAN; i += 1, seen += 1) {
    const p = l.prospects[l.order[i]];
    if (p.state !== PROSPECT.queued || l.active[p.key]) {
      if (i === l.head && (ENDED.includes(p.state) || l.active[p.key] || p.state === PROSPECT.sending)) l.head += 1;
      continue;
    }
    if (!running(l, p) || p.conversation === "contact") continue;
    if (p.conversation !== "none") {
      blockedBy = p;
      break;
    }
    ready += 1;
    if (sends.length < room && gate(p, 0) === "go") sends.push(p);
    else if (sends.length >= room && ready >= LOOK_AHEAD) break;
  }
  const lookups = checks.length + sends.length >= limit ? [] : planLookups(l, now, { ready, blockedBy, sending: room > 0 });
  if (lookups.length === 0 && l.lookupAfter > now && (blockedBy || l.toThreads.length > 0)) wakeAt = Math.min(wakeAt, l.lookupAfter);
  const total = checks.length + lookups.length + sends.length;
  const over = total - limit;
  if (over > 0) sends.splice(Math.max(0, sends.length - over));
  return { checks, lookups, sends, look, wakeAt };
}

const unknown = (p) => p.conversation === "unknown" && p.state === PROSPECT.queued;

/**
 * The conversation reads due now, at most one out at a time: this sender's threads with the
 * contacts found (see CONTACT_WAIT_MS), else the contacts of the next prospects in order while
 * fewer than LOOK_AHEAD openers are known to be clear. `ready`: openers clear and queued;
 * `blockedBy`: the first not looked up; `sending`: whether this sender may send now.
 */
function planLookups(l, now, { ready, blockedBy, sending }) {
  if (l.lookupOut || now < l.lookupAfter) return [];
  if (l.toThreads.length > 0) {
    const since = Math.min(...l.toThreads.map((k) => l.prospects[k].contactAt ?? 0));
    if (l.toThreads.length >= LOOKUP_BATCH || (ready === 0 && blockedBy === null) || (sending && now >= since + CONTACT_WAIT_MS)) {
      const keys = l.toThreads.slice(0, LOOKUP_BATCH);
      return [{ by: "contactId", keys, ids: keys.map((k) => l.prospects[k].contactId) }];
    }
  }
  if (ready >= LOOK_AHEAD) return [];
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
  return keys.length === 0 ? [] : [{ by, keys, ids: keys.map((k) => l.prospects[k].platformId) }];
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
 * team budget said to ask again for the rest; `random`: a number in [0, 1) the driver drew for
 * this run (the jitter before the next send). Returns { ledger, effects, changed, unused }: the
 * requests to make, a `read-events` when follow-ups want a fresher look, and a `set-alarm`; the
 * prospects whose record changed; and the leases left unused (settle them at once).
 */
export function start(ledger, now, s, { granted, first, retryAt, random = 0.5 }) {
  const l = ledger;
  const { checks, lookups, sends, look, wakeAt } = select(l, now, s);
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
  const lease = (n) => {
    const leases = take(n);
    l.out.push(...leases);
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
      ? { type: "find-sent", key: p.key, step: p.steps.length - 1, since: step.firstTryAt ?? now, leases: lease(size) }
      : { type: "read-message", key: p.key, step: p.steps.length - 1, messageId: step.messageId, leases: lease(size) });
  }
  for (const lk of lookups) {
    if (left < 1) break;
    for (const key of lk.keys) l.prospects[key].conversation = "looking";
    if (lk.by === "contactId") l.toThreads = l.toThreads.filter((k) => !lk.keys.includes(k));
    l.lookupOut = true;
    if (l.hold) l.hold = probeSent(l.hold, `lookup:${lk.keys[0]}`);
    effects.push({ type: "lookup-conversations", by: lk.by, ids: lk.ids, keys: lk.keys, leases: lease(1) });
  }
  for (const p of sends) {
    if (left < 1) break;
    const step = current(p);
    const index = p.steps.length - 1;
    const waited = index > 0 && !l.active[p.key] ? l.waiting.findIndex((e) => e[1] === p.key) : -1;
    if (waited >= 0) l.waiting.splice(waited, 1);
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
    effects.push({ type: "send", key: p.key, step: index, api: p.api, idempotencyKey: stepKey(p.key, index), leases: lease(1), probe: isProbe });
    const jitterMs = l.schedules[p.campaign]?.jitterMs ?? 0;
    // Jittered: the next send of this sender waits a random part of `jitterMs` (run again then).
    if (jitterMs > 0) l.sendAfter = now + Math.floor(random * jitterMs);
  }
  const unused = take(left);
  const again = effects.length < checks.length + lookups.length + sends.length;
  if (look) effects.push({ type: "read-events" });
  let at = l.sendAfter > now ? Math.min(wakeAt, l.sendAfter) : wakeAt;
  if (again && retryAt !== null && retryAt !== undefined) at = Math.min(at, Math.max(retryAt, now));
  else if (again) at = Math.min(at, now + s.guardMs);
  if (at !== Infinity) effects.push({ type: "set-alarm", at: Math.max(at, now) });
  return { ledger: l, effects, changed, unused };
}

/**
 * What a request's answer means. `effect` is what `start` returned, `result` the answer (see
 * states.js `Result`), `at` when it came. Returns { ledger, settle, changed, threads }: what to
 * tell the team budget about the effect's leases, the prospects whose record changed, and the
 * threads this ledger learned (replies held for them are to be claimed: replies.js).
 */
export function finish(ledger, now, s, effect, result) {
  const l = ledger;
  const at = result.at ?? now;
  const failure = result.ok ? null : result.failure;
  l.out = l.out.filter((seq) => !effect.leases.includes(seq));
  const changed = [];
  const threads = [];
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
    if (result.ok) lookedUp(l, now, effect, result.found, changed);
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
    const knew = p.threadId;
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
    if (p.reply && !ENDED.includes(p.state)) stopOnReply(l, p, now);
    if (p.threadId !== knew) threads.push(p.threadId);
    changed.push(p.key);
  }
  if (wasProbe && result.ok) l.hold = null;
  else if (wasProbe && l.hold.probe !== null) l.hold = probeFailed(l.hold, now, s.holdProbeMs, false);
  const settle = effect.leases.map((seq) => ({ seq, at, rateLimit: result.rateLimit, blockedUntil, hold: teamHold }));
  return { ledger: l, settle, changed, threads };
}

/** A step sent: the prospect's next step waits for its time, or the sequence ends (sequence.js). */
function sent(l, p, step, result, at) {
  const createdAt = result.createdAt ?? at;
  Object.assign(step, { state: STEP.sent, messageId: result.messageId, threadId: result.threadId ?? null, sentAt: at, createdAt, error: null, nextAt: null });
  if (step.threadId) {
    p.threadId ??= step.threadId;
    const keys = (l.threads[step.threadId] ??= []);
    if (!keys.includes(p.key)) keys.push(p.key);
  }
  const index = p.steps.length - 1;
  const next = afterSent(p, index, createdAt);
  if (next.type === "end") return next.state === PROSPECT.replied ? endReplied(l, p, index) : end(l, p, PROSPECT.sent, null);
  p.steps.push(newStep(next.at));
  delete l.active[p.key];
  wait(l, next.at, p.key, index + 1);
  return undefined;
}

/** A check's answer: landed → sent; not landed → sent again (safe); unknown → check again or end unconfirmed. */
function checked(l, p, step, effect, result, now, s, onHold) {
  if (result.ok) {
    const found = effect.type === "find-sent" ? result.found : result.found && result.platformSent ? { messageId: step.messageId, threadId: result.threadId } : null;
    if (found) return sent(l, p, step, { messageId: found.messageId, threadId: found.threadId, createdAt: found.createdAt }, now);
    const absent = effect.type === "find-sent" ? true : !result.found;
    if (absent && p.reply && effect.step > 0) return endReplied(l, p, effect.step - 1);
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
function lookedUp(l, now, effect, found, changed) {
  effect.keys.forEach((key, i) => {
    const p = l.prospects[key];
    if (p.conversation !== "looking") return;
    const hit = found[effect.ids[i]] ?? null;
    if (effect.by === "platformId") {
      if (hit && hit.contactId) {
        p.contactId = hit.contactId;
        p.contactAt = now;
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
