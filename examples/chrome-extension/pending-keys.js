// One Idempotency-Key per composed DM (account link, recipient, exact content), kept in
// chrome.storage.session until the send's outcome is definite. A Retry after a timeout, a dropped
// connection, a 5xx or the service worker being stopped mid-send finds the same key there, so
// Inbox delivers the DM at most once. Session storage outlives the service worker (not the
// browser session, nor an extension reload) and is closed to content scripts by default.

/** The storage slot of a composition: a SHA-256 of what makes it the same DM. */
async function slotOf({ accountLinkId, platformId, content }) {
  const bytes = new TextEncoder().encode(JSON.stringify([accountLinkId, platformId, content]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return "dm:" + Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The key to send `composition` with: `{ slot, key, retry }`. `retry` is true when the key was
 * already stored, i.e. an earlier send of this DM ended without a definite outcome (and may have
 * delivered it); otherwise a new key, stored before it is used, so a worker stopped mid-send
 * leaves it behind for the Retry.
 */
export async function claimKey(composition) {
  const slot = await slotOf(composition);
  const { [slot]: stored } = await chrome.storage.session.get(slot);
  if (stored?.key) return { slot, key: stored.key, retry: true };
  const key = crypto.randomUUID();
  await chrome.storage.session.set({ [slot]: { key, createdAt: Date.now() } });
  return { slot, key, retry: false };
}

/** Forgets a composition's key once its outcome is definite: sent, or certainly not sent. */
export const releaseKey = (slot) => chrome.storage.session.remove(slot);
