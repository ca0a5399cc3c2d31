// The dead-letter path in workerd: messages whose every queue delivery failed (their sender's
// ledger could not be reached, a test fault) exhaust max_retries, reach the dead-letter
// consumer, and are still accounted for: handed over once more and sent exactly once, or, when
// that fails too, recorded as failed with the reason. Nothing is silently lost.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ACCOUNTS, TOKEN, config, startEmulator, startWorker, until } from "./harness.mjs";

let emulator;
let worker;
const [RECOVERED, LOST] = ACCOUNTS; // acct1sales: the DLQ hand-off works; acct2founder: it fails too

before(async () => {
  emulator = await startEmulator(["--token", TOKEN, "--sender-limits", "none"]);
  worker = await startWorker({
    INBOX_BASE_URL: emulator.url,
    RETRY_BASE_MS: "100",
    // Both senders' ledgers are unreachable from the queue consumer; the dead-letter consumer
    // reaches RECOVERED's but not LOST's.
    TEST_FAULTS: JSON.stringify({ handOffFailsFor: [RECOVERED, LOST], deadLetterHandOffFailsFor: LOST }),
  });
});
after(async () => {
  await worker?.mf.dispose();
  await emulator?.stop();
});

test("messages that exhaust their queue retries reach the dead-letter consumer and are never lost", { timeout: 120_000 }, async () => {
  const consumer = config.queues.consumers.find((c) => c.queue === "campaign-dms");
  assert.ok(consumer.dead_letter_queue, "wrangler.toml names a dead-letter queue");
  const dm = (i, accountLinkId) => ({ accountLinkId, content: `Dead-letter DM #${i}`, externalPlatformId: String(3_000_000 + i) });
  const messages = [dm(0, RECOVERED), dm(1, RECOVERED), dm(2, LOST), dm(3, RECOVERED)];
  const created = await worker.call("/campaigns", { method: "POST", body: { id: "dead", messages } });
  assert.equal(created.status, 202, created.text);

  const status = await until(
    async () => {
      const { json } = await worker.call("/campaigns/dead");
      return json.queued + json.sending === 0 && json;
    },
    { timeoutMs: 110_000, everyMs: 500, what: "every message to end" },
  );
  // The three whose ledger the dead-letter consumer reached: sent, each stored once.
  assert.equal(status.sent, 3, JSON.stringify(status));
  const stored = await emulator.control.messages();
  for (const i of [0, 1, 3]) {
    assert.equal(stored.filter((m) => m.content === `Dead-letter DM #${i}`).length, 1, `DM ${i} stored once`);
  }
  // The one whose hand-off failed there too: recorded as failed, explained, never sent.
  assert.equal(status.failed, 1, JSON.stringify(status));
  const { json: failed } = await worker.call("/campaigns/dead/results?state=failed");
  const [entry] = failed.entries ?? failed.results ?? [];
  assert.equal(entry?.index ?? entry?.idx, 2, JSON.stringify(failed));
  assert.match(JSON.stringify(entry), /dead_letter/);
  assert.match(JSON.stringify(entry), /it was not sent/);
  assert.equal(stored.filter((m) => m.content === "Dead-letter DM #2").length, 0);
});
