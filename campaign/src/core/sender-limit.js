// X's limit per sender: a sliding log of that sender's send times. No interval of a window's
// length (plus the guard) holds more than its limit, which satisfies X however it counts (fixed
// windows from the first send, clock-aligned, or rolling).

/**
 * How many sends may go now given the earlier send times `times` (ascending, ms), so that no
 * interval of a window's length plus `guardMs` holds more than its limit; and when one more may
 * go when none may now.
 * @param {number[]} times
 * @param {import("./states.js").Limit[]} windows
 * @param {number} now
 * @param {number} [guardMs]
 * @returns {{ available: number, retryAt: number | null }}
 */
export function slidingAvailable(times, windows, now, guardMs = 0) {
  let count = Infinity;
  let retryAt = null;
  for (const { limit, windowMs } of windows) {
    const span = windowMs + guardMs;
    const inside = times.length - firstAfter(times, now, span);
    const left = limit - inside;
    if (left <= 0) retryAt = Math.max(retryAt ?? 0, times[times.length - limit] + span);
    count = Math.min(count, Math.max(0, left));
  }
  return { available: count, retryAt: count > 0 ? null : retryAt };
}

/**
 * The index of the first of the ascending `times` whose `t + span` is after `now` (times.length
 * when none is): the same sum as the `retryAt` it answers, so the two never disagree by rounding.
 */
function firstAfter(times, now, span = 0) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] + span > now) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Inserts `t` into the ascending `times`, keeping them ascending; returns `times`. */
export function logSend(times, t) {
  times.splice(firstAfter(times, t), 0, t);
  return times;
}
