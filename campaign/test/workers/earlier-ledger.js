// A Durable Object for ledger-migrate.test.mjs: its storage holds a sender ledger in the layout
// the Worker used before the core drove it (the tables as that Worker created them), which
// `migrateEarlier` rewrites in workerd's own SQLite; it answers with what was stored after.
import { DurableObject } from "cloudflare:workers";
import { migrateEarlier } from "../../src/ledger-migrate.js";
import { createTables, load } from "../../src/ledger-store.js";

export class Earlier extends DurableObject {
  async fetch(request) {
    const sql = this.ctx.storage.sql;
    if (new URL(request.url).pathname === "/seed") {
      sql.exec(`
        CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE IF NOT EXISTS ledger (
          key TEXT PRIMARY KEY, campaign TEXT NOT NULL, idx INTEGER NOT NULL, api TEXT NOT NULL, dm TEXT NOT NULL,
          state TEXT NOT NULL, held INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
          checks INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, first_try_at INTEGER,
          error_kind TEXT, error_message TEXT, message_id TEXT, thread_id TEXT);
        CREATE INDEX IF NOT EXISTS ledger_due ON ledger (state, held, next_at);
        CREATE TABLE IF NOT EXISTS xlog (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS campaigns (id TEXT PRIMARY KEY, status TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS news (campaign TEXT NOT NULL, idx INTEGER NOT NULL, u TEXT NOT NULL, PRIMARY KEY (campaign, idx));`);
      sql.exec("INSERT INTO meta (k, v) VALUES ('sender', 'acct01'), ('xHeldUntil', '0')");
      const dm = (i) => JSON.stringify({ accountLinkId: "acct01", content: `DM ${i}`, externalPlatformId: String(100 + i) });
      sql.exec("INSERT INTO ledger (key, campaign, idx, api, dm, state, attempts, next_at, first_try_at, message_id, thread_id) VALUES ('c:0', 'c', 0, 'v2', ?, 'sent', 1, 0, 500, 'm0', 't0')", dm(0));
      sql.exec("INSERT INTO ledger (key, campaign, idx, api, dm, state, attempts, next_at, first_try_at) VALUES ('c:1', 'c', 1, 'v2', ?, 'sending', 1, 0, 600)", dm(1));
      sql.exec("INSERT INTO ledger (key, campaign, idx, api, dm, state, next_at) VALUES ('c:2', 'c', 2, 'v2', ?, 'queued', 0)", dm(2));
      sql.exec("INSERT INTO xlog (at) VALUES (400), (600)");
      sql.exec("INSERT INTO campaigns (id, status) VALUES ('c', 'paused')");
      sql.exec("INSERT INTO news (campaign, idx, u) VALUES ('c', 1, '{}')");
      return Response.json({ ok: true });
    }
    createTables(sql);
    const migrated = migrateEarlier(this.ctx.storage, 1_000);
    const tables = sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name").toArray().map((r) => r.name);
    const ledger = load(sql);
    const dms = sql.exec("SELECT key, dm FROM prospects ORDER BY seq").toArray().map((r) => [r.key, JSON.parse(r.dm)]);
    return Response.json({ migrated, tables, ledger, dms });
  }
}

export default {
  fetch: (request, env) => env.EARLIER.get(env.EARLIER.idFromName("one")).fetch(request),
};
