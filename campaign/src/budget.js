// Rate budgets as plain data: fixed windows that start with the first grant after the previous
// one ended (the way the Inbox API and X count). Pure functions, no clock, no storage: the
// Durable Objects pass `now` in and persist the state they get back (test/budget.test.mjs).

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

/** A fresh state for `windows`: nothing counted, nothing blocked. */
export const emptyBudget = (windows) => ({ windows: windows.map(() => ({ start: null, count: 0 })), blockedUntil: 0 });

/** The state with windows that ended (plus `guardMs`) reset; a state for other limits is re-shaped. */
function current(state, windows, now, guardMs) {
  const base = state && state.windows?.length === windows.length ? state : emptyBudget(windows);
  return {
    blockedUntil: base.blockedUntil ?? 0,
    windows: base.windows.map((w, i) =>
      w.start !== null && now >= w.start + windows[i].windowMs + guardMs ? { start: null, count: 0 } : { ...w },
    ),
  };
}

/**
 * How many requests may go now, and when to ask again when that is fewer than wanted.
 *
 * `guardMs` absorbs the distance between our clock and the server's window: a window is only
 * considered over `guardMs` after it ends here, and no grant is made in its last `guardMs`
 * (a request granted then could arrive after the server's window ended and spill into the next).
 * Returns { available, retryAt } (retryAt: when more becomes available, or null).
 */
export function available(state, windows, now, guardMs = 0) {
  const s = current(state, windows, now, guardMs);
  if (now < s.blockedUntil) return { available: 0, retryAt: s.blockedUntil };
  let count = Infinity;
  let retryAt = null;
  s.windows.forEach((w, i) => {
    const { limit, windowMs } = windows[i];
    if (w.start === null) {
      count = Math.min(count, limit);
      return;
    }
    const end = w.start + windowMs + guardMs;
    const left = now >= w.start + windowMs - guardMs ? 0 : limit - w.count;
    if (left <= 0) retryAt = Math.max(retryAt ?? 0, end);
    count = Math.min(count, Math.max(0, left));
  });
  return { available: count, retryAt: count > 0 ? null : retryAt };
}

/**
 * Takes up to `wanted` requests now. Returns { state, granted, retryAt } where retryAt says when
 * to come back for the rest (null when everything was granted).
 */
export function take(state, windows, now, wanted, guardMs = 0) {
  const s = current(state, windows, now, guardMs);
  const { available: free, retryAt } = available(s, windows, now, guardMs);
  const granted = Math.max(0, Math.min(wanted, free));
  if (granted > 0) {
    s.windows = s.windows.map((w) => ({ start: w.start ?? now, count: w.count + granted }));
  }
  let next = null;
  if (granted < wanted) next = granted === free && free > 0 ? available(s, windows, now, guardMs).retryAt : retryAt;
  return { state: s, granted, retryAt: next };
}

/** Nothing may go before `until` (a 429's Retry-After). */
export function block(state, windows, now, until, guardMs = 0) {
  const s = current(state, windows, now, guardMs);
  s.blockedUntil = Math.max(s.blockedUntil, until);
  return s;
}

/**
 * The server reported `remaining` for its tightest window during our window that started at
 * `windowStart`: when that is fewer than we believe, count the difference as used. A report from
 * an earlier window is ignored (it would wrongly shrink the new one).
 */
export function observe(state, windows, now, { windowStart, remaining }, guardMs = 0) {
  const s = current(state, windows, now, guardMs);
  if (!Number.isFinite(remaining) || windowStart == null) return s;
  if (s.windows[0]?.start !== windowStart) return s;
  // The server reports its tightest window: correct ours with the fewest remaining.
  let tightest = 0;
  s.windows.forEach((w, i) => {
    const left = (j) => windows[j].limit - s.windows[j].count;
    if (w.start !== null && left(i) < left(tightest)) tightest = i;
  });
  const w = s.windows[tightest];
  if (w.start !== null && remaining < windows[tightest].limit - w.count) {
    s.windows[tightest] = { ...w, count: windows[tightest].limit - remaining };
  }
  return s;
}

/** The start of the first window (the one a grant is tagged with), or null. */
export const windowStart = (state) => state?.windows?.[0]?.start ?? null;

/** Requests per millisecond the tightest of `windows` allows (for ETAs and the floor). */
export const tightestRate = (windows) => Math.min(...windows.map((w) => w.limit / w.windowMs));
