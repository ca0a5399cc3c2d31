// What every runtime test runs inside its runtime (Node, Deno, Bun), with the InboxClient that
// runtime loaded: sends, an auth error, an abort, a timeout, a validation error, and a send after
// all of them. Plain fetch and standard APIs only, so one file runs everywhere. Prints nothing:
// the caller prints the returned object as JSON and the Node test asserts on it and on the
// emulator's records.

const ACCOUNT = "acct1sales";
const PROSPECT = "1566123362161725440";

/** A DM with content unique to this run and step. */
const dm = (runId, step) => ({ accountLinkId: ACCOUNT, content: `${step} ${runId}`, externalPlatformId: PROSPECT });

/** The error a promise rejects with, as plain data (null when it resolves). */
async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return {
      isError: e instanceof Error,
      name: e.name,
      kind: e.kind,
      status: e.status,
      maybeSent: e.maybeSent,
      attempts: e.attempts,
      field: e.field,
      message: e.message,
    };
  }
}

export async function scenarios({ InboxClient }, { url, token, runId }) {
  const fault = async (...faults) => {
    const response = await fetch(`${url}/__emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ faults }),
    });
    if (!response.ok) throw new Error(`faults: HTTP ${response.status}`);
  };
  const client = new InboxClient({ token, baseUrl: url, maxRetries: 0 });
  const out = {};

  const first = await client.sendMessage(dm(runId, "first"));
  const second = await client.sendMessage(dm(runId, "second"));
  out.sent = [first, second].map((r) => ({ messageId: r.message.id, threadId: r.thread.id, content: r.message.content }));
  out.rateLimit = client.rateLimit;

  out.unauthorized = await failure(new InboxClient({ token: "wrong-token", baseUrl: url }).sendMessage(dm(runId, "unauthorized")));

  // The emulator never answers; the caller's signal fires after 200 ms.
  await fault({ action: "hang" });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  out.aborted = await failure(client.sendMessage(dm(runId, "aborted"), { signal: controller.signal }));
  out.abortedBefore = await failure(client.sendMessage(dm(runId, "aborted-before"), { signal: AbortSignal.abort() }));

  // The emulator stores the DM, then answers only after 3 s; the call allows 300 ms.
  await fault({ process: true, status: 200, delayMs: 3000 });
  const started = Date.now();
  out.timeout = await failure(client.sendMessage(dm(runId, "timeout"), { timeoutMs: 300 }));
  out.timeoutElapsedMs = Date.now() - started;

  out.invalid = await failure(client.sendMessage({ ...dm(runId, "invalid"), externalPlatformId: "@maya" }));

  const last = await client.sendMessage(dm(runId, "last"));
  out.last = { messageId: last.message.id };
  client.free();
  return out;
}
