// The requests the core asks for (core/states.js `Effect`), made with the package's InboxClient,
// and their answers in the core's words (`Result`). Never throws: a failure is a Result too.
import { v2Target } from "./inbox.js";

/**
 * Makes one request effect. `dm` is the prospect's DM (accountLinkId, content, recipient,
 * followUps; a step sends its own content),
 * `sender` the account link, `dms` the DMs of a lookup's prospects (by key).
 * @returns {Promise<object>} a core Result, with `at` when the answer came
 */
export async function perform(client, effect, { sender, dm, dms }) {
  try {
    const result = await request(client, effect, { sender, dm, dms });
    return { ...result, at: Date.now() };
  } catch (error) {
    if (effect.type === "read-message" && error?.kind === "not_found") return { ok: true, found: false, at: Date.now(), rateLimit: error.rateLimit };
    return { ok: false, answered: error?.status !== undefined, failure: failureOf(error), rateLimit: error?.rateLimit, at: Date.now() };
  }
}

async function request(client, effect, { sender, dm, dms }) {
  switch (effect.type) {
    case "send": {
      const content = contentOf(dm, effect.step);
      if (effect.api === "v2") {
        const { message, thread, replayed, meta } = await client.send({ target: v2Target(dm), content }, { idempotencyKey: effect.idempotencyKey });
        return { ok: true, messageId: message.id, threadId: thread.id, createdAt: timeOf(message.createdAt), replayed, rateLimit: meta?.rateLimit };
      }
      const { message, thread, meta } = await client.sendMessage(v1Request(dm, content));
      return { ok: true, messageId: message.id, threadId: thread.id, createdAt: timeOf(message.createdAt), replayed: false, rateLimit: meta?.rateLimit };
    }
    case "find-sent": {
      const found = await client.findSent(v1Request(dm, contentOf(dm, effect.step)), { since: effect.since });
      return { ok: true, found: found ? { messageId: found.id, threadId: found.threadId ?? null, createdAt: timeOf(found.createdAt) } : null, rateLimit: client.rateLimit };
    }
    case "read-events": {
      const query = { afterSeq: effect.afterSeq ?? 0, type: effect.eventType, limit: 1000 };
      const { data, meta } = await client.get("/api/v2/events", { query });
      const events = (data?.data ?? [])
        .filter((e) => e.type === effect.eventType && typeof e.data?.threadId === "string")
        .map((e) => ({ seq: e.seq, threadId: e.data.threadId, at: timeOf(e.createdAt) ?? Date.now() }));
      return { ok: true, events, lastSeq: data?.lastSeq ?? null, hasMore: Boolean(data?.hasMore), rateLimit: meta?.rateLimit };
    }
    case "read-message": {
      const { data, meta } = await client.get(`/api/v2/messages/${encodeURIComponent(effect.messageId)}`);
      return { ok: true, found: true, platformSent: data?.platformId != null, threadId: data?.threadId ?? null, rateLimit: meta?.rateLimit };
    }
    case "lookup-conversations":
      return lookup(client, effect, sender, dms);
    default:
      throw new Error(`no such effect: ${effect.type}`);
  }
}

/**
 * Whether this sender has a conversation with each prospect of a lookup: v2 contacts by X user
 * id, v2 this sender's threads with contacts (any folder), or v1's thread lookup of one prospect.
 * A thread counts only with a message in it.
 */
async function lookup(client, effect, sender, dms) {
  const found = {};
  if (effect.by === "platformId") {
    const { data, meta } = await client.get("/api/v2/contacts", { query: { platform: "twitter", platformId: effect.ids, limit: 100 } });
    for (const contact of data?.data ?? []) {
      for (const profile of contact.profiles ?? []) {
        if (profile.platform === "twitter" && effect.ids.includes(profile.platformId)) found[profile.platformId] = { contactId: contact.id };
      }
    }
    return { ok: true, found, rateLimit: meta?.rateLimit };
  }
  if (effect.by === "contactId") {
    const query = { accountLinkId: sender, contactId: effect.ids, folder: "all", limit: 100 };
    const { data, meta } = await client.get("/api/v2/threads", { query });
    for (const thread of data?.data ?? []) {
      if (thread.accountLinkId !== sender || !effect.ids.includes(thread.contactId)) continue;
      const messages = thread.lastMessage ? 1 : 0;
      if (!found[thread.contactId] || messages > found[thread.contactId].messages) found[thread.contactId] = { threadId: thread.id, messages };
    }
    return { ok: true, found, rateLimit: meta?.rateLimit };
  }
  const [key] = effect.keys;
  const dm = dms.get(key);
  const query = dm.externalPlatformId != null ? { accountLinkId: sender, externalPlatformId: dm.externalPlatformId } : { accountLinkId: sender, externalId: dm.externalId };
  const { data, meta } = await client.get("/api/v1/threads/lookup", { query });
  found[effect.ids[0]] = data ? { threadId: data.id, messages: data.lastMessage ? 1 : 0 } : null;
  return { ok: true, found, rateLimit: meta?.rateLimit };
}

/** The content of step `step` of a DM: the opener (0), else its follow-up. */
const contentOf = (dm, step) => (step > 0 ? dm.followUps[step - 1].content : dm.content);

/** Unix ms of an ISO time the API gave, or null. */
const timeOf = (iso) => (typeof iso === "string" && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) : null);

/** The v1 request a DM's step is (sendMessage; findSent looks for it in its thread). */
const v1Request = (dm, content) => {
  const request = { accountLinkId: dm.accountLinkId, content };
  if (dm.externalPlatformId != null) request.externalPlatformId = dm.externalPlatformId;
  else request.externalId = dm.externalId;
  return request;
};

/** An InboxError's facts as the core reads them (core/states.js `Failure`). */
function failureOf(error) {
  if (error?.name !== "InboxError") {
    return { kind: "internal", scope: "request", retryable: false, apiCode: null, maybeSent: false, messageId: null, status: null, retryAfterMs: null, resetAt: null, message: String(error?.message ?? error) };
  }
  const details = detailsOf(error.body);
  return {
    kind: error.kind, scope: error.scope, retryable: error.retryable, apiCode: error.apiCode ?? null, maybeSent: Boolean(error.maybeSent),
    messageId: error.messageId ?? null, status: typeof details.status === "string" ? details.status : null,
    retryAfterMs: error.retryAfterMs ?? null, resetAt: details.resetAt ? Date.parse(details.resetAt) || null : null, message: error.message,
  };
}

/** The `details` of an error body, when it is JSON that has them. */
function detailsOf(body) {
  try {
    const parsed = JSON.parse(body ?? "");
    return parsed?.details ?? parsed?.error?.details ?? {};
  } catch {
    return {};
  }
}
