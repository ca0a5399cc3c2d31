// Sending hours: a weekly window in an IANA time zone (`{ timeZone, days, from, to }`), read
// through Intl.DateTimeFormat, so every daylight-saving change is the zone's own. Every answer
// is a pure function of the instant; nothing here reads a clock.

/** The day names a window's `days` takes, in the order of Date#getUTCDay. */
export const DAY_NAMES = Object.freeze(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]);

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map();

/**
 * A sending window.
 * @typedef {Object} SendWindow
 * @property {string} timeZone  an IANA time zone ("America/New_York")
 * @property {string[]} days    the days it opens, of "mon" … "sun"
 * @property {string} from      "HH:MM", local time it opens
 * @property {string} to        "HH:MM" (or "24:00"), local time it closes; after `from`
 */

/** Minutes after midnight of "HH:MM" ("24:00" is the end of the day). */
const minutesOf = (hhmm) => (hhmm === "24:00" ? 1440 : Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));

function formatter(timeZone) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock fields of instant `t` in `timeZone`. */
function wallClock(timeZone, t) {
  const o = {};
  for (const { type, value } of formatter(timeZone).formatToParts(t)) o[type] = Number(value);
  return o;
}

/** The zone's offset from UTC at instant `t`, in ms (New York in winter: -5 h). */
export function zoneOffset(timeZone, t) {
  const w = wallClock(timeZone, t);
  const second = Math.floor(t / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - second;
}

/**
 * The first instant at which the local time on local date `date` (a UTC-midnight timestamp
 * standing for that calendar day) is `minutes` after midnight or later. In a gap (clocks jump
 * forward over it), that is the moment of the jump; in a repeated hour, its first occurrence.
 */
function instantOf(timeZone, date, minutes) {
  const wall = date + minutes * MINUTE;
  const a = wall - zoneOffset(timeZone, wall);
  const b = wall - zoneOffset(timeZone, a);
  const candidates = [a, b].filter((t) => t + zoneOffset(timeZone, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // A gap: find the jump between the two readings by bisection (to the minute).
  let lo = Math.min(a, b);
  let hi = Math.max(a, b);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (mid + zoneOffset(timeZone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Where instant `t` stands in `window`: `{ open: true, until }` (when it closes) or
 * `{ open: false, until }` (when it next opens). Windows open and close on the same local day.
 * @param {SendWindow} window
 * @param {number} t
 * @returns {{ open: boolean, until: number }}
 */
export function windowAt(window, t) {
  const w = wallClock(window.timeZone, t);
  const today = Date.UTC(w.year, w.month - 1, w.day);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  for (let k = 0; k <= 7; k += 1) {
    const date = today + k * DAY;
    if (!window.days.includes(DAY_NAMES[new Date(date).getUTCDay()])) continue;
    const opens = instantOf(window.timeZone, date, from);
    const closes = instantOf(window.timeZone, date, to);
    if (t >= closes) continue;
    if (t >= opens) return { open: true, until: closes };
    return { open: false, until: opens };
  }
  throw new Error(`sendWindow ${JSON.stringify(window)} never opens`);
}

/**
 * Every problem with a sending window, each `{ field, rule }` (empty when it is valid).
 * @param {unknown} window
 * @param {string} [field] its name in the request
 */
export function checkSendWindow(window, field = "sendWindow") {
  if (window === null || typeof window !== "object" || Array.isArray(window)) {
    return [{ field, rule: "must be an object { timeZone, days, from, to }" }];
  }
  const problems = [];
  for (const key of Object.keys(window)) {
    if (!["timeZone", "days", "from", "to"].includes(key)) problems.push({ field: `${field}.${key}`, rule: "is not a known field; check its spelling" });
  }
  if (typeof window.timeZone !== "string" || !knownZone(window.timeZone)) {
    problems.push({ field: `${field}.timeZone`, rule: 'must be an IANA time zone, for example "America/New_York"' });
  }
  const { days } = window;
  if (!Array.isArray(days) || days.length === 0 || days.some((d) => !DAY_NAMES.includes(d)) || new Set(days).size !== days.length) {
    problems.push({ field: `${field}.days`, rule: `must be a non-empty list of distinct days of ${DAY_NAMES.join(", ")}` });
  }
  const fromOk = typeof window.from === "string" && HHMM.test(window.from);
  const toOk = typeof window.to === "string" && (HHMM.test(window.to) || window.to === "24:00");
  if (!fromOk) problems.push({ field: `${field}.from`, rule: 'must be a local time "HH:MM" (00:00 to 23:59)' });
  if (!toOk) problems.push({ field: `${field}.to`, rule: 'must be a local time "HH:MM" (00:01 to 24:00)' });
  if (fromOk && toOk && minutesOf(window.to) <= minutesOf(window.from)) {
    problems.push({ field: `${field}.to`, rule: "must be after from (a window opens and closes on the same day)" });
  }
  return problems;
}

function knownZone(timeZone) {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The longest `jitterMs` a campaign may ask for. */
export const MAX_JITTER_MS = 3_600_000;

/**
 * Every problem with a campaign's sending hours, each `{ field, rule }`: `sendWindow` (optional),
 * `senderWindows` (optional, `{ <accountLinkId>: SendWindow }`, each overriding the campaign's
 * for that sender) and `jitterMs` (optional, a whole number of ms from 0 to an hour).
 * @param {{ sendWindow?: unknown, senderWindows?: unknown, jitterMs?: unknown }} input
 */
export function checkSendingHours({ sendWindow, senderWindows, jitterMs }) {
  const problems = [];
  if (sendWindow !== undefined) problems.push(...checkSendWindow(sendWindow));
  if (senderWindows !== undefined) {
    if (senderWindows === null || typeof senderWindows !== "object" || Array.isArray(senderWindows)) {
      problems.push({ field: "senderWindows", rule: "must be an object { <accountLinkId>: { timeZone, days, from, to } }" });
    } else {
      for (const [sender, window] of Object.entries(senderWindows)) problems.push(...checkSendWindow(window, `senderWindows.${sender}`));
    }
  }
  if (jitterMs !== undefined && !(Number.isInteger(jitterMs) && jitterMs >= 0 && jitterMs <= MAX_JITTER_MS)) {
    problems.push({ field: "jitterMs", rule: `must be a whole number of ms from 0 to ${MAX_JITTER_MS}` });
  }
  return problems;
}
