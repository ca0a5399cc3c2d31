// The alarm time the Durable Objects set (src/retry-alarm.js `alarmAt`), in workerd: a chain of
// alarms each set less than a millisecond ahead keeps running. Without the rounding, an alarm
// set inside alarm() for the millisecond the running one was scheduled for is deleted when it
// returns, and the object sleeps until something else wakes it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { objectWorker } from "./harness.mjs";
import { alarmAt } from "../src/retry-alarm.js";

test("alarmAt: a whole millisecond, after now", () => {
  const now = Date.now();
  for (const at of [0, now - 5, now, now + 0.2, now + 7.5]) {
    const t = alarmAt(at);
    assert.ok(Number.isInteger(t), `${at} → ${t} is whole`);
    assert.ok(t > now && t >= at, `${at} → ${t} is after now and not before the moment asked for`);
  }
  assert.equal(alarmAt(now + 10_000.25), now + 10_001);
});

test("in workerd: a chain of alarms set less than a millisecond ahead runs to its end", async () => {
  const mf = objectWorker("alarm-chain.js", "CHAIN", "Chain");
  try {
    const RUNS = 200;
    await mf.dispatchFetch(`http://chain.test/start?runs=${RUNS}`);
    let runs = 0;
    // 200 runs take well under a second; a stalled chain stays where it stopped.
    for (let waited = 0; waited < 20_000 && runs < RUNS; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      runs = (await (await mf.dispatchFetch("http://chain.test/runs")).json()).runs;
    }
    assert.equal(runs, RUNS, "every alarm of the chain ran");
  } finally {
    await mf.dispose();
  }
});
