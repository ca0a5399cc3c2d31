// A Durable Object's alarm that runs its work and, when the run throws part way, logs it and
// sets its own alarm `retryMs` later, rather than leaving the retry to the runtime (whose
// backoff doubles from 2 s).

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
