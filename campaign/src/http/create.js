// POST /campaigns: the one request with a body. The body is read and checked here — its size,
// its JSON, its fields, then every message with the package's own rules — before anything is
// queued; one bad message refuses the call with every problem found.
import { checkSendingHours } from "../core/send-window.js";
import { checkFollowUps } from "../core/sequence.js";
import { InboxClient, settings, v2Target } from "../inbox.js";
import { campaignStub } from "../stubs.js";
import { scheduleOf } from "../schedule.js";
import { failure, invalid, json, misconfigured, badField } from "./respond.js";

const MAX_MESSAGES = 10_000;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const QUEUE_BATCH_BYTES = 200 * 1024; // under the 256 KB a sendBatch may carry
/** What a campaign id may be (also the `:id` of every route). */
export const ID = /^[A-Za-z0-9_-]{1,64}$/;

const FIELDS = ["id", "api", "ifConversation", "sendWindow", "senderWindows", "jitterMs", "messages"];

/** POST /campaigns: validate every message with the package, then queue the new ones. */
export async function create(request, env) {
  const limit = Number(env.MAX_BODY_BYTES || DEFAULT_MAX_BODY_BYTES);
  const bytes = await readBody(request, limit);
  if (bytes === null) return failure(413, { kind: "payload_too_large", message: `The request body is over ${limit} bytes: split the messages over several calls with the same id.` });
  let input;
  try {
    input = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return badField("body", "The request body is not valid UTF-8 JSON.");
  }
  const problems = [];
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return badField("body", "The body must be a JSON object { id?, api?, ifConversation?, sendWindow?, senderWindows?, jitterMs?, messages }.");
  }
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) problems.push({ index: null, field: key, rule: "is not a known field; check its spelling" });
  }
  const id = input.id ?? crypto.randomUUID();
  if (typeof id !== "string" || !ID.test(id)) problems.push({ index: null, field: "id", rule: "must be 1–64 letters, digits, _ or -" });
  const api = input.api ?? "v2";
  if (api !== "v2" && api !== "v1") problems.push({ index: null, field: "api", rule: 'must be "v2" or "v1"' });
  const ifConversation = input.ifConversation ?? "skip";
  if (ifConversation !== "skip" && ifConversation !== "send") {
    problems.push({ index: null, field: "ifConversation", rule: 'must be "skip" (an opener is not sent to a prospect this sender already talks with) or "send"' });
  }
  problems.push(...checkSendingHours(input).map((p) => ({ index: null, ...p })));
  const messages = input.messages;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) {
    problems.push({ index: null, field: "messages", rule: `must be an array of 1 to ${MAX_MESSAGES} messages` });
    return invalid(problems);
  }

  let s;
  let client;
  try {
    s = settings(env);
    client = new InboxClient({ token: env.INBOX_API_TOKEN ?? "", baseUrl: s.baseUrl, timeoutMs: s.timeoutMs });
  } catch (error) {
    return misconfigured(`${error.field ?? ""} ${error.rule ?? error.message} (check INBOX_API_TOKEN, INBOX_BASE_URL and the limits).`);
  }
  try {
    messages.forEach((message, index) => problems.push(...validate(client, api, message, index)));
  } finally {
    client.free();
  }
  if (problems.length > 0) return invalid(problems);

  const items = await Promise.all(
    messages.map(async (m) => {
      const dm = { accountLinkId: m.accountLinkId, content: m.content };
      if (m.externalPlatformId != null) dm.externalPlatformId = m.externalPlatformId;
      if (m.externalId != null) dm.externalId = m.externalId;
      if (m.followUps?.length > 0) dm.followUps = m.followUps.map(({ content, afterMs }) => ({ content, afterMs }));
      return {
        fp: await fingerprint(dm),
        sender: dm.accountLinkId,
        recipient: dm.externalPlatformId ?? dm.externalId,
        dm,
      };
    }),
  );
  const schedule = { sendWindow: input.sendWindow ?? null, senderWindows: input.senderWindows ?? {}, jitterMs: input.jitterMs ?? 0 };
  const campaign = campaignStub(env, id);
  const added = await campaign.add(id, api, ifConversation, items, schedule);
  if (added.conflict) return failure(409, { kind: "conflict", field: added.field, message: added.conflict });

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
    const body = { c: id, i: idx, api, ifc: ifConversation, dm, sched: scheduleOf(schedule, dm.accountLinkId) };
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
 * and for v2 also as the target it is sent to; then its follow-ups (sequence.js), each one's
 * content by the same rules. Returns the problems, each { index, field, rule }: the first
 * broken rule of the opener and of each follow-up.
 */
function validate(client, api, message, index) {
  const problems = [];
  const problemOf = (m) => {
    const problem = client.validate(m) ?? (api === "v2" ? client.validate({ target: v2Target(m), content: m.content }) : null);
    if (!problem) return null;
    const field = { "target.accountLinkId": "accountLinkId", "target.platformId": "externalPlatformId", "target.contactId": "externalId" }[problem.field] ?? problem.field;
    return { index, field, rule: problem.rule };
  };
  const isObject = message !== null && typeof message === "object" && !Array.isArray(message);
  const { followUps, ...opener } = isObject ? message : {};
  const first = problemOf(isObject ? opener : message);
  if (first) problems.push(first);
  problems.push(...checkFollowUps(followUps).map((p) => ({ index, ...p })));
  // Each follow-up's content by the opener's rules (what is wrong with the recipient is said once).
  if (Array.isArray(followUps)) {
    followUps.forEach((f, k) => {
      if (typeof f?.content !== "string" || f.content.trim() === "") return;
      const problem = problemOf({ ...opener, content: f.content });
      if (problem?.field === "content") problems.push({ ...problem, field: `followUps[${k}].content` });
    });
  }
  return problems;
}

async function fingerprint(dm) {
  const text = JSON.stringify([dm.accountLinkId, dm.externalPlatformId ?? null, dm.externalId ?? null, dm.content, ...(dm.followUps ? [dm.followUps] : [])]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
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

