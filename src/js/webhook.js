/* @ts-self-types="./webhook.d.ts" */
// `verifyWebhook`: checks that a webhook delivery came from Inbox, and reads its event. Shipped
// as its own module, `inbox-sender/webhook` (scripts/finish-pkg.mjs copies it and its
// declarations into pkg/), so a page or Worker that only sends DMs never loads it, and one that
// only receives webhooks loads nothing else: plain JavaScript over WebCrypto, which every
// runtime the package supports has.
//
// Inbox signs each delivery with `X-Inbox-Signature: t=<Unix seconds>,v1=<hex>[,v1=<hex>…]`:
// the hex HMAC-SHA256 of `"<t>.<raw body>"` under the endpoint's secret. Any `v1` may match
// (a secret being rotated signs with both).

/** How far the signature's time may be from now, in seconds, unless the caller says. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Resolves to the event a delivery carries once its signature holds up; rejects with an
 * `InboxError`: kind `invalid_signature` with `check` (`missing`, `malformed`, `stale`,
 * `mismatch`), or `invalid_request` naming a bad argument. No error quotes the secret.
 */
export async function verifyWebhook(payload, signature, secret, options) {
  const body = bytes(payload);
  if (typeof signature != "string" && signature != null) {
    throw invalid("signature", "must be a string, or null when the header is absent");
  }
  if (typeof secret != "string" || !secret) throw invalid("secret", "must be a non-empty string");
  if (!wellFormed(secret)) throw invalid("secret", WELL_FORMED);
  const { toleranceSeconds, now } = settings(options);
  const { t, v1s } = parse(signature);
  // Whole seconds, as Inbox's own check counts them.
  const age = Math.floor(now / 1000) - t;
  if (Math.abs(age) > toleranceSeconds) {
    const how = age < 0 ? `${-age} s ahead of now` : `${age} s old`;
    throw refused("stale", `its timestamp is ${how}, over the tolerance of ${toleranceSeconds} s`);
  }
  const hmac = { name: "HMAC", hash: "SHA-256" };
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), hmac, false, ["verify"]);
  // What Inbox signed: "<t>." followed by the body, in one buffer.
  const prefix = new TextEncoder().encode(`${t}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  let matched = false;
  // `verify` compares in constant time; every signature is tried, so the time taken does not
  // say which one matched.
  for (const v1 of v1s) {
    const mac = Uint8Array.from(v1.match(/../g), (pair) => parseInt(pair, 16));
    matched = (await crypto.subtle.verify(hmac, key, mac, signed)) || matched;
  }
  if (!matched) {
    throw refused("mismatch", "no v1 signature matches this body and secret (pass the body exactly as received)");
  }
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw invalid("payload", "must be a JSON event (this one is signed, but not JSON)");
  }
}

/** `payload` as a copy of its bytes (a string as UTF-8): the caller may reuse its buffer. */
function bytes(payload) {
  if (typeof payload == "string") {
    if (!wellFormed(payload)) throw invalid("payload", WELL_FORMED);
    return new TextEncoder().encode(payload);
  }
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload.slice(0));
  if (payload instanceof Uint8Array) return payload.slice();
  throw invalid("payload", "must be the body exactly as received: a string, Uint8Array or ArrayBuffer");
}

/** `{ toleranceSeconds, now }` with their defaults; `undefined` and `null` mean none. */
function settings(options) {
  if (options == null) return { toleranceSeconds: DEFAULT_TOLERANCE_SECONDS, now: Date.now() };
  if (typeof options != "object" || Array.isArray(options)) throw invalid("options", "must be an object");
  for (const key of Object.keys(options)) {
    if (key != "toleranceSeconds" && key != "now") throw invalid(key, "is not a known field; check its spelling");
  }
  const { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now() } = options;
  if (!Number.isInteger(toleranceSeconds) || toleranceSeconds < 0) {
    throw invalid("toleranceSeconds", "must be a whole number, 0 or more");
  }
  if (typeof now != "number" || !Number.isFinite(now) || now < 0) {
    throw invalid("now", "must be a Unix time in milliseconds");
  }
  return { toleranceSeconds, now };
}

/**
 * The header read: comma-separated `key=value` parts, blanks (spaces, tabs) around each
 * ignored and an empty part skipped; exactly one `t` (ASCII digits) and at least one `v1` (64
 * hex digits); other keys ignored.
 */
function parse(header) {
  if (header == null || !/[^ \t]/.test(header)) throw refused("missing", "no X-Inbox-Signature header");
  const malformed = () => refused("malformed", "the X-Inbox-Signature header is not t=<seconds>,v1=<hex>");
  let t;
  const v1s = [];
  for (const field of header.split(",")) {
    const part = field.replace(/^[ \t]+|[ \t]+$/g, "");
    if (!part) continue;
    const at = part.indexOf("=");
    if (at < 0) throw malformed();
    const [key, value] = [part.slice(0, at), part.slice(at + 1)];
    if (key == "t") {
      if (t !== undefined || !/^[0-9]+$/.test(value)) throw malformed();
      t = Number(value);
    } else if (key == "v1") {
      if (!/^[0-9a-f]{64}$/i.test(value)) throw malformed();
      v1s.push(value);
    }
  }
  if (t === undefined || !v1s.length) throw malformed();
  return { t, v1s };
}

const WELL_FORMED = "must be well-formed text (it contains an unpaired UTF-16 surrogate)";

/** False when `text` has an unpaired UTF-16 surrogate (it has no exact UTF-8 bytes). */
function wellFormed(text) {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** An `InboxError` like the package's: nothing was sent, and it is about this request. */
function inboxError(kind, message, facts) {
  const error = new Error(message);
  error.name = "InboxError";
  return Object.assign(error, { kind, scope: "request", retryable: false, ...facts, maybeSent: false, attempts: 0 });
}

/** `invalid_signature`: the delivery failed `check`, for `reason`. */
function refused(check, reason) {
  return inboxError("invalid_signature", `The webhook did not verify: ${reason}.`, { check });
}

/** `invalid_request`: `field` breaks `rule`. */
function invalid(field, rule) {
  return inboxError("invalid_request", `Invalid input, nothing was sent: ${field} ${rule}.`, { field, rule });
}
