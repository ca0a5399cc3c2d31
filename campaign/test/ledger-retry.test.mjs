// A sender ledger whose run fails part way — a Durable Object call that threw after the
// requests were answered and the outcomes written, before the leases were settled and the
// campaign was told — re-arms itself and goes on; a ledger whose alarm the runtime lost is woken
// by its campaign's ledger check. Either way the campaign hears every outcome, each DM is stored
// once, and nothing waits for the DM watchdog's WATCHDOG_MS (set far beyond the test's bound).
import assert from "node:assert/strict";
import { test } from "node:test";
import { ACCOUNTS, TOKEN, startEmulator, startWorker, until } from "./harness.mjs";

const CASES = [
  { api: "v2", faults: { ledgerRunFailsEvery: 3 }, what: "every third ledger run fails after its requests" },
  { api: "v1", faults: { ledgerRunFailsEvery: 3 }, what: "every third ledger run fails after its requests" },
  { api: "v2", faults: { ledgerLosesAlarmEvery: 4 }, what: "the runtime loses every fourth alarm a ledger sets" },
];
for (const { api, faults, what } of CASES) {
  test(`${api}: ${what}: each DM stored once, the campaign told of each, before the DM watchdog's bound`, { timeout: 180_000 }, async () => {
    const emulator = await startEmulator(["--token", TOKEN, "--team-limits", "40/1000,100000/3600000", "--sender-limits", "none"]);
    let worker;
    try {
      worker = await startWorker({
        INBOX_BASE_URL: emulator.url,
        TEAM_LIMITS: "40/1s,100000/3600s",
        SENDER_LIMITS: "1000/1s",
        RATE_GUARD_MS: "100",
        RETRY_BASE_MS: "100",
        INBOX_TIMEOUT_MS: "2000",
        WATCHDOG_MS: "3600000",
        TEST_FAULTS: JSON.stringify(faults),
      });
      const id = `ledger-retry-${api}-${Object.keys(faults)[0]}`;
      const messages = Array.from({ length: 60 }, (_, i) => ({
        accountLinkId: ACCOUNTS[i % 2], content: `Ledger retry DM #${i} (${id})`, externalPlatformId: String(4_000_000 + i),
      }));
      const created = await worker.call("/campaigns", { method: "POST", body: { id, api, messages } });
      assert.equal(created.status, 202, created.text);

      const status = await until(async () => {
        const { json } = await worker.call(`/campaigns/${id}`);
        return json.queued + json.sending === 0 && json;
      }, { timeoutMs: 150_000, everyMs: 250, what: "the campaign to finish without its watchdog" });
      assert.equal(status.sent, messages.length, JSON.stringify(status));

      const stored = (await emulator.control.messages()).filter((m) => m.content.endsWith(`(${id})`));
      assert.equal(stored.length, messages.length, "every DM stored");
      assert.equal(new Set(stored.map((m) => m.content)).size, messages.length, "none stored twice");
      const { json } = await worker.call(`/campaigns/${id}/results?state=sent&limit=100`);
      assert.ok(json.results.every((r) => r.messageId), "the campaign has each sent DM's message id");
    } finally {
      await worker?.mf.dispose();
      await emulator.stop();
    }
  });
}
