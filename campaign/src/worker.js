// The campaign Worker (SPEC 11): an HTTP API to create and steer campaigns, a queue consumer
// that hands each DM to its sender's ledger, a dead-letter consumer, and the Durable Objects.
import { InboxClient, settings, v2Target } from "./inbox.js";
import { dashboard } from "./dashboard.js";
import { resultsCsv } from "./csv.js";

export { Campaign } from "./campaign.js";
export { SenderLedger } from "./sender.js";
export { TeamBudget } from "./team.js";

const MAX_MESSAGES = 10_000;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const QUEUE_BATCH_BYTES = 200 * 1024; // under the 256 KB a sendBatch may carry

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch (error) {
      return failure(500, { kind: "internal", message: `Unexpected failure: ${error?.message ?? error}` });
    }
  },

  /** One queue message per DM: hand it to its sender's ledger, then ack it on its own. */
  async queue(batch, env) {
    if (batch.queue === (env.DEAD_LETTER_QUEUE_NAME || "campaign-dms-dead")) return deadLetters(batch, env);
    const bySender = new Map();
    for (const message of batch.messages) {
      const sender = message.body?.dm?.accountLinkId;
      if (typeof sender !== "string") {
        message.ack(); // not ours (no DM in it): nothing to deliver
        continue;
      }
      if (!bySender.has(sender)) bySender.set(sender, []);
      bySender.get(sender).push(message);
    }
    const handedOver = [];
    const faults = settings(env).testFaults;
    await Promise.all(
      [...bySender].map(async ([sender, messages]) => {
        try {
          // Test fault: this sender's ledger cannot be reached, so its messages are retried
          // until they exhaust their retries and reach the dead-letter queue.
          if (faults.handOffFailsFor?.includes(sender)) throw new Error("test fault: ledger unreachable");
          await senderStub(env, sender).accept(
            sender,
            messages.map(({ body }) => ({ campaign: body.c, idx: body.i, api: body.api, dm: body.dm })),
          );
          handedOver.push(...messages);
        } catch (error) {
          console.error(`handing ${messages.length} DMs to ${sender} failed: ${error?.message ?? error}`);
          for (const message of messages) message.retry();
        }
      }),
    );
    if (faults.consumerThrowEvery && ++consumerBatches % faults.consumerThrowEvery === 0) {
      // Test fault: the consumer dies after the hand-off, before acking: the batch comes again.
      throw new Error("test fault: consumer died between hand-off and ack");
    }
    for (const message of handedOver) message.ack();
  },
};
let consumerBatches = 0;

/** Messages that exhausted their retries: try the ledger once more, else record them as failed. */
async function deadLetters(batch, env) {
  for (const message of batch.messages) {
    const { c, i, api, dm } = message.body ?? {};
    if (typeof c !== "string" || typeof dm?.accountLinkId !== "string") {
      message.ack();
      continue;
    }
    try {
      if (settings(env).testFaults.deadLetterHandOffFailsFor === dm.accountLinkId) {
        throw new Error("test fault: ledger still unreachable");
      }
      await senderStub(env, dm.accountLinkId).accept(dm.accountLinkId, [{ campaign: c, idx: i, api, dm }]);
    } catch (error) {
      await campaignStub(env, c).update([
        {
          idx: i,
          state: "failed",
          errorKind: "dead_letter",
          errorMessage: `Could not be handed to the ledger of ${dm.accountLinkId} after ${message.attempts} deliveries (${error?.message ?? error}); it was not sent.`,
        },
      ]);
    }
    message.ack();
  }
}

async function route(request, env) {
  const url = new URL(request.url);
  const parts = url.pathname.split("/").filter(Boolean);
  if (parts[0] !== "campaigns" || parts.length > 3) return notFound();
  const [, id, action] = parts;
  if (id !== undefined && !ID.test(id)) return notFound();

  // The page itself carries no data and is public; it reads the API with the secret the user
  // types (or gives in the URL fragment, which never reaches a server).
  if (action === "view") {
    if (request.method !== "GET") return methodNotAllowed("GET");
    return new Response(dashboard(id), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-frame-options": "DENY", "content-security-policy": "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'" },
    });
  }

  if (!env.CAMPAIGN_SECRET) return misconfigured("the CAMPAIGN_SECRET secret is not set, so no caller can be authenticated.");
  if (!(await authenticated(request, env.CAMPAIGN_SECRET))) {
    return failure(
      401,
      { kind: "unauthenticated", message: "Missing or wrong credentials: send Authorization: Bearer <CAMPAIGN_SECRET>." },
      { "www-authenticate": 'Bearer realm="inbox-campaigns"' },
    );
  }

  if (id === undefined) {
    if (request.method !== "POST") return methodNotAllowed("POST");
    return create(request, env);
  }
  const campaign = campaignStub(env, id);
  if (action === undefined) {
    if (request.method !== "GET") return methodNotAllowed("GET");
    const status = await campaign.status();
    return status ? json(200, status) : noCampaign(id);
  }
  if (action === "results") {
    if (request.method !== "GET") return methodNotAllowed("GET");
    const state = url.searchParams.get("state");
    if (state !== null && !["sent", "failed", "unconfirmed", "queued", "sending", "cancelled"].includes(state)) {
      return failure(400, { kind: "invalid_request", field: "state", message: "state must be sent, failed, unconfirmed, queued, sending or cancelled." });
    }
    const cursorText = url.searchParams.get("cursor");
    const cursor = cursorText === null ? -1 : Number(cursorText);
    if (!Number.isInteger(cursor) || cursor < -1) return failure(400, { kind: "invalid_request", field: "cursor", message: "cursor must be a value from an earlier answer." });
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get("limit") ?? 100) || 100));
    const kind = url.searchParams.get("kind");
    if ((await campaign.control()) === null) return noCampaign(id);
    return json(200, { id, state, kind, ...(await campaign.results(state, cursor, limit, kind)) });
  }
  if (action === "results.csv") {
    if (request.method !== "GET") return methodNotAllowed("GET");
    if ((await campaign.control()) === null) return noCampaign(id);
    const stream = resultsCsv((cursor, limit) => campaign.results(null, cursor, limit));
    return new Response(stream, {
      headers: {
        "content-type": "text/csv; charset=utf-8; header=present",
        "content-disposition": `attachment; filename="campaign-${id}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  if (["pause", "resume", "cancel"].includes(action)) {
    if (request.method !== "POST") return methodNotAllowed("POST");
    const changed = await campaign.setStatus(action);
    if (!changed) return noCampaign(id);
    await Promise.all(changed.senders.map((sender) => senderStub(env, sender).setCampaignStatus(id, changed.status)));
    return json(200, await campaign.status());
  }
  return notFound();
}

/** POST /campaigns: validate every message with the package, then queue the new ones. */
async function create(request, env) {
  const limit = Number(env.MAX_BODY_BYTES || DEFAULT_MAX_BODY_BYTES);
  const bytes = await readBody(request, limit);
  if (bytes === null) return failure(413, { kind: "payload_too_large", message: `The request body is over ${limit} bytes: split the messages over several calls with the same id.` });
  let input;
  try {
    input = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return failure(400, { kind: "invalid_request", field: "body", message: "The request body is not valid UTF-8 JSON." });
  }
  const problems = [];
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return failure(400, { kind: "invalid_request", field: "body", message: "The body must be a JSON object { id?, api?, messages }." });
  }
  for (const key of Object.keys(input)) {
    if (!["id", "api", "messages"].includes(key)) problems.push({ index: null, field: key, rule: "is not a known field; check its spelling" });
  }
  const id = input.id ?? crypto.randomUUID();
  if (typeof id !== "string" || !ID.test(id)) problems.push({ index: null, field: "id", rule: "must be 1–64 letters, digits, _ or -" });
  const api = input.api ?? "v2";
  if (api !== "v2" && api !== "v1") problems.push({ index: null, field: "api", rule: 'must be "v2" or "v1"' });
  const messages = input.messages;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) {
    problems.push({ index: null, field: "messages", rule: `must be an array of 1 to ${MAX_MESSAGES} messages` });
  }
  if (problems.length > 0) return invalid(problems);

  let s;
  let client;
  try {
    s = settings(env);
    client = new InboxClient({ token: env.INBOX_API_TOKEN ?? "", baseUrl: s.baseUrl, timeoutMs: s.timeoutMs });
  } catch (error) {
    return misconfigured(`${error.field ?? ""} ${error.rule ?? error.message} (check INBOX_API_TOKEN, INBOX_BASE_URL and the limits).`);
  }
  try {
    messages.forEach((message, index) => {
      const problem = validate(client, api, message, index);
      if (problem) problems.push(problem);
    });
  } finally {
    client.free();
  }
  if (problems.length > 0) return invalid(problems);

  const items = await Promise.all(
    messages.map(async (m) => {
      const dm = { accountLinkId: m.accountLinkId, content: m.content };
      if (m.externalPlatformId != null) dm.externalPlatformId = m.externalPlatformId;
      if (m.externalId != null) dm.externalId = m.externalId;
      return {
        fp: await fingerprint(dm),
        sender: dm.accountLinkId,
        recipient: dm.externalPlatformId ?? dm.externalId,
        dm,
      };
    }),
  );
  const campaign = campaignStub(env, id);
  const added = await campaign.add(id, api, items);
  if (added.conflict) return failure(409, { kind: "conflict", field: "api", message: added.conflict });

  // Queue in chunks the Queues API accepts; mark each chunk once the queue has it.
  let chunk = [];
  let size = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    await env.DMS.sendBatch(chunk.map((body) => ({ body, contentType: "json" })));
    await campaign.markQueued(chunk.map((body) => body.i));
    chunk = [];
    size = 0;
  };
  for (const { idx, dm } of added.toQueue) {
    const body = { c: id, i: idx, api, dm };
    const bodySize = JSON.stringify(body).length * 3;
    if (chunk.length === 100 || size + bodySize > QUEUE_BATCH_BYTES) await flush();
    chunk.push(body);
    size += bodySize;
  }
  await flush();
  return json(202, { id, total: added.total, added: added.added, alreadyInCampaign: added.duplicates });
}

/**
 * The package's own rules, without any I/O (`client.validate`): the message as a v1 request,
 * and for v2 also as the target it is sent to. Returns the first { index, field, rule } or null.
 */
function validate(client, api, message, index) {
  const problem = client.validate(message) ?? (api === "v2" ? client.validate({ target: v2Target(message), content: message.content }) : null);
  if (!problem) return null;
  const field = { "target.accountLinkId": "accountLinkId", "target.platformId": "externalPlatformId", "target.contactId": "externalId" }[problem.field] ?? problem.field;
  return { index, field, rule: problem.rule };
}

async function fingerprint(dm) {
  const text = JSON.stringify([dm.accountLinkId, dm.externalPlatformId ?? null, dm.externalId ?? null, dm.content]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const campaignStub = (env, id) => env.CAMPAIGN.get(env.CAMPAIGN.idFromName(id));
const senderStub = (env, sender) => env.SENDER.get(env.SENDER.idFromName(sender));

/** Compares the bearer secret in constant time: SHA-256 both sides, then timingSafeEqual. */
async function authenticated(request, secret) {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "");
  if (!match) return false;
  const encoder = new TextEncoder();
  const [given, expected] = await Promise.all(
    [match[1], secret].map((value) => crypto.subtle.digest("SHA-256", encoder.encode(value))),
  );
  return crypto.subtle.timingSafeEqual(given, expected);
}

/**
 * The body's bytes, or null when it is over `limit` (by Content-Length or by bytes read).
 * examples/cloudflare-worker has its own copy on purpose: each deployable stands on its own,
 * with no import from outside its folder but the package.
 */
async function readBody(request, limit) {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
  if (!request.body) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const invalid = (problems) =>
  json(400, {
    error: {
      kind: "invalid_request",
      message: `${problems.length} problem(s); nothing was queued. Fix every one and send the call again.`,
      problems,
    },
  });
const notFound = () => failure(404, { kind: "not_found", message: "No such endpoint: see README.md (POST /campaigns, GET /campaigns/{id}, …)." });
const noCampaign = (id) => failure(404, { kind: "not_found", message: `No campaign ${id}.` });
const methodNotAllowed = (allow) => failure(405, { kind: "method_not_allowed", message: `Use ${allow}.` }, { allow });
const misconfigured = (detail) => failure(500, { kind: "misconfigured", message: `This Worker is misconfigured: ${detail}` });
const failure = (status, error, headers = {}) => json(status, { error }, headers);

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}
