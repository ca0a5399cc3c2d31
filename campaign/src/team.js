// One per team (one Inbox API token): the driver of the team budget (core/team-budget.js), kept
// in storage. Senders lease requests from it before they leave and settle each lease with what
// the answer said; a failure about the team (the token refused, the plan) holds every sender
// until a probe gets through.
import { DurableObject } from "cloudflare:workers";
import { grant, resumeTeam, settle, teamView } from "./core/team-budget.js";
import { teamSettings } from "./inbox.js";

export class TeamBudget extends DurableObject {
  /**
   * Leases up to `wanted` requests now: { granted, first, retryAt } (leases first … first +
   * granted - 1). `probeSize`: the requests of one call, granted while the window is unknown;
   * `asker`: who asks (a sender's account link), which keeps its turn when it asks again early.
   */
  async acquire(wanted, probeSize = 1, asker = null) {
    const result = grant(await this.ctx.storage.get("team"), Date.now(), wanted, teamSettings(this.env), probeSize, asker);
    await this.ctx.storage.put("team", result.state);
    return { granted: result.granted, first: result.first, retryAt: result.retryAt };
  }

  /** What happened to leased requests (see core/team-budget.js `settle`). */
  async settle(outcomes) {
    if (outcomes.length === 0) return;
    await this.ctx.storage.put("team", settle(await this.ctx.storage.get("team"), Date.now(), outcomes, teamSettings(this.env)));
  }

  /** A resume: a held team probes at once. */
  async resume() {
    const state = await this.ctx.storage.get("team");
    if (state) await this.ctx.storage.put("team", resumeTeam(state, Date.now()));
  }

  /** What is out, what is known to remain, and any hold. */
  async view() {
    return teamView(await this.ctx.storage.get("team"), Date.now(), teamSettings(this.env));
  }
}
