// A Cloudflare Worker that sends X DMs through the Inbox API with inbox-sender.
// POST /send {accountLinkId, content, externalPlatformId | externalId} -> {message, thread}.
// Callers authenticate with `Authorization: Bearer <SEND_SECRET>`; the Inbox token stays here.
import wasm from "../../../pkg/inbox_sender_bg.wasm";
import { initSync, InboxClient } from "../../../pkg/inbox_sender.js";

// Workers import .wasm as a compiled WebAssembly.Module, so instantiation is synchronous.
initSync({ module: wasm });

const MAX_BODY_BYTES = 64 * 1024;

// HTTP status the Worker answers for each inbox-sender error kind (see README.md).
const STATUS_BY_KIND = {
  invalid_request: 400,
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  timeout: 504,
  unauthorized: 502,
  forbidden: 502,
  server_error: 502,
  unexpected_status: 502,
  network: 502,
  decode: 502,
  aborted: 502,
};

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== "/send") {
      return failure(404, { kind: "not_found", message: "No such endpoint: use POST /send." });
    }
    if (request.method !== "POST") {
      return failure(405, { kind: "method_not_allowed", message: "Use POST /send." }, { allow: "POST" });
    }
    if (!env.SEND_SECRET) {
      return misconfigured("the SEND_SECRET secret is not set, so no caller can be authenticated.");
    }
    if (!(await authenticated(request, env.SEND_SECRET))) {
      return failure(
        401,
        { kind: "unauthenticated", message: "Missing or wrong credentials: send Authorization: Bearer <SEND_SECRET>." },
        { "www-authenticate": 'Bearer realm="inbox-sender"' },
      );
    }

    const bytes = await readBody(request);
    if (bytes === null) {
      return failure(413, {
        kind: "payload_too_large",
        message: `The request body is over ${MAX_BODY_BYTES} bytes.`,
      });
    }
    let input;
    try {
      // fatal: invalid UTF-8 is refused rather than replaced, so content stays byte-exact.
      input = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      return failure(400, { kind: "invalid_request", field: "body", message: "The request body is not valid UTF-8 JSON." });
    }

    let client;
    try {
      client = new InboxClient({
        token: env.INBOX_API_TOKEN ?? "",
        baseUrl: env.INBOX_BASE_URL || "https://inboxapp.com",
        ...(env.INBOX_TIMEOUT_MS ? { timeoutMs: Number(env.INBOX_TIMEOUT_MS) } : {}),
      });
    } catch (error) {
      // Only the Worker's own settings reach the constructor: an invalid one is a deployment bug.
      return misconfigured(`${error.field ?? "options"} ${error.rule ?? "is invalid"} (check INBOX_API_TOKEN, INBOX_BASE_URL, INBOX_TIMEOUT_MS).`);
    }
    try {
      return json(200, await client.sendMessage(input));
    } catch (error) {
      return upstreamFailure(error);
    } finally {
      client.free();
    }
  },
};

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
 * The body's bytes, or null when it is over MAX_BODY_BYTES (by Content-Length or by bytes read).
 * campaign/src/worker.js has its own copy on purpose: each deployable stands on its own (this
 * folder is the one a reader copies out, importing nothing but the package), and the package
 * stays a DM client: an HTTP-server helper exported from it would be API surface and bytes that
 * every user ships for two Workers' sake.
 */
async function readBody(request) {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return null;
  if (!request.body) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
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

/** Maps an InboxError to the Worker's answer; the package already keeps the token out of it. */
function upstreamFailure(error) {
  if (error?.name !== "InboxError") {
    return failure(500, { kind: "internal", message: "Unexpected failure; the DM may have been sent.", maybeSent: true });
  }
  const { kind, field, rule, status, apiCode, retryAfterMs, maybeSent, requestId } = error;
  let message = error.message;
  if (kind === "unauthorized" || kind === "forbidden") {
    message = `This Worker is misconfigured: the Inbox API refused its INBOX_API_TOKEN. ${message}`;
  }
  const httpStatus = kind === "server_error" && status === 503 ? 503 : (STATUS_BY_KIND[kind] ?? 502);
  const headers = retryAfterMs === undefined ? {} : { "retry-after": String(Math.ceil(retryAfterMs / 1000)) };
  return failure(httpStatus, { kind, message, field, rule, status, apiCode, retryAfterMs, maybeSent, requestId }, headers);
}

function misconfigured(detail) {
  return failure(500, { kind: "misconfigured", message: `This Worker is misconfigured: ${detail}` });
}

/** `{error: {...}}`; maybeSent is always present (false for every refusal made before sending). */
function failure(status, error, headers = {}) {
  return json(status, { error: { ...error, maybeSent: error.maybeSent ?? false } }, headers);
}

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}
