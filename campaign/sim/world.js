// One simulated campaign: the core (src/core/) driven the way the Durable Objects drive it —
// load, decide, do the I/O, record, set the alarm — against the API model (api.js) on a virtual
// clock, with a queue that delivers twice, runtimes that die (losing every answer in flight,
// every alarm and every lease), prospects who reply (through the events feed, one reader for
// every sender, and through webhooks that come late, twice or never), sending hours across a
// daylight-saving change, and every invariant checked after every event.
import { Clock } from "./clock.js";
import { Api } from "./api.js";
import { seeded, tools } from "./random.js";
import { accept, emptyLedger, finish, noteEvents, recover, setSchedule, start, wants } from "../src/core/ledger.js";
import { emptyTeam, grant, settle } from "../src/core/team-budget.js";
import { ENDED } from "../src/core/states.js";
import { claimReplies, emptyFeed, holdReplies, pageRead, recoverFeed, startLook, wantsLook, webhookEvent } from "../src/core/replies.js";
import { windowAt } from "../src/core/send-window.js";
import { afterReadFailure } from "../src/core/outcome.js";

/** The defaults: the real limits and timings, faults at about 1 % of requests. */
export const DEFAULTS = {
  prospects: 10_000, senders: 25, seed: 1, windows: "clock", shape: "even", background: 0.3, opener: "other",
  team: { limit: 300, windowMs: 60_000 },
  senderLimits: [{ limit: 200, windowMs: 900_000 }, { limit: 1000, windowMs: 86_400_000 }],
  latencyMs: [150, 600], // one way
  timeoutMs: 10_000, guardMs: 1_000, maxInFlight: 100, holdProbeMs: 300_000,
  faults: { after5xx: 0.003, before502: 0.002, hang: 0.005, drop: 0.002, inject429: 0.0005, unconfirmed: 0.002 },
  conversations: 0.03, emptyThreads: 0.01, otherSender: 0.01,
  disconnects: 0.03, tokenRefusals: 1, deaths: 3, redeliveries: 0.02,
  steps: 1, replies: 0, hours: false, replyFreshnessMs: 10_000,
  // Sending hours (with --hours on): the campaign's, and every fifth sender's own, both across
  // the end of daylight saving in the United States (2026-11-01); the run starts the Thursday before.
  start: Date.UTC(2026, 9, 29, 12),
  sendWindow: { timeZone: "America/New_York", days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" },
  senderWindow: { timeZone: "America/Chicago", days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "16:00" },
  jitterMs: 20_000,
  // Follow-ups: each this long after the step before (hours on: within a working day; off: soon).
  afterMs: { hours: 4 * 3_600_000, always: 600_000 },
  // Other threads' messages in the feed (per ms), and webhooks: late by up to 3 s, some lost or twice.
  noisePerMs: 1 / 20_000, webhooks: { lost: 0.1, twice: 0.05 },
};

/** Runs one simulation; returns its figures and violations. */
export function simulate(options = {}) {
  const o = { ...DEFAULTS, ...options, faults: { ...DEFAULTS.faults, ...options.faults }, webhooks: { ...DEFAULTS.webhooks, ...options.webhooks } };
  const rand = tools(seeded(o.seed));
  const clock = new Clock();
  const windowOf = (sender) => (!o.hours ? null : Number(sender.slice(1)) % 5 === 4 ? o.senderWindow : o.sendWindow);
  const api = new Api({
    windows: o.windows, opener: o.opener, shape: o.shape, background: o.background, team: o.team, senderLimits: o.senderLimits, faults: o.faults, rand,
    freshnessMs: o.replyFreshnessMs, inHours: o.hours ? (sender, t) => inside(windowOf(sender), t) : null,
    onDeliver: (t, req, threadId) => planReply(t, req, threadId), onEvent: (event) => webhook(event),
  });
  const s = {
    senderLimits: o.senderLimits, guardMs: o.guardMs, timeoutMs: o.timeoutMs, retryBaseMs: 2_000, maxAttempts: 8, maxChecks: 5,
    v1GraceMs: 30_000, readWaitMs: 2_000, holdProbeMs: o.holdProbeMs, perRun: 100, replyFreshnessMs: o.replyFreshnessMs,
  };
  const feedSettings = { idleLookMs: 3_600_000, retryBaseMs: 2_000, holdRepliesMs: 86_400_000, lookAfterMs: o.replyFreshnessMs / 2 };
  const teamOpts = { maxInFlight: o.maxInFlight, guardMs: o.guardMs, leaseMs: 2 * o.timeoutMs + 1_000, windows: [o.team], holdProbeMs: o.holdProbeMs };
  const violations = [];
  const fig = { holds: 0, teamHolds: 0, runs: 0, deaths: 0, redelivered: 0, maxOut: 0, looks: 0, webhooks: 0 };
  const afterMs = o.hours ? o.afterMs.hours : o.afterMs.always;

  // Storage (survives a death): the ledgers, the team budget, the feed and which sender owns
  // which thread. Memory: everything else.
  const senders = Array.from({ length: o.senders }, (_, i) => `s${i}`);
  const ledgers = new Map(senders.map((id) => [id, emptyLedger(id)]));
  if (o.hours) for (const [id, l] of ledgers) setSchedule(l, "c", { sendWindow: windowOf(id), jitterMs: o.jitterMs });
  let team = emptyTeam();
  const feed = emptyFeed();
  const owner = new Map(); // threadId → sender
  let epoch = 0;
  const scheduled = new Map(); // sender → the time of its alarm (memory)
  const told = new Map(); // sender → when the team budget said to ask again (memory)
  const askers = new Set(); // ledgers waiting for a look (memory)
  let lookAlarm = null; // when the feed reader runs next (memory)
  let out = 0;
  const ended = new Set();
  // Sequences open: the feed reader keeps up with the feed (a one-step campaign never reads it).
  const sequencesOpen = () => o.steps > 1 && ended.size < o.prospects;

  // The world before the campaign, and its faults over time.
  const floorHint = (o.steps * o.prospects) / Math.min((o.team.limit * (1 - o.background)) / o.team.windowMs, (o.senders * o.senderLimits[0].limit) / o.senderLimits[0].windowMs);
  // Sending hours stretch the campaign: 40 open hours a week.
  const span = o.hours ? floorHint * (168 / 40) : floorHint;
  const T0 = (o.hours ? o.start : 1_000_000) + Math.floor(rand.between(0, o.team.windowMs));
  const prospects = [];
  const conversationAt = new Set();
  const replyPlan = new Map(); // prospect key → { step } (the follow-up it races) or { step: null } (any moment)
  for (let i = 0; i < o.prospects; i += 1) {
    const sender = senders[i % o.senders];
    const platformId = String(10_000_000 + i);
    if (rand.chance(o.conversations)) {
      api.seedConversation(sender, platformId, 1 + Math.floor(rand.between(0, 5)));
      conversationAt.add(`${sender}|${platformId}`);
    } else if (rand.chance(o.emptyThreads)) api.seedConversation(sender, platformId, 0);
    else if (rand.chance(o.otherSender)) api.seedConversation(senders[(i + 1) % o.senders], platformId, 2);
    const followUps = Array.from({ length: o.steps - 1 }, () => ({ afterMs }));
    prospects.push({ campaign: "c", index: i, api: "v2", ifConversation: "skip", platformId, sender, followUps });
    if (o.replies > 0 && rand.chance(o.replies)) {
      const races = o.steps > 1 && rand.chance(0.5);
      replyPlan.set(`c:${i}`, { step: races ? 1 + Math.floor(rand.between(0, o.steps - 1)) : null, fired: false });
    }
  }
  // Outages fall in open hours, where they meet sends.
  const someTime = () => afterOpen(o.hours ? o.sendWindow : null, T0, rand.between(0, floorHint));
  for (const sender of senders) {
    if (!rand.chance(o.disconnects)) continue;
    const from = someTime();
    api.outages.push({ sender, from, to: from + rand.between(30_000, 600_000), status: rand.chance(0.5) ? "offline" : "paused" });
  }
  for (let k = 0; k < o.tokenRefusals; k += 1) {
    const from = someTime();
    api.outages.push({ team: true, from, to: from + 30_000 });
  }

  /** A planned reply, once: recorded by the API at `at` in the prospect's thread. */
  const replyAt = (plan, at, threadId) =>
    clock.at(at, () => {
      if (plan.fired) return;
      plan.fired = true;
      api.receive(clock.now, threadId);
    });

  /**
   * A prospect who replies: at any moment after its opener (some after the last step), or just
   * before the follow-up it races leaves (`race`, below); failing that, within the hour after
   * that follow-up fell due.
   */
  function planReply(t, req, threadId) {
    const plan = replyPlan.get(req.prospect);
    if (!plan) return;
    if (plan.step === null && req.step === 0) replyAt(plan, t + rand.between(0, 1.5 * o.steps * afterMs), threadId);
    else if (plan.step !== null && req.step === plan.step - 1) {
      const due = t + afterMs;
      const w = o.hours ? windowAt(windowOf(req.sender), due) : { open: true };
      replyAt(plan, (w.open ? due : w.until) + rand.between(60_000, 3_600_000), threadId);
    }
  }

  /**
   * A ledger will run at `when`: a prospect whose follow-up is next there and due by then, and
   * who races it, replies in the two seconds before — after the last look, before the send.
   */
  function race(sender, when) {
    const next = ledgers.get(sender).waiting[0];
    if (!next || next[0] > when) return;
    const [, key, step] = next;
    const plan = replyPlan.get(key);
    const p = ledgers.get(sender).prospects[key];
    if (plan && !plan.fired && plan.step === step && p.steps.length - 1 === step && p.threadId) replyAt(plan, rand.between(Math.max(clock.now, when - 2_000), when), p.threadId);
  }

  // Other threads' messages: the feed is the team's, not the campaign's.
  const noise = () => {
    if (!sequencesOpen()) return;
    api.receive(clock.now, `other-${rand.pick(senders)}-${Math.floor(rand.between(0, 1e6))}`);
    clock.at(clock.now + rand.between(0, 2 / o.noisePerMs), noise);
  };
  if (o.steps > 1) clock.at(T0, noise);

  /** Replies to the ledgers that own their threads; the rest are held for a ledger to claim. */
  function route(replies) {
    const bySender = new Map();
    const unknown = [];
    for (const r of replies) {
      const sender = owner.get(r.threadId);
      if (sender === undefined) unknown.push(r);
      else bySender.set(sender, [...(bySender.get(sender) ?? []), r]);
    }
    if (unknown.length > 0) holdReplies(feed, clock.now, feedSettings, unknown);
    for (const [sender, list] of bySender) {
      const ledger = ledgers.get(sender);
      explain(ledger, noteEvents(ledger, clock.now, { replies: list }).changed);
      wake(sender, clock.now);
    }
  }

  /** A webhook: late, sometimes lost, sometimes twice; taken in when it comes (deduplicated by seq). */
  function webhook(event) {
    if (rand.chance(o.webhooks.lost)) return;
    const deliver = () => {
      fig.webhooks += 1;
      route(webhookEvent(feed, event));
    };
    clock.at(clock.now + rand.between(200, 3_000), deliver);
    if (rand.chance(o.webhooks.twice)) clock.at(clock.now + rand.between(200, 5_000), deliver);
  }

  const latency = () => rand.between(o.latencyMs[0], o.latencyMs[1]);
  const wake = (sender, at) => {
    const when = Math.max(at, clock.now);
    const known = scheduled.get(sender);
    if (known !== undefined && known <= when) return;
    scheduled.set(sender, when);
    if (replyPlan.size > 0) race(sender, when);
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
      const r = grant(team, now, w.requests, teamOpts, w.probeSize, sender);
      team = r.state;
      g = r;
    }
    // The team said when to ask again: until then this sender's answers do not make it ask.
    told.set(sender, g.granted < w.requests && g.retryAt !== null ? g.retryAt : now);
    const { effects, changed, unused } = start(ledger, now, s, { ...g, random: o.hours ? rand.random() : 0.5 });
    if (unused.length > 0) team = settle(team, now, unused.map((seq) => ({ seq, at: now, unused: true })), teamOpts);
    explain(ledger, changed);
    for (const effect of effects) {
      if (effect.type === "set-alarm") wake(sender, effect.at);
      else if (effect.type === "read-events") {
        askers.add(sender);
        lookAt(now);
      } else request(sender, ledger, effect);
    }
  }

  /** The feed reader's alarm (one for every sender). */
  const lookAt = (at) => {
    const when = Math.max(at, clock.now);
    if (lookAlarm !== null && lookAlarm <= when) return;
    lookAlarm = when;
    const e = epoch;
    clock.at(when, () => {
      if (e !== epoch || lookAlarm !== when) return;
      lookAlarm = null;
      look();
    });
  };

  /** The ledgers that asked get the last look, and run again. */
  function tellAskers() {
    for (const sender of askers) {
      noteEvents(ledgers.get(sender), clock.now, { lookedAt: feed.lookedAt });
      wake(sender, clock.now);
    }
    askers.clear();
  }

  /** Reads the feed when a ledger asked or it has been idle too long: one request, leased like any. */
  function look() {
    const now = clock.now;
    const open = sequencesOpen();
    if (!wantsLook(feed, now, feedSettings, { asked: askers.size > 0, open })) {
      // The last look is young enough: the askers take it as it is.
      if (feed.out === null && feed.lookedAt !== null && now >= feed.retryAt) tellAskers();
      if (feed.out === null && open) lookAt(askers.size > 0 ? feed.retryAt : (feed.lookedAt ?? now) + feedSettings.idleLookMs);
      return;
    }
    const g = grant(team, now, 1, teamOpts, 1, "feed");
    team = g.state;
    if (g.granted < 1) return lookAt(g.retryAt ?? now + o.guardMs);
    const effect = { ...startLook(feed, now), leases: [g.first] };
    fig.looks += 1;
    out += 1;
    const e = epoch;
    clock.at(now + latency(), () => {
      const reply = api.arrive(clock.now, { type: "read-events", sender: null, afterSeq: effect.afterSeq });
      const back = (at, result) =>
        clock.at(at, () => {
          out -= 1;
          if (e !== epoch) return;
          const failure = result.ok ? null : result.failure;
          const next = failure ? afterReadFailure(failure, 1, clock.now, s) : null;
          team = settle(team, clock.now, [{
            seq: g.first, at: clock.now, rateLimit: result.rateLimit,
            blockedUntil: next?.type === "wait" ? next.until : undefined, hold: next?.type === "hold" ? failure : null,
          }], teamOpts);
          const r = pageRead(feed, clock.now, feedSettings, effect, result);
          route(r.replies);
          if (r.complete) tellAskers();
          lookAt(r.more ? clock.now : feed.retryAt);
        });
      if (reply.lost === "hang") back(now + o.timeoutMs, { ok: false, failure: lostFailure("timeout") });
      else if (reply.lost === "drop") back(clock.now + latency(), { ok: false, failure: lostFailure("network") });
      else back(clock.now + latency(), reply.answer);
    });
    return undefined;
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
      ifConversation: p?.ifConversation, ids: effect.ids, by: effect.by, messageId: effect.messageId, leftAt: left,
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
          // A thread learned: replies the feed held for it are this ledger's now.
          for (const threadId of r.threads) {
            owner.set(threadId, sender);
            const claimed = claimReplies(feed, threadId);
            if (claimed.length > 0) explain(ledger, noteEvents(ledger, clock.now, { replies: claimed }).changed);
          }
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
      ended.add(key);
      const step = p.steps[p.steps.length - 1];
      if (p.state === "sent" && p.steps.some((st) => !st.messageId)) violations.push(`${key}: sent without a message id`);
      if (p.state === "replied" && !(p.reply && p.afterStep === p.steps.length - 2 && api.replyAt.get(p.reply.threadId) <= p.repliedAt)) {
        violations.push(`${key}: replied unexplained`);
      }
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
    if (again.length > 0) clock.at(T0 + rand.between(0, span), () => deliver(again));
  }

  // Runtimes that die: every answer in flight, every alarm and every lease lost; restarted a
  // few seconds later, the watchdog re-drives every ledger and the feed reader.
  for (let k = 0; k < o.deaths; k += 1) {
    const at = T0 + rand.between(0, span);
    clock.at(at, () => {
      epoch += 1;
      fig.deaths += 1;
      scheduled.clear();
      askers.clear();
      lookAlarm = null;
      clock.at(clock.now + rand.between(1_000, 10_000), () => {
        recoverFeed(feed);
        for (const [sender, ledger] of ledgers) {
          const cutOff = recover(ledger, clock.now, s);
          team = settle(team, clock.now, cutOff.map((seq) => ({ seq, at: clock.now })), teamOpts);
          wake(sender, clock.now);
        }
        lookAt(clock.now);
      });
    });
  }

  // Run, checking the world's invariants after every event.
  // (With sending hours, a weekend may fall inside any stretch.)
  const deadline = T0 + 3 * span + 3_600_000 + 3 * o.steps * afterMs + (o.hours ? 7 * 86_400_000 : 0);
  let events = 0;
  while (clock.step()) {
    events += 1;
    if (api.violations.length > 0) violations.push(...api.violations.splice(0));
    if (clock.now > deadline) {
      violations.push(`t=${clock.now}: still running at three times the floor`);
      break;
    }
  }

  // Nothing lost: every prospect ended, and as the API has it — each step it reached sent once
  // (the last one: not at all when it failed, was skipped, cancelled or stopped by a reply).
  const counts = { sent: 0, replied: 0, skipped: 0, failed: 0, unconfirmed: 0, cancelled: 0, open: 0, steps: 0, repliedAfterEnd: 0 };
  let lastSent = T0;
  for (const ledger of ledgers.values()) {
    for (const key of ledger.order) {
      const p = ledger.prospects[key];
      if (!ENDED.includes(p.state)) {
        counts.open += 1;
        violations.push(`${key}: never ended (${p.state}, step ${p.steps.length - 1} ${p.steps[p.steps.length - 1].state})`);
        continue;
      }
      counts[p.state] += 1;
      if (p.state === "sent" && p.reply) counts.repliedAfterEnd += 1;
      const last = p.steps.length - 1;
      for (let k = 0; k <= o.steps; k += 1) {
        const delivered = api.deliveredOf(key, k);
        const st = p.steps[k];
        if (st?.state === "sent") {
          counts.steps += 1;
          lastSent = Math.max(lastSent, st.sentAt);
        }
        const expected = k < last || (k === last && p.state === "sent") ? 1 : k === last && p.state === "unconfirmed" ? delivered : 0;
        if (delivered !== expected) violations.push(`${key}: ${p.state}, step ${k} ${st?.state ?? "never reached"}, X has ${delivered}`);
      }
    }
  }
  // The floor, in open time (all time without sending hours): what the tighter budget allows for
  // the steps that went — the team's share left by the other client, or X's limits for the
  // busiest sender — and no sooner than the last opener the team's share allows followed by its
  // follow-ups' waits (each waiting for the window to open when it falls outside).
  const window = o.hours ? o.sendWindow : null;
  const ours = Math.floor(o.team.limit * (1 - o.background));
  const teamFloor = ((counts.steps + counts.unconfirmed) / ours) * o.team.windowMs;
  const perSender = Math.max(...[...ledgers.values()].map((l) => l.order.reduce((n, k) => n + l.prospects[k].steps.filter((st) => st.state === "sent" || st.state === "unconfirmed").length, 0)));
  const openPerDay = window ? openMs(window, o.start, o.start + 86_400_000 * 7) / 5 : 86_400_000;
  const xFloor = Math.max(...o.senderLimits.map(({ limit, windowMs }) => Math.floor(Math.max(0, perSender - 1) / limit) * Math.min(windowMs, openPerDay)));
  const openers = o.prospects - counts.skipped;
  let lastStep = afterOpen(window, T0, (openers / ours) * o.team.windowMs);
  for (let k = 1; k < o.steps; k += 1) lastStep = afterOpen(window, lastStep + afterMs, 0);
  const floorMs = Math.max(teamFloor, xFloor, openMs(window, T0, lastStep));
  const deliveryMs = openMs(window, T0, lastSent);
  return {
    options: o, counts, events, violations, ledgers: o.keep ? ledgers : undefined,
    figures: {
      floorMs, deliveryMs, ratio: deliveryMs / floorMs, wallMs: lastSent - T0,
      requestsPerDm: api.count.requests / Math.max(1, counts.steps),
      lookupsShare: api.count.lookups / o.prospects,
      eventReads: api.count.eventReads,
      limit429s: api.count.refusedByLimit + api.count.refusedByX,
      duplicates: api.count.duplicates, intoConversation: api.count.intoConversation,
      outsideHours: api.count.outsideHours, afterReply: api.count.afterReply, raced: api.count.raced,
      injected429s: api.count.injected, holdRefusals: api.count.holdRefusals,
      perWindow: api.perWindow,
      ...fig,
    },
  };
}

/** How long `window` is open between `from` and `to` (null: always open). */
function openMs(window, from, to) {
  if (!window) return Math.max(0, to - from);
  let total = 0;
  for (let t = from; t < to;) {
    const w = windowAt(window, t);
    if (w.open) total += Math.min(w.until, to) - t;
    t = w.until;
  }
  return total;
}

/** The instant by which `window` has been open for `ms` after `from` (the next opening for 0). */
function afterOpen(window, from, ms) {
  if (!window) return from + ms;
  let left = ms;
  for (let t = from; ;) {
    const w = windowAt(window, t);
    if (w.open && w.until - t >= left) return t + left;
    if (w.open) left -= w.until - t;
    t = w.until;
  }
}

const wallClocks = new Map();
const formats = new Map();
/**
 * Whether instant `t` is inside `window`, read straight off the zone's wall clock (the check
 * does not trust the core's arithmetic of openings and closings).
 */
function inside(window, t) {
  const minute = Math.floor(t / 60_000);
  const known = wallClocks.get(window);
  if (known?.minute === minute) return known.inside;
  let f = formats.get(window.timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: window.timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formats.set(window.timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
  const hm = `${parts.hour}:${parts.minute}`;
  const result = window.days.includes(parts.weekday.slice(0, 3).toLowerCase()) && hm >= window.from && hm < window.to;
  wallClocks.set(window, { minute, inside: result });
  return result;
}

const lostFailure = (kind) => ({ kind, scope: "request", retryable: true, apiCode: null, maybeSent: true, messageId: null, message: kind === "timeout" ? "the request timed out" : "the connection dropped" });
