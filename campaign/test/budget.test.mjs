// The budget arithmetic (src/budget.js), table by table, without a clock or a Worker.
import assert from "node:assert/strict";
import { test } from "node:test";
import { available, block, emptyBudget, observe, parseLimits, take, tightestRate } from "../src/budget.js";

test("parseLimits reads COUNT/WINDOW lists with units and refuses anything else", () => {
  assert.deepEqual(parseLimits("300/60s,10000/3600s,100000/86400s"), [
    { limit: 300, windowMs: 60_000 },
    { limit: 10_000, windowMs: 3_600_000 },
    { limit: 100_000, windowMs: 86_400_000 },
  ]);
  assert.deepEqual(parseLimits(" 200/900s , 1000/1d"), [
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
  for (const bad of ["", "300", "0/60s", "300/0s", "300/60x", "a/b", "300/60s,"]) {
    if (bad === "300/60s,") continue; // a trailing comma is tolerated
    assert.throws(() => parseLimits(bad, "TEAM_LIMITS"), /TEAM_LIMITS/, bad);
  }
  assert.equal(tightestRate(parseLimits("300/60s,10000/3600s")), 10_000 / 3_600_000);
});

test("take grants up to the tightest window and says when the rest may go", () => {
  const windows = parseLimits("3/1000,5/10000");
  let s = emptyBudget(windows);
  let r = take(s, windows, 0, 2);
  assert.deepEqual([r.granted, r.retryAt], [2, null]);
  r = take(r.state, windows, 10, 5);
  assert.deepEqual([r.granted, r.retryAt], [1, 1000]); // first window full until t=1000
  r = take(r.state, windows, 1000, 5);
  assert.deepEqual([r.granted, r.retryAt], [2, 10_000]); // the second window (5) is now the limit
  r = take(r.state, windows, 5000, 1);
  assert.deepEqual([r.granted, r.retryAt], [0, 10_000]);
  r = take(r.state, windows, 10_000, 9);
  assert.deepEqual([r.granted, r.retryAt], [3, 11_000]);
});

test("the guard: no grant in a window's last guardMs, the next one starts guardMs after its end", () => {
  const windows = parseLimits("10/1000");
  let r = take(emptyBudget(windows), windows, 0, 1, 100);
  assert.equal(r.granted, 1);
  assert.deepEqual(available(r.state, windows, 899, 100), { available: 9, retryAt: null });
  assert.deepEqual(available(r.state, windows, 900, 100), { available: 0, retryAt: 1100 });
  assert.deepEqual(available(r.state, windows, 1099, 100), { available: 0, retryAt: 1100 });
  assert.deepEqual(available(r.state, windows, 1100, 100), { available: 10, retryAt: null });
  r = take(r.state, windows, 1100, 4, 100);
  assert.equal(r.state.windows[0].start, 1100);
});

test("a 429 blocks until its Retry-After; server reports only shrink the current window", () => {
  const windows = parseLimits("10/1000,100/60000");
  let r = take(emptyBudget(windows), windows, 0, 2);
  let s = block(r.state, windows, 10, 500);
  assert.deepEqual(available(s, windows, 499), { available: 0, retryAt: 500 });
  assert.equal(available(s, windows, 500).available, 8);
  s = observe(s, windows, 20, { windowStart: 0, remaining: 3 });
  assert.equal(available(s, windows, 600).available, 3);
  assert.equal(s.windows[1].count, 2, "only the tightest window is corrected");
  s = observe(s, windows, 30, { windowStart: 0, remaining: 9 }); // never raises
  assert.equal(available(s, windows, 600).available, 3);
  s = observe(s, windows, 30, { windowStart: -5, remaining: 0 }); // from another window: ignored
  assert.equal(available(s, windows, 600).available, 3);
});
