// The team budget (one Inbox API token) as plain data: pure functions, no clock, no storage.
// The TeamBudget object passes `now` in and persists the state it gets back.
//
// It follows what the Inbox API reports: every answer's X-RateLimit-Remaining / -Reset, and
// 429s. It never grants more than the API said remains (minus what was granted since, and what
// was in flight when that answer's request left), it asks with one request when it does not
// know where the API's window stands, it spreads a window's budget over the window, and it holds
// at most the in-flight bound (Little's law, below the ceiling) out at once. A failure about the
// team (the token refused, the plan) holds every sender until a probe gets through.
import { beginHold, probeDue, probeFailed, probeSent, resumeHold } from "./holds.js";
import { inFlightBound, observeLatency } from "./in-flight.js";

// State (JSON, kept in the TeamBudget object's storage):
//   seq        grants made so far (each grant is a lease numbered by it)
//   leases     [[seq, grantedAt]] granted and not settled yet
//   known      what the API said about its current window (null = not known):
//                remaining  the fewest remaining any answer reported (the API counts down one
//                           per request, so the fewest came last; every answered request is in it)
//                end        the latest the window can end; resetAt, limit as reported
//                over       when it has surely ended by this budget's own clock: the reset plus
//                           the guard (the API's clock may differ from ours), or sooner, an
//                           answer's settling plus the window's length (the request was
//                           counted before it was settled, so no clock but ours is involved)
//                unknown    when each request that ended without an answer was granted: it
//                           may have been counted after the fewest remaining, until an answer
//                           to a request granted a lease later (counted after it) covers it
//                covered    how many of those were covered so
//                reported   our answers in this window
//                windowMs   the window's configured length (null: a limit not configured)
//                spent, spentAt         what other clients had spent, as of a request's lease
//                ref        { spent, at } the start of the stretch their pace is measured over
//                since      { spent, at } the end of the first stretch measured (null: none yet)
//                rate       their pace over the last stretch, or since the first stretch ended
//                           when that was higher (per ms; null: not measured yet)
//                rateSpan   the time that pace was measured over
//                prior      what other clients spent in the window before (null: unknown)
//                fromStart  seen from its start: what it reports as spent is all theirs
//   epoch      requests granted before this time belong to an earlier window's accounting
//              (their unanswered ends and lapses are not charged to the current one)
//   lastReset  the reset time of the last window this budget is done with: an answer is
//              placed in a window by the reset time it reports, so one that names this or an
//              earlier reset is about a window already over, and one that names a later reset
//              counts in that later window even when its request left before it began
//   prior      { spent, end } other clients' spending in the last window that ended
//   nextAt     pacing: when the next grant may be made
//   promised   the latest time a waiting asker was told to come back (askers are staggered)
//   told       [[asker, time]] the time each asker was told, while that is ahead (an asker
//              that asks again before it keeps its turn instead of pushing everyone's out)
//   blockedUntil  a team 429 said nothing may go before this
//   latencyMs  the observed latency of a request (lease to answer)
//   hold       a failure about the team (Hold, see states.js), or null

/** A fresh team budget: nothing known, nothing out. */
export const emptyTeam = () => ({
  seq: 0, leases: [], known: null, epoch: 0, lastReset: 0, prior: null, nextAt: 0, promised: 0, told: [], blockedUntil: 0, latencyMs: null, hold: null,
});

/**
 * The state at `now`: leases older than `leaseMs` (their holder died) dropped, and the window
 * forgotten once it ended (plus the guard), so the next grant asks where the new one stands.
 */
function current(state, now, { guardMs, leaseMs }) {
  const s = { ...emptyTeam(), ...state };
  const lapsed = s.leases.filter(([, at]) => now >= at + leaseMs && mayCount(s, at, guardMs)).map(([, at]) => at);
  s.leases = s.leases.filter(([, at]) => now < at + leaseMs);
  // The turns still ahead, a fresh list (grant adds to it); kept by an earlier version as an object.
  s.told = (Array.isArray(s.told) ? s.told : Object.entries(s.told)).filter(([, at]) => at > now);
  // A window kept by an earlier version: a count of unanswered requests, nothing covered yet.
  if (s.known && typeof s.known.unknown === "number") s.known = { covered: 0, since: null, ...s.known, unknown: Array(s.known.unknown).fill(now) };
  if (s.known && s.known.over === undefined) s.known = { ...s.known, over: s.known.end + guardMs };
  if (s.known && lapsed.length > 0) s.known = { ...s.known, unknown: [...s.known.unknown, ...lapsed] };
  if (s.known && now >= s.known.over) {
    s.epoch = Math.max(s.epoch, s.known.over);
    s.lastReset = Math.max(s.lastReset, s.known.resetAt ?? 0);
    s.prior = s.known.fromStart ? { spent: s.known.spent + ours(s.known), end: s.known.end } : null;
    s.known = null;
  }
  return s;
}

/**
 * Our requests in the known window that ended without an answer: counted or not, nobody knows.
 * What others spent in a whole window is taken as the most it may be: beyond our answered
 * requests, these too (they may have been counted after the fewest remaining).
 */
const ours = (k) => k.unknown.length + k.covered;

/**
 * Our requests likely counted before one granted at `grantedAt` and not answered: those still
 * out or ended without an answer that were granted before it, and those ended without an
 * answer that a later answer covers (counted, if at all, before it).
 */
const countedBefore = (s, k, grantedAt) =>
  s.leases.filter(([, g]) => g < grantedAt).length + k.unknown.filter((g) => g < grantedAt).length + k.covered;

/**
 * Whether a request granted at `grantedAt` that ended without an answer may have been counted in
 * the known window: granted in it (less the guard), or since the epoch when its length is not
 * configured. A 429 restarts the accounting mid-window, and what was out then still counts.
 */
const mayCount = (s, grantedAt, guardMs) =>
  s.known !== null && (s.known.windowMs ? grantedAt >= s.known.end - s.known.windowMs - guardMs : grantedAt >= s.epoch);

/**
 * What other clients will still spend in the known window: the larger of what they spent in the
 * window before (less what they spent of it already) and their latest pace (measured over the
 * last stretch of at least a twentieth of the window) until its end. Not measured from the
 * window's start: a client that spends in a burst at the start would otherwise look as if it
 * spent at that pace all window. Null while neither is known.
 */
function othersToCome(k) {
  if (!k.windowMs) return 0;
  // A pace read from whole counts over a span may fall short by up to one count per span: that
  // much more is kept for the time ahead (at most one).
  const ahead = Math.max(0, k.end - k.spentAt);
  const byRate = k.rate === null ? null : k.rate * ahead + (k.rateSpan ? Math.min(1, ahead / k.rateSpan) : 1);
  const byPrior = k.prior === null ? null : Math.max(0, k.prior - k.spent);
  if (byRate === null && byPrior === null) return null;
  return Math.ceil(Math.max(byRate ?? 0, byPrior ?? 0) - 1e-9);
}

/**
 * What may still go in the known window: the fewest remaining reported, less what is out (it
 * may not have been counted yet), what ended without an answer, and what other clients will
 * spend by the window's end. Null while what they will spend is not known yet.
 */
function leftNow(known, out) {
  const others = othersToCome(known);
  const left = known.remaining - out - known.unknown.length;
  return others === null ? { left, sure: false } : { left: left - others, sure: true };
}

/**
 * Tells a waiting asker when to come back: `at` or later, not the moment another was told, but
 * never after `latest` (the window's last slot: its credit is not left unspent). An asker that
 * asks again before its turn keeps that turn.
 */
function staggered(s, now, at, stepMs, latest, asker) {
  const mine = asker === null ? -1 : s.told.findIndex(([who]) => who === asker);
  const turn = mine < 0 ? undefined : s.told[mine][1];
  if (turn !== undefined && turn > now && turn <= latest) return turn;
  const when = Math.max(at, Math.min(s.promised, latest));
  s.promised = when + stepMs;
  if (mine >= 0) s.told.splice(mine, 1);
  if (asker !== null) s.told.push([asker, when]);
  return when;
}

/**
 * Grants up to `wanted` requests now. Returns { state, granted, first, retryAt }: the leases
 * are numbered first … first + granted - 1 (settle each with `settle`), and `retryAt` says when
 * to ask again for the rest (null when everything was granted).
 *
 * `opts`: { maxInFlight, guardMs, leaseMs, holdProbeMs?, latencyMs? }. While a window is not
 * known (or what other clients spend of it) it grants one call at a time (a probe: `probeSize`
 * requests, 1 for a send, 2 for a findSent check); with a known window it grants what remains,
 * spread evenly until the window's last `guardMs`, with at most the in-flight bound out (the
 * rate it spreads at times the observed latency, with headroom; `maxInFlight` the ceiling).
 * While the team is held, one call goes every `holdProbeMs`. `asker`: who asks (a sender), so
 * that asking again before the time it was told does not move the others' turns.
 * @returns {{ state: object, granted: number, first: number, retryAt: number | null, probe: boolean }}
 */
export function grant(state, now, wanted, opts, probeSize = 1, asker = null) {
  const s = current(state, now, opts);
  const { maxInFlight, guardMs } = opts;
  const step = Math.max(1, Math.round(guardMs / 20));
  // `granted` leases now; the rest may be asked for again at `at` (staggered by `stepMs`; `turn`:
  // the asker keeps the turn it was told when it asks again before it).
  const result = (granted, at, stepMs = step, latest = Infinity, turn = false) => {
    const first = s.seq + 1;
    for (let k = 0; k < granted; k += 1) s.leases.push([s.seq + 1 + k, now]);
    s.seq += granted;
    return { state: s, granted, first, retryAt: granted < wanted ? staggered(s, now, at, stepMs, latest, turn ? asker : null) : null, probe: false };
  };
  if (wanted <= 0) return result(0, now);
  if (now < s.blockedUntil) return result(0, s.blockedUntil);
  if (s.hold) {
    if (!probeDue(s.hold, now)) return result(0, s.hold.probe === null ? s.hold.nextProbeAt : now + guardMs);
    const r = result(Math.min(wanted, probeSize), now + guardMs);
    s.hold = probeSent(s.hold, r.first);
    return { ...r, probe: true };
  }
  const probing = s.leases.some(([, at]) => at >= s.epoch);
  const view = s.known ? leftNow(s.known, s.leases.length) : null;
  if (view && now >= s.known.end - guardMs) return result(0, s.known.over);
  if (!view || !view.sure) {
    const room = maxInFlight - s.leases.length;
    const may = view ? Math.min(probeSize, view.left) : probeSize;
    return result(probing || room <= 0 || may < probeSize ? 0 : Math.min(wanted, probeSize), now + step, step, Infinity, true);
  }
  const { left } = view;
  const stopAt = s.known.end - guardMs;
  if (left <= 0) {
    // Kept for other clients at their last pace: while what remains has room, one request now
    // and then measures it again (a burst that ended), and askers come back for that moment.
    const k = s.known;
    const measurable = k.rate !== null && k.remaining - s.leases.length - k.unknown.length >= 2;
    const measureAt = measurable ? k.ref.at + k.windowMs / 20 : Infinity;
    if (measurable && !probing && now >= measureAt) return result(Math.min(wanted, 1), now + step);
    return result(0, measurable ? Math.max(measureAt, now + step) : k.over);
  }
  // The slots fall evenly before stopAt, the last one an interval ahead of it.
  const interval = (stopAt - now) / (left + 1);
  const bound = inFlightBound(1 / interval, s.latencyMs ?? opts.latencyMs ?? 1_000, maxInFlight);
  const room = bound - s.leases.length;
  const base = Math.max(s.nextAt, now - (bound - 1) * interval);
  const credit = now >= base ? 1 + Math.floor((now - base) / interval) : 0;
  const granted = Math.max(0, Math.min(wanted, left, room, credit));
  s.nextAt = base + granted * interval;
  const latest = Math.max(now, stopAt - 1);
  // Out of room: ask again a step later (even past the last slot: then the answer is the next
  // window); otherwise at the next slot, never after the last one.
  if (room - granted <= 0) return result(granted, now + step, step, Infinity, true);
  const next = Math.min(Math.max(s.nextAt, now), latest);
  return result(granted, granted === 0 && next <= now ? now + step : next, Math.max(step, interval), latest, true);
}

/**
 * What happened to granted requests: [{ seq, at, rateLimit?, blockedUntil?, hold? }] — `at`
 * when the answer came, `rateLimit` the answer's { limit, remaining, resetAt } (resetAt in Unix
 * ms), `blockedUntil` when a team 429 said to come back, `hold` the failure when it was about
 * the team (the token refused, the plan), `unused` a lease granted and not used (it just ends). A lease settled without a `rateLimit` (a timeout, a
 * dropped connection, a sender that died) just ends.
 *
 * `opts`: { guardMs, leaseMs, windows, holdProbeMs } — `windows` the configured team limits: an
 * answer counted in a window of `windowMs` that came at `at` says that window ends by
 * `at + windowMs`, a tighter bound than X-RateLimit-Reset's whole seconds.
 */
export function settle(state, now, outcomes, opts) {
  const s = current(state, now, opts);
  for (const { seq, at, rateLimit, blockedUntil, hold, unused } of outcomes) {
    const i = s.leases.findIndex(([n]) => n === seq);
    const lease = i >= 0 ? s.leases.splice(i, 1)[0] : null;
    if (unused) continue;
    if (lease) s.latencyMs = observeLatency(s.latencyMs, Math.max(0, at - lease[1]));
    const answered = Boolean(rateLimit) || Boolean(blockedUntil);
    if (hold) s.hold = beginHold(s.hold, now, hold, opts.holdProbeMs);
    else if (s.hold && s.hold.probe === seq) s.hold = answered ? null : probeFailed(s.hold, now, opts.holdProbeMs, false);
    if (blockedUntil) {
      s.blockedUntil = Math.max(s.blockedUntil, blockedUntil + opts.guardMs);
      if (lease && s.known && roomIn(s.known, rateLimit)) {
        // A refusal that reports room in the known window is not about its count (a burst
        // limit, a hiccup): the window's accounting stands, and this request may have counted.
        s.known = { ...s.known, unknown: [...s.known.unknown, lease[1]] };
        continue;
      }
      s.known = null;
      s.epoch = Math.max(s.epoch, now);
      // The refused window resets by blockedUntil: answers naming it or earlier are stale.
      s.lastReset = Math.max(s.lastReset, blockedUntil);
      continue;
    }
    if (!lease) continue;
    const [, grantedAt] = lease;
    if (now < s.blockedUntil && !s.known) continue;
    if (!rateLimit || !Number.isFinite(rateLimit.remaining) || !Number.isFinite(rateLimit.resetAt)) {
      if (s.known && mayCount(s, grantedAt, opts.guardMs)) s.known = { ...s.known, unknown: [...s.known.unknown, grantedAt] };
      continue;
    }
    if (rateLimit.resetAt <= s.lastReset) continue; // about a window already over
    if (s.known && s.known.limit === rateLimit.limit) {
      if (rateLimit.resetAt < s.known.resetAt) continue; // about an earlier window
      if (rateLimit.resetAt > s.known.resetAt) {
        // A later window began before the known one was thought over: start from this answer.
        s.lastReset = s.known.resetAt;
        s.epoch = Math.max(s.epoch, grantedAt);
        s.prior = s.known.fromStart ? { spent: s.known.spent + ours(s.known), end: s.known.end } : null;
        s.known = null;
      }
    }
    const windowMs = opts.windows?.find((w) => w.limit === rateLimit.limit)?.windowMs ?? null;
    const end = Math.min(rateLimit.resetAt, windowMs ? at + windowMs : Infinity);
    const over = Math.min(rateLimit.resetAt + opts.guardMs, windowMs ? now + windowMs : Infinity);
    const fresh = !s.known;
    const k = s.known ?? { remaining: Infinity, end, over, unknown: [], covered: 0, reported: 0 };
    const known = {
      ...k, limit: rateLimit.limit, resetAt: Math.max(k.resetAt ?? 0, rateLimit.resetAt), windowMs,
      remaining: Math.min(k.remaining, rateLimit.remaining), end: Math.min(k.end, end), over: Math.max(Math.min(k.over, over), Math.min(k.end, end)), reported: k.reported + 1,
      // Counted after every request that could still reach the API a lease before it was granted.
      unknown: k.unknown.filter((at) => at + opts.leaseMs > grantedAt),
    };
    known.covered = k.covered + k.unknown.length - known.unknown.length;
    // Other clients on the token: what this window used beyond our answered requests (all
    // counted by the fewest remaining) and those of ours likely counted before this one. The
    // API counted this request between its lease and its answer; the lease's time is the bound
    // that makes their pace the higher.
    known.spent = Math.max(k.spent ?? 0, rateLimit.limit - known.remaining - known.reported - countedBefore(s, known, grantedAt));
    known.spentAt = Math.max(k.spentAt ?? grantedAt, grantedAt);
    if (!fresh && windowMs && known.spentAt - k.ref.at >= windowMs / 20) {
      // The last stretch's pace, but never less than the pace since the first stretch (which may
      // hold a burst at the window's start): our own requests counted and not yet answered hide
      // their spending for a stretch, not for longer.
      const stretch = (known.spent - k.ref.spent) / (known.spentAt - k.ref.at);
      const { since } = k;
      const long = since && known.spentAt > since.at ? { rate: (known.spent - since.spent) / (known.spentAt - since.at), span: known.spentAt - since.at } : null;
      [known.rate, known.rateSpan] = long && long.rate >= stretch ? [long.rate, long.span] : [stretch, known.spentAt - k.ref.at];
      known.ref = { spent: known.spent, at: known.spentAt };
      known.since = since ?? known.ref;
    }
    if (fresh) {
      known.ref = { spent: known.spent, at: grantedAt };
      known.since = null;
      known.rate = null;
      // The window before says what they spend in a whole window, when this one is seen from its
      // start (just after it: what they spent then is theirs, not ours).
      const start = known.end - (windowMs ?? 0);
      known.fromStart = Boolean(windowMs) && grantedAt - start <= windowMs / 20;
      known.prior = s.prior && known.fromStart && start <= s.prior.end + windowMs ? s.prior.spent : null;
      s.nextAt = now;
      s.promised = Math.min(s.promised, now);
    }
    s.known = known;
  }
  return s;
}

/** Whether an answer names the known window and reports requests left in it. */
const roomIn = (k, rateLimit) =>
  Boolean(rateLimit) && rateLimit.limit === k.limit && rateLimit.resetAt === k.resetAt && rateLimit.remaining > 0;

/** The team is held no more for now: a resume probes at once. */
export const resumeTeam = (state, now) => ({ ...emptyTeam(), ...state, hold: resumeHold(state?.hold ?? null, now) });

/** What the team budget looks like at `now`: what is out, what is known to remain, any hold. */
export function teamView(state, now, opts) {
  const s = current(state, now, opts);
  const view = s.known ? leftNow(s.known, s.leases.length) : null;
  return {
    inFlight: s.leases.length,
    known: s.known ? { remaining: Math.max(0, view.left), endsAt: s.known.end } : null,
    blockedUntil: s.blockedUntil > now ? s.blockedUntil : null,
    hold: s.hold,
  };
}
