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
import { available, block, take } from "./budget.js";
import { campaignClient, settings, takeRateLimitReport } from "./inbox.js";

const PERMANENT = new Set(["invalid_request", "bad_request", "unauthorized", "forbidden", "not_found", "unprocessable", "unexpected_status"]);
const FINDSENT_TOKENS = 2; // a lookup and one page of messages, each a request against the team budget
const MAX_CHECKS = 3;

export class SenderLedger extends DurableObject {
  #client = null;
  #sendsSinceCrash = 0;

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
      CREATE TABLE IF NOT EXISTS campaigns (id TEXT PRIMARY KEY, status TEXT NOT NULL);`);
  }

  #client_() {
    this.#client ??= campaignClient(this.env);
    return this.#client;
  }

  /**
   * Takes DMs into the ledger: [{ campaign, idx, api, dm }] → [{ idx, state }] where `state` is
   * the ledger's state for that DM ("queued" when new; "sent" when a redelivery found it done).
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
      answers.push({ idx, state: this.sql.exec("SELECT state FROM ledger WHERE key = ?", key).one().state });
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

  async #wakeAt(at) {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  async alarm() {
    const s = settings(this.env);
    const now = Date.now();
    const sender = this.sql.exec("SELECT v FROM meta WHERE k = 'sender'").toArray()[0]?.v;
    const updates = new Map(); // campaign -> [update]
    const tell = (row, u) => {
      if (!updates.has(row.campaign)) updates.set(row.campaign, []);
      updates.get(row.campaign).push({ idx: row.idx, ...u });
    };

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
    let xState = await this.ctx.storage.get("x");
    const x = available(xState, s.senderLimits, now, s.guardMs);
    const sendWanted = Math.min(sends.length, x.available, s.perAlarm);
    const checkWanted = Math.min(checks.length, 10);
    const wanted = sendWanted + FINDSENT_TOKENS * checkWanted;
    const grant = wanted > 0 ? await this.#team().acquire(wanted) : { granted: 0, retryAt: null, windowStart: null };
    const batch = sends.slice(0, Math.min(sendWanted, grant.granted));
    const checkBatch = checks.slice(0, Math.min(checkWanted, Math.floor((grant.granted - batch.length) / FINDSENT_TOKENS)));

    if (batch.length > 0) {
      xState = take(xState, s.senderLimits, now, batch.length, s.guardMs).state;
      await this.ctx.storage.put("x", xState);
      for (const row of batch) {
        row.attempts += 1;
        this.sql.exec(
          "UPDATE ledger SET state = 'sending', attempts = ?, first_try_at = COALESCE(first_try_at, ?) WHERE key = ?",
          row.attempts, now, row.key,
        );
        row.first_try_at ??= now;
        tell(row, { state: "sending", attempts: row.attempts });
      }
    }
    // The campaign hears about the intents while the requests are out (a late "sending" never
    // overwrites a final state there).
    const intents = new Map(updates);
    updates.clear();

    const client = this.#client_();
    const [, sent, checked] = await Promise.all([
      this.#report(intents, sender, undefined),
      Promise.all(batch.map((row) => this.#send(client, row, s))),
      Promise.all(checkBatch.map((row) => this.#check(client, row, s))),
    ]);

    const crashEvery = s.testFaults.senderCrashAfterSendEvery;
    [...batch.map((row, i) => [row, sent[i]]), ...checkBatch.map((row, i) => [row, checked[i]])].forEach(([row, outcome]) => {
      if (crashEvery && row.state !== "checking" && ++this.#sendsSinceCrash >= crashEvery) {
        // Test fault: the object "dies" after the request, before the outcome is written.
        this.#sendsSinceCrash = 0;
        return;
      }
      this.#record(row, outcome);
      if (outcome.block === "team") this.ctx.waitUntil(this.#team().blockUntil(outcome.until));
      if (outcome.block === "sender") {
        xState = block(xState, s.senderLimits, now, outcome.until + s.guardMs, s.guardMs);
      }
      if (outcome.public) tell(row, outcome.public);
    });
    if (sent.some((o) => o.block === "sender")) await this.ctx.storage.put("x", xState);

    const remaining = takeRateLimitReport(batch.filter((r) => r.api === "v2").map((r) => r.key));
    if (remaining !== null && grant.windowStart !== null) await this.#team().report(grant.windowStart, remaining);

    // The next moment anything can go.
    const earliest = this.sql
      .exec("SELECT MIN(next_at) AS t FROM ledger WHERE state IN ('queued', 'retry', 'checking', 'sending') AND held = 0")
      .one().t;
    let next = null;
    if (earliest !== null) {
      next = Math.max(earliest, Date.now());
      const xNow = available(xState, s.senderLimits, Date.now(), s.guardMs);
      if (sends.length > batch.length && xNow.available === 0 && xNow.retryAt) next = Math.max(next, xNow.retryAt);
      if (grant.granted < wanted && grant.retryAt) next = Math.max(next, grant.retryAt);
      await this.ctx.storage.setAlarm(next);
    }
    await this.#report(updates, sender, next);
  }

  /** One attempt of one DM; never throws. Returns { state, nextAt?, public?, block?, until? }. */
  async #send(client, row, s) {
    const dm = JSON.parse(row.dm);
    try {
      if (row.api === "v2") {
        const target = dm.externalPlatformId
          ? { type: "profile", accountLinkId: dm.accountLinkId, platform: "twitter", platformId: dm.externalPlatformId }
          : { type: "contact", accountLinkId: dm.accountLinkId, contactId: dm.externalId };
        const { message, thread, replayed } = await client.send({ target, content: dm.content }, { idempotencyKey: row.key });
        return sentOutcome(row, message.id, thread.id, replayed);
      }
      const { message, thread } = await client.sendMessage(dm);
      return sentOutcome(row, message.id, thread.id, false);
    } catch (error) {
      return failureOutcome(row, error, s);
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

  async #report(updates, sender, next) {
    await Promise.all([...updates].map(([campaign, list]) => this.#campaign(campaign).update(list, next === undefined ? undefined : sender, next)));
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
    // A 429 stores nothing, so it does not count as an attempt.
    const senderLimit = error.apiCode === "platformRateLimited" || /X limit/.test(message);
    const until = now + wait;
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
