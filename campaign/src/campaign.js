// One per campaign: its messages (index, sender, recipient, state, outcome), its status
// (running / paused / cancelled) and the counts the API and the dashboard show. SQLite-backed.
// The senders' ledgers decide what is sent; this object is told what happened.
//
// Its watchdog (an alarm every LEDGER_CHECK_MS while DMs are open, re-armed on every
// instantiation and every status read) re-drives what a runtime lost or failed to re-arm — a
// queue message of a local queue held in memory, a ledger's alarm, an outcome a ledger never got
// to report: a DM still open that has not moved within WATCHDOG_MS is handed to its ledger again
// (`accept`, the same ledger key, so the same Idempotency-Key), which wakes that ledger and
// answers what it already knows; a ledger whose next run is LEDGER_CHECK_MS overdue is woken.
import { DurableObject } from "cloudflare:workers";
import { settings } from "./inbox.js";
import { tightestRate } from "./core/limits.js";
import { campaignState } from "./state.js";
import { scheduleOf } from "./schedule.js";
import { senderStub, teamStub } from "./stubs.js";

export const TERMINAL = ["sent", "replied", "skipped", "failed", "unconfirmed", "cancelled"];
const STATES = ["queued", "sending", ...TERMINAL];
const DEFAULT_WATCHDOG_MS = 120_000;
const WATCH_BATCH = 1000; // DMs handed again per watchdog run
// How often the watchdog looks at the ledgers, and how late a ledger's next run may be (after
// the time it last reported) before the ledger is woken: a lost alarm costs seconds, not minutes.
const LEDGER_CHECK_MS = 5_000;

/** WATCHDOG_MS: how long an open DM may go without news before the watchdog re-drives it. */
function watchdogMs(env) {
  const ms = env.WATCHDOG_MS === undefined || env.WATCHDOG_MS === "" ? DEFAULT_WATCHDOG_MS : Number(env.WATCHDOG_MS);
  if (!Number.isInteger(ms) || ms < 1) throw new Error("WATCHDOG_MS must be a whole number of milliseconds ≥ 1");
  return ms;
}

/** How long the watchdog's alarm waits between runs while DMs are open. */
const checkEveryMs = (env) => Math.min(watchdogMs(env), LEDGER_CHECK_MS);

export class Campaign extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
      CREATE TABLE IF NOT EXISTS msgs (
        idx INTEGER PRIMARY KEY, sender TEXT NOT NULL, recipient TEXT NOT NULL, fp TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL, enqueued INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
        error_kind TEXT, error_message TEXT, message_id TEXT, thread_id TEXT, updated_at INTEGER,
        dm TEXT NOT NULL, poked_at INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS msgs_state ON msgs (state, idx);
      CREATE TABLE IF NOT EXISTS senders (sender TEXT PRIMARY KEY, next_send_at INTEGER, hold TEXT);`);
    // Each prospect's steps (JSON), how many left, when a waiting follow-up is due, and for a
    // reply when and after which step.
    const columns = this.sql.exec("PRAGMA table_info(msgs)").toArray().map((c) => c.name);
    for (const [name, type] of [["steps", "TEXT"], ["steps_sent", "INTEGER NOT NULL DEFAULT 0"], ["replied_at", "INTEGER"], ["after_step", "INTEGER"], ["due_at", "INTEGER"]]) {
      if (!columns.includes(name)) this.sql.exec(`ALTER TABLE msgs ADD COLUMN ${name} ${type}`);
    }
    ctx.blockConcurrencyWhile(() => this.#arm());
  }

  #open() {
    return this.sql.exec("SELECT COUNT(*) AS n FROM msgs WHERE state IN ('queued', 'sending')").one().n;
  }

  /** Sets the watchdog's alarm when DMs are open and none is set (or a due one never fired). */
  async #arm() {
    if (this.#open() === 0) return;
    const bound = watchdogMs(this.env);
    const at = await this.ctx.storage.getAlarm();
    if (at === null || at < Date.now() - bound) await this.ctx.storage.setAlarm(Date.now() + checkEveryMs(this.env));
  }

  /**
   * The watchdog: open DMs without news for WATCHDOG_MS (a follow-up waiting for its time:
   * WATCHDOG_MS after it is due) go to their ledgers again; what a ledger already finished is
   * recorded here. Runs again while anything is open.
   */
  async alarm() {
    const bound = watchdogMs(this.env);
    const now = Date.now();
    const id = this.#meta("id");
    const api = this.#meta("api");
    const ifConversation = this.#meta("ifConversation") ?? "skip";
    const schedule = JSON.parse(this.#meta("schedule") ?? "null");
    // A paused campaign's DMs are held on purpose: nothing to re-drive until it resumes.
    const paused = this.#meta("status") === "paused";
    const stale = paused ? [] : this.sql
      .exec(
        `SELECT idx, sender, dm FROM msgs WHERE state IN ('queued', 'sending') AND MAX(updated_at, poked_at, COALESCE(due_at, 0)) < ?
         ORDER BY idx LIMIT ?`,
        now - bound, WATCH_BATCH,
      )
      .toArray();
    const bySender = new Map();
    // Ledgers whose next run is overdue (a lost alarm): woken with nothing new to take.
    const overdue = paused ? [] : this.sql
      .exec(
        `SELECT sender FROM senders WHERE next_send_at IS NOT NULL AND next_send_at < ?
           AND EXISTS (SELECT 1 FROM msgs WHERE msgs.sender = senders.sender AND state IN ('queued', 'sending'))`,
        now - LEDGER_CHECK_MS,
      )
      .toArray();
    for (const { sender } of overdue) bySender.set(sender, []);
    for (const row of stale) {
      if (!bySender.has(row.sender)) bySender.set(row.sender, []);
      bySender.get(row.sender).push(row);
    }
    await Promise.all(
      [...bySender].map(async ([sender, rows]) => {
        try {
          const ledger = senderStub(this.env, sender);
          const answers = await ledger.accept(sender, rows.map((r) => ({ campaign: id, idx: r.idx, api, ifConversation, schedule: scheduleOf(schedule, sender), dm: JSON.parse(r.dm) })));
          for (const r of rows) this.sql.exec("UPDATE msgs SET poked_at = ? WHERE idx = ?", now, r.idx);
          this.update(answers.filter((a) => TERMINAL.includes(a.state)));
        } catch (error) {
          console.error(`watchdog: handing ${rows.length} DMs to ${sender} again failed: ${error?.message ?? error}`);
        }
      }),
    );
    if (this.#open() > 0) await this.ctx.storage.setAlarm(Date.now() + (stale.length === WATCH_BATCH ? 1000 : checkEveryMs(this.env)));
  }

  #meta(k) {
    return this.sql.exec("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v ?? null;
  }
  #setMeta(k, v) {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, String(v));
  }

  /**
   * Adds messages ({ fp, sender, recipient, dm }) not already in the campaign (same fingerprint).
   * Returns { total, added, duplicates, toQueue: [{ idx, dm }] } — toQueue also holds earlier
   * messages whose queueing was never confirmed (the ledger makes queueing them twice harmless).
   * Returns { conflict, field } when the campaign already uses the other API version, the
   * other `ifConversation` or other sending hours (`schedule`: { sendWindow, senderWindows, jitterMs }).
   */
  async add(id, api, ifConversation, items, schedule) {
    const existingApi = this.#meta("api");
    if (existingApi !== null && existingApi !== api) {
      return { conflict: `Campaign ${id} sends with ${existingApi}; this call asked for ${api}.`, field: "api" };
    }
    const existingIf = this.#meta("ifConversation") ?? "skip";
    if (existingApi !== null && existingIf !== ifConversation) {
      return { conflict: `Campaign ${id} has ifConversation "${existingIf}"; this call asked for "${ifConversation}".`, field: "ifConversation" };
    }
    const existingSchedule = this.#meta("schedule");
    if (existingApi !== null && existingSchedule !== null && existingSchedule !== JSON.stringify(schedule)) {
      return { conflict: `Campaign ${id} has other sending hours (${existingSchedule}); give the same sendWindow, senderWindows and jitterMs.`, field: "sendWindow" };
    }
    const now = Date.now();
    if (existingApi === null) {
      this.#setMeta("id", id);
      this.#setMeta("api", api);
      this.#setMeta("ifConversation", ifConversation);
      this.#setMeta("schedule", JSON.stringify(schedule));
      this.#setMeta("status", "running");
      this.#setMeta("startedAt", now);
    }
    let next = this.sql.exec("SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM msgs").one().n;
    const toQueue = [];
    let added = 0;
    let duplicates = 0;
    for (const item of items) {
      const known = this.sql.exec("SELECT idx, enqueued FROM msgs WHERE fp = ?", item.fp).toArray()[0];
      if (known) {
        duplicates += 1;
        if (!known.enqueued) toQueue.push({ idx: known.idx, dm: item.dm });
        continue;
      }
      this.sql.exec(
        "INSERT INTO msgs (idx, sender, recipient, fp, state, updated_at, dm) VALUES (?, ?, ?, ?, 'queued', ?, ?)",
        next, item.sender, item.recipient, item.fp, now, JSON.stringify(item.dm),
      );
      toQueue.push({ idx: next, dm: item.dm });
      next += 1;
      added += 1;
    }
    this.#setMeta("finishedAt", "");
    await this.#arm();
    return { total: next, added, duplicates, toQueue };
  }

  /** The queue accepted these indexes. */
  markQueued(idxs) {
    for (const idx of idxs) this.sql.exec("UPDATE msgs SET enqueued = 1 WHERE idx = ?", idx);
  }

  /** "skip" | "send": what an opener does when its sender already talks with the prospect. */
  ifConversation() {
    return this.#meta("ifConversation") ?? "skip";
  }

  /** "running" | "paused" | "cancelled" | null (no such campaign). */
  control() {
    return this.#meta("status");
  }

  /** pause / resume / cancel; returns { status, senders } (the senders to wake), or null if unknown. */
  setStatus(action) {
    const status = this.#meta("status");
    if (status === null) return null;
    const next = { pause: "paused", resume: "running", cancel: "cancelled" }[action];
    if (status !== "cancelled") this.#setMeta("status", next);
    const senders = this.sql.exec("SELECT DISTINCT sender FROM msgs").toArray().map((r) => r.sender);
    return { status: this.#meta("status"), senders };
  }

  /**
   * Outcomes from a sender's ledger: [{ idx, state, attempts?, errorKind?, errorMessage?,
   * messageId?, threadId?, steps?, repliedAt?, afterStep?, dueAt? }]. A message in a final state never changes again. `about`: the
   * ledger's { sender, nextSendAt, hold } when it says where it stands.
   */
  update(updates, about) {
    const now = Date.now();
    for (const u of updates) {
      const steps = u.steps ?? null;
      this.sql.exec(
        `UPDATE msgs SET state = ?, attempts = MAX(attempts, ?), error_kind = ?, error_message = ?,
           message_id = COALESCE(?, message_id), thread_id = COALESCE(?, thread_id), updated_at = ?,
           steps = COALESCE(?, steps), steps_sent = MAX(steps_sent, ?), replied_at = ?, after_step = ?, due_at = ?
         WHERE idx = ? AND state NOT IN (${TERMINAL.map((t) => `'${t}'`).join(", ")})`,
        u.state, u.attempts ?? 0, u.errorKind ?? null, u.errorMessage ?? null, u.messageId ?? null,
        u.threadId ?? null, now, steps === null ? null : JSON.stringify(steps), steps?.filter((st) => st.sentAt !== null).length ?? 0,
        u.repliedAt ?? null, u.afterStep ?? null, u.dueAt ?? null, u.idx,
      );
      if (u.state === "sent") {
        if (!this.#meta("firstSentAt")) this.#setMeta("firstSentAt", now);
        this.#setMeta("lastSentAt", now);
      }
    }
    if (about !== undefined) {
      this.sql.exec(
        `INSERT INTO senders (sender, next_send_at, hold) VALUES (?, ?, ?)
         ON CONFLICT (sender) DO UPDATE SET next_send_at = excluded.next_send_at, hold = excluded.hold`,
        about.sender, about.nextSendAt ?? null, about.hold ? JSON.stringify(about.hold) : null,
      );
    }
    if (this.#open() === 0 && !this.#meta("finishedAt")) this.#setMeta("finishedAt", now);
  }

  /** GET /campaigns/{id} (and a look at the watchdog's alarm). */
  async status() {
    const status = this.#meta("status");
    if (status === null) return null;
    await this.#arm();
    const counts = Object.fromEntries(STATES.map((s) => [s, 0]));
    for (const row of this.sql.exec("SELECT state, COUNT(*) AS n FROM msgs GROUP BY state")) counts[row.state] = row.n;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const stepsSent = this.sql.exec("SELECT COALESCE(SUM(steps_sent), 0) AS n FROM msgs").one().n;
    const bySender = {};
    for (const row of this.sql.exec("SELECT sender, state, COUNT(*) AS n FROM msgs GROUP BY sender, state")) {
      bySender[row.sender] ??= { total: 0, sent: 0, replied: 0, skipped: 0, failed: 0, unconfirmed: 0, queued: 0, nextSendAt: null };
      bySender[row.sender].total += row.n;
      if (row.state in bySender[row.sender]) bySender[row.sender][row.state] += row.n;
      if (row.state === "sending") bySender[row.sender].queued += row.n;
    }
    for (const row of this.sql.exec("SELECT sender, next_send_at FROM senders")) {
      if (bySender[row.sender]) {
        bySender[row.sender].nextSendAt = row.next_send_at === null ? null : new Date(row.next_send_at).toISOString();
      }
    }
    const num = (k) => (this.#meta(k) ? Number(this.#meta(k)) : null);
    const startedAt = num("startedAt");
    const firstSentAt = num("firstSentAt");
    const lastSentAt = num("lastSentAt");
    const finishedAt = num("finishedAt");
    const remaining = counts.queued + counts.sending;
    const { holds, held } = await this.#holds(remaining);
    let etaMs = remaining === 0 ? 0 : null;
    // Nothing to estimate while everything left waits behind a hold.
    if (remaining > held && status === "running") {
      let msPerDm;
      if (counts.sent >= 20 && lastSentAt > firstSentAt) msPerDm = (lastSentAt - firstSentAt) / (counts.sent - 1);
      else {
        const s = settings(this.env);
        const senders = Math.max(1, Object.keys(bySender).length);
        msPerDm = 1 / Math.min(tightestRate(s.teamLimits), senders * tightestRate(s.senderLimits));
      }
      etaMs = Math.round(remaining * msPerDm);
    }
    const iso = (ms) => (ms ? new Date(ms).toISOString() : null);
    // What went wrong, by cause: one entry per (state, error kind), the rows behind it at
    // /results?state=&kind=.
    const failures = this.sql
      .exec(
        `SELECT state, error_kind AS kind, COUNT(*) AS count FROM msgs WHERE state IN ('failed', 'unconfirmed')
         GROUP BY state, error_kind ORDER BY count DESC, state, error_kind`,
      )
      .toArray()
      .map((r) => ({ state: r.state, kind: r.kind, count: r.count }));
    return {
      id: this.#meta("id"),
      api: this.#meta("api"),
      status,
      state: campaignState({ status, ...counts }),
      total,
      ...counts,
      stepsSent,
      failures,
      held,
      holds,
      paused: status === "paused",
      startedAt: iso(startedAt),
      firstSentAt: iso(firstSentAt),
      lastSentAt: iso(lastSentAt),
      finishedAt: iso(finishedAt),
      etaMs,
      bySender,
    };
  }

  /**
   * What holds this campaign's DMs: the team's hold (every open DM waits behind it), then each
   * held sender's (its open DMs). Returns { holds, held }: the holds as the API shows them, and
   * how many open DMs wait behind one.
   */
  async #holds(open) {
    const iso = (ms) => (ms ? new Date(ms).toISOString() : null);
    const shown = (h) => ({
      scope: h.scope, ...(h.accountLinkId ? { accountLinkId: h.accountLinkId } : {}), kind: h.kind, apiCode: h.apiCode,
      message: h.message, fix: h.fix, since: iso(h.since), nextProbeAt: iso(h.nextProbeAt),
    });
    const holds = [];
    let held = 0;
    if (open > 0) {
      const team = await teamStub(this.env).view();
      if (team.hold) {
        holds.push(shown(team.hold));
        held = open;
      }
    }
    const rows = this.sql
      .exec(
        `SELECT sender, hold, (SELECT COUNT(*) FROM msgs WHERE msgs.sender = senders.sender AND state IN ('queued', 'sending')) AS open
         FROM senders WHERE hold IS NOT NULL ORDER BY sender`,
      )
      .toArray();
    for (const row of rows) {
      if (row.open === 0) continue;
      holds.push(shown({ ...JSON.parse(row.hold), scope: "sender", accountLinkId: row.sender }));
      if (holds[0].scope !== "team") held += row.open;
    }
    return { holds, held };
  }

  /**
   * GET /campaigns/{id}/results: entries after `cursor` (an index), `limit` at most, of `state`
   * and error `kind` when given (null: any).
   */
  results(state, cursor, limit, kind = null) {
    const rows = this.sql
      .exec(
        `SELECT idx, sender, recipient, state, attempts, error_kind, error_message, message_id, thread_id, updated_at, steps, replied_at, after_step
         FROM msgs WHERE (? IS NULL OR state = ?) AND (? IS NULL OR error_kind = ?) AND idx > ? ORDER BY idx LIMIT ?`,
        state, state, kind, kind, cursor, limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit).map((r) => ({
      index: r.idx,
      accountLinkId: r.sender,
      recipient: r.recipient,
      state: r.state,
      attempts: r.attempts,
      error: r.error_kind ? { kind: r.error_kind, message: r.error_message } : null,
      messageId: r.message_id,
      threadId: r.thread_id,
      steps: JSON.parse(r.steps ?? "[]").map((st) => ({ ...st, sentAt: st.sentAt === null ? null : new Date(st.sentAt).toISOString() })),
      ...(r.state === "replied" ? { repliedAt: new Date(r.replied_at).toISOString(), afterStep: r.after_step } : {}),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
    return { results: page, cursor: rows.length > limit ? String(page.at(-1).index) : null };
  }
}
