// Rate budgets as plain data. Pure functions, no clock, no storage: the Durable Objects pass
// `now` in and persist the state they get back (test/budget.test.mjs runs them natively).
//
// - The team budget (`grant`, `settle`) follows what the Inbox API reports: every answer's
//   X-RateLimit-Remaining / -Reset, and 429s. It never grants more than the API said remains
//   (minus what was granted since, and what was in flight when that answer's request left), it
//   asks with one request when it does not know where the API's window stands, it spreads a
//   window's budget over the window, and it holds at most `maxInFlight` requests out at once.
// - X's per-sender limit (`slidingAvailable`) is a sliding log of send times: no interval of a
//   window's length (plus the guard) holds more than its limit, however X counts.

/**
 * Parses "300/60s,10000/3600s" (units ms, s, m, h, d; none = ms) into [{ limit, windowMs }].
 * Throws an Error naming the bad entry.
 */
export function parseLimits(text, name = "limits") {
  const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, "": 1 };
  const windows = String(text ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(part);
      const limit = match ? Number(match[1]) : NaN;
      const windowMs = match ? Math.round(Number(match[2]) * units[match[3] ?? ""]) : NaN;
      if (!(limit >= 1) || !(windowMs >= 1)) {
        throw new Error(`${name}: "${part}" is not COUNT/WINDOW (for example "300/60s")`);
      }
      return { limit, windowMs };
    });
  if (windows.length === 0) throw new Error(`${name}: at least one COUNT/WINDOW is needed`);
  return windows;
}

/** Requests per millisecond the tightest of `windows` allows (for ETAs and the floor). */
export const tightestRate = (windows) => Math.min(...windows.map((w) => w.limit / w.windowMs));

// --- The team budget ----------------------------------------------------------------------
//
// State (JSON, kept in the TeamBudget object's storage):
//   seq        grants made so far (each grant is a lease numbered by it)
//   leases     [[seq, grantedAt]] granted and not settled yet
//   known      { remaining, end, unknown, reported, others, othersAt } what the API said about
//              its current window: the fewest remaining any answer reported (every answered
//              request is counted in it: the API counts down one per request, so the fewest
//              came last), the latest the window can end, how many requests settled since
//              without an answer (they may have been counted after it), how many answers it
//              has, and the rate (per ms, as of othersAt) at which other clients spend it;
//              null = not known
//   epoch      requests granted before this time belong to an earlier window's accounting
//              (their unanswered ends and lapses are not charged to the current one)
//   lastReset  the reset time of the last window this budget is done with: an answer is
//              placed in a window by the reset time it reports, so one that names this or an
//              earlier reset is about a window already over, and one that names a later reset
//              counts in that later window even when its request left before it began
//   nextAt     pacing: when the next grant may be made
//   promised   the latest time a waiting asker was told to come back (askers are staggered)
//   blockedUntil  a team 429 said nothing may go before this

/** A fresh team budget: nothing known, nothing out. */
export const emptyTeam = () => ({ seq: 0, leases: [], known: null, epoch: 0, lastReset: 0, nextAt: 0, promised: 0, blockedUntil: 0 });

/**
 * The state at `now`: leases older than `leaseMs` (their holder died) dropped, and the window
 * forgotten once it ended (plus the guard), so the next grant asks where the new one stands.
 */
function current(state, now, { guardMs, leaseMs }) {
  const s = { ...emptyTeam(), ...state };
  const lapsed = s.leases.filter(([, at]) => now >= at + leaseMs && at >= s.epoch).length;
  s.leases = s.leases.filter(([, at]) => now < at + leaseMs);
  if (s.known && lapsed > 0) s.known = { ...s.known, unknown: s.known.unknown + lapsed };
  if (s.known && now >= s.known.end + guardMs) {
    s.epoch = Math.max(s.epoch, s.known.end + guardMs);
    s.lastReset = Math.max(s.lastReset, s.known.resetAt ?? 0);
    s.known = null;
  }
  return s;
}

/**
 * What may still go in the known window: the fewest remaining reported, less what is out (it
 * may not have been counted yet), what ended without an answer, and what other clients will
 * spend by the window's end at the rate they spent so far.
 */
function leftNow(known, out) {
  const others = Math.ceil((known.others ?? 0) * Math.max(0, known.end - (known.othersAt ?? known.end)) - 1e-9);
  return known.remaining - out - known.unknown - others;
}

/**
 * Tells a waiting asker when to come back: `at` or later, not the moment another was told, but
 * never after `latest` (the window's last slot: its credit is not left unspent).
 */
function staggered(s, at, stepMs, latest = Infinity) {
  const when = Math.max(at, Math.min(s.promised, latest));
  s.promised = when + stepMs;
  return when;
}

/**
 * Grants up to `wanted` requests now. Returns { state, granted, first, retryAt }: the leases
 * are numbered first … first + granted - 1 (settle each with `settle`), and `retryAt` says when
 * to ask again for the rest (null when everything was granted).
 *
 * `opts`: { maxInFlight, guardMs, leaseMs }. With nothing known it grants one call (a probe:
 * `probeSize` requests, 1 for a send, 2 for a findSent check) unless one is already out; with a known window it grants what remains, spread evenly until
 * the window's last `guardMs` (at most `maxInFlight` at once, counting what is out).
 */
export function grant(state, now, wanted, opts, probeSize = 1) {
  const s = current(state, now, opts);
  const { maxInFlight, guardMs } = opts;
  const step = Math.max(1, Math.round(guardMs / 20));
  // `granted` leases now; the rest may be asked for again at `at` (staggered by `stepMs`).
  const result = (granted, at, stepMs = step, latest = Infinity) => {
    const first = s.seq + 1;
    for (let k = 0; k < granted; k += 1) s.leases.push([s.seq + 1 + k, now]);
    s.seq += granted;
    return { state: s, granted, first, retryAt: granted < wanted ? staggered(s, at, stepMs, latest) : null };
  };
  if (wanted <= 0) return result(0, now);
  if (now < s.blockedUntil) return result(0, s.blockedUntil);
  const room = maxInFlight - s.leases.length;
  if (!s.known) {
    const probing = s.leases.some(([, at]) => at >= s.epoch);
    return result(probing || room <= 0 ? 0 : Math.min(wanted, probeSize, room), now + step);
  }
  const left = leftNow(s.known, s.leases.length);
  const stopAt = s.known.end - guardMs;
  if (left <= 0 || now >= stopAt) return result(0, s.known.end + guardMs);
  // The slots fall evenly before stopAt, the last one an interval ahead of it.
  const interval = (stopAt - now) / (left + 1);
  const base = Math.max(s.nextAt, now - (maxInFlight - 1) * interval);
  const credit = now >= base ? 1 + Math.floor((now - base) / interval) : 0;
  const granted = Math.max(0, Math.min(wanted, left, room, credit));
  s.nextAt = base + granted * interval;
  const latest = Math.max(now, stopAt - 1);
  // Out of room: ask again a step later (even past the last slot: then the answer is the next
  // window); otherwise at the next slot, never after the last one.
  if (room - granted <= 0) return result(granted, now + step);
  return result(granted, Math.min(Math.max(s.nextAt, now), latest), Math.max(step, interval), latest);
}

/**
 * What happened to granted requests: [{ seq, at, rateLimit?, blockedUntil? }] — `at` when the
 * answer came, `rateLimit` the answer's { limit, remaining, resetAt } (resetAt in Unix ms),
 * `blockedUntil` when a team 429 said to come back. A lease settled without a `rateLimit` (a
 * timeout, a dropped connection, a sender that died) just ends.
 *
 * `opts`: { guardMs, leaseMs, windows } — `windows` the configured team limits: an answer
 * counted in a window of `windowMs` that came at `at` says that window ends by `at + windowMs`,
 * a tighter bound than X-RateLimit-Reset's whole seconds.
 */
export function settle(state, now, outcomes, opts) {
  const s = current(state, now, opts);
  for (const { seq, at, rateLimit, blockedUntil } of outcomes) {
    const i = s.leases.findIndex(([n]) => n === seq);
    const lease = i >= 0 ? s.leases.splice(i, 1)[0] : null;
    if (blockedUntil) {
      s.blockedUntil = Math.max(s.blockedUntil, blockedUntil + opts.guardMs);
      s.known = null;
      s.epoch = Math.max(s.epoch, now);
      // The refused window resets by blockedUntil: answers naming it or earlier are stale.
      s.lastReset = Math.max(s.lastReset, blockedUntil);
      continue;
    }
    if (!lease) continue;
    const [, grantedAt] = lease;
    if (now < s.blockedUntil) continue;
    if (!rateLimit || !Number.isFinite(rateLimit.remaining) || !Number.isFinite(rateLimit.resetAt)) {
      if (s.known && grantedAt >= s.epoch) s.known.unknown += 1;
      continue;
    }
    if (rateLimit.resetAt <= s.lastReset) continue; // about a window already over
    if (s.known && s.known.limit === rateLimit.limit) {
      if (rateLimit.resetAt < s.known.resetAt) continue; // about an earlier window
      if (rateLimit.resetAt > s.known.resetAt) {
        // A later window began before the known one was thought over: start from this answer.
        s.lastReset = s.known.resetAt;
        s.epoch = Math.max(s.epoch, grantedAt);
        s.known = null;
      }
    }
    const windowMs = opts.windows?.find((w) => w.limit === rateLimit.limit)?.windowMs;
    const end = Math.min(rateLimit.resetAt, windowMs ? at + windowMs : Infinity);
    const k = s.known ?? { remaining: Infinity, end, unknown: 0, reported: 0, others: 0 };
    const known = {
      ...k, limit: rateLimit.limit, resetAt: Math.max(k.resetAt ?? 0, rateLimit.resetAt),
      remaining: Math.min(k.remaining, rateLimit.remaining), end: Math.min(k.end, end), reported: k.reported + 1,
    };
    if (windowMs) {
      // Other clients on the token: what this window used beyond our answered requests (all
      // counted by the fewest remaining), as a rate since the window began. It is kept for them.
      // The API counted this request somewhere between its lease and its answer: the lease's
      // time is the bound that reserves more (a higher rate, over a longer rest of the window),
      // so what they spend while our answers travel is kept for them too.
      const start = known.end - windowMs;
      const spent = Math.max(0, rateLimit.limit - known.remaining - known.reported);
      known.others = spent / Math.max(grantedAt - start, windowMs / 20);
      known.othersAt = grantedAt;
    }
    if (!s.known) {
      s.nextAt = now;
      s.promised = Math.min(s.promised, now);
    }
    s.known = known;
  }
  return s;
}

/** What the team budget looks like at `now`: what is out, what is known to remain, any hold. */
export function teamView(state, now, opts) {
  const s = current(state, now, opts);
  return {
    inFlight: s.leases.length,
    known: s.known ? { remaining: Math.max(0, leftNow(s.known, s.leases.length)), endsAt: s.known.end } : null,
    blockedUntil: s.blockedUntil > now ? s.blockedUntil : null,
  };
}

// --- X's per-sender limit -----------------------------------------------------------------

/**
 * How many sends may go now given the earlier send times `times` (ascending, ms), so that no
 * interval of a window's length plus `guardMs` holds more than its limit; and when one more may
 * go when none may now. Returns { available, retryAt }.
 */
export function slidingAvailable(times, windows, now, guardMs = 0) {
  let count = Infinity;
  let retryAt = null;
  for (const { limit, windowMs } of windows) {
    const span = windowMs + guardMs;
    const inside = times.filter((t) => t > now - span);
    const left = limit - inside.length;
    if (left <= 0) retryAt = Math.max(retryAt ?? 0, inside[inside.length - limit] + span);
    count = Math.min(count, Math.max(0, left));
  }
  return { available: count, retryAt: count > 0 ? null : retryAt };
}

/** The longest window plus the guard: send times older than this can be forgotten. */
export const longestSpan = (windows, guardMs = 0) => Math.max(...windows.map((w) => w.windowMs)) + guardMs;
