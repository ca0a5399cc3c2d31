// One per sender (account link): the ledger of its DMs and its X budget, both in storage.
// The queue consumer hands each DM over (`accept`); alarms send them as the budgets allow, so
// nothing ever sleeps: a DM that must wait has a `next_at`, and the alarm is set to the
// earliest moment anything can go.
//
// Exactly once: the intent (state `sending`, attempt counted) is written before the request
// leaves — the output gate holds the fetch until that write is durable — and the outcome after.
// A row still `sending` when an alarm starts was cut off mid-send (the object was evicted or
// crashed): v2 sends it again with the same Idempotency-Key (the API replays, never a second DM);
// v1 asks `findSent` after a grace period and leaves what stays unknown `unconfirmed`.
import { DurableObject } from "cloudflare:workers";
import { longestSpan } from "./core/limits.js";
import { slidingAvailable } from "./core/sender-limit.js";
import { campaignClient, settings, v2Target } from "./inbox.js";

const PERMANENT = new Set(["invalid_request", "bad_request", "unauthorized", "forbidden", "not_found", "unprocessable", "unexpected_status"]);
const FINDSENT_TOKENS = 2; // a lookup and one page of messages, each a request against the team budget
const MAX_CHECKS = 3;
const ALARM_RETRY_MS = 1_000;

export class SenderLedger extends DurableObject {
  #client = null;
  #sendsSinceCrash = 0;
  #runs = 0;
  #arms = 0;

  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
      CREATE TABLE IF NOT EXISTS ledger (
        key TEXT PRIMARY KEY, campaign TEXT NOT NULL, idx INTEGER NOT NULL, api TEXT NOT NULL, dm TEXT NOT NULL,
        state TEXT NOT NULL, held INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
        checks INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, first_try_at INTEGER,
        error_kind TEXT, error_message TEXT, message_id TEXT, thread_id TEXT);
      CREATE INDEX IF NOT EXISTS ledger_due ON ledger (state, held, next_at);
      CREATE TABLE IF NOT EXISTS xlog (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS xlog_at ON xlog (at);
      CREATE TABLE IF NOT EXISTS campaigns (id TEXT PRIMARY KEY, status TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS news (campaign TEXT NOT NULL, idx INTEGER NOT NULL, u TEXT NOT NULL, PRIMARY KEY (campaign, idx));`);
  }

  #client_() {
    this.#client ??= campaignClient(this.env);
    return this.#client;
  }

  /**
   * Takes DMs into the ledger: [{ campaign, idx, api, dm }] → [{ idx, state, attempts, errorKind,
   * errorMessage, messageId, threadId }], the ledger's own record of each ("queued" when new; a
   * final state when a redelivery or the campaign's watchdog finds it done), and re-arms the alarm.
   */
  async accept(sender, items) {
    const now = Date.now();
    this.sql.exec("INSERT OR IGNORE INTO meta (k, v) VALUES ('sender', ?)", sender);
    const answers = [];
    for (const { campaign, idx, api, dm } of items) {
      const key = `${campaign}:${idx}`;
      this.sql.exec(
        "INSERT OR IGNORE INTO ledger (key, campaign, idx, api, dm, state, next_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)",
        key, campaign, idx, api, JSON.stringify(dm), now,
      );
      const row = this.sql
        .exec("SELECT state, attempts, error_kind, error_message, message_id, thread_id FROM ledger WHERE key = ?", key)
        .one();
      answers.push({
        idx, state: row.state, attempts: row.attempts, errorKind: row.error_kind, errorMessage: row.error_message,
        messageId: row.message_id, threadId: row.thread_id,
      });
    }
    await this.#wakeAt(now);
    return answers;
  }

  /**
   * A campaign was paused, resumed or cancelled (pushed here by the API, so an alarm needs no
   * round trip to learn it): look at its DMs again now.
   */
  async setCampaignStatus(campaign, status) {
    this.sql.exec(
      "INSERT INTO campaigns (id, status) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status",
      campaign, status,
    );
    if (status !== "paused") this.sql.exec("UPDATE ledger SET held = 0 WHERE campaign = ?", campaign);
    await this.#wakeAt(Date.now());
  }

  /** X's budget for this sender now: its log of send times, and a platformRateLimited hold. */
  #xAvailable(s, now) {
    this.sql.exec("DELETE FROM xlog WHERE at <= ?", now - longestSpan(s.senderLimits, s.guardMs));
    const held = Number(this.sql.exec("SELECT v FROM meta WHERE k = 'xHeldUntil'").toArray()[0]?.v ?? 0);
    if (now < held) return { available: 0, retryAt: held };
    const times = this.sql.exec("SELECT at FROM xlog ORDER BY at").toArray().map((r) => r.at);
    return slidingAvailable(times, s.senderLimits, now, s.guardMs);
  }

  /** X refused this sender (platformRateLimited): nothing of it goes before `until`. */
  #holdX(until) {
    this.sql.exec(
      "INSERT INTO meta (k, v) VALUES ('xHeldUntil', ?) ON CONFLICT (k) DO UPDATE SET v = MAX(CAST(v AS INTEGER), excluded.v)",
      String(until),
    );
  }

  async #wakeAt(at) {
    // An alarm already due (current < at) is set again: a runtime that restarted may hold it in
    // storage without having re-armed it.
    const current = await this.ctx.storage.getAlarm();
    if (current !== at) await this.ctx.storage.setAlarm(at);
  }

  /**
   * Sends what is due. A run that fails part way (a Durable Object call that threw) is logged and
   * tried again in ALARM_RETRY_MS by this object itself rather than by the runtime's alarm retries
   * (their backoff doubles from 2 s, six times, and after the last only the watchdog is left).
   * What the failed run wrote stays true: rows cut off mid-send are resolved as the header says,
   * news not yet told goes with the next report, and leases not settled lapse.
   */
  async alarm() {
    try {
      await this.#run();
    } catch (error) {
      console.error(`sender ledger: a run failed, again in ${ALARM_RETRY_MS} ms: ${error?.stack ?? error}`);
      await this.ctx.storage.setAlarm(Date.now() + ALARM_RETRY_MS);
    }
  }

  async #run() {
    const s = settings(this.env);
    const now = Date.now();
    const sender = this.sql.exec("SELECT v FROM meta WHERE k = 'sender'").toArray()[0]?.v;
    // What the campaigns must hear, kept until they have it (see #report).
    const tell = (row, u) =>
      this.sql.exec(
        "INSERT INTO news (campaign, idx, u) VALUES (?, ?, ?) ON CONFLICT (campaign, idx) DO UPDATE SET u = excluded.u",
        row.campaign, row.idx, JSON.stringify({ idx: row.idx, ...u }),
      );

    // Cut off mid-send by an earlier run: resolve safely (see the header).
    for (const row of this.sql.exec("SELECT key, api FROM ledger WHERE state = 'sending'").toArray()) {
      if (row.api === "v2") this.sql.exec("UPDATE ledger SET state = 'retry', next_at = ? WHERE key = ?", now, row.key);
      else this.sql.exec("UPDATE ledger SET state = 'checking', next_at = ? WHERE key = ?", now + s.v1GraceMs, row.key);
    }

    const due = this.sql
      .exec(
        "SELECT * FROM ledger WHERE state IN ('queued', 'retry', 'checking') AND held = 0 AND next_at <= ? ORDER BY next_at, idx LIMIT ?",
        now, s.perAlarm * 2,
      )
      .toArray();

    // The campaigns' own state: paused DMs are held until a resume wakes them, cancelled ones end.
    const statuses = new Map();
    for (const campaign of new Set(due.map((r) => r.campaign))) {
      const known = this.sql.exec("SELECT status FROM campaigns WHERE id = ?", campaign).toArray()[0];
      statuses.set(campaign, known?.status ?? "running");
    }
    for (const [campaign, status] of statuses) {
      if (status === "paused") this.sql.exec("UPDATE ledger SET held = 1 WHERE campaign = ? AND state IN ('queued', 'retry', 'checking')", campaign);
      if (status === "cancelled") {
        const rows = this.sql
          .exec("SELECT campaign, idx FROM ledger WHERE campaign = ? AND state IN ('queued', 'retry', 'checking')", campaign)
          .toArray();
        this.sql.exec("UPDATE ledger SET state = 'cancelled' WHERE campaign = ? AND state IN ('queued', 'retry', 'checking')", campaign);
        for (const row of rows) tell(row, { state: "cancelled", errorKind: "cancelled", errorMessage: "The campaign was cancelled before this DM was sent." });
      }
    }
    const running = due.filter((r) => statuses.get(r.campaign) === "running");
    const sends = running.filter((r) => r.state !== "checking");
    const checks = running.filter((r) => r.state === "checking");

    // Budgets: X's for this sender (sends only), then the team's for every request.
    const x = this.#xAvailable(s, now);
    const sendWanted = Math.min(sends.length, x.available, s.maxInFlight);
    const checkWanted = Math.min(checks.length, Math.floor(s.maxInFlight / FINDSENT_TOKENS));
    const wanted = sendWanted + FINDSENT_TOKENS * checkWanted;
    const grant = wanted > 0 ? await this.#team().acquire(wanted, sendWanted > 0 ? 1 : FINDSENT_TOKENS) : { granted: 0, first: 0, retryAt: null };
    const batch = sends.slice(0, Math.min(sendWanted, grant.granted));
    const checkBatch = checks.slice(0, Math.min(checkWanted, Math.floor((grant.granted - batch.length) / FINDSENT_TOKENS)));
    // Each request's lease in the team budget; leases granted beyond what is used end at once.
    const leases = Array.from({ length: grant.granted }, (_, k) => grant.first + k);

    if (batch.length > 0) {
      for (const row of batch) {
        row.attempts += 1;
        // X counts a send when it arrives, at the latest when its request times out: logged so
        // until its answer says when (however long the request takes, the log stays ahead).
        row.xlog = this.sql.exec("INSERT INTO xlog (at) VALUES (?) RETURNING id", now + s.timeoutMs).one().id;
        this.sql.exec(
          "UPDATE ledger SET state = 'sending', attempts = ?, first_try_at = COALESCE(first_try_at, ?) WHERE key = ?",
          row.attempts, now, row.key,
        );
        row.first_try_at ??= now;
        tell(row, { state: "sending", attempts: row.attempts });
      }
    }
    // The campaign hears about the intents while the requests are out (a late "sending" never
    // overwrites a final state there). If it cannot be told now, it is told with the outcomes.
    const client = this.#client_();
    const [, sent, checked] = await Promise.all([
      this.#report(sender, undefined).catch((error) => console.error(`sender ledger: telling the campaign failed: ${error?.message ?? error}`)),
      Promise.all(batch.map((row) => this.#send(client, row, s))),
      Promise.all(checkBatch.map((row) => this.#check(client, row, s))),
    ]);

    const crashEvery = s.testFaults.senderCrashAfterSendEvery;
    const settled = [];
    [...batch.map((row, i) => [row, sent[i]]), ...checkBatch.map((row, i) => [row, checked[i]])].forEach(([row, outcome], i) => {
      const seqs = i < batch.length ? [leases[i]] : leases.slice(batch.length + (i - batch.length) * FINDSENT_TOKENS, batch.length + (i - batch.length + 1) * FINDSENT_TOKENS);
      if (crashEvery && i < batch.length && ++this.#sendsSinceCrash >= crashEvery) {
        // Test fault: the object "dies" after the request, before the outcome is written (and
        // before its lease is settled: the team budget lets it lapse).
        this.#sendsSinceCrash = 0;
        return;
      }
      this.#record(row, outcome);
      if (row.xlog !== undefined && outcome.at) this.sql.exec("UPDATE xlog SET at = ? WHERE id = ?", outcome.at, row.xlog);
      if (outcome.block === "sender") this.#holdX(outcome.until + s.guardMs);
      for (const seq of seqs) {
        settled.push({ seq, at: outcome.at ?? Date.now(), rateLimit: outcome.rateLimit, blockedUntil: outcome.block === "team" ? outcome.until : undefined });
      }
      if (outcome.public) tell(row, outcome.public);
    });
    for (const seq of leases.slice(batch.length + checkBatch.length * FINDSENT_TOKENS)) settled.push({ seq, at: Date.now() });
    if (s.testFaults.ledgerRunFailsEvery && ++this.#runs % s.testFaults.ledgerRunFailsEvery === 0) {
      // Test fault: a Durable Object call fails after the outcomes were written, before the
      // leases are settled and the campaign is told.
      throw new Error("test fault: a Durable Object call failed mid-run");
    }
    await this.#team().settle(settled);

    // The next moment anything can go.
    const earliest = this.sql
      .exec("SELECT MIN(next_at) AS t FROM ledger WHERE state IN ('queued', 'retry', 'checking', 'sending') AND held = 0")
      .one().t;
    let next = null;
    if (earliest !== null) {
      next = Math.max(earliest, Date.now());
      const xNow = this.#xAvailable(s, Date.now());
      if (sends.length > batch.length && xNow.available === 0 && xNow.retryAt) next = Math.max(next, xNow.retryAt);
      if (grant.granted < wanted && grant.retryAt) next = Math.max(next, grant.retryAt);
      if (s.testFaults.ledgerLosesAlarmEvery && ++this.#arms % s.testFaults.ledgerLosesAlarmEvery === 0) {
        // Test fault: the runtime loses the alarm this run sets (the campaign's check wakes it).
        await this.ctx.storage.deleteAlarm();
      } else {
        await this.ctx.storage.setAlarm(next);
      }
    }
    await this.#report(sender, next);
  }

  /** One attempt of one DM; never throws. Returns { state, nextAt?, public?, block?, until? }. */
  async #send(client, row, s) {
    const dm = JSON.parse(row.dm);
    try {
      if (row.api === "v2") {
        const { message, thread, replayed, meta } = await client.send({ target: v2Target(dm), content: dm.content }, { idempotencyKey: row.key });
        return { ...sentOutcome(row, message.id, thread.id, replayed), at: Date.now(), rateLimit: meta?.rateLimit };
      }
      const { message, thread, meta } = await client.sendMessage(dm);
      return { ...sentOutcome(row, message.id, thread.id, false), at: Date.now(), rateLimit: meta?.rateLimit };
    } catch (error) {
      return { ...failureOutcome(row, error, s), at: Date.now(), rateLimit: error?.rateLimit };
    }
  }

  /** v1: did the uncertain send land? */
  async #check(client, row, s) {
    const dm = JSON.parse(row.dm);
    const now = Date.now();
    try {
      const found = await client.findSent(dm, { since: row.first_try_at ?? now });
      if (found) return sentOutcome(row, found.id, found.threadId ?? null, false);
      if (row.attempts >= s.maxAttempts) {
        return final(row, "failed", "not_sent", `Not sent after ${row.attempts} attempts (the Inbox API confirmed none of them landed).`);
      }
      // It did not land: sending it again cannot duplicate it.
      return { state: "retry", nextAt: now, public: { state: "queued", attempts: row.attempts } };
    } catch (error) {
      if (row.checks + 1 >= MAX_CHECKS) {
        return final(
          row,
          "unconfirmed",
          "unconfirmed",
          `The send may have reached the prospect, and checking the thread failed ${MAX_CHECKS} times (${error?.message ?? error}). Look at the thread before sending it again: it is never resent automatically.`,
        );
      }
      return { state: "checking", checks: row.checks + 1, nextAt: now + s.v1GraceMs };
    }
  }

  #record(row, o) {
    this.sql.exec(
      `UPDATE ledger SET state = ?, next_at = ?, checks = ?, error_kind = ?, error_message = ?, message_id = ?, thread_id = ?
       WHERE key = ?`,
      o.state, o.nextAt ?? row.next_at, o.checks ?? row.checks, o.public?.errorKind ?? null, o.public?.errorMessage ?? null,
      o.public?.messageId ?? null, o.public?.threadId ?? null, row.key,
    );
  }

  /**
   * Tells each campaign its news (and, with `next`, when this sender sends next: every campaign
   * with DMs open here hears it, news or not, so its ledger check never mistakes a wait for a
   * lost alarm). A piece of news is forgotten only once its campaign has it and nothing newer
   * came meanwhile; what a failed call could not deliver goes with the next report.
   */
  async #report(sender, next) {
    const byCampaign = new Map();
    if (next !== undefined) {
      for (const { campaign } of this.sql.exec("SELECT DISTINCT campaign FROM ledger WHERE state IN ('queued', 'retry', 'checking', 'sending')").toArray()) {
        byCampaign.set(campaign, []);
      }
    }
    for (const { campaign, idx, u } of this.sql.exec("SELECT campaign, idx, u FROM news").toArray()) {
      if (!byCampaign.has(campaign)) byCampaign.set(campaign, []);
      byCampaign.get(campaign).push({ idx, u });
    }
    await Promise.all(
      [...byCampaign].map(async ([campaign, rows]) => {
        await this.#campaign(campaign).update(rows.map((r) => JSON.parse(r.u)), next === undefined ? undefined : sender, next);
        for (const r of rows) this.sql.exec("DELETE FROM news WHERE campaign = ? AND idx = ? AND u = ?", campaign, r.idx, r.u);
      }),
    );
  }

  #campaign(id) {
    return this.env.CAMPAIGN.get(this.env.CAMPAIGN.idFromName(id));
  }
  #team() {
    return this.env.TEAM.get(this.env.TEAM.idFromName("team"));
  }
}

function sentOutcome(row, messageId, threadId, replayed) {
  return { state: "sent", public: { state: "sent", attempts: row.attempts, messageId, threadId, replayed } };
}

function final(row, state, errorKind, errorMessage) {
  return { state, public: { state, attempts: row.attempts, errorKind, errorMessage } };
}

/** What a failed attempt means for the DM (SPEC 11): wait, check, or a final answer. */
function failureOutcome(row, error, s) {
  const now = Date.now();
  const kind = error?.name === "InboxError" ? error.kind : "internal";
  const message = error?.message ?? String(error);
  const backoff = Math.min(60_000, s.retryBaseMs * 2 ** Math.max(0, row.attempts - 1));
  const wait = error?.retryAfterMs ?? backoff;
  const queued = { state: "queued", attempts: row.attempts };

  if (kind === "rate_limited") {
    // The budgets were wrong (another client, a server-side change): wait as told, then retry.
    // A 429 stores nothing, so it does not count as an attempt. X's limit holds this sender
    // alone; the team's holds everyone until its window resets (details.resetAt when given).
    const senderLimit = error.apiCode === "platformRateLimited" || /X limit/.test(message);
    const until = senderLimit ? now + wait : Math.max(now + wait, resetAtOf(error) ?? 0);
    row.attempts -= 1;
    return { state: "retry", nextAt: until + s.guardMs, public: { ...queued, attempts: row.attempts }, block: senderLimit ? "sender" : "team", until };
  }
  if (PERMANENT.has(kind)) {
    return final(row, "failed", kind, explain(kind, message, error));
  }
  if (row.api === "v1" && error?.maybeSent) {
    return { state: "checking", nextAt: now + s.v1GraceMs, public: queued };
  }
  if (row.attempts >= s.maxAttempts) {
    const maybe = row.api === "v2" && error?.maybeSent
      ? ` It may have been delivered; sending again with Idempotency-Key ${row.key} is safe (it cannot arrive twice).`
      : "";
    return final(row, "failed", kind, `Gave up after ${row.attempts} attempts: ${message}${maybe}`);
  }
  // v2 (every transient failure: the key makes the retry safe) or a v1 failure that sent nothing.
  return { state: "retry", nextAt: now + wait, public: queued };
}

/** A 429's `details.resetAt` (Unix ms), when its body names one. */
function resetAtOf(error) {
  try {
    const at = Date.parse(JSON.parse(error.body ?? "null")?.error?.details?.resetAt);
    return Number.isFinite(at) ? at : null;
  } catch {
    return null;
  }
}

function explain(kind, message, error) {
  const hints = {
    unauthorized: "The Inbox API refused INBOX_API_TOKEN: check the Worker's secret.",
    forbidden: "The Inbox API does not allow this token to send from this account link.",
    unprocessable: error?.apiCode === "idempotencyKeyReused"
      ? "This DM's idempotency key was already used for a different message."
      : "The Inbox API or X refused this DM (for example an X user who cannot receive DMs).",
  };
  return hints[kind] ? `${hints[kind]} (${message})` : message;
}
