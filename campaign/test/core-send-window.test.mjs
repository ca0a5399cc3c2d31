// Sending hours (src/core/send-window.js): windows in IANA zones across daylight-saving changes
// (America/New_York on 2026-03-08 and 2026-11-01), gaps and repeated hours, checked against the
// zone's own wall clock; and the check of a campaign's sending hours.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkSendingHours, windowAt, zoneOffset } from "../src/core/send-window.js";

const at = (iso) => Date.parse(iso);
const iso = (t) => new Date(t).toISOString();
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"];
const NEW_YORK = { timeZone: "America/New_York", days: WEEKDAYS, from: "09:00", to: "17:00" };

/** Whether `t` is inside `w`, read off the wall clock (weekday and HH:MM) in its zone. */
function wallInside(w, t) {
  const f = new Intl.DateTimeFormat("en-GB", { timeZone: w.timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  const hm = `${p.hour}:${p.minute}`;
  return w.days.includes(p.weekday.slice(0, 3).toLowerCase()) && hm >= w.from && hm < w.to;
}

test("send window: New York's offset moves at 2 a.m. local on 2026-03-08 and 2026-11-01", () => {
  assert.equal(zoneOffset("America/New_York", at("2026-03-08T06:59:59Z")), -5 * 3_600_000);
  assert.equal(zoneOffset("America/New_York", at("2026-03-08T07:00:00Z")), -4 * 3_600_000);
  assert.equal(zoneOffset("America/New_York", at("2026-11-01T05:59:59Z")), -4 * 3_600_000);
  assert.equal(zoneOffset("America/New_York", at("2026-11-01T06:00:00Z")), -5 * 3_600_000);
});

test("send window: 9 to 5 on weekdays in New York opens an hour earlier in UTC after spring forward, an hour later after fall back", () => {
  // Friday after closing → Monday's opening, across each change.
  assert.deepEqual(windowAt(NEW_YORK, at("2026-03-06T22:30:00Z")), { open: false, until: at("2026-03-09T13:00:00Z") }, "Monday 9:00 EDT");
  assert.deepEqual(windowAt(NEW_YORK, at("2026-10-30T21:30:00Z")), { open: false, until: at("2026-11-02T14:00:00Z") }, "Monday 9:00 EST");
  // Friday before the fall-back change closes at 17:00 EDT; Monday after it at 17:00 EST.
  assert.deepEqual(windowAt(NEW_YORK, at("2026-10-30T15:00:00Z")), { open: true, until: at("2026-10-30T21:00:00Z") });
  assert.deepEqual(windowAt(NEW_YORK, at("2026-11-02T14:00:00Z")), { open: true, until: at("2026-11-02T22:00:00Z") });
  // 13:30 UTC on the Monday after: 8:30 EST, closed (the old offset would say 9:30, open).
  assert.deepEqual(windowAt(NEW_YORK, at("2026-11-02T13:30:00Z")), { open: false, until: at("2026-11-02T14:00:00Z") });
  assert.equal(windowAt(NEW_YORK, at("2026-03-09T12:59:59Z")).open, false);
  assert.equal(windowAt(NEW_YORK, at("2026-03-09T13:00:00Z")).open, true);
});

test("send window: an opening in the skipped hour is the jump; a window in the repeated hour opens at its first pass", () => {
  const gap = { timeZone: "America/New_York", days: ["sun"], from: "02:30", to: "04:00" };
  assert.deepEqual(windowAt(gap, at("2026-03-08T05:00:00Z")), { open: false, until: at("2026-03-08T07:00:00Z") }, "02:30 does not exist: 03:00 EDT");
  assert.deepEqual(windowAt(gap, at("2026-03-08T07:00:00Z")), { open: true, until: at("2026-03-08T08:00:00Z") }, "closes at 04:00 EDT");
  const repeated = { timeZone: "America/New_York", days: ["sun"], from: "01:30", to: "03:00" };
  assert.deepEqual(windowAt(repeated, at("2026-11-01T04:00:00Z")), { open: false, until: at("2026-11-01T05:30:00Z") }, "01:30 EDT");
  assert.deepEqual(windowAt(repeated, at("2026-11-01T06:10:00Z")), { open: true, until: at("2026-11-01T08:00:00Z") }, "01:10 EST, second pass: open until 03:00 EST");
});

test("send window: every answer agrees with the wall clock, and `until` is the next change, in zones with odd offsets and changes", () => {
  const windows = [
    NEW_YORK,
    { timeZone: "Europe/London", days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], from: "00:30", to: "02:30" },
    { timeZone: "Australia/Lord_Howe", days: ["sat", "sun"], from: "01:00", to: "24:00" }, // a half-hour change
    { timeZone: "Asia/Kolkata", days: ["mon", "wed"], from: "10:15", to: "18:45" },
  ];
  const spans = [[at("2026-03-05T00:00:00Z"), at("2026-03-12T00:00:00Z")], [at("2026-10-22T00:00:00Z"), at("2026-11-05T00:00:00Z")], [at("2026-04-02T00:00:00Z"), at("2026-04-07T00:00:00Z")]];
  let checked = 0;
  for (const w of windows) {
    for (const [from, to] of spans) {
      for (let t = from + 13_000; t < to; t += 47 * 60_000 + 13_000) {
        const r = windowAt(w, t);
        assert.equal(r.open, wallInside(w, t), `${w.timeZone} at ${iso(t)}`);
        assert.ok(r.until > t);
        assert.equal(wallInside(w, r.until - 1), r.open, `${w.timeZone}: unchanged until ${iso(r.until)}`);
        assert.equal(wallInside(w, r.until), !r.open, `${w.timeZone}: changes at ${iso(r.until)}`);
        checked += 1;
      }
    }
  }
  assert.ok(checked > 1_000);
});

test("send window: every problem of a campaign's sending hours is named with its field and rule", () => {
  assert.deepEqual(checkSendingHours({}), []);
  assert.deepEqual(checkSendingHours({ sendWindow: NEW_YORK, senderWindows: { s1: { ...NEW_YORK, timeZone: "Europe/Berlin" } }, jitterMs: 30_000 }), []);
  const problems = checkSendingHours({
    sendWindow: { timeZone: "Mars/Olympus", days: ["mon", "mon"], from: "9:00", to: "17:00", hours: 8 },
    senderWindows: { s1: { ...NEW_YORK, from: "18:00" }, s2: null },
    jitterMs: 1.5,
  });
  assert.deepEqual(problems.map((p) => p.field), [
    "sendWindow.hours", "sendWindow.timeZone", "sendWindow.days", "sendWindow.from", "senderWindows.s1.to", "senderWindows.s2", "jitterMs",
  ]);
  for (const p of problems) assert.match(p.rule, /\w{4}/);
  assert.deepEqual(checkSendingHours({ sendWindow: { ...NEW_YORK, days: [] } }).map((p) => p.field), ["sendWindow.days"]);
  assert.deepEqual(checkSendingHours({ sendWindow: { ...NEW_YORK, to: "24:00" } }), [], "24:00 is the end of the day");
  assert.deepEqual(checkSendingHours({ senderWindows: [] }).map((p) => p.field), ["senderWindows"]);
});
