// Where a SenderLedger keeps the core's ledger (core/ledger.js): one row per prospect (its record
// as JSON, with the DM it sends) and one header row with the rest of the ledger. A decision
// writes the header and the prospects it touched, never the whole ledger. The order of the
// prospects is the order of their rows.
import { emptyLedger } from "./core/ledger.js";

/** Creates the tables (idempotent). */
export function createTables(sql) {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS header (k TEXT PRIMARY KEY, v TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS prospects (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, dm TEXT NOT NULL, record TEXT NOT NULL);`);
}

/** The ledger as stored, or null when nothing is (a ledger that never accepted a DM). */
export function load(sql) {
  const row = sql.exec("SELECT v FROM header WHERE k = 'ledger'").toArray()[0];
  if (!row) return null;
  // A field the stored header predates starts as a new ledger's.
  const header = JSON.parse(row.v);
  const ledger = { ...emptyLedger(header.sender), ...header, prospects: {}, order: [] };
  for (const { key, record } of sql.exec("SELECT key, record FROM prospects ORDER BY seq")) {
    ledger.prospects[key] = JSON.parse(record);
    ledger.order.push(key);
  }
  return ledger;
}

/** The DM a prospect sends (its accountLinkId, content and recipient). */
export const dmOf = (sql, key) => JSON.parse(sql.exec("SELECT dm FROM prospects WHERE key = ?", key).one().dm);

/**
 * Writes the header and the records of `keys` (a prospect new to storage needs its DM in
 * `dms`, by key).
 */
export function save(sql, ledger, keys, dms = new Map()) {
  const { prospects, order, ...header } = ledger;
  sql.exec("INSERT INTO header (k, v) VALUES ('ledger', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", JSON.stringify(header));
  for (const key of new Set(keys)) {
    const record = JSON.stringify(prospects[key]);
    const dm = dms.get(key);
    if (dm) sql.exec("INSERT INTO prospects (key, dm, record) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET record = excluded.record", key, JSON.stringify(dm), record);
    else sql.exec("UPDATE prospects SET record = ? WHERE key = ?", record, key);
  }
}
