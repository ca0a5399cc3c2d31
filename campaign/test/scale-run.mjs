// One campaign at scale through the real Queue and Durable Objects to the emulator, with faults
// from both sides, and its figures. Shared by test/scale.test.mjs (CI sizes, gated) and
// bench/scale.mjs (10,000 DMs, printed).
import { TOKEN, startEmulator, startWorker, until } from "./harness.mjs";

/** The emulator's bulk account links: acct01bulk, acct02bulk, … */
export const bulkAccounts = (n) => Array.from({ length: n }, (_, k) => `acct${String(k + 1).padStart(2, "0")}bulk`);

/** Every fault the campaign must survive (campaign/README.md) that the emulator injects, for `api` ("v2" or "v1"). */
export const apiFaults = (api) => [
  { api, process: true, status: 502, times: 5 },
  { api, process: true, status: 500, times: 3 },
  { api, process: true, action: "close", times: 5 },
  { api, process: true, action: "hang", times: 3 },
  { api, status: 429, headers: { "retry-after-ms": "100" }, times: 5 },
  { api, status: 503, times: 5 },
];

/**
 * Runs one campaign and returns its figures. Options: dms, senders, api ("v2" | "v1"), windows
 * ("clock" | "first-request"), background (share of every team window another client spends),
 * backgroundShape ("even" over the window, or "burst" at its start), authorIds (v1 answers' authorId form), team / sender ({ limit, windowMs }), guardMs, faults
 * (emulator faults injected a third of the way in), redeliver (queue messages sent again),
 * ifConversation ("skip" | "send").
 */
export async function runScale({
  dms, senders, api = "v2", windows = "clock", background = 0, backgroundShape = "even", authorIds, team = { limit: 300, windowMs: 6000 },
  sender = { limit: 20, windowMs: 6000 }, guardMs = 100, faults = apiFaults(api), redeliver = 100, id = "scale", ifConversation = "skip",
}) {
  const accounts = bulkAccounts(senders);
  const emulator = await startEmulator([
    "--token", TOKEN,
    "--account-links", String(senders),
    "--windows", windows,
    "--team-background", String(background),
    "--team-background-shape", backgroundShape,
    ...(authorIds ? ["--author-ids", authorIds] : []),
    "--team-limits", `${team.limit}/${team.windowMs},1000000/3600000`,
    "--sender-limits", `${sender.limit}/${sender.windowMs},${dms}/3600000`,
  ]);
  let worker;
  try {
    worker = await startWorker({
      INBOX_BASE_URL: emulator.url,
      TEAM_LIMITS: `${team.limit}/${team.windowMs}ms,1000000/3600s`,
      SENDER_LIMITS: `${sender.limit}/${sender.windowMs}ms,${dms}/3600s`,
      RATE_GUARD_MS: String(guardMs),
      RETRY_BASE_MS: "200",
      INBOX_TIMEOUT_MS: "1000",
      V1_GRACE_MS: "500",
      TEST_FAULTS: JSON.stringify({ consumerThrowEvery: 7, senderCrashAfterSendEvery: 700 }),
    });
    const dm = (i) => ({ accountLinkId: accounts[i % senders], content: `Scale DM #${i} (${id})`, externalPlatformId: String(2_000_000 + i) });
    const messages = Array.from({ length: dms }, (_, i) => dm(i));
    const started = Date.now();
    const created = await worker.call("/campaigns", { method: "POST", body: { id, api, ifConversation, messages } });
    if (created.status !== 202) throw new Error(`POST /campaigns: ${created.status} ${created.text}`);
    const accepted = Date.now();

    // Faults a third of the way in: the emulator's, and the same queue messages delivered again.
    await until(async () => (await worker.call(`/campaigns/${id}`)).json.sent >= dms / 3, { timeoutMs: 1_800_000, everyMs: 500 });
    if (faults.length > 0) await emulator.control.faults(...faults);
    const queue = await worker.mf.getQueueProducer("DMS");
    const again = Array.from({ length: redeliver }, (_, k) => k * Math.floor(dms / redeliver));
    if (again.length > 0) await queue.sendBatch(again.map((i) => ({ body: { c: id, i, api, ifc: ifConversation, dm: dm(i) }, contentType: "json" })));

    const status = await until(async () => {
      const { json } = await worker.call(`/campaigns/${id}`);
      return json.queued + json.sending === 0 && json;
    }, { timeoutMs: 3_600_000, everyMs: 500, what: "the campaign to finish" });
    const failedRows = (await worker.call(`/campaigns/${id}/results?state=failed&limit=1000`)).json.results;

    const all = await emulator.control.messages();
    const stored = all.filter((m) => m.content.endsWith(`(${id})`));
    const byContent = new Map();
    for (const m of stored) byContent.set(m.content, (byContent.get(m.content) ?? 0) + 1);
    const stats = await (await fetch(`${emulator.url}/__emulator/stats`)).json();
    const leftFaults = await (await fetch(`${emulator.url}/__emulator/faults`)).json();
    const times = stored.map((m) => Date.parse(m.createdAt)).sort((a, b) => a - b);
    const ours = team.limit - Math.floor(background * team.limit + 1e-9);
    const floorMs = Math.max((dms / ours) * team.windowMs, (dms / (senders * sender.limit)) * sender.windowMs);
    const deliveryMs = times.at(-1) - accepted;
    // The longest stretch with nothing stored, and where it began: a stall shows here.
    const gap = times.reduce((g, t, i) => (i > 0 && t - times[i - 1] > g.ms ? { ms: t - times[i - 1], at: times[i - 1] } : g), { ms: 0, at: accepted });
    const faultCount = faults.reduce((n, f) => n + (f.times ?? 1), 0);
    const perWindow = ourCountsPerWindow(times, windows, team.windowMs);
    return {
      api, windows, background, backgroundShape, authorIds: authorIds ?? null, dms, senders,
      floorS: floorMs / 1000,
      deliveryS: deliveryMs / 1000,
      ratio: Number((deliveryMs / floorMs).toFixed(3)),
      validationAndQueueingS: (accepted - started) / 1000,
      longestGapS: gap.ms / 1000,
      longestGapAfterS: (gap.at - accepted) / 1000,
      // Our DMs stored per team window, the first and last (partial) windows left out: where a
      // window's budget goes unused shows here (ours = what the other client leaves).
      ours,
      perWindowMedian: perWindow.length > 0 ? [...perWindow].sort((a, b) => a - b)[perWindow.length >> 1] : null,
      perWindow,
      sent: status.sent, failed: status.failed, unconfirmed: status.unconfirmed, total: status.total,
      stored: stored.length,
      duplicates: [...byContent.values()].filter((n) => n > 1).length,
      limit429s: stats.rateLimited.team + stats.rateLimited.sender,
      team429s: stats.rateLimited.team,
      sender429s: stats.rateLimited.sender,
      fault429s: stats.rateLimited.fault,
      requests: stats.requests,
      requestsPerDm: Number((stats.requests / dms).toFixed(3)),
      faults: faultCount,
      faultsLeft: leftFaults.length,
      failedWithoutReason: failedRows.filter((r) => !r.error?.message).length,
    };
  } finally {
    await worker?.mf.dispose();
    await emulator.stop();
  }
}

/**
 * How many of `times` (ascending, ms) fell in each team window but the first and the last:
 * clock windows start on whole multiples of `windowMs`; first-request windows with the first
 * time at or after the previous window's end (every request of a campaign run is stored).
 */
function ourCountsPerWindow(times, windows, windowMs) {
  const counts = [];
  let start = null;
  for (const t of times) {
    if (start === null || t >= start + windowMs) {
      start = windows === "clock" ? Math.floor(t / windowMs) * windowMs : t;
      counts.push(0);
    }
    counts[counts.length - 1] += 1;
  }
  return counts.slice(1, -1);
}
