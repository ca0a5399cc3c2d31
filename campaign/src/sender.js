// One per sender (account link): the driver of the core's ledger (core/ledger.js) for that
// sender. It loads the ledger (ledger-store.js), asks the core what it wants, leases that from
// the team budget, `start`s it (the core records each intent), makes the requests the core
// returns (effects.js), hands each answer to `finish`, writes what changed, settles the leases
// and sets the alarm the core asked for. The reply feed (feed.js) hears the threads it learned
// and its asks for a fresher look at the events, and brings it replies and looks (`noteEvents`).
// It decides nothing itself.
//
// Exactly once: every intent is written before its request leaves (the output gate holds the
// fetch until the write is durable). When the object starts on stored state (after an eviction
// or a crash), the core's `recover` looks for what was cut off mid-send before anything goes again.
import { DurableObject } from "cloudflare:workers";
import { accept, emptyLedger, finish, noteEvents, recover, setCampaign, setSchedule, start, wants } from "./core/ledger.js";
import { ENDED, PROSPECT, STEP } from "./core/states.js";
import { perform } from "./effects.js";
import { alarmAt, runOrRetry } from "./retry-alarm.js";
import { CRASH, withFaults } from "./faults.js";
import { campaignClient, ledgerSettings, settings } from "./inbox.js";
import { createTables, dmOf, load, save } from "./ledger-store.js";
import { migrateEarlier } from "./ledger-migrate.js";
import { campaignStub, feedStub, teamStub } from "./stubs.js";

const ALARM_RETRY_MS = 1_000;

export class SenderLedger extends DurableObject {
  /** The core's ledger while this object lives (null until loaded, and after a crash). */
  #ledger = null;
  /** Bumped when the object "dies" (a test fault): answers of an earlier life are dropped. */
  #life = 0;
  #io = null;
  /** Something new arrived while a run was going: the run ends with an alarm now. */
  #poked = false;
  /** Team leases whose requests a restart cut off: settled by the next run. */
  #cutOff = [];

  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    createTables(this.sql);
    this.sql.exec("CREATE TABLE IF NOT EXISTS news (campaign TEXT NOT NULL, idx INTEGER NOT NULL, u TEXT NOT NULL, PRIMARY KEY (campaign, idx))");
    // Threads this ledger learned that the reply feed has not been told of yet.
    this.sql.exec("CREATE TABLE IF NOT EXISTS learned (thread TEXT PRIMARY KEY)");
  }

  /** The I/O the core's effects need, with any test faults. */
  #io_() {
    if (this.#io) return this.#io;
    const client = campaignClient(this.env);
        this.#io = withFaults(
      {
        perform: (effect, context) => perform(client, effect, context),
        team: teamStub(this.env),
        setAlarm: (at) => this.ctx.storage.setAlarm(alarmAt(at)),
        deleteAlarm: () => this.ctx.storage.deleteAlarm(),
      },
      settings(this.env).testFaults,
    );
    return this.#io;
  }

  /**
   * The ledger: in memory, else loaded from storage — where nothing of it can be out any more,
   * so the core recovers what was cut off — else a new one for `sender`.
   */
  #open(sender) {
    if (this.#ledger) return this.#ledger;
    migrateEarlier(this.ctx.storage, Date.now());
    const stored = load(this.sql);
    if (stored) {
      const cutOff = [...Object.keys(stored.active), ...stored.order.slice(stored.head).filter((k) => stored.prospects[k].conversation === "looking")];
      this.#cutOff.push(...recover(stored, Date.now(), ledgerSettings(this.env)));
      save(this.sql, stored, cutOff);
      this.#ledger = stored;
    } else if (sender !== undefined) this.#ledger = emptyLedger(sender);
    return this.#ledger;
  }

  /**
   * Takes DMs into the ledger: [{ campaign, idx, api, dm, ifConversation?, schedule? }] → each one's record
   * as the ledger has it ({ idx, state, attempts, errorKind, errorMessage, messageId, threadId }:
   * "queued" when new, a final state when a redelivery or the campaign's watchdog finds it done),
   * and wakes the ledger.
   */
  async accept(sender, items) {
    const ledger = this.#open(sender);
    const dms = new Map();
    const fresh = [];
    const input = items.map(({ campaign, idx, api, dm, ifConversation, schedule }) => {
      const key = `${campaign}:${idx}`;
      // The campaign's sending hours here (the same on every DM of it; set when they differ).
      if (schedule && JSON.stringify(ledger.schedules[campaign]) !== JSON.stringify(schedule)) setSchedule(ledger, campaign, schedule);
      if (!ledger.prospects[key] && !dms.has(key)) {
        dms.set(key, dm);
        fresh.push(key);
      }
      return {
        campaign, index: idx, api, ifConversation: ifConversation ?? "skip",
        platformId: dm.externalPlatformId ?? (api === "v1" ? dm.externalId : null) ?? null,
        contactId: api === "v2" ? (dm.externalId ?? null) : null,
        followUps: (dm.followUps ?? []).map(({ afterMs }) => ({ afterMs })),
      };
    });
    const { records } = accept(ledger, Date.now(), input);
    save(this.sql, ledger, fresh, dms);
    await this.#wake();
    return records.map(publicOf);
  }

  /**
   * What the reply feed found: `lookedAt` (the last complete look, which follow-ups' freshness
   * is measured from) and replies in this ledger's threads. Returns the replies in threads it
   * does not know (the feed holds them).
   */
  async noteEvents(sender, events) {
    const ledger = this.#open(sender);
    const { changed, unknown } = noteEvents(ledger, Date.now(), events);
    save(this.sql, ledger, changed);
    this.#tell(ledger, changed);
    await this.#wake();
    return unknown;
  }

  /** A campaign was paused, resumed (a held sender probes at once) or cancelled. */
  async setCampaignStatus(sender, campaign, status) {
    const ledger = this.#open(sender);
    const changed = setCampaign(ledger, Date.now(), campaign, status);
    save(this.sql, ledger, changed);
    this.#tell(ledger, changed);
    await this.#wake();
  }

  /** Runs the ledger now (an alarm already due is set again: a restarted runtime may not have re-armed it). */
  async #wake() {
    this.#poked = true;
    const at = Date.now();
    if ((await this.ctx.storage.getAlarm()) !== at) await this.ctx.storage.setAlarm(at);
  }

  /**
   * One decision and its requests. A run that fails part way (a Durable Object call that threw)
   * is logged and tried again in ALARM_RETRY_MS by this object itself rather than by the
   * runtime's alarm retries (their backoff doubles from 2 s). What the failed run wrote stays
   * true: news not yet told goes with the next report, and leases not settled lapse.
   */
  async alarm() {
    await runOrRetry(this.ctx, "sender ledger", ALARM_RETRY_MS, () => this.#run());
  }

  async #run() {
    const ledger = this.#open();
    if (!ledger) return;
    this.#poked = false;
    // Threads a failed run could not tell the feed: told first, so no follow-up goes in a thread
    // whose held replies this ledger has not claimed.
    await this.#toFeed(ledger, false);
    const life = this.#life;
    const io = this.#io_();
    const s = ledgerSettings(this.env);
    const want = wants(ledger, Date.now(), s);
    const grant = want.requests > 0 ? await io.team.acquire(want.requests, want.probeSize, ledger.sender) : { granted: 0, first: 0, retryAt: null };
    const now = Date.now();
    const { effects, changed, unused } = start(ledger, now, s, { ...grant, random: Math.random() });
    const requests = effects.filter((e) => e.type !== "set-alarm" && e.type !== "read-events");
    save(this.sql, ledger, [...changed, ...requests.flatMap(keysOf)]);
    this.#tell(ledger, changed);
    // Leases are settled as answers come (a request that hangs holds only its own).
    const settling = settler(io.team);
    settling.add([...this.#cutOff.splice(0).map((seq) => ({ seq, at: now })), ...unused.map((seq) => ({ seq, at: now, unused: true }))]);
    // The team said when to ask again: until then, answers do not make this ledger ask.
    const told = grant.granted < want.requests && grant.retryAt !== null ? grant.retryAt : now;

    // The campaigns hear about the intents while the requests are out.
    const reported = this.#report(ledger).catch((error) => console.error(`sender ledger: telling the campaign failed: ${error?.message ?? error}`));
    const answers = await Promise.all(requests.map(async (effect) => {
      const result = await io.perform(effect, this.#context(ledger, effect));
      if (life !== this.#life) return false;
      if (result === CRASH) {
        this.#life += 1;
        this.#ledger = null;
        return false;
      }
      const done = finish(ledger, Date.now(), s, effect, result);
      // A thread matters to the feed only while a follow-up may still go in it.
      const open = effect.key && !ENDED.includes(ledger.prospects[effect.key].state);
      if (open) for (const thread of done.threads) this.sql.exec("INSERT OR IGNORE INTO learned (thread) VALUES (?)", thread);
      save(this.sql, ledger, [...done.changed, ...keysOf(effect)]);
      this.#tell(ledger, done.changed);
      settling.add(done.settle);
      return true;
    }));
    await reported;
    if (life !== this.#life) {
      // It "died": the leases of the answers it lost lapse, and the next run starts from storage.
      await settling.done().catch(() => {});
      await io.setAlarm(Date.now());
      return;
    }
    await settling.done();
    await this.#toFeed(ledger, effects.some((e) => e.type === "read-events"));

    const at = effects.find((e) => e.type === "set-alarm")?.at ?? Infinity;
    let next = Math.min(at, answers.some(Boolean) ? Math.max(Date.now(), told) : Infinity);
    if (this.#poked) next = Date.now();
    if (next !== Infinity) await io.setAlarm(next);
    await this.#report(ledger, next === Infinity ? null : next);
  }

  /**
   * Tells the reply feed the threads this ledger learned (replies it held for them are noted
   * here) and, when a follow-up wants a fresher look, asks for one (`noteEvents` brings it).
   */
  async #toFeed(ledger, look) {
    const threads = this.sql.exec("SELECT thread FROM learned").toArray().map((r) => r.thread);
    if (threads.length === 0 && !look) return;
    const feed = feedStub(this.env);
    // While follow-ups wait, the feed keeps reading (the last one due here, at the latest).
    const openUntil = ledger.waiting.at(-1)?.[0] ?? 0;
    if (threads.length > 0) {
      const claimed = await feed.learned(ledger.sender, threads, openUntil);
      for (const thread of threads) this.sql.exec("DELETE FROM learned WHERE thread = ?", thread);
      if (claimed.length > 0) {
        const { changed } = noteEvents(ledger, Date.now(), { replies: claimed });
        save(this.sql, ledger, changed);
        this.#tell(ledger, changed);
      }
    }
    if (look) await feed.ask(ledger.sender, openUntil);
  }

  /** What a request needs besides the effect: the sender, and the DMs it is about. */
  #context(ledger, effect) {
    const keys = keysOf(effect);
    const dms = new Map(keys.map((k) => [k, dmOf(this.sql, k)]));
    return { sender: ledger.sender, dm: effect.key ? dms.get(effect.key) : null, dms };
  }

  /** Keeps what the campaigns must hear about these prospects until they have it (see #report). */
  #tell(ledger, keys) {
    for (const key of new Set(keys)) {
      const p = ledger.prospects[key];
      this.sql.exec(
        "INSERT INTO news (campaign, idx, u) VALUES (?, ?, ?) ON CONFLICT (campaign, idx) DO UPDATE SET u = excluded.u",
        p.campaign, p.index, JSON.stringify(publicOf(p)),
      );
    }
  }

  /**
   * Tells each campaign its news (and, with `next`, when this sender runs next and its hold:
   * every campaign with DMs open here hears it, news or not, so its ledger check never mistakes
   * a wait for a lost alarm). A piece of news is forgotten only once its campaign has it and
   * nothing newer came meanwhile; what a failed call could not deliver goes with the next report.
   */
  async #report(ledger, next) {
    const byCampaign = new Map();
    if (next !== undefined) {
      for (const key of [...Object.keys(ledger.active), ...ledger.order.slice(ledger.head), ...ledger.waiting.map((w) => w[1])]) {
        const p = ledger.prospects[key];
        if (!ENDED.includes(p.state)) byCampaign.set(p.campaign, []);
      }
    }
    for (const { campaign, idx, u } of this.sql.exec("SELECT campaign, idx, u FROM news").toArray()) {
      if (!byCampaign.has(campaign)) byCampaign.set(campaign, []);
      byCampaign.get(campaign).push({ idx, u });
    }
    const about = next === undefined ? undefined : { sender: ledger.sender, nextSendAt: next, hold: ledger.hold };
    await Promise.all(
      [...byCampaign].map(async ([campaign, rows]) => {
        await campaignStub(this.env, campaign).update(rows.map((r) => JSON.parse(r.u)), about);
        for (const r of rows) this.sql.exec("DELETE FROM news WHERE campaign = ? AND idx = ? AND u = ?", campaign, r.idx, r.u);
      }),
    );
  }
}

/** The prospects an effect is about. */
const keysOf = (effect) => (effect.key ? [effect.key] : (effect.keys ?? []));

/**
 * What the campaign keeps of a prospect's record: its state, the step in hand's attempts and
 * error, the last message sent, its thread, each step ({ step, state, messageId, sentAt }), when
 * a waiting follow-up is due; for `replied`, when and after which step.
 */
function publicOf(p) {
  const step = p.steps[p.steps.length - 1];
  const last = p.steps.findLast((st) => st.messageId !== null && st.sentAt !== null);
  const steps = p.steps.map((st, k) => ({ step: k, state: st.state, messageId: st.sentAt === null ? null : st.messageId, sentAt: st.sentAt }));
  const base = {
    idx: p.index, state: p.state, attempts: step.attempts, messageId: last?.messageId ?? null,
    threadId: p.threadId ?? step.threadId ?? p.conversationThreadId, steps, repliedAt: null, afterStep: null,
    // A follow-up waiting for its time: the watchdog leaves it alone until then.
    dueAt: p.steps.length > 1 && step.state === STEP.due ? step.nextAt : null,
  };
  switch (p.state) {
    case PROSPECT.failed:
      return { ...base, errorKind: step.error?.kind ?? "not_sent", errorMessage: p.reason };
    case PROSPECT.unconfirmed:
      return { ...base, errorKind: "unconfirmed", errorMessage: p.reason };
    case PROSPECT.cancelled:
      return { ...base, errorKind: "cancelled", errorMessage: p.reason };
    case PROSPECT.skipped:
      return {
        ...base, messageId: null, errorKind: p.reason,
        errorMessage: `This sender already has a conversation with the prospect (thread ${p.conversationThreadId}): the opener was not sent.`,
      };
    case PROSPECT.replied:
      return { ...base, repliedAt: p.repliedAt, afterStep: p.afterStep, errorKind: null, errorMessage: null };
    default:
      return { ...base, errorKind: null, errorMessage: null };
  }
}

/**
 * Settles team leases as they are added, one call at a time: what is added while a call is out
 * goes with the next. `done()` resolves when all added so far are settled (or the first failure).
 */
function settler(team) {
  let pending = [];
  let chain = Promise.resolve();
  return {
    add(outcomes) {
      if (outcomes.length === 0) return;
      const idle = pending.length === 0;
      pending.push(...outcomes);
      if (idle) {
        chain = chain.then(() => {
          const batch = pending;
          pending = [];
          return team.settle(batch);
        });
      }
    },
    done: () => chain,
  };
}
