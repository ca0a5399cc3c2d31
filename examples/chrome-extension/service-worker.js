// The only part of the extension that reads the API token and talks to Inbox. Content scripts
// send {type: "send", externalPlatformId, content} and get plain data back, never the token.
import init, { InboxClient } from "./inbox_sender.js";

const DEFAULT_BASE_URL = "https://inboxapp.com";
/** Where a sent DM's thread opens in Inbox's web app (whatever API base URL is configured). */
const THREAD_URL = "https://inboxapp.com/inbox/";
/** Pages the content script runs on; a message from anywhere else is ignored. */
const CONTENT_ORIGINS = new Set(["https://x.com", "https://twitter.com"]);

// Keep chrome.storage.local (the token) out of content scripts. Not awaited: a top-level await
// would stop the service worker from registering its listeners.
const restrictStorage = () => chrome.storage.local.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
restrictStorage();
chrome.runtime.onInstalled.addListener(restrictStorage);
chrome.runtime.onStartup.addListener(restrictStorage);

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id || !sender.tab || !CONTENT_ORIGINS.has(sender.origin)) return false;
  if (message?.type === "send") {
    send(message).then(sendResponse);
    return true; // answers asynchronously
  }
  if (message?.type === "openOptions") chrome.runtime.openOptionsPage();
  return false;
});

/** Sends one DM with the stored settings; resolves to plain, structured-cloneable data. */
async function send({ externalPlatformId, content }) {
  const { token, accountLinkId, baseUrl } = await chrome.storage.local.get(["token", "accountLinkId", "baseUrl"]);
  if (!token || !accountLinkId) {
    return { ok: false, kind: "not_configured", message: "Set your Inbox API token and account link id in the extension options." };
  }
  let client;
  try {
    // Lazily, once per service-worker life: init() caches the instance and retries after a failure.
    await init({ module_or_path: chrome.runtime.getURL("inbox_sender_bg.wasm") });
    client = new InboxClient({ token, baseUrl: baseUrl || DEFAULT_BASE_URL });
    const { message, thread } = await client.sendMessage({ accountLinkId, content, externalPlatformId });
    return { ok: true, messageId: message.id, threadId: thread.id, threadUrl: THREAD_URL + encodeURIComponent(thread.id) };
  } catch (error) {
    if (error?.name !== "InboxError") return { ok: false, kind: "extension_error", message: String(error?.message ?? error) };
    const { kind, message, status, field, rule, retryAfterMs, maybeSent, requestId } = error;
    return { ok: false, kind, message, status, field, rule, retryAfterMs, maybeSent, requestId };
  } finally {
    client?.free();
  }
}
