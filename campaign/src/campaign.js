// One per campaign: its messages (index, sender, recipient, state, outcome), its status
// (running / paused / cancelled) and the counts the API and the dashboard show. SQLite-backed.
// The senders' ledgers decide what is sent; this object is told what happened.
import { DurableObject } from "cloudflare:workers";
import { settings } from "./inbox.js";
import { tightestRate } from "./budget.js";

export const TERMINAL = ["sent", "failed", "unconfirmed", "cancelled"];
const STATES = ["queued", "sending", ...TERMINAL];

export class Campaign extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
      CREATE TABLE IF NOT EXISTS msgs (
        idx INTEGER PRIMARY KEY, sender TEXT NOT NULL, recipient TEXT NOT NULL, fp TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL, enqueued INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
        error_kind TEXT, error_message TEXT, message_id TEXT, thread_id TEXT, updated_at INTEGER);
      CREATE INDEX IF NOT EXISTS msgs_state ON msgs (state, idx);
      CREATE TABLE IF NOT EXISTS senders (sender TEXT PRIMARY KEY, next_send_at INTEGER);`);
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
   * Returns { conflict } when the campaign already uses the other API version.
   */
  add(id, api, items) {
    const existingApi = this.#meta("api");
    if (existingApi !== null && existingApi !== api) {
      return { conflict: `Campaign ${id} sends with ${existingApi}; this call asked for ${api}.` };
    }
    const now = Date.now();
    if (existingApi === null) {
      this.#setMeta("id", id);
      this.#setMeta("api", api);
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
        "INSERT INTO msgs (idx, sender, recipient, fp, state, updated_at) VALUES (?, ?, ?, ?, 'queued', ?)",
        next, item.sender, item.recipient, item.fp, now,
      );
      toQueue.push({ idx: next, dm: item.dm });
      next += 1;
      added += 1;
    }
    this.#setMeta("finishedAt", "");
    return { total: next, added, duplicates, toQueue };
  }

  /** The queue accepted these indexes. */
  markQueued(idxs) {
    for (const idx of idxs) this.sql.exec("UPDATE msgs SET enqueued = 1 WHERE idx = ?", idx);
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
   * messageId?, threadId? }]. A message in a final state never changes again.
   */
  update(updates, sender, nextSendAt) {
    const now = Date.now();
    for (const u of updates) {
      this.sql.exec(
        `UPDATE msgs SET state = ?, attempts = MAX(attempts, ?), error_kind = ?, error_message = ?,
           message_id = COALESCE(?, message_id), thread_id = COALESCE(?, thread_id), updated_at = ?
         WHERE idx = ? AND state NOT IN ('sent', 'failed', 'unconfirmed', 'cancelled')`,
        u.state, u.attempts ?? 0, u.errorKind ?? null, u.errorMessage ?? null, u.messageId ?? null,
        u.threadId ?? null, now, u.idx,
      );
      if (u.state === "sent") {
        if (!this.#meta("firstSentAt")) this.#setMeta("firstSentAt", now);
        this.#setMeta("lastSentAt", now);
      }
    }
    if (sender !== undefined) {
      this.sql.exec(
        "INSERT INTO senders (sender, next_send_at) VALUES (?, ?) ON CONFLICT (sender) DO UPDATE SET next_send_at = excluded.next_send_at",
        sender, nextSendAt ?? null,
      );
    }
    const open = this.sql.exec("SELECT COUNT(*) AS n FROM msgs WHERE state IN ('queued', 'sending')").one().n;
    if (open === 0 && !this.#meta("finishedAt")) this.#setMeta("finishedAt", now);
  }

  /** GET /campaigns/{id}. */
  status() {
    const status = this.#meta("status");
    if (status === null) return null;
    const counts = Object.fromEntries(STATES.map((s) => [s, 0]));
    for (const row of this.sql.exec("SELECT state, COUNT(*) AS n FROM msgs GROUP BY state")) counts[row.state] = row.n;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const bySender = {};
    for (const row of this.sql.exec("SELECT sender, state, COUNT(*) AS n FROM msgs GROUP BY sender, state")) {
      bySender[row.sender] ??= { total: 0, sent: 0, failed: 0, unconfirmed: 0, queued: 0, nextSendAt: null };
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
    let etaMs = remaining === 0 ? 0 : null;
    if (remaining > 0 && status === "running") {
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
    return {
      id: this.#meta("id"),
      api: this.#meta("api"),
      status,
      total,
      ...counts,
      paused: status === "paused",
      startedAt: iso(startedAt),
      firstSentAt: iso(firstSentAt),
      lastSentAt: iso(lastSentAt),
      finishedAt: iso(finishedAt),
      etaMs,
      bySender,
    };
  }

  /** GET /campaigns/{id}/results: entries after `cursor` (an index), `limit` at most. */
  results(state, cursor, limit) {
    const rows = this.sql
      .exec(
        `SELECT idx, sender, recipient, state, attempts, error_kind, error_message, message_id, thread_id, updated_at
         FROM msgs WHERE (? IS NULL OR state = ?) AND idx > ? ORDER BY idx LIMIT ?`,
        state, state, cursor, limit + 1,
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
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
    return { results: page, cursor: rows.length > limit ? String(page.at(-1).index) : null };
  }
}
