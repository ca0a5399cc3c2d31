// The campaign core's vocabulary, named and documented once: what a prospect and each of its
// steps can be, what a failure says about itself, holds, what the core asks its driver to do
// (effects) and what the driver tells it back (results). Plain data throughout: everything here
// is JSON, kept by the Durable Objects and by the simulation alike.

/**
 * A prospect: one message of a campaign (its opener and its follow-ups) to one recipient.
 *   queued       waiting: for its turn, the budgets, a conversation check, or a hold
 *   sending      its sequence is under way: a step out, waiting to retry or being checked, or a
 *                follow-up waiting for its time, the sending hours or a fresh look at the events
 *   sent         every step sent (a reply after the last step leaves it so)
 *   replied      a reply stopped at least one step: `afterStep` (the last step sent), `repliedAt`
 *                (when the API recorded the reply), `threadId`
 *   skipped      not sent: this sender already has a conversation with the prospect
 *   failed       a step failed for a reason about the DM itself (explained)
 *   unconfirmed  a step may have landed and checking could not tell: never resent automatically
 *   cancelled    the campaign was cancelled before every step was sent
 * @typedef {"queued"|"sending"|"sent"|"replied"|"skipped"|"failed"|"unconfirmed"|"cancelled"} ProspectState
 */
export const PROSPECT = Object.freeze({
  queued: "queued", sending: "sending", sent: "sent", replied: "replied", skipped: "skipped", failed: "failed", unconfirmed: "unconfirmed", cancelled: "cancelled",
});

/** The prospect states that end it. */
export const ENDED = Object.freeze(["sent", "replied", "skipped", "failed", "unconfirmed", "cancelled"]);

/**
 * A step (the opener is step 0):
 *   due        may go when the budgets, the conversation check and any hold allow
 *   sending    its intent is recorded and its request is out (a runtime that dies here leaves it
 *              so: it is looked for in its thread, `find-sent`, before it goes again)
 *   retry      a transient failure: goes again at `nextAt` with the same key
 *   checking   it may have landed: settled by reading it (`read-message`: v2 sendUnconfirmed,
 *              which names the message) or by `find-sent` (v1, or cut off mid-send) at `nextAt`
 *   sent, failed, unconfirmed, skipped, cancelled   as for the prospect
 *   replied    a follow-up a reply stopped: never sent
 * @typedef {"due"|"sending"|"retry"|"checking"|"sent"|"failed"|"unconfirmed"|"skipped"|"cancelled"|"replied"} StepState
 */
export const STEP = Object.freeze({
  due: "due", sending: "sending", retry: "retry", checking: "checking", sent: "sent", failed: "failed", unconfirmed: "unconfirmed", skipped: "skipped", cancelled: "cancelled",
  replied: "replied",
});

/**
 * @typedef {Object} Step
 * @property {StepState} state
 * @property {number} attempts   sends made (a refusal by a hold or a 429 is not an attempt)
 * @property {number} checks     reads made to settle an uncertain send
 * @property {number|null} nextAt  when it may go (or be checked) again; null while its request is out
 * @property {number|null} firstTryAt  when its first request left (findSent looks from there)
 * @property {"read-message"|"find-sent"|null} checkBy  how an uncertain send is settled
 * @property {string|null} messageId   the message (sent, or named by sendUnconfirmed)
 * @property {string|null} threadId
 * @property {number|null} sentAt     when its answer came
 * @property {number|null} createdAt  when the API created it (the next step is due from here)
 * @property {Failure|null} error      the last failure (the explanation of a failed step)
 */

/**
 * @typedef {Object} Prospect
 * @property {string} key           `<campaign>:<index>`: the opener's Idempotency-Key
 * @property {string} campaign
 * @property {number} index
 * @property {"v2"|"v1"} api
 * @property {"skip"|"send"} ifConversation
 * @property {string|null} platformId    the recipient's X user id (v2 profile target)
 * @property {string|null} contactId     the recipient's Inbox contact (v2 contact target)
 * @property {ProspectState} state
 * @property {"unknown"|"looking"|"contact"|"none"|"found"} conversation  this sender's conversation
 *   with them: not looked up, a read out, Inbox has a contact (its threads are read next), none, found
 * @property {number} [contactAt]  when Inbox's contact for them was found
 * @property {string|null} conversationThreadId  the thread of an existing conversation (skipped)
 * @property {Step[]} steps        the opener and the follow-ups reached so far
 * @property {number[]} afterMs     each follow-up's wait after the step before it (none: one step)
 * @property {string|null} threadId  the thread of its steps (known from the first answer naming it)
 * @property {{ seq: number, at: number, threadId: string }|null} reply  its first reply since the opener
 * @property {number|null} afterStep  replied: the last step sent before the reply stopped the rest
 * @property {number|null} repliedAt  replied: when the API recorded the reply
 * @property {string|null} reason   why it ended as it did, for `skipped`, `failed`, `unconfirmed`, `cancelled`
 */

/**
 * What a failed request says about itself (the package's InboxError facts).
 *   scope: request | recipient → that DM; sender → the account link (held); team → everyone (held)
 * @typedef {Object} Failure
 * @property {string} kind           the package's error kind (rate_limited, server_error, …)
 * @property {"request"|"recipient"|"sender"|"team"} scope
 * @property {boolean} retryable     the same call again may succeed and cannot duplicate the DM
 * @property {string|null} [apiCode] the API's own code (accountLinkDisconnected, sendUnconfirmed, …)
 * @property {boolean} [maybeSent]   it may have been delivered
 * @property {string|null} [messageId]  the message a sendUnconfirmed names
 * @property {string|null} [status]  details.status of accountLinkDisconnected (offline, paused)
 * @property {number|null} [retryAfterMs]  how long the answer said to wait
 * @property {number|null} [resetAt] a team 429's window reset (Unix ms)
 * @property {string} [message]
 */

/**
 * A hold: a failure about a sender or the team stops it until a probe succeeds.
 * @typedef {Object} Hold
 * @property {"sender"|"team"} scope
 * @property {string} [accountLinkId]
 * @property {string} kind
 * @property {string|null} apiCode
 * @property {string} message
 * @property {string} fix            what the operator does about it
 * @property {number} since
 * @property {number} nextProbeAt
 * @property {string|number|null} probe  the probe out (a DM key or a lease), or null
 * @property {number} probes         probes sent so far
 */

/**
 * A configured rate limit.
 * @typedef {{ limit: number, windowMs: number }} Limit
 */

/**
 * What the core asks its driver to do. Every request carries the team leases it spends.
 *   send                  one attempt of a step (v2: with `idempotencyKey`)
 *   read-message          GET /api/v2/messages/{messageId}: did a sendUnconfirmed land?
 *   find-sent             did an uncertain send land? v1 findSent from `since`; v2 the same look
 *                         at the thread (a step cut off mid-send). Two requests
 *   lookup-conversations  v2: `by: "platformId"` contacts of up to 100 prospects, or
 *                         `by: "contactId"` this sender's threads with up to 100 contacts;
 *                         v1: `by: "thread"`, the one prospect's thread lookup
 *   read-events           follow-ups are due and the last look at the events is getting old:
 *                         the driver has the feed read (replies.js; one look serves every
 *                         sender), hands the look to `noteEvents` and runs the ledger again
 *   set-alarm             run again at `at`
 * @typedef {{type:"send", key:string, step:number, api:"v2"|"v1", idempotencyKey:string, leases:number[], probe:boolean}
 *   | {type:"read-message", key:string, step:number, messageId:string, leases:number[]}
 *   | {type:"find-sent", key:string, step:number, since:number, leases:number[]}
 *   | {type:"lookup-conversations", by:"platformId"|"contactId"|"thread", ids:string[], keys:string[], leases:number[]}
 *   | {type:"read-events"}
 *   | {type:"set-alarm", at:number}} Effect
 */

/**
 * What the driver tells the core about a request (`at`: when its answer came).
 *   send: { ok: true, messageId, threadId, createdAt, replayed } or { ok: false, failure }
 *   read-message: { ok: true, found: true, platformSent: boolean, threadId } | { ok: true, found: false } | { ok: false, failure }
 *   find-sent: { ok: true, found: { messageId, threadId, createdAt } | null } | { ok: false, failure }
 *   lookup-conversations: { ok: true, found: { [id]: { contactId } | { threadId, messages } | null } } | { ok: false, failure }
 * Every one may carry `rateLimit` ({ limit, remaining, resetAt }) for the team budget.
 * @typedef {Object} Result
 */
