// The only part of the extension that reads the API token and talks to Inbox. Content scripts
// send {type: "conversation", platformId} or {type: "send", platformId, content} and get plain
// data back, never the token. Sends go through v2 (`client.send`) with the composition's
// idempotency key (pending-keys.js), so sending the same DM again after an uncertain outcome can
// never deliver it twice.
import init, { InboxClient } from "./inbox_sender.js";
import { lookUpConversation } from "./conversation.js";
import { claimKey, releaseKey } from "./pending-keys.js";

const DEFAULT_BASE_URL = "https://inboxapp.com";
/** Where a sent DM's thread opens in Inbox's web app (whatever API base URL is configured). */
const THREAD_URL = "https://inboxapp.com/inbox/";
/** Pages the content script runs on; a message from anywhere else is ignored. */
const CONTENT_ORIGINS = new Set(["https://x.com", "https://twitter.com"]);
/**
 * The conversation check is one request: a failure is shown at once (with Retry when the package
 * says retrying may help) instead of being retried behind the panel, and it never waits long.
 */
const LOOKUP_OPTIONS = { maxRetries: 0, timeoutMs: 10_000 };
const NOT_CONFIGURED = {
  ok: false,
  kind: "not_configured",
  retryable: false,
  message: "Set your Inbox API token and account link id in the extension options.",
};

// Keep chrome.storage.local (the token) out of content scripts. Not awaited: a top-level await
// would stop the service worker from registering its listeners.
const restrictStorage = () => chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
restrictStorage();
chrome.runtime.onInstalled.addListener(restrictStorage);
chrome.runtime.onStartup.addListener(restrictStorage);

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !sender.tab || !CONTENT_ORIGINS.has(sender.origin)) return false;
  const handler = { conversation, send }[message?.type];
  if (handler) {
    handler(message).then(sendResponse);
    return true; // answers asynchronously
  }
  if (message?.type === "openOptions") chrome.runtime.openOptionsPage();
  return false;
});

/**
 * A client made from the stored settings, with `options` added, and the account link to use;
 * null when the token or the account link id is not set.
 */
async function connect(options = {}) {
  const { token, accountLinkId, baseUrl } = await chrome.storage.local.get(["token", "accountLinkId", "baseUrl"]);
  if (!token || !accountLinkId) return null;
  // Lazily, once per service-worker life: init() caches the instance and retries after a failure.
  await init({ module_or_path: chrome.runtime.getURL("inbox_sender_bg.wasm") });
  return { accountLinkId, client: new InboxClient({ token, baseUrl: baseUrl || DEFAULT_BASE_URL, ...options }) };
}

/**
 * Whether the configured account already has a conversation with the X user `platformId`, from
 * one read: `{ ok: true, conversation }` (conversation.js says what it holds, plus `threadUrl`),
 * or a failure with the InboxError's facts (`kind`, `scope`, `retryable`, …).
 */
async function conversation({ platformId }) {
  let session;
  try {
    session = await connect(LOOKUP_OPTIONS);
    if (!session) return NOT_CONFIGURED;
    const found = await lookUpConversation(session.client, session.accountLinkId, platformId);
    return { ok: true, conversation: found && { ...found, threadUrl: threadUrl(found.threadId) } };
  } catch (error) {
    if (error?.name !== "InboxError") return { ok: false, kind: "extension_error", retryable: false, message: String(error?.message ?? error) };
    const { kind, scope, retryable, apiCode, message, status, retryAfterMs, requestId } = error;
    return { ok: false, kind, scope, retryable, apiCode, message, status, retryAfterMs, requestId };
  } finally {
    session?.client.free();
  }
}

const threadUrl = (threadId) => THREAD_URL + encodeURIComponent(threadId);

/**
 * Sends one DM to the X user `platformId` with the stored settings and the composition's key;
 * resolves to plain, structured-cloneable data. `maybeSent` in a failure means the DM may have
 * been delivered (by this try or an earlier one) and the key is kept: sending the same DM again
 * reuses it (unless the vendor released it, then `retryable` is false and no key is offered).
 * Any other outcome is definite and forgets the key.
 */
async function send({ platformId, content }) {
  let session;
  let pending;
  try {
    session = await connect();
    if (!session) return NOT_CONFIGURED;
    const { client, accountLinkId } = session;
    pending = await claimKey({ accountLinkId, platformId, content });
    const target = { type: "profile", accountLinkId, platform: "twitter", platformId };
    const { message, thread, replayed } = await client.send({ target, content }, { idempotencyKey: pending.key });
    await releaseKey(pending.slot);
    return { ok: true, replayed, messageId: message.id, threadId: thread.id, threadUrl: threadUrl(thread.id) };
  } catch (error) {
    if (error?.name !== "InboxError") {
      // Past claimKey, the DM may have gone out before this went wrong: the key stays.
      return { ok: false, kind: "extension_error", message: String(error?.message ?? error), maybeSent: Boolean(pending), idempotencyKey: pending?.key };
    }
    const { kind, scope, retryable, apiCode, message, status, field, rule, retryAfterMs, requestId } = error;
    // Not sent by this try; but a kept key means an earlier try of this DM may have delivered it.
    const earlierMaybeSent = !error.maybeSent && Boolean(pending?.retry);
    const maybeSent = error.maybeSent || earlierMaybeSent;
    // A DM that may have gone out without its key on the error (a `502 sendUnconfirmed`): the
    // vendor released the key, so it protects nothing any more and is forgotten.
    const released = error.maybeSent && !error.idempotencyKey;
    if (pending && (!maybeSent || released)) await releaseKey(pending.slot);
    const idempotencyKey = maybeSent && !released ? pending?.key : undefined;
    return { ok: false, kind, scope, retryable, apiCode, message, status, field, rule, retryAfterMs, maybeSent, earlierMaybeSent, idempotencyKey, requestId };
  } finally {
    session?.client.free();
  }
}
