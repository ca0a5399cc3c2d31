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
 * `text` (a 2xx body) parsed as JSON. With `strict` (a send), `message.id`, `message.content`
 * and `thread.id` must be strings, `replayed` is set when given, and `meta` to `{ status,
 * requestId, attempts, rateLimit, confirmedBy }` (the request id left out when `undefined`,
 * the budget unless `limit` is given, `confirmedBy` unless given). Throws the number of what
 * is wrong (`PROBLEMS` in parse.rs).
 */
export function success(text, strict, status, requestId, attempts, limit, remaining, resetAt, replayed, confirmedBy) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw text ? 1 : 0;
  }
  if (!strict) return value;
  const { message, thread } = object(value) ?? {};
  if (!object(message)) throw 2;
  if (typeof message.id != "string") throw 3;
  if (typeof message.content != "string") throw 4;
  if (!object(thread)) throw 5;
  if (typeof thread.id != "string") throw 6;
  if (replayed !== undefined) value.replayed = replayed;
  const meta = { status };
  if (requestId !== undefined) meta.requestId = requestId;
  meta.attempts = attempts;
  if (limit !== undefined) meta.rateLimit = { limit, remaining, resetAt };
  if (confirmedBy) meta.confirmedBy = confirmedBy;
  value.meta = meta;
  return value;
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
 * `{"code", "message", "requestId", "details"}` (v2) — as `[code, message, requestId,
 * details.messageId, details.retryAfterSeconds, the first units of the text, whether that
 * cut the text]`, each `undefined` unless it is a string (a number for retryAfterSeconds).
 */
export function errorBody(text, units) {
  if (typeof text != "string") return [];
  const start = text ? text.slice(0, units) : undefined;
  const cut = text.length > units;
  let value;
  try {
    value = object(JSON.parse(text));
  } catch {}
  if (!value) return [, , , , , start, cut];
  const inner = object(value.error);
  const details = object(value.details) ?? {};
  return [
    string(inner ? inner.code : string(value.error) ?? value.code),
    string((inner ?? value).message),
    string(value.requestId),
    string(details.messageId),
    typeof details.retryAfterSeconds == "number" ? details.retryAfterSeconds : undefined,
    start,
    cut,
  ];
}

/**
 * A parsed `GET /threads/lookup` answer as `[thread id, prospect.platformId,
 * prospect.externalId]` (the prospect's ids `undefined` unless strings), `null` for `null` (no
 * thread). Throws 7 when it is not an object, 6 when its id is not a string (`PROBLEMS`).
 */
export function lookupThread(value) {
  if (value === null) return null;
  if (!object(value)) throw 7;
  if (typeof value.id != "string") throw 6;
  const prospect = object(value.prospect) ?? {};
  return [value.id, string(prospect.platformId), string(prospect.externalId)];
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
