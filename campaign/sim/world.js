// One simulated campaign: the core (src/core/) driven the way the Durable Objects drive it —
// load, decide, do the I/O, record, set the alarm — against the API model (api.js) on a virtual
// clock, with a queue that delivers twice, runtimes that die (losing every answer in flight,
// every alarm and every lease), and every invariant checked after every event.
import { Clock } from "./clock.js";
import { Api } from "./api.js";
import { seeded, tools } from "./random.js";
import { accept, emptyLedger, finish, recover, start, wants } from "../src/core/ledger.js";
import { emptyTeam, grant, settle } from "../src/core/team-budget.js";
import { ENDED } from "../src/core/states.js";

/** The defaults: the real limits and timings, faults at about 1 % of requests. */
export const DEFAULTS = {
  prospects: 10_000, senders: 25, seed: 1, windows: "clock", shape: "even", background: 0.3,
  team: { limit: 300, windowMs: 60_000 },
  senderLimits: [{ limit: 200, windowMs: 900_000 }, { limit: 1000, windowMs: 86_400_000 }],
  latencyMs: [150, 600], // one way
  timeoutMs: 10_000, guardMs: 1_000, maxInFlight: 100, holdProbeMs: 300_000,
  faults: { after5xx: 0.003, before502: 0.002, hang: 0.005, drop: 0.002, inject429: 0.0005, unconfirmed: 0.002 },
  conversations: 0.03, emptyThreads: 0.01, otherSender: 0.01,
  disconnects: 0.03, tokenRefusals: 1, deaths: 3, redeliveries: 0.02,
};

/** Runs one simulation; returns its figures and violations. */
export function simulate(options = {}) {
  const o = { ...DEFAULTS, ...options, faults: { ...DEFAULTS.faults, ...options.faults } };
  const rand = tools(seeded(o.seed));
  const clock = new Clock();
  const api = new Api({ windows: o.windows, shape: o.shape, background: o.background, team: o.team, senderLimits: o.senderLimits, faults: o.faults, rand });
  const s = {
    senderLimits: o.senderLimits, guardMs: o.guardMs, timeoutMs: o.timeoutMs, retryBaseMs: 2_000, maxAttempts: 8, maxChecks: 5,
    v1GraceMs: 30_000, readWaitMs: 2_000, holdProbeMs: o.holdProbeMs, perRun: 100,
  };
  const teamOpts = { maxInFlight: o.maxInFlight, guardMs: o.guardMs, leaseMs: 2 * o.timeoutMs + 1_000, windows: [o.team], holdProbeMs: o.holdProbeMs };
  const violations = [];
  const fig = { holds: 0, teamHolds: 0, runs: 0, deaths: 0, redelivered: 0, maxOut: 0 };

  // Storage (survives a death): the ledgers and the team budget. Memory: everything else.
  const senders = Array.from({ length: o.senders }, (_, i) => `s${i}`);
  const ledgers = new Map(senders.map((id) => [id, emptyLedger(id)]));
  let team = emptyTeam();
  let epoch = 0;
  const scheduled = new Map(); // sender → the time of its alarm (memory)
  const told = new Map(); // sender → when the team budget said to ask again (memory)
  let out = 0;

  // The world before the campaign, and its faults over time.
  const floorHint = (o.prospects / Math.min((o.team.limit * (1 - o.background)) / o.team.windowMs, (o.senders * o.senderLimits[0].limit) / o.senderLimits[0].windowMs));
  const T0 = 1_000_000 + Math.floor(rand.between(0, o.team.windowMs));
  const prospects = [];
  const conversationAt = new Set();
  for (let i = 0; i < o.prospects; i += 1) {
    const sender = senders[i % o.senders];
    const platformId = String(10_000_000 + i);
    if (rand.chance(o.conversations)) {
      api.seedConversation(sender, platformId, 1 + Math.floor(rand.between(0, 5)));
      conversationAt.add(`${sender}|${platformId}`);
    } else if (rand.chance(o.emptyThreads)) api.seedConversation(sender, platformId, 0);
    else if (rand.chance(o.otherSender)) api.seedConversation(senders[(i + 1) % o.senders], platformId, 2);
    prospects.push({ campaign: "c", index: i, api: "v2", ifConversation: "skip", platformId, sender });
  }
  for (const sender of senders) {
    if (!rand.chance(o.disconnects)) continue;
    const from = T0 + rand.between(0, floorHint);
    api.outages.push({ sender, from, to: from + rand.between(30_000, 600_000), status: rand.chance(0.5) ? "offline" : "paused" });
  }
  for (let k = 0; k < o.tokenRefusals; k += 1) {
    const from = T0 + rand.between(0, floorHint);
    api.outages.push({ team: true, from, to: from + 30_000 });
  }

  const latency = () => rand.between(o.latencyMs[0], o.latencyMs[1]);
  const wake = (sender, at) => {
    const when = Math.max(at, clock.now);
    const known = scheduled.get(sender);
    if (known !== undefined && known <= when) return;
    scheduled.set(sender, when);
    const e = epoch;
    clock.at(when, () => {
      if (e !== epoch || scheduled.get(sender) !== when) return;
      scheduled.delete(sender);
      run(sender);
    });
  };

  /** A ledger's alarm: decide, lease, start, send the effects. */
  function run(sender) {
    fig.runs += 1;
    const ledger = ledgers.get(sender);
    const now = clock.now;
    const w = wants(ledger, now, s);
    let g = { granted: 0, first: 0, retryAt: null };
    if (w.requests > 0) {
      const r = grant(team, now, w.requests, teamOpts, w.probeSize);
      team = r.state;
      g = r;
    }
    // The team said when to ask again: until then this sender's answers do not make it ask.
    told.set(sender, g.granted < w.requests && g.retryAt !== null ? g.retryAt : now);
    const { effects, changed, unused } = start(ledger, now, s, g);
    if (unused.length > 0) team = settle(team, now, unused.map((seq) => ({ seq, at: now, unused: true })), teamOpts);
    explain(ledger, changed);
    for (const effect of effects) {
      if (effect.type === "set-alarm") wake(sender, effect.at);
      else request(sender, ledger, effect);
    }
  }

  /** One request through the world: out, arrive, answered (or lost), back to the core. */
  function request(sender, ledger, effect) {
    out += 1;
    fig.maxOut = Math.max(fig.maxOut, out);
    const e = epoch;
    const left = clock.now;
    const p = effect.key ? ledger.prospects[effect.key] : null;
    const req = {
      type: effect.type, sender, key: effect.idempotencyKey, prospect: effect.key, step: effect.step, platformId: p?.platformId,
      ifConversation: p?.ifConversation, ids: effect.ids, by: effect.by, messageId: effect.messageId,
    };
    const parts = effect.type === "find-sent" ? 2 : 1;
    clock.at(left + latency(), () => {
      let reply;
      for (let k = 0; k < parts; k += 1) reply = api.arrive(clock.now, req);
      const back = (at, result) =>
        clock.at(at, () => {
          out -= 1;
          if (e !== epoch) return; // the runtime died: nobody is waiting for this answer
          const r = finish(ledger, clock.now, s, effect, { ...result, at: clock.now });
          team = settle(team, clock.now, r.settle, teamOpts);
          if (r.settle.some((x) => x.hold)) fig.teamHolds += 1;
          explain(ledger, r.changed);
          wake(sender, Math.max(clock.now, told.get(sender) ?? clock.now));
        });
      if (reply.lost === "hang") back(left + o.timeoutMs, { ok: false, answered: false, failure: lostFailure("timeout") });
      else if (reply.lost === "drop") back(clock.now + latency(), { ok: false, answered: false, failure: lostFailure("network") });
      else back(clock.now + latency(), reply.answer);
    });
  }

  /** Checks prospects whose record changed: every end explained, none ended by a hold. */
  function explain(ledger, keys) {
    if (ledger.hold && !ledger.heldSeen) {
      ledger.heldSeen = true;
      fig.holds += 1;
    }
    if (!ledger.hold) ledger.heldSeen = false;
    for (const key of keys) {
      const p = ledger.prospects[key];
      if (!ENDED.includes(p.state)) continue;
      const step = p.steps[0];
      if (p.state === "sent" && !step.messageId) violations.push(`${key}: sent without a message id`);
      if (p.state === "skipped" && !p.conversationThreadId) violations.push(`${key}: skipped without the thread`);
      if (p.state === "skipped" && !conversationAt.has(`${ledger.sender}|${p.platformId}`)) violations.push(`${key}: skipped with no conversation`);
      if ((p.state === "failed" || p.state === "unconfirmed") && !p.reason) violations.push(`${key}: ${p.state} unexplained`);
      if (p.state === "failed" && (step.error?.scope === "sender" || step.error?.scope === "team")) violations.push(`${key}: failed by a hold (${step.error.kind})`);
    }
  }

  // The queue: batches of 100 handed to the ledgers, some delivered twice.
  const deliver = (batch) => {
    const bySender = new Map();
    for (const p of batch) bySender.set(p.sender, [...(bySender.get(p.sender) ?? []), p]);
    for (const [sender, items] of bySender) {
      accept(ledgers.get(sender), clock.now, items);
      wake(sender, clock.now);
    }
  };
  for (let i = 0; i < prospects.length; i += 100) {
    const batch = prospects.slice(i, i + 100);
    clock.at(T0 + i / 10, () => deliver(batch));
    const again = batch.filter(() => rand.chance(o.redeliveries));
    fig.redelivered += again.length;
    if (again.length > 0) clock.at(T0 + rand.between(0, floorHint), () => deliver(again));
  }

  // Runtimes that die: every answer in flight, every alarm and every lease lost; restarted a
  // few seconds later, the watchdog re-drives every ledger.
  for (let k = 0; k < o.deaths; k += 1) {
    const at = T0 + rand.between(0, floorHint);
    clock.at(at, () => {
      epoch += 1;
      fig.deaths += 1;
      scheduled.clear();
      clock.at(clock.now + rand.between(1_000, 10_000), () => {
        for (const [sender, ledger] of ledgers) {
          recover(ledger, clock.now, s);
          wake(sender, clock.now);
        }
      });
    });
  }

  // Run, checking the world's invariants after every event.
  const deadline = T0 + 3 * floorHint + 3_600_000;
  let events = 0;
  while (clock.step()) {
    events += 1;
    if (api.violations.length > 0) violations.push(...api.violations.splice(0));
    if (clock.now > deadline) {
      violations.push(`t=${clock.now}: still running at three times the floor`);
      break;
    }
  }

  // Nothing lost: every prospect ended, and as the API has it.
  const counts = { sent: 0, skipped: 0, failed: 0, unconfirmed: 0, cancelled: 0, open: 0 };
  let lastSent = T0;
  for (const ledger of ledgers.values()) {
    for (const key of ledger.order) {
      const p = ledger.prospects[key];
      const delivered = api.deliveredOf(key, 0);
      if (!ENDED.includes(p.state)) {
        counts.open += 1;
        violations.push(`${key}: never ended (${p.state}, step ${p.steps[0].state})`);
        continue;
      }
      counts[p.state] += 1;
      if (p.state === "sent") lastSent = Math.max(lastSent, p.steps[0].sentAt);
      if (p.state === "sent" && delivered !== 1) violations.push(`${key}: sent, X has ${delivered}`);
      if (["failed", "skipped", "cancelled"].includes(p.state) && delivered !== 0) violations.push(`${key}: ${p.state}, X has ${delivered}`);
    }
  }
  // The floor: what the tighter budget allows for the DMs that went — the team's share left by
  // the other client, or X's limit for the busiest sender.
  const ours = Math.floor(o.team.limit * (1 - o.background));
  const teamFloor = ((counts.sent + counts.unconfirmed) / ours) * o.team.windowMs;
  const perSender = Math.max(...[...ledgers.values()].map((l) => l.order.filter((k) => ["sent", "unconfirmed"].includes(l.prospects[k].state)).length));
  const xFloor = Math.max(...o.senderLimits.map(({ limit, windowMs }) => Math.floor(Math.max(0, perSender - 1) / limit) * windowMs));
  const floorMs = Math.max(teamFloor, xFloor);
  const deliveryMs = lastSent - T0;
  return {
    options: o, counts, events, violations, ledgers: o.keep ? ledgers : undefined,
    figures: {
      floorMs, deliveryMs, ratio: deliveryMs / floorMs,
      requestsPerDm: api.count.requests / Math.max(1, counts.sent),
      lookupsShare: api.count.lookups / o.prospects,
      limit429s: api.count.refusedByLimit + api.count.refusedByX,
      duplicates: api.count.duplicates, intoConversation: api.count.intoConversation,
      injected429s: api.count.injected, holdRefusals: api.count.holdRefusals,
      perWindow: api.perWindow,
      ...fig,
    },
  };
}

const lostFailure = (kind) => ({ kind, scope: "request", retryable: true, apiCode: null, maybeSent: true, messageId: null, message: kind === "timeout" ? "the request timed out" : "the connection dropped" });
