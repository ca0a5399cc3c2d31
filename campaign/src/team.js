// One per team (one Inbox API token): the Inbox budget every sender draws from, in storage.
// It follows what the API reports (src/core/team-budget.js): senders ask it for leases before a request
// leaves and settle each lease with what the answer said.
import { DurableObject } from "cloudflare:workers";
import { grant, settle } from "./core/team-budget.js";
import { settings } from "./inbox.js";

export class TeamBudget extends DurableObject {
  #opts() {
    const s = settings(this.env);
    // A lease whose holder never settles it (the sender died mid-send) ends after the longest
    // a request can take.
    return { windows: s.teamLimits, guardMs: s.guardMs, maxInFlight: s.maxInFlight, leaseMs: 2 * s.timeoutMs + 1_000 };
  }

  /**
   * Leases up to `wanted` requests now: { granted, first, retryAt } (leases first … first +
   * granted - 1). `probeSize`: the requests of one call, granted while the window is unknown.
   */
  async acquire(wanted, probeSize = 1) {
    const result = grant(await this.ctx.storage.get("team"), Date.now(), wanted, this.#opts(), probeSize);
    await this.ctx.storage.put("team", result.state);
    return { granted: result.granted, first: result.first, retryAt: result.retryAt };
  }

  /** What happened to leased requests: [{ seq, at, rateLimit?, blockedUntil? }] (see core/team-budget.js). */
  async settle(outcomes) {
    if (outcomes.length === 0) return;
    await this.ctx.storage.put("team", settle(await this.ctx.storage.get("team"), Date.now(), outcomes, this.#opts()));
  }
}
