// A sender ledger kept in the layout the Worker used before the core drove it — one `ledger` row
// per DM with its state, and `meta`, `xlog` and `campaigns` tables — read into the core's ledger,
// so a deploy in the middle of a campaign keeps every DM as it was: sent ones stay sent, one cut
// off mid-send is looked for before it goes again (the core's `recover`), and X's log still paces
// the sender.
import { accept, emptyLedger, setCampaign } from "./core/ledger.js";
import { PROSPECT, STEP } from "./core/states.js";
import { save } from "./ledger-store.js";

/**
 * When this object's storage (a SQLite-backed Durable Object's) holds a ledger in the earlier
 * layout, rewrites it as the core's (ledger-store.js) and drops the earlier tables, in one
 * transaction. Returns whether it did.
 */
export function migrateEarlier(storage, now) {
  const { sql } = storage;
  if (sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").toArray().length === 0) return false;
  storage.transactionSync(() => {
    const { ledger, dms } = fromEarlier(readEarlier(sql), now);
    if (ledger.sender !== null) save(sql, ledger, ledger.order, dms);
    dropEarlier(sql);
  });
  return true;
}

/** Reads the earlier layout's tables: what `fromEarlier` takes. */
function readEarlier(sql) {
  const meta = Object.fromEntries(sql.exec("SELECT k, v FROM meta").toArray().map((r) => [r.k, r.v]));
  return {
    sender: meta.sender ?? null,
    xHeldUntil: Number(meta.xHeldUntil ?? 0),
    xlog: sql.exec("SELECT at FROM xlog ORDER BY at").toArray().map((r) => r.at),
    campaigns: sql.exec("SELECT id, status FROM campaigns").toArray(),
    rows: sql.exec("SELECT * FROM ledger ORDER BY rowid").toArray(),
  };
}

/** Drops the earlier layout's tables (`news` is the same in both and stays). */
function dropEarlier(sql) {
  sql.exec("DROP TABLE IF EXISTS ledger; DROP TABLE IF EXISTS xlog; DROP TABLE IF EXISTS campaigns; DROP TABLE IF EXISTS meta;");
}

/**
 * The core's ledger and each prospect's DM (by key) from the earlier layout. Its DMs had no
 * conversation check and no follow-ups, and keep neither: a campaign keeps the rules it was
 * created under.
 * @param {ReturnType<typeof readEarlier>} earlier
 * @param {number} now
 */
export function fromEarlier({ sender, xHeldUntil, xlog, campaigns, rows }, now) {
  const ledger = emptyLedger(sender);
  const dms = new Map();
  for (const row of rows) {
    const dm = JSON.parse(row.dm);
    const v2 = row.api === "v2";
    const { records } = accept(ledger, now, [{
      campaign: row.campaign, index: row.idx, api: row.api, ifConversation: "send",
      platformId: dm.externalPlatformId ?? (v2 ? null : dm.externalId) ?? null, contactId: v2 ? (dm.externalId ?? null) : null,
    }]);
    const p = records[0];
    dms.set(p.key, dm);
    Object.assign(p.steps[0], {
      attempts: row.attempts, checks: row.checks, firstTryAt: row.first_try_at ?? null,
      messageId: row.message_id ?? null, threadId: row.thread_id ?? null,
    });
    p.threadId = row.thread_id ?? null;
    placeIn(ledger, p, row);
  }
  for (const { id, status } of campaigns) setCampaign(ledger, now, id, status);
  ledger.xlog = [...xlog].sort((a, b) => a - b);
  ledger.xHeldUntil = xHeldUntil;
  return { ledger, dms };
}

/** Puts a prospect in the state its earlier row recorded. */
function placeIn(l, p, row) {
  const step = p.steps[0];
  const error = row.error_kind ? { kind: row.error_kind, scope: "request", retryable: false, apiCode: null, message: row.error_message ?? "" } : null;
  switch (row.state) {
    case "queued":
      step.nextAt = row.next_at;
      return;
    case "retry":
      Object.assign(step, { state: STEP.retry, nextAt: row.next_at, error });
      p.state = PROSPECT.sending;
      l.active[p.key] = true;
      return;
    case "checking":
    case "sending":
      // A check goes on as one; a send cut off by the deploy is looked for before it goes again.
      Object.assign(step, { state: row.state === "checking" ? STEP.checking : STEP.sending, checkBy: "find-sent", nextAt: row.state === "checking" ? row.next_at : null });
      p.state = PROSPECT.sending;
      l.active[p.key] = true;
      return;
    case "sent":
      // The earlier layout kept no time of the answer: its first try is the nearest it knew.
      Object.assign(step, { state: STEP.sent, sentAt: row.first_try_at ?? 0 });
      p.state = PROSPECT.sent;
      return;
    default:
      // failed, unconfirmed, cancelled: ended, with the explanation the row kept.
      p.state = row.state;
      p.reason = row.error_message ?? null;
      Object.assign(step, { state: row.state, error });
  }
}
