// Reading an answer into plain data for the delivery (src/io/parse.rs binds these): header
// values, the parsed success body, what an error body says, a page of messages. Only reading
// and type tests happen here, where they cost a few bytes; what the data means is decided in
// Rust (src/decide/).

/** The response headers the delivery reads, by number (`Header` in src/decide/answer.rs, same order). */
const HEADERS = ["retry-after-ms", "retry-after", "x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"];

/** Header number `index` of `response`, or `null` when absent. */
export function header(response, index) {
  return response.headers.get(HEADERS[index]);
}

/**
 * `text` (a 2xx body) parsed as JSON. Given the `meta` of a send (built in Rust: `{ status,
 * requestId?, attempts, rateLimit?, confirmedBy? }`), `message.id`, `message.content` and
 * `thread.id` must be strings, and `meta` and `replayed` (when given) are set on the value.
 * Throws what is wrong, in words.
 */
export function success(text, meta, replayed) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw text ? "the body is not JSON" : "the body is empty";
  }
  if (!meta) return value;
  const { message, thread } = object(value) ?? {};
  if (!object(message)) throw "message is missing or not an object";
  if (typeof message.id != "string") throw "message.id is missing or not a string";
  if (typeof message.content != "string") throw "message.content is missing or not a string";
  if (!object(thread)) throw "thread is missing or not an object";
  if (typeof thread.id != "string") throw THREAD_ID;
  if (replayed !== undefined) value.replayed = replayed;
  value.meta = meta;
  return value;
}

/** `{ limit, remaining, resetAt }` (resetAt in Unix milliseconds): a team budget. */
export function rateLimit(limit, remaining, resetAt) {
  return { limit, remaining, resetAt };
}

/**
 * A message read with its thread (`GET /api/v2/messages/{id}?expand=thread`, as text) as a
 * send's answer `{ message, thread }` (as text) when X has it (`platformId` is a string); else
 * `undefined`.
 */
export function confirmed(text) {
  try {
    const { thread, ...message } = JSON.parse(text);
    if (typeof message.platformId == "string") return JSON.stringify({ message, thread });
  } catch {}
}

/**
 * What an error body (`text`, or nothing) says, in any of the vendor's shapes —
 * `{"error": {"code", "message"}}` (v1), `{"error": "Unauthorized", "message"}` (v1 auth),
 * `{"code", "message", "requestId", "details"}` (v2) — as `{ code, message, requestId,
 * messageId, retryAfterSeconds, resetAt, linkStatus, text, cut }`: the v2 `details` fields
 * flattened (`details.status` as `linkStatus`), each `undefined` unless it is a string (a
 * number for `retryAfterSeconds`), `text` the first `units` of the text and `cut` whether
 * that cut it.
 */
export function errorBody(text, units) {
  if (typeof text != "string") return {};
  const fields = { text: text ? text.slice(0, units) : undefined, cut: text.length > units };
  let value;
  try {
    value = object(JSON.parse(text));
  } catch {}
  if (!value) return fields;
  const inner = object(value.error);
  const details = object(value.details) ?? {};
  fields.code = string(inner ? inner.code : string(value.error) ?? value.code);
  fields.message = string((inner ?? value).message);
  fields.requestId = string(value.requestId);
  fields.messageId = string(details.messageId);
  if (typeof details.retryAfterSeconds == "number") fields.retryAfterSeconds = details.retryAfterSeconds;
  fields.resetAt = string(details.resetAt);
  fields.linkStatus = string(details.status);
  return fields;
}

/** What is wrong with an answer whose thread id is not a string. */
const THREAD_ID = "thread.id is missing or not a string";

/**
 * A parsed `GET /threads/lookup` answer as `{ id, platformId, externalId }` (the thread's id
 * and its prospect's, these `undefined` unless strings), `null` for `null` (no thread). Throws
 * what is wrong, in words, when it is not a thread.
 */
export function lookupThread(value) {
  if (value === null) return null;
  if (!object(value)) throw "the lookup answer is neither null nor a thread";
  if (typeof value.id != "string") throw THREAD_ID;
  const prospect = object(value.prospect) ?? {};
  return { id: value.id, platformId: string(prospect.platformId), externalId: string(prospect.externalId) };
}

/**
 * A parsed page of `GET /threads/{id}/messages` as far as reconciling reads it, flat:
 * `[nextCursor.id, nextCursor.timestamp, isSyncing === true, then content, authorId, createdAt
 * of each message]`;
 * a field of the wrong type (or of an entry that is not an object) is `undefined`, so entry
 * `i` is `messages[i]`.
 */
export function pageEntries(value) {
  const page = object(value) ?? {};
  const cursor = object(page.nextCursor) ?? {};
  const flat = [string(cursor.id), string(cursor.timestamp), page.isSyncing === true];
  if (Array.isArray(page.messages)) {
    for (const m of page.messages) {
      const { content, authorId, createdAt } = object(m) ?? {};
      flat.push(string(content), string(authorId), string(createdAt));
    }
  }
  return flat;
}

/** `value.messages[index]` of a parsed page (the message found). */
export function pageItem(value, index) {
  return value.messages[index];
}

/**
 * What `thrown` (a fetch failure, an abort reason: anything) is, in words: a string as it is,
 * an error as `name: message`, else "an unknown error". Reading a throwing getter counts as
 * absent.
 */
export function describe(thrown) {
  if (typeof thrown == "string") return thrown;
  const read = (key) => {
    try {
      return string(thrown?.[key]);
    } catch {}
  };
  const name = read("name");
  const message = read("message");
  if (message === undefined) return "an unknown error";
  return name === undefined ? message : `${name}: ${message}`;
}

/** `value` when it is a non-null object (arrays included), else `undefined`. */
function object(value) {
  return typeof value == "object" && value !== null ? value : undefined;
}

/** `value` when it is a string, else `undefined`. */
function string(value) {
  return typeof value == "string" ? value : undefined;
}
