// What the configured account already has with a prospect, from one read: v1's thread lookup
// answers the thread between an account link and an X user (or null), with its last message.

const LOOKUP_PATH = "/api/v1/threads/lookup";

/**
 * The conversation between `accountLinkId` and the X user `platformId`, read with `client.get`
 * (one request: the client is made with `maxRetries: 0`); see `summarise` for the answer.
 */
export async function lookUpConversation(client, accountLinkId, platformId) {
  const { data } = await client.get(LOOKUP_PATH, { query: { accountLinkId, externalPlatformId: platformId } });
  return summarise(data, platformId);
}

/**
 * A looked-up thread as plain data: `null` when there is no thread, or a thread with no message
 * that is not syncing (an empty thread is no conversation); else `{ threadId, syncing,
 * lastMessage }`, where `lastMessage` is `{ content, fromProspect, at }` (`at` in Unix ms, null
 * when the answer has no time) or null while a syncing thread shows none yet.
 *
 * The prospect wrote the last message when its `authorId` is one of the prospect's ids: the X
 * user id asked for, or the thread's `prospect.platformId` / `prospect.externalId`. The vendor
 * documents `authorId` as "a cuid2 or a legacy external ID", so the account's own messages may
 * carry any other value, or none: those are the account's.
 */
export function summarise(thread, platformId) {
  if (thread === null) return null;
  if (typeof thread !== "object" || typeof thread.id !== "string") {
    throw new TypeError(`Inbox answered ${LOOKUP_PATH} with something that is not a thread or null`);
  }
  const last = thread.lastMessage ?? null;
  const syncing = thread.isSyncing === true;
  if (!last && !syncing) return null;
  const prospectIds = [platformId, thread.prospect?.platformId, thread.prospect?.externalId].filter(Boolean);
  const at = Date.parse(last?.createdAt);
  return {
    threadId: thread.id,
    syncing,
    lastMessage: last && {
      content: String(last.content ?? ""),
      fromProspect: prospectIds.includes(last.authorId),
      at: Number.isFinite(at) ? at : null,
    },
  };
}
