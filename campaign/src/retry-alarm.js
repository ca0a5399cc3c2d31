// A Durable Object's alarm that runs its work and, when the run throws part way, logs it and
// sets its own alarm `retryMs` later, rather than leaving the retry to the runtime (whose
// backoff doubles from 2 s); and the time to set an alarm for.

/**
 * The alarm time for a moment `at` (ms, maybe fractional): a whole millisecond, and after now.
 * The runtime keeps alarms to the millisecond, and one set from inside `alarm()` for the
 * millisecond the running alarm was scheduled for is taken for that one and deleted when it
 * returns: the object would sleep until something else woke it.
 * @param {number} at
 */
export const alarmAt = (at) => Math.max(Math.ceil(at), Date.now() + 1);

/**
 * Runs `run`; on a throw, logs it under `name` and sets the alarm `retryMs` from now.
 * @param {DurableObjectState} ctx
 * @param {string} name
 * @param {number} retryMs
 * @param {() => Promise<void>} run
 */
export async function runOrRetry(ctx, name, retryMs, run) {
  try {
    await run();
  } catch (error) {
    console.error(`${name}: a run failed, again in ${retryMs} ms: ${error?.stack ?? error}`);
    await ctx.storage.setAlarm(Date.now() + retryMs);
  }
}
