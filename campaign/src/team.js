// One per team (one Inbox API token): the Inbox budget every sender draws from. It lives in
// storage, is counted before a request leaves, and is corrected from the API's X-RateLimit-*
// reports and 429s.
import { DurableObject } from "cloudflare:workers";
import { available, block, observe, take } from "./budget.js";
import { settings } from "./inbox.js";

export class TeamBudget extends DurableObject {
  #config() {
    const s = settings(this.env);
    return { windows: s.teamLimits, guardMs: s.guardMs };
  }

  /** Grants up to `wanted` requests now: { granted, retryAt, windowStart }. */
  async acquire(wanted) {
    const { windows, guardMs } = this.#config();
    const now = Date.now();
    const result = take(await this.ctx.storage.get("budget"), windows, now, wanted, guardMs);
    if (result.granted > 0 || result.state.blockedUntil) await this.ctx.storage.put("budget", result.state);
    return { granted: result.granted, retryAt: result.retryAt, windowStart: result.state.windows[0].start };
  }

  /** A 429 from the team limit said to come back at `until` (ms since the epoch). */
  async blockUntil(until) {
    const { windows, guardMs } = this.#config();
    const now = Date.now();
    await this.ctx.storage.put("budget", block(await this.ctx.storage.get("budget"), windows, now, until + guardMs, guardMs));
  }

  /** The API reported `remaining` for requests granted in the window that started at `windowStart`. */
  async report(windowStart, remaining) {
    const { windows, guardMs } = this.#config();
    const now = Date.now();
    const state = observe(await this.ctx.storage.get("budget"), windows, now, { windowStart, remaining }, guardMs);
    await this.ctx.storage.put("budget", state);
  }

  /** What is left now (for the dashboard and ETAs). */
  async peek() {
    const { windows, guardMs } = this.#config();
    return available(await this.ctx.storage.get("budget"), windows, Date.now(), guardMs);
  }
}
