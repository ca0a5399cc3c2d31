// Replies: the API's events feed (`GET /api/v2/events?afterSeq=…&type=message.received`, in
// `seq` order, pages of up to 1000, one request for every sender) read as a state machine over
// plain data, and webhooks taken in beside it, deduplicated by `seq`. It decides when to look,
// consumes each page, and knows the time of the last complete look — what a follow-up's
// freshness is measured from. Replies in threads no ledger knows yet (an opener whose answer is
// still out) are held for a while, so the ledger that learns the thread can claim them.

/**
 * @typedef {Object} Reply
 * @property {number} seq        the event's sequence number
 * @property {string} threadId   the thread it was received in
 * @property {number} at         when the API recorded it (the event's createdAt)
 */

/**
 * The feed's settings (ms).
 * @typedef {Object} FeedSettings
 * @property {number} idleLookMs   look at least this often while sequences are open (the API keeps
 *                                 events for a limited time and count)
 * @property {number} retryBaseMs  backoff after a failed read
 * @property {number} holdRepliesMs  how long a reply in an unknown thread is held
 * @property {number} lookAfterMs  an asker is given the last look as it is while it is younger
 *                                 than this (one look serves every sender); older, a new one goes
 */

/**
 * State (JSON; the functions below update it in place and return it):
 *   afterSeq  the last seq read (the API's `lastSeq`), null before the first read
 *   lookedAt  when the last complete look's last page left (null: no look yet)
 *   out       the read in flight (when it left), or null
 *   retryAt   after a failed read, not before this
 *   failures  failed reads in a row
 *   early     seqs above `afterSeq` already taken from webhooks
 *   held      { <threadId>: [{ seq, at, heldAt }] } replies in threads nobody knew yet
 *   prunedAt  when `held` was last cleared of replies held too long
 */
export const emptyFeed = () => ({ afterSeq: null, lookedAt: null, out: null, retryAt: 0, failures: 0, early: [], held: {}, prunedAt: 0 });

/**
 * Whether to look now: someone asked (a follow-up is due) and the last look is `lookAfterMs` old,
 * or sequences are open and the feed has not been read for `idleLookMs`. Never two reads at
 * once. When an asker is not served by a new look, it is given the last one (`lookedAt`).
 */
export function wantsLook(feed, now, s, { asked, open }) {
  if (feed.out !== null || now < feed.retryAt) return false;
  const age = feed.lookedAt === null ? Infinity : now - feed.lookedAt;
  return (asked && age >= s.lookAfterMs) || (open && age >= s.idleLookMs);
}

/** A read leaves now: returns the effect to perform. */
export function startLook(feed, now) {
  feed.out = now;
  return { type: "read-events", afterSeq: feed.afterSeq, eventType: "message.received", leftAt: now };
}

/**
 * A page's answer (`{ ok: true, events, lastSeq, hasMore }` or `{ ok: false }`). Returns the
 * replies new to us (not seen through a webhook), `complete` (this read finished a look:
 * `lookedAt` moved to when it left) and `more` (read the next page at once).
 * @param {object} feed
 * @param {number} now
 * @param {FeedSettings} s
 * @param {{ leftAt: number }} effect
 * @param {{ ok: true, events: Reply[], lastSeq: number|null, hasMore: boolean } | { ok: false }} result
 * @returns {{ replies: Reply[], complete: boolean, more: boolean }}
 */
export function pageRead(feed, now, s, effect, result) {
  feed.out = null;
  if (!result.ok) {
    feed.failures += 1;
    feed.retryAt = now + Math.min(60_000, s.retryBaseMs * 2 ** (feed.failures - 1));
    return { replies: [], complete: false, more: false };
  }
  const seen = new Set(feed.early);
  const replies = result.events.filter((e) => !seen.has(e.seq)).map(({ seq, threadId, at }) => ({ seq, threadId, at }));
  feed.failures = 0;
  feed.retryAt = 0;
  if (result.lastSeq !== null && result.lastSeq !== undefined) feed.afterSeq = result.lastSeq;
  if (feed.early.length > 0) feed.early = feed.early.filter((seq) => feed.afterSeq === null || seq > feed.afterSeq);
  if (!result.hasMore) feed.lookedAt = Math.max(feed.lookedAt ?? effect.leftAt, effect.leftAt);
  return { replies, complete: !result.hasMore, more: result.hasMore };
}

/**
 * A verified webhook's event: a reply new to us, or nothing (already read, or seen before).
 * A webhook says nothing about what else happened, so it never counts as a look.
 * @param {object} feed
 * @param {Reply} event
 * @returns {Reply[]}
 */
export function webhookEvent(feed, event) {
  if ((feed.afterSeq !== null && event.seq <= feed.afterSeq) || feed.early.includes(event.seq)) return [];
  feed.early.push(event.seq);
  return [{ seq: event.seq, threadId: event.threadId, at: event.at }];
}

/** Holds `replies` whose thread no ledger knows yet; drops what was held longer than `holdRepliesMs`. */
export function holdReplies(feed, now, s, replies) {
  if (now - feed.prunedAt >= s.holdRepliesMs / 4) {
    feed.prunedAt = now;
    for (const [threadId, list] of Object.entries(feed.held)) {
      const kept = list.filter((r) => r.heldAt > now - s.holdRepliesMs);
      if (kept.length === 0) delete feed.held[threadId];
      else feed.held[threadId] = kept;
    }
  }
  for (const { seq, threadId, at } of replies) (feed.held[threadId] ??= []).push({ seq, at, heldAt: now });
  return feed;
}

/** The held replies in `threadId`, taken out (a ledger just learned the thread). */
export function claimReplies(feed, threadId) {
  const list = feed.held[threadId];
  if (!list) return [];
  delete feed.held[threadId];
  return list.map(({ seq, at }) => ({ seq, threadId, at }));
}

/** After the runtime lost its memory: the read that was out is forgotten (the look goes again). */
export function recoverFeed(feed) {
  feed.out = null;
  return feed;
}
