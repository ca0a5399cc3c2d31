// The budget arithmetic (src/core/) without a clock or a Worker: tables, and the team budget
// run against a model of the API's windows (clock-aligned or from the first request, with
// another client spending part of every window) on a simulated clock, so nothing here depends
// on the machine.
import assert from "node:assert/strict";
import { test } from "node:test";
import { longestSpan, parseLimits, tightestRate } from "../src/core/limits.js";
import { slidingAvailable } from "../src/core/sender-limit.js";
import { emptyTeam, grant, resumeTeam, settle, teamView } from "../src/core/team-budget.js";
import { inFlightBound, observeLatency } from "../src/core/in-flight.js";

test("parseLimits reads COUNT/WINDOW lists with units and refuses anything else", () => {
  assert.deepEqual(parseLimits("300/60s,10000/3600s,100000/86400s"), [
    { limit: 300, windowMs: 60_000 },
    { limit: 10_000, windowMs: 3_600_000 },
    { limit: 100_000, windowMs: 86_400_000 },
  ]);
  assert.deepEqual(parseLimits(" 200/900s , 1000/1d,"), [
    { limit: 200, windowMs: 900_000 },
    { limit: 1000, windowMs: 86_400_000 },
  ]);
  assert.deepEqual(parseLimits("5/250ms,7/1.5s,9/2m,1/3h,4/10"), [
    { limit: 5, windowMs: 250 },
    { limit: 7, windowMs: 1500 },
    { limit: 9, windowMs: 120_000 },
    { limit: 1, windowMs: 10_800_000 },
    { limit: 4, windowMs: 10 },
  ]);
  for (const bad of ["", "300", "0/60s", "300/0s", "300/60x", "a/b"]) {
    assert.throws(() => parseLimits(bad, "TEAM_LIMITS"), /TEAM_LIMITS/, bad);
  }
  assert.equal(tightestRate(parseLimits("300/60s,10000/3600s")), 10_000 / 3_600_000);
});

const OPTS = { maxInFlight: 4, guardMs: 100, leaseMs: 5_000, windows: parseLimits("30/6000ms"), holdProbeMs: 2_000 };
// An API slow enough (a minute per request) that the in-flight ceiling binds, not Little's law.
const slow = (state) => ({ ...state, latencyMs: 60_000 });

test("team: one probe until an answer says where the window stands; askers are staggered", () => {
  let r = grant(emptyTeam(), 1000, 5, OPTS);
  assert.deepEqual([r.granted, r.first], [1, 1]);
  const a = grant(r.state, 1001, 5, OPTS);
  assert.equal(a.granted, 0, "no second request while the probe is out");
  const b = grant(a.state, 1001, 5, OPTS);
  assert.ok(b.retryAt > a.retryAt, "two waiting askers are told different moments");
  // The answer: 29 left, the window resets at 6000 (X-RateLimit-Reset in whole seconds).
  let s = settle(b.state, 1010, [{ seq: 1, at: 1010, rateLimit: { limit: 30, remaining: 29, resetAt: 6000 } }], OPTS);
  assert.deepEqual(teamView(s, 1010, OPTS), { inFlight: 0, known: { remaining: 29, endsAt: 6000 }, blockedUntil: null, hold: null });
  assert.equal(grant(s, 1010, 10, OPTS).granted, 1, "what other clients spend is not known yet: one at a time");
  // A limit without a configured window (other clients cannot be told apart): what remains is
  // spread, 29 over the 4,890 ms left before the guard, so ~6 ms apart; at most maxInFlight out.
  s = slow(settle(b.state, 1010, [{ seq: 1, at: 1010, rateLimit: { limit: 99, remaining: 29, resetAt: 6000 } }], OPTS));
  r = grant(s, 1010, 10, OPTS);
  assert.equal(r.granted, 1);
  r = grant(r.state, 1011, 10, OPTS);
  assert.equal(r.granted, 0, "the next slot is a spacing away");
  r = grant(r.state, 2000, 10, OPTS);
  assert.equal(r.granted, 3, "credit accrues, but never past maxInFlight counting what is out");
  assert.equal(teamView(r.state, 2000, OPTS).inFlight, 4);
  assert.equal(grant(r.state, 3000, 10, OPTS).granted, 0, "maxInFlight out");
});

test("team: never more than the API says remains, and what other clients spend is left to them", () => {
  // A limit the configuration does not name (so no window length): only what remains counts.
  let r = grant(emptyTeam(), 0, 1, OPTS);
  let s = slow(settle(r.state, 5, [{ seq: 1, at: 5, rateLimit: { limit: 99, remaining: 3, resetAt: 6000 } }], OPTS));
  let granted = 0;
  for (let t = 5; t < 5800; t += 50) {
    r = grant(s, t, 10, OPTS);
    s = r.state;
    granted += r.granted;
  }
  assert.equal(granted, 3, "3 left, 3 granted");
  // 30 per 6 s window: 20 remain after our first request, so others spent 9. Their pace is
  // measured from that answer on, not from the window's start (a burst at the start is not a pace).
  const seen = (remainingThen) => {
    let t = grant(emptyTeam(), 200, 1, OPTS);
    let st = settle(t.state, 210, [{ seq: 1, at: 210, rateLimit: { limit: 30, remaining: 20, resetAt: 6000 } }], OPTS);
    t = grant(st, 600, 1, OPTS);
    assert.equal(t.granted, 1, "one at a time while their pace is unknown");
    st = settle(t.state, 610, [{ seq: 2, at: 610, rateLimit: { limit: 30, remaining: remainingThen, resetAt: 6000 } }], OPTS);
    return teamView(st, 610, OPTS).known.remaining;
  };
  assert.equal(seen(19), 18, "a burst, then nothing: everything left is ours but one (a pace read from whole counts)");
  // Two more in 400 ms: 0.005 per ms until 6,000, so 27 more of theirs and none for us.
  assert.equal(seen(17), 0, "an even pace: kept for them");
  // The fewest remaining any answer reported, less what is still out and what ended unanswered.
  s = emptyTeam();
  r = grant(s, 0, 1, OPTS);
  s = slow(settle(r.state, 1, [{ seq: 1, at: 1, rateLimit: { limit: 99, remaining: 29, resetAt: 6000 } }], OPTS));
  r = grant(s, 3000, 3, OPTS);
  assert.equal(r.granted, 3);
  s = settle(r.state, 3001, [{ seq: 4, at: 3001, rateLimit: { limit: 99, remaining: 10, resetAt: 6000 } }], OPTS);
  assert.equal(teamView(s, 3001, OPTS).known.remaining, 8, "10 reported, 2 still out");
  s = settle(s, 3002, [{ seq: 2, at: 3002, rateLimit: { limit: 99, remaining: 20, resetAt: 6000 } }], OPTS);
  assert.equal(teamView(s, 3002, OPTS).known.remaining, 9, "an answer saying more remain came earlier: never raises it");
  s = settle(s, 3003, [{ seq: 3, at: 3003 }], OPTS);
  assert.equal(teamView(s, 3003, OPTS).known.remaining, 9, "a timeout may have been counted: it still counts");
});

test("team: the window ends by the answer's time plus its length, and is forgotten after it", () => {
  let r = grant(emptyTeam(), 0, 1, OPTS);
  // First-request windows: X-RateLimit-Reset rounds 6,020 up to 7,000; the answer at 20 bounds it.
  // It was settled at 50 by this budget's clock: the window surely ended by 6,050 on that clock,
  // whatever the sender's or the API's clock says, so no guard is added to that.
  let s = settle(r.state, 50, [{ seq: 1, at: 20, rateLimit: { limit: 30, remaining: 29, resetAt: 7000 } }], OPTS);
  assert.equal(teamView(s, 50, OPTS).known.endsAt, 6020);
  assert.equal(grant(s, 5930, 1, OPTS).granted, 0, "nothing in the window's last guard");
  assert.equal(grant(s, 5930, 1, OPTS).retryAt, 6050, "asked back when the window has surely ended");
  assert.notEqual(teamView(s, 6049, OPTS).known, null);
  assert.equal(teamView(s, 6050, OPTS).known, null);
  r = grant(s, 6050, 5, OPTS);
  assert.equal(r.granted, 1, "a new window: one probe");
  // An answer to a request granted in the old window does not describe the new one.
  s = settle(r.state, 6051, [{ seq: 1, at: 6051, rateLimit: { limit: 30, remaining: 0, resetAt: 7000 } }], OPTS);
  assert.equal(teamView(s, 6051, OPTS).known, null);
  // A limit the configuration does not name: only X-RateLimit-Reset bounds the window.
  s = settle(s, 6130, [{ seq: 2, at: 6130, rateLimit: { limit: 999, remaining: 50, resetAt: 13000 } }], OPTS);
  assert.equal(teamView(s, 6130, OPTS).known.endsAt, 13000);
});

test("team: an answer counts in the window its reset names, even when its request left before that window", () => {
  // Clock windows of 6 s: the probe learns the window ending at 6,000.
  let r = grant(emptyTeam(), 0, 1, OPTS);
  let s = settle(r.state, 10, [{ seq: 1, at: 10, rateLimit: { limit: 30, remaining: 29, resetAt: 6000 } }], OPTS);
  r = grant(s, 5850, 1, OPTS);
  assert.equal(r.granted, 1, "granted just before the last guard");
  r = grant(r.state, 6100, 1, OPTS);
  assert.equal(r.granted, 1, "the window is over: a probe");
  // Request 2 left at 5,850 but arrived after 6,000: the API counted it in the new window.
  s = settle(r.state, 6150, [{ seq: 2, at: 6150, rateLimit: { limit: 30, remaining: 29, resetAt: 12000 } }], OPTS);
  s = settle(s, 6160, [{ seq: 3, at: 6160, rateLimit: { limit: 30, remaining: 28, resetAt: 12000 } }], OPTS);
  // Both are ours: nobody else spent anything, so nothing is kept for others.
  assert.equal(teamView(s, 6160, OPTS).known.remaining, 28);
  // A late answer naming the window that ended says nothing about this one.
  r = grant(s, 6200, 1, OPTS);
  s = settle(r.state, 6210, [{ seq: r.first, at: 6210, rateLimit: { limit: 30, remaining: 0, resetAt: 6000 } }], OPTS);
  assert.equal(teamView(s, 6210, OPTS).known.remaining, 28);
});

test("team: out of room just before the last slot, an asker is told a later moment, never now", () => {
  let r = grant(emptyTeam(), 0, 1, OPTS);
  let s = slow(settle(r.state, 10, [{ seq: 1, at: 10, rateLimit: { limit: 99, remaining: 29, resetAt: 6000 } }], OPTS));
  r = grant(s, 5890, 4, OPTS);
  assert.equal(r.granted, 4, "maxInFlight granted");
  const again = grant(r.state, 5899, 1, OPTS);
  assert.equal(again.granted, 0);
  assert.ok(again.retryAt > 5899, `retryAt ${again.retryAt} is after now`);
});

test("team: a 429 holds everyone until it says, then asks with one request; lost leases lapse", () => {
  let r = grant(emptyTeam(), 0, 1, OPTS);
  let s = settle(r.state, 1, [{ seq: 1, at: 1, rateLimit: { limit: 99, remaining: 29, resetAt: 6000 } }], OPTS);
  r = grant(slow(s), 1000, 2, OPTS);
  s = settle(r.state, 1002, [{ seq: 2, at: 1002, blockedUntil: 3000 }], OPTS);
  assert.deepEqual(teamView(s, 1002, OPTS), { inFlight: 1, known: null, blockedUntil: 3100, hold: null });
  assert.equal(grant(s, 3099, 1, OPTS).granted, 0);
  assert.equal(grant(s, 3100, 1, OPTS).granted, 1, "one probe after the hold");
  // Lease 3 was never settled (its sender died): it stops counting after leaseMs.
  assert.equal(teamView(s, 1000 + OPTS.leaseMs - 1, OPTS).inFlight, 1);
  assert.equal(teamView(s, 1000 + OPTS.leaseMs, OPTS).inFlight, 0);
});

test("team: a 429 that reports room in the known window waits as it says and keeps the window", () => {
  const limit = (remaining) => ({ limit: 99, remaining, resetAt: 60_000 });
  let r = grant(emptyTeam(), 0, 1, OPTS);
  let s = settle(r.state, 10, [{ seq: 1, at: 10, rateLimit: limit(29) }], OPTS);
  r = grant(slow(s), 20, 1, OPTS);
  r = grant(r.state, 4020, 1, OPTS);
  assert.deepEqual(r.state.leases.map(([seq]) => seq), [2, 3], "two requests out");
  // One of the two is refused with room left (a burst limit, not the window's count) ...
  s = settle(r.state, 4030, [{ seq: 2, at: 4030, rateLimit: limit(27), blockedUntil: 5000 }], OPTS);
  assert.equal(teamView(s, 4030, OPTS).blockedUntil, 5000 + OPTS.guardMs);
  // ... the window stands (that request may have counted), and the other's answer during the
  // wait still counts in it.
  assert.equal(teamView(s, 4030, OPTS).known.remaining, 29 - 1 - 1);
  s = settle(s, 4040, [{ seq: 3, at: 4040, rateLimit: limit(26) }], OPTS);
  assert.equal(teamView(s, 4040, OPTS).known.remaining, 26 - 1);
  assert.equal(grant(s, 5099, 1, OPTS).granted, 0, "nothing before the wait ends");
  assert.equal(grant(s, 5100, 1, OPTS).granted, 1, "then the known window's room, no probe");
  // A 429 that says the window is spent drops it: the next grant probes with one request.
  r = grant(emptyTeam(), 0, 1, OPTS);
  s = settle(r.state, 10, [{ seq: 1, at: 10, rateLimit: limit(29) }], OPTS);
  r = grant(s, 20, 1, OPTS);
  s = settle(r.state, 30, [{ seq: 2, at: 30, rateLimit: limit(0), blockedUntil: 1000 }], OPTS);
  assert.equal(teamView(s, 30, OPTS).known, null);
});

/**
 * A model of the API's team window on a simulated clock: `mode` "clock" (windows on multiples
 * of their length) or "first-request"; `background` the share another client spends, evenly
 * over every window (as the emulator's --team-background does). Requests arrive `latency` ms after they leave and are answered as
 * much later; X-RateLimit-Reset is in whole seconds, rounded up.
 */
function simulate({ mode, background = 0, limit = 30, windowMs = 6000, latency = 3, dms = 200, askers = 5, maxInFlight = 4, guardMs = 100 }) {
  const opts = { maxInFlight, guardMs, leaseMs: 10_000, windows: [{ limit, windowMs }] };
  const api = { start: null, ours: 0, count: 0 };
  const roll = (t) => {
    if (api.start === null || t >= api.start + windowMs) {
      api.start = mode === "clock" ? Math.floor(t / windowMs) * windowMs : t;
      api.ours = 0;
    }
    api.count = api.ours + Math.floor((background * limit * (t - api.start)) / windowMs + 1e-9);
  };
  let state = emptyTeam();
  const events = []; // [time, kind, data]
  const at = (t, kind, data) => events.push([t, kind, data]);
  for (let k = 0; k < askers; k += 1) at(1000 + k, "ask", k);
  let left = dms;
  let inFlight = 0;
  let maxOut = 0;
  let sent = 0;
  let refused = 0;
  let last = 0;
  const perWindow = new Map();
  while (events.length > 0) {
    events.sort((a, b) => a[0] - b[0]);
    const [t, kind, data] = events.shift();
    if (kind === "ask") {
      if (left === 0) continue;
      const r = grant(state, t, Math.min(left, 3), opts);
      state = r.state;
      left -= r.granted;
      for (let k = 0; k < r.granted; k += 1) at(t + latency, "arrive", { seq: r.first + k });
      inFlight += r.granted;
      maxOut = Math.max(maxOut, inFlight);
      if (left > 0) at(r.retryAt ?? t, "ask", data);
    } else if (kind === "arrive") {
      roll(t);
      if (api.count >= limit) {
        refused += 1;
        at(t + latency, "answer", { seq: data.seq, blockedUntil: api.start + windowMs, retry: true });
      } else {
        api.ours += 1;
        api.count += 1;
        sent += 1;
        last = t;
        perWindow.set(api.start, (perWindow.get(api.start) ?? 0) + 1);
        const resetAt = Math.ceil((api.start + windowMs) / 1000) * 1000;
        at(t + latency, "answer", { seq: data.seq, rateLimit: { limit, remaining: limit - api.count, resetAt } });
      }
    } else {
      inFlight -= 1;
      state = settle(state, t, [{ seq: data.seq, at: t, rateLimit: data.rateLimit, blockedUntil: data.blockedUntil }], opts);
      if (data.retry) {
        left += 1;
        at(t, "ask", -1);
      }
    }
  }
  const ours = limit - Math.floor(background * limit);
  const floorMs = (dms / ours) * windowMs;
  return { sent, refused, maxOut, ratio: (last - 1000) / floorMs, perWindow: [...perWindow.values()] };
}

for (const mode of ["clock", "first-request"]) {
  for (const background of [0, 0.3]) {
    test(`team against a model API (${mode} windows, ${background * 100} % used by another client): zero 429s, near the floor`, () => {
      const r = simulate({ mode, background });
      assert.equal(r.sent, 200);
      assert.equal(r.refused, 0, "zero 429s");
      assert.ok(r.maxOut <= 4, `at most maxInFlight out (${r.maxOut})`);
      assert.ok(Math.max(...r.perWindow) <= 30);
      // The simulated clock makes this exact: the loss per window is the guard, the probe and
      // (clock windows) the wait from the last grant to the next window.
      assert.ok(r.ratio <= 1.06, `delivery ${r.ratio.toFixed(3)} × the floor`);
    });
  }
}

// The real ratios (300 per 60 s, a 1 s guard, MAX_IN_FLIGHT 10, 25 senders asking) with a slow
// API: each request takes `latency` ms to arrive and as long to be answered. Requests that leave
// before a window ends arrive in the next; the other client keeps spending while answers travel.
for (const mode of ["clock", "first-request"]) {
  for (const latency of [500, 1000]) {
    test(`team at the real ratios, ${mode} windows, 30 % used by another client, ${2 * latency} ms round trips: zero 429s, within 5 % of the floor`, () => {
      const r = simulate({ mode, background: 0.3, limit: 300, windowMs: 60_000, guardMs: 1000, latency, dms: 3000, askers: 25, maxInFlight: 10 });
      assert.equal(r.sent, 3000);
      assert.equal(r.refused, 0, "zero 429s");
      assert.ok(r.maxOut <= 10, `at most maxInFlight out (${r.maxOut})`);
      assert.ok(r.ratio <= 1.05, `delivery ${r.ratio.toFixed(3)} × the floor`);
    });
  }
}

test("sliding log: no interval of a window's length plus the guard holds more than its limit", () => {
  const windows = parseLimits("3/1000,5/10000");
  assert.deepEqual(slidingAvailable([], windows, 0), { available: 3, retryAt: null });
  assert.deepEqual(slidingAvailable([0, 10, 20], windows, 30, 100), { available: 0, retryAt: 1100 });
  assert.deepEqual(slidingAvailable([0, 10, 20], windows, 1100, 100), { available: 1, retryAt: null });
  assert.deepEqual(slidingAvailable([0, 10, 20, 1100, 1200], windows, 2500, 100), { available: 0, retryAt: 10_100 });
  assert.equal(longestSpan(windows, 100), 10_100);
  // However X counts, a log kept this way never exceeds the limit in any window of its length.
  const times = [];
  for (let t = 0; t < 40_000; t += 7) {
    if (slidingAvailable(times, windows, t, 50).available > 0) times.push(t);
  }
  for (const { limit, windowMs } of windows) {
    for (const from of times) assert.ok(times.filter((t) => t >= from && t < from + windowMs).length <= limit);
  }
  assert.ok(times.length >= 18, `the log still sends at the limit's pace (${times.length})`);
});

test("team: a refused token holds every sender; one probe per holdProbeMs; a probe that gets through lifts it", () => {
  let r = grant(emptyTeam(), 0, 1, OPTS);
  const refused = { kind: "unauthorized", scope: "team", retryable: false, message: "token refused" };
  let s = settle(r.state, 10, [{ seq: 1, at: 10, hold: refused }], OPTS);
  assert.equal(teamView(s, 10, OPTS).hold.scope, "team");
  assert.match(teamView(s, 10, OPTS).hold.fix, /INBOX_API_TOKEN/);
  r = grant(s, 1000, 5, OPTS);
  assert.deepEqual([r.granted, r.retryAt], [0, 10 + OPTS.holdProbeMs], "nothing before the probe");
  r = grant(r.state, 10 + OPTS.holdProbeMs, 5, OPTS);
  assert.deepEqual([r.granted, r.probe], [1, true], "one probe");
  assert.equal(grant(r.state, 20 + OPTS.holdProbeMs, 5, OPTS).granted, 0, "one at a time");
  s = settle(r.state, 2100, [{ seq: r.first, at: 2100, hold: refused }], OPTS);
  assert.equal(teamView(s, 2100, OPTS).hold.nextProbeAt, 2100 + OPTS.holdProbeMs, "refused again: the next in holdProbeMs");
  r = grant(resumeTeam(s, 2200), 2200, 5, OPTS);
  assert.equal(r.granted, 1, "a resume probes at once");
  s = settle(r.state, 2300, [{ seq: r.first, at: 2300, rateLimit: { limit: 30, remaining: 29, resetAt: 6000 } }], OPTS);
  assert.equal(teamView(s, 2300, OPTS).hold, null);
});

test("in flight: Little's law with headroom, under the ceiling", () => {
  assert.equal(inFlightBound(3.5 / 1000, 1000, 100), 7, "3.5 per s for 1 s: 3.5, twice that");
  assert.equal(inFlightBound(3.5 / 1000, 10_000, 100), 70);
  assert.equal(inFlightBound(3.5 / 1000, 10_000, 10), 10, "the setting is the ceiling");
  assert.equal(inFlightBound(0.000001, 10, 10), 1, "never below one");
  assert.equal(observeLatency(null, 800), 800);
  assert.equal(observeLatency(1000, 11_000), 3000, "a hang moves the mean a fifth of the way");
});

test("team: another client spending in a burst at each window's start does not stall it", () => {
  // 30 per 6 s, clock windows; the other client spends 40 % within 100 ms of each start.
  const opts = { ...OPTS, maxInFlight: 10 };
  let state = emptyTeam();
  let sent = 0;
  let last = 0;
  let seq = 0;
  const ours = new Map();
  for (let t = 0; t < 60_000 && sent < 150; t += 10) {
    const r = grant(state, t, 5, opts);
    state = r.state;
    for (let k = 0; k < r.granted; k += 1) {
      seq = r.first + k;
      const arrive = t + 5;
      const start = Math.floor(arrive / 6000) * 6000;
      const others = Math.min(12, Math.floor((12 * (arrive - start)) / 100));
      const n = (ours.get(start) ?? 0) + 1;
      assert.ok(n + others <= 30, `a 429 at ${arrive}`);
      ours.set(start, n);
      sent += 1;
      last = arrive;
      state = settle(state, t + 10, [{ seq, at: t + 10, rateLimit: { limit: 30, remaining: 30 - n - others, resetAt: start + 6000 } }], opts);
    }
  }
  assert.equal(sent, 150);
  // 18 per window are ours: 150 need 8.3 windows; allow the first window's probing.
  assert.ok(last < 10 * 6000, `150 sent by ${last} ms`);
});

test("team: an asker that asks again before its turn keeps it, and the others' turns do not move", () => {
  const opts = { ...OPTS, guardMs: 2_000 }; // askers are told to come back 100 ms apart
  let r = grant(emptyTeam(), 1000, 1, opts, 1, "a");
  assert.equal(r.granted, 1, "the probe");
  r = grant(r.state, 1001, 1, opts, 1, "b");
  const turn = r.retryAt;
  // "b" is woken again and again before its turn (new DMs arrive while the probe is out).
  for (let t = 1002; t < turn; t += 1) {
    r = grant(r.state, t, 1, opts, 1, "b");
    assert.equal(r.retryAt, turn, "the same turn");
  }
  r = grant(r.state, turn - 1, 1, opts, 1, "c");
  assert.equal(r.retryAt, turn + 100, "the next asker comes one step after, not after a hundred");
  // Turns stored by an earlier version (an object by asker) are kept as well.
  const stored = { ...r.state, told: Object.fromEntries(r.state.told) };
  assert.equal(grant(stored, turn - 1, 1, opts, 1, "b").retryAt, turn);
  assert.equal(grant(stored, turn - 1, 1, opts, 1, "c").retryAt, turn + 100);
});

test("team: a request that ended without an answer counts until an answer to one granted a lease later covers it", () => {
  // A limit without a configured window: what remains is all that counts (no other clients' pace).
  const limit = (remaining) => ({ limit: 99, remaining, resetAt: 60_000 });
  let r = grant(emptyTeam(), 0, 1, OPTS);
  let s = settle(r.state, 10, [{ seq: 1, at: 10, rateLimit: limit(29) }], OPTS);
  r = grant(s, 20, 1, OPTS);
  s = settle(r.state, 300, [{ seq: 2, at: 300 }], OPTS); // a timeout: counted or not, nobody knows
  const left = (state, now) => teamView(state, now, OPTS).known.remaining;
  assert.equal(left(s, 300), 29 - 1, "it may still be counted after the fewest remaining");
  // An answer to a request granted less than a lease after it does not cover it ...
  r = grant(s, 2500, 1, OPTS);
  assert.equal(r.granted, 1);
  s = settle(r.state, 2510, [{ seq: r.first, at: 2510, rateLimit: limit(27) }], OPTS);
  assert.equal(left(s, 2510), 27 - 1);
  // ... one granted a lease after it does: whatever it did is in that remaining.
  r = grant(s, 20 + OPTS.leaseMs, 1, OPTS);
  assert.equal(r.granted, 1);
  s = settle(r.state, 30 + OPTS.leaseMs, [{ seq: r.first, at: 30 + OPTS.leaseMs, rateLimit: limit(26) }], OPTS);
  assert.equal(left(s, 30 + OPTS.leaseMs), 26);
});
