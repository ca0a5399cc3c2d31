/* tslint:disable */
/* eslint-disable */
// The classes below declare [Symbol.dispose] (`using client = new InboxClient(...)`).
// TypeScript's lib declares Symbol.dispose only from ESNext.Disposable (TypeScript 5.2) on, so
// this file declares it too: projects with lib ES2022 compile unchanged.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** Options for `new InboxClient(options)`. */
export interface InboxClientOptions {
    /** The Inbox API token, without the "Bearer " prefix. Never appears in errors. */
    token: string;
    /**
     * The API origin, with an optional path prefix for a proxy. `https://` only; `http://` is
     * accepted for localhost, 127.0.0.0/8 and [::1]. Default: "https://inboxapp.com".
     */
    baseUrl?: string;
    /** Per-attempt timeout in milliseconds. Default: 30000. */
    timeoutMs?: number;
    /**
     * Automatic retries, 0–10: for `sendMessage` (v1) of 408 / 429 / 503 (the server did not
     * process the request); for `send` (v2) of every transient failure (the key makes them
     * safe); for `findSent`'s reads of 408 / 429 / 5xx. Default: 2.
     */
    maxRetries?: number;
    /**
     * The longest wait to sit out before an attempt (a server-requested one, or a pacing hold),
     * in ms; a longer one fails at once with `rate_limited` and `retryAfterMs`. Default: 60000.
     */
    maxRetryDelayMs?: number;
    /**
     * Hold a request the team budget (`X-RateLimit-*`, counting this client's requests in
     * flight) says would be refused until the window resets, instead of drawing a 429.
     * Default: true.
     */
    pace?: boolean;
    /**
     * The function every request goes through instead of the global `fetch`, called as
     * `fetch(url, init)` (a plain call: bind it first if it needs a `this`): for proxies,
     * instrumentation, tests, and runtimes whose `fetch` needs binding. Default: the global
     * `fetch`, looked up at each request.
     */
    fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Options for one `sendMessage` call. */
export interface SendOptions {
    /** Cancels the send: the fetch in flight, or the wait before a retry. */
    signal?: AbortSignal;
    /** Overrides the client's per-attempt timeout, in milliseconds. */
    timeoutMs?: number;
}

/** Options for one `send` (v2) call. */
export interface IdempotentSendOptions extends SendOptions {
    /**
     * The DM's `Idempotency-Key`: 1 to 255 printable ASCII characters, scoped to the team.
     * Every attempt of the call carries it; sending again with it can never duplicate the DM.
     * Default: a random UUID per call.
     */
    idempotencyKey?: string;
}

/** Options for one `findSent` call. */
export interface FindSentOptions extends SendOptions {
    /** When the uncertain send started, in Unix milliseconds (`Date.now()` before it). */
    since: number;
}

/** A value of `get`'s query: written as JavaScript writes it; an array repeats its key. */
export type QueryValue = string | number | boolean;

/** Options for one `get` call. */
export interface GetOptions extends SendOptions {
    /**
     * The query: each value percent-encoded, an array repeating its key
     * (`{ platformId: ["1", "2"] }` → `platformId=1&platformId=2`), a key whose value is
     * `undefined` left out.
     */
    query?: Record<string, QueryValue | QueryValue[] | undefined>;
}

/** What `get` resolves to. */
export interface GetResult<T = unknown> {
    /** The answer's body, parsed as JSON (its shape is the caller's to check). */
    data: T;
    /** What the answer said besides its body. */
    meta: Meta;
}

/** What `client.validate` finds wrong with a request (`null` when nothing is). */
export interface RequestProblem {
    /** The input field as you spell it (`content`, `target.platformId`, ...). */
    field: string;
    /** The rule it breaks, a phrase that follows the field name. */
    rule: string;
    /** The sentence the send's `InboxError` would carry. */
    message: string;
}

/** The stable kinds of `InboxError`. */
export type InboxErrorKind =
| "invalid_request" | "bad_request" | "unauthorized" | "forbidden" | "not_found"
| "conflict" | "unprocessable" | "rate_limited" | "server_error" | "unexpected_status"
| "timeout" | "aborted" | "network" | "decode" | "unsettled" | "invalid_signature";

/**
 * What a failure is about: this request (its content, shape or key, or one attempt's
 * transport), the recipient, the sender (the account link, X's per-sender limit) or the team
 * (the token, the plan, the workspace, the team's rate limit, X down for everyone).
 */
export type InboxErrorScope = "request" | "recipient" | "sender" | "team";

/** What `sendMessage` and the constructor throw: a real `Error` with `name === "InboxError"`. */
export interface InboxError extends Error {
    name: "InboxError";
    /** The stable kind. */
    kind: InboxErrorKind;
    /** What the failure is about. */
    scope: InboxErrorScope;
    /**
     * True when the same call, made again unchanged (for `send`: with `idempotencyKey`) after
     * `retryAfterMs` or a backoff, may succeed and cannot deliver the DM twice. False when
     * something must change first, or when the DM may have gone out with no key to protect it.
     */
    retryable: boolean;
    /** The HTTP status, when a response arrived. */
    status?: number;
    /** The server's own error code (`THREAD_NOT_FOUND`, `rateLimited`, ...). */
    apiCode?: string;
    /** The request id from the body or the `X-Request-Id` header. */
    requestId?: string;
    /** How long the server asked to wait, in milliseconds. */
    retryAfterMs?: number;
    /** For `invalid_request`: the input field that broke a rule. */
    field?: string;
    /** For `invalid_request`: the rule it broke. */
    rule?: string;
    /**
     * For `invalid_signature` (`verifyWebhook`): the check the delivery failed — no header,
     * a header not of the form `t=<seconds>,v1=<hex>`, a timestamp beyond the tolerance, or
     * no signature that matches the body and the secret.
     */
    check?: "missing" | "malformed" | "stale" | "mismatch";
    /** True when the DM may have been delivered despite the error: check before resending. */
    maybeSent: boolean;
    /** How many HTTP attempts were made. */
    attempts: number;
    /** The start of the raw error body, when there was one (the token redacted). */
    body?: string;
    /** What the runtime threw, when the failure came from it (a network error). */
    cause?: unknown;
    /** For `send` (v2): the key every attempt carried. Sending again with it is safe. */
    idempotencyKey?: string;
    /** For v2 `sendUnconfirmed` / `sendInProgress`: the message the server is confirming. */
    messageId?: string;
    /**
     * The team's budget as the last answer that reported one said (`X-RateLimit-*`), when an
     * answer arrived: where the API's window stands after this failure.
     */
    rateLimit?: RateLimit;
}



/** The social platform. Unknown future values arrive unchanged. */
export type Platform = "twitter" | (string & {});
/** Where a message came from. Unknown future values arrive unchanged. */
export type MessageOrigin = "internal" | "external" | "api" | (string & {});
/** Whether a thread shows in the main inbox. Unknown future values arrive unchanged. */
export type ThreadStatus = "active" | "idle" | (string & {});
/** The conversation's encryption state on X. Unknown future values arrive unchanged. */
export type ThreadVariant = "unencrypted" | "xChat" | (string & {});
/** The prospect's verification badge. Unknown future values arrive unchanged. */
export type Verified = "none" | "verified" | "business" | "government" | (string & {});
/** The kind of account. Unknown future values arrive unchanged. */
export type ProfileType = "personal" | "business" | "government" | (string & {});
/** Where the prospect data came from. Unknown future values arrive unchanged. */
export type ProspectSource = "cached" | "indexed" | "live" | "merged" | (string & {});



/** What a webhook event says happened. Unknown future types arrive unchanged. */
export type WebhookEventType =
| "thread.created" | "thread.deleted" | "thread.assigned" | "thread.unassigned"
| "thread.archived" | "thread.unarchived" | "thread.typing"
| "message.sent" | "message.received" | "message.edited" | "message.deleted"
| "message.reactionAdded" | "message.reactionRemoved"
| "contact.statusChanged" | "contact.tagsChanged" | "contact.notesChanged"
| "contact.valuationChanged" | "contact.assigneeChanged"
| "tag.created" | "tag.updated" | "tag.deleted"
| "status.created" | "status.updated" | "status.deleted"
| "campaign.created" | "campaign.started" | "campaign.paused" | "campaign.resumed"
| "campaign.completed"
| "target.contacted" | "target.followUpSent" | "target.replied"
| (string & {});


/**
 * A DM to send: from an account link, to a recipient, with exact content.
 *
 * Serialises to the API's camelCase body; `externalPlatformId` / `externalId` appear only
 * when set. Deserialising a body with neither fails.
 */
export type SendMessageRequest = {
    /** The account link (connected X account) to send from; lowercase letters and digits. */
    accountLinkId: string;
    /** The message text, sent byte-exact: 1 to 10,000 characters, not only whitespace. */
    content: string;
} & (
| {
    /** The prospect's X user id (numeric, e.g. "1566123362161725440"). */
    externalPlatformId: string;
    /** The prospect's Inbox external id. */
    externalId?: string;
}
| {
    /** The prospect's X user id (numeric). */
    externalPlatformId?: string;
    /** The prospect's Inbox external id. */
    externalId: string;
}
);

/**
 * A URL in a profile bio.
 */
export interface UrlEntity {
    /**
     * The t.co URL.
     */
    url?: string | null;
    /**
     * The full URL.
     */
    expandedUrl?: string | null;
    /**
     * The text shown for it.
     */
    displayUrl?: string | null;
    /**
     * Start and end character indices in the bio.
     */
    indices?: number[] | null;
}

/**
 * A change in the team, as a webhook delivers it. It names the object that changed and
 * carries only the values of the change: read the object for its current state.
 */
export interface WebhookEvent {
    /**
     * The event's id.
     */
    id: string;
    /**
     * Its number in the team's sequence of events: `GET /api/v2/events?afterSeq=<seq>` reads
     * the events after it (they are kept for 7 days).
     */
    seq: number;
    /**
     * What happened: `message.received`, `thread.created`, … (see `WebhookEventType`); a type
     * this version does not know arrives unchanged.
     */
    type: WebhookEventType;
    /**
     * The version of the API the event is shaped by (`"2"`).
     */
    apiVersion: string;
    /**
     * When it happened (ISO 8601).
     */
    createdAt: string;
    /**
     * The object that changed.
     */
    object: WebhookObject;
    /**
     * The values of the change; which ones depends on the type (`threadId`, `assigneeId`,
     * `tagIds`, …, or none).
     */
    data: Record<string, unknown>;
}

/**
 * A conversation between an account link and a prospect.
 */
export interface Thread {
    /**
     * The Inbox id of the thread.
     */
    id: string;
    /**
     * The platform of the thread.
     */
    platform?: Platform | null;
    /**
     * The conversation's id on the platform.
     */
    platformId?: string | null;
    /**
     * Whether the thread is archived.
     */
    done?: boolean | null;
    /**
     * The member assigned to the thread.
     */
    assigneeId?: string | null;
    /**
     * When the last message was sent.
     */
    lastMessageTimestamp?: string | null;
    /**
     * The last message time, or the creation time.
     */
    computedSortTimestamp?: string | null;
    /**
     * When the thread was created in Inbox.
     */
    createdAt?: string | null;
    /**
     * Whether the thread shows in the main inbox.
     */
    status?: ThreadStatus | null;
    /**
     * The conversation's encryption state.
     */
    variant?: ThreadVariant | null;
    /**
     * The account link of the thread.
     */
    accountLinkId?: string | null;
    /**
     * Whether messages are still being synced from X.
     */
    isSyncing?: boolean | null;
    /**
     * Whether this is a message request.
     */
    isRequest?: boolean | null;
    /**
     * Typing indicators; null means the team default.
     */
    typingIndicatorsEnabled?: boolean | null;
    /**
     * A preview of the last message.
     */
    lastMessage?: LastMessage | null;
    /**
     * The person on the other side.
     */
    prospect?: Prospect | null;
}

/**
 * A direct message as Inbox stores it.
 */
export interface Message {
    /**
     * The Inbox id of the message.
     */
    id: string;
    /**
     * The text of the message.
     */
    content: string;
    /**
     * The platform the message was sent on.
     */
    platform?: Platform | null;
    /**
     * The Inbox team.
     */
    teamId?: string | null;
    /**
     * The thread the message belongs to.
     */
    threadId?: string | null;
    /**
     * The Inbox user who sent it, if any.
     */
    userId?: string | null;
    /**
     * When it was created (ISO 8601).
     */
    createdAt?: string | null;
    /**
     * When it was last updated (ISO 8601).
     */
    updatedAt?: string | null;
    /**
     * The message's id on the platform.
     */
    platformId?: string | null;
    /**
     * The campaign that sent it, if any.
     */
    campaignId?: string | null;
    /**
     * The account link id or the external id of the author.
     */
    authorId?: string | null;
    /**
     * Where the message came from.
     */
    origin?: MessageOrigin | null;
    /**
     * Reply data, untyped.
     */
    replyData?: unknown;
    /**
     * Forward data, untyped.
     */
    forwardData?: unknown;
    /**
     * URL entities, mentions, hashtags, tweet shares; untyped.
     */
    entities?: unknown;
    /**
     * Media and card attachments; untyped.
     */
    attachment?: unknown;
    /**
     * Reactions; untyped.
     */
    reactions?: unknown[] | null;
    /**
     * Whether the message is end-to-end encrypted.
     */
    isEncrypted?: boolean | null;
    /**
     * Whether the message has been edited.
     */
    isEdited?: boolean | null;
    /**
     * When the message was deleted in Inbox.
     */
    deletedAt?: string | null;
    /**
     * When the message was deleted on the platform.
     */
    platformDeletedAt?: string | null;
}

/**
 * A message as v2 describes it.
 */
export interface MessageV2 {
    /**
     * The Inbox id of the message.
     */
    id: string;
    /**
     * The text of the message.
     */
    content: string;
    /**
     * The thread it belongs to.
     */
    threadId?: string | null;
    /**
     * The account link that sent or received it.
     */
    accountLinkId?: string | null;
    /**
     * The platform it was sent on.
     */
    platform?: Platform | null;
    /**
     * Its id on the platform.
     */
    platformId?: string | null;
    /**
     * `outbound` (sent by the team) or `inbound`; values may grow.
     */
    direction?: string | null;
    /**
     * Who sent it; untyped.
     */
    sentBy?: unknown;
    /**
     * Mentions, links and other entities; untyped.
     */
    entities?: unknown;
    /**
     * Attachments; untyped.
     */
    attachments?: unknown;
    /**
     * Forwarding data; untyped.
     */
    forwarded?: unknown;
    /**
     * Reactions; untyped.
     */
    reactions?: unknown[] | null;
    /**
     * When it was edited (ISO 8601).
     */
    editedAt?: string | null;
    /**
     * When it was deleted (ISO 8601).
     */
    deletedAt?: string | null;
    /**
     * When it was created (ISO 8601).
     */
    createdAt?: string | null;
    /**
     * Platform data; untyped.
     */
    platformData?: unknown;
    /**
     * The message it replies to; untyped.
     */
    replyTo?: unknown;
}

/**
 * A preview of a thread's last message.
 */
export interface LastMessage {
    /**
     * The id of the last message.
     */
    id?: string | null;
    /**
     * Its text.
     */
    content?: string | null;
    /**
     * The account link id or the external id of the author.
     */
    authorId?: string | null;
    /**
     * When it was created.
     */
    createdAt?: string | null;
    /**
     * The Inbox user who sent it, if any.
     */
    userId?: string | null;
    /**
     * The campaign that sent it, if any.
     */
    campaignId?: string | null;
}

/**
 * A thread as v2 describes it.
 */
export interface ThreadV2 {
    /**
     * The Inbox id of the thread.
     */
    id: string;
    /**
     * The platform of the thread.
     */
    platform?: Platform | null;
    /**
     * The conversation's id on the platform.
     */
    platformId?: string | null;
    /**
     * The account link of the thread.
     */
    accountLinkId?: string | null;
    /**
     * The profile on the other side.
     */
    profileId?: string | null;
    /**
     * The contact on the other side.
     */
    contactId?: string | null;
    /**
     * The member assigned to it.
     */
    assigneeId?: string | null;
    /**
     * Whether it is a message request.
     */
    isRequest?: boolean | null;
    /**
     * Whether a message request was accepted; values may grow.
     */
    acceptanceState?: string | null;
    /**
     * Whether it is archived.
     */
    archived?: boolean | null;
    /**
     * Whether it has unread messages.
     */
    unread?: boolean | null;
    /**
     * What the platform restricts; untyped.
     */
    restrictions?: unknown;
    /**
     * Whether messages are still syncing.
     */
    syncing?: boolean | null;
    /**
     * Typing indicator settings; untyped.
     */
    typingIndicators?: unknown;
    /**
     * A preview of the last message; untyped.
     */
    lastMessage?: unknown;
    /**
     * Activity data; untyped.
     */
    activity?: unknown;
    /**
     * When it was created (ISO 8601).
     */
    createdAt?: string | null;
}

/**
 * A v2 DM to send: a target, exact content, and optionally the message it replies to.
 */
export interface SendRequest {
    /**
     * Who receives it.
     */
    target: Target;
    /**
     * The message text, sent exactly as given.
     */
    content: string;
    /**
     * The message this one replies to.
     */
    replyToMessageId?: string;
}

/**
 * How a send that was not answered with its result was confirmed.
 */
export type ConfirmedBy = "read";

/**
 * The object a webhook event is about.
 */
export interface WebhookObject {
    /**
     * `thread`, `message`, `contact`, `tag`, `status` or `campaign`; values may grow.
     */
    type: "thread" | "message" | "contact" | "tag" | "status" | "campaign" | (string & {});
    /**
     * Its Inbox id.
     */
    id: string;
    /**
     * Its path under the API, to read its current state (`404` once it is deleted).
     */
    url: string;
}

/**
 * The person a thread is with.
 */
export interface Prospect {
    /**
     * The platform of the profile.
     */
    platform?: Platform | null;
    /**
     * The platform's user id (numeric for X).
     */
    platformId?: string | null;
    /**
     * The Inbox external id; null until imported.
     */
    externalId?: string | null;
    /**
     * The search index id.
     */
    documentId?: number | null;
    /**
     * The display name.
     */
    displayName?: string | null;
    /**
     * The username, without @.
     */
    username?: string | null;
    /**
     * The username with @, for display.
     */
    handle?: string | null;
    /**
     * Profile picture URL as the platform gave it.
     */
    image?: string | null;
    /**
     * Profile picture URL at the best quality.
     */
    imageNormalized?: string | null;
    /**
     * The profile bio.
     */
    bio?: string | null;
    /**
     * The location as the user wrote it.
     */
    location?: string | null;
    /**
     * Link to the profile on the platform.
     */
    profileUrl?: string | null;
    /**
     * The user's website.
     */
    websiteUrl?: string | null;
    /**
     * The website's domain.
     */
    websiteDomain?: string | null;
    /**
     * The verification badge.
     */
    verified?: Verified | null;
    /**
     * The kind of account.
     */
    profileType?: ProfileType | null;
    /**
     * Whether the account is protected.
     */
    isProtected?: boolean | null;
    /**
     * Followers.
     */
    followerCount?: number | null;
    /**
     * Accounts followed.
     */
    followingCount?: number | null;
    /**
     * Posts.
     */
    postCount?: number | null;
    /**
     * Likes given (X).
     */
    engagementCount?: number | null;
    /**
     * Lists the profile is on.
     */
    listedCount?: number | null;
    /**
     * When the account was created on the platform.
     */
    platformCreatedAt?: string | null;
    /**
     * When Inbox first saw the prospect.
     */
    firstSeenAt?: string | null;
    /**
     * When any data about the prospect last changed.
     */
    lastUpdatedAt?: string | null;
    /**
     * When data was last fetched from the platform.
     */
    lastEnrichedAt?: string | null;
    /**
     * When the profile was last active.
     */
    lastActiveAt?: string | null;
    /**
     * Where the data came from.
     */
    source?: ProspectSource | null;
    /**
     * Updated within the last 7 days.
     */
    isFresh?: boolean | null;
    /**
     * Not updated for over 30 days.
     */
    isStale?: boolean | null;
    /**
     * Confidence in the data, 0 to 1.
     */
    confidence?: number | null;
    /**
     * X-specific profile data.
     */
    platformData?: PlatformData | null;
    /**
     * Your team's tags, status and notes.
     */
    context?: ProspectContext | null;
}

/**
 * The result of a send: the stored message and its thread.
 */
export interface SendMessageResponse {
    /**
     * The message as Inbox stored it.
     */
    message: Message;
    /**
     * The thread it belongs to, created if it did not exist.
     */
    thread: Thread;
    /**
     * What the answer said besides: status, request id, attempts, the team's budget. Set by
     * the client, not sent by the server (so never read from a body).
     */
    meta: Meta;
}

/**
 * The team's rate-limit budget as one answer's `X-RateLimit-*` headers reported it.
 */
export interface RateLimit {
    /**
     * Requests allowed in the current window (`X-RateLimit-Limit`).
     */
    limit: number;
    /**
     * Requests left in the current window (`X-RateLimit-Remaining`).
     */
    remaining: number;
    /**
     * When the window resets, in Unix milliseconds (`X-RateLimit-Reset`, which is in seconds).
     */
    resetAt: number;
}

/**
 * What a successful call learnt from the answer it ended with.
 */
export interface Meta {
    /**
     * The HTTP status of the answer (v2: `201` sent now, `200` a replay of the key).
     */
    status: number;
    /**
     * The answer's request id (`X-Request-Id`), to quote to the vendor's support.
     */
    requestId?: string;
    /**
     * How many HTTP attempts the call made, this answer's included.
     */
    attempts: number;
    /**
     * The budget this answer's `X-RateLimit-*` headers reported, when it had them.
     */
    rateLimit?: RateLimit;
    /**
     * Set when the send was not answered with its result but settled afterwards: `"read"`
     * when X did not confirm the send (`502 sendUnconfirmed`) and reading the message found
     * that X has it. `status` is then the read's.
     */
    confirmedBy?: ConfirmedBy;
}

/**
 * What a v2 send returns: the stored message, its thread, and whether this answer replays an
 * earlier send with the same idempotency key.
 */
export interface SendResult {
    /**
     * The message as Inbox stored it.
     */
    message: MessageV2;
    /**
     * The thread it landed in (a concurrent send may have created it: adopt it).
     */
    thread: ThreadV2;
    /**
     * True when the server answered `200` (a replay of this key: the DM was sent by an earlier
     * attempt or call), false for `201` (sent now). Set by the client from the status.
     */
    replayed: boolean;
    /**
     * What the answer said besides: status (`201` or `200`), request id, attempts, the team's
     * budget. Set by the client.
     */
    meta: Meta;
}

/**
 * Where a v2 send goes. Each kind carries exactly its own ids, so a profile target without a
 * `platformId`, or a thread target with an `accountLinkId`, cannot be written.
 *
 * - `{ type: "thread", threadId }`: an existing thread, by its Inbox id.
 * - `{ type: "contact", accountLinkId, contactId }`: a contact (its Inbox id), from that account
 *   link, in its thread or a new one.
 * - `{ type: "profile", accountLinkId, platform, platformId }`: a platform user (`platform`
 *   `"twitter"` today, the account link's; `platformId` the user's id there, for X the numeric
 *   user id), from that account link, in its thread or a new one.
 */
export type Target = { type: "thread"; threadId: string } | { type: "contact"; accountLinkId: string; contactId: string } | { type: "profile"; accountLinkId: string; platform: string; platformId: string };

/**
 * X-specific profile data.
 */
export interface PlatformData {
    /**
     * Blue checkmark.
     */
    isVerifiedBlue?: boolean | null;
    /**
     * Gold (business) badge.
     */
    isVerifiedGold?: boolean | null;
    /**
     * Gray (government) badge.
     */
    isVerifiedGray?: boolean | null;
    /**
     * Professional category id.
     */
    professionalCategory?: string | null;
    /**
     * URLs in the bio.
     */
    urlEntities?: UrlEntity[] | null;
    /**
     * Banner image URL.
     */
    bannerUrl?: string | null;
    /**
     * Posts, all time.
     */
    tweetsCount?: number | null;
    /**
     * Likes given.
     */
    favoritesCount?: number | null;
    /**
     * The platform user object, untyped.
     */
    rawData?: unknown;
}

/**
 * Your team's data about a prospect.
 */
export interface ProspectContext {
    /**
     * Tag ids.
     */
    tags?: string[] | null;
    /**
     * Status id.
     */
    statusId?: string | null;
    /**
     * Valuation.
     */
    valuation?: number | null;
    /**
     * Notes.
     */
    notes?: string | null;
}


/**
 * Sends X direct messages through the Inbox API.
 */
export class InboxClient {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Finds out whether a v1 DM that failed with `maybeSent` landed: resolves to the message,
     * or `null` when it did not (then sending it again cannot duplicate it). `options.since`
     * is when that send started (Unix ms). Never `null` from a thread still syncing: it reads
     * again, then rejects with kind `unsettled` (ask again later).
     */
    findSent(request: SendMessageRequest, options?: FindSentOptions | null): Promise<Message | null>;
    /**
     * Any read of the Inbox API: `GET` of `path` (under `/api/v1/` or `/api/v2/`) with
     * `options.query` percent-encoded (an array repeats its key), retried like `findSent`'s
     * reads, paced, its errors redacted. Resolves to `{ data, meta }`, `data` the parsed JSON.
     * A path outside the API rejects with `invalid_request` naming `path`, before any I/O.
     */
    get<T = unknown>(path: string, options?: GetOptions | null): Promise<GetResult<T>>;
    /**
     * Creates a client. Throws an `InboxError` (`kind: "invalid_request"`, `field`) when an
     * option is invalid.
     */
    constructor(options: InboxClientOptions);
    /**
     * Sends a DM; creates the thread if needed. Resolves to the stored message and its
     * thread. Rejects with an `InboxError`; invalid input rejects before any network I/O.
     */
    sendMessage(request: SendMessageRequest, options?: SendOptions | null): Promise<SendMessageResponse>;
    /**
     * Sends a DM through v2, exactly once: every attempt of this call carries the same
     * `Idempotency-Key` (`options.idempotencyKey`, or a random one), so every transient
     * failure is retried without risk of a duplicate. Resolves to `{ message, thread,
     * replayed }`; `replayed` is true when the key had already delivered this DM. A `502
     * sendUnconfirmed` is never sent again: the message it names is read instead
     * (`meta.confirmedBy: "read"` when X has it).
     */
    send(request: SendRequest, options?: IdempotentSendOptions | null): Promise<SendResult>;
    /**
     * Checks a request with exactly the rules a send applies, with no I/O: a v2 request (one
     * with `target`) as `send` would, any other as `sendMessage` would. Returns `null`, or the
     * first problem: `{ field, rule, message }`, the field and rule the send would reject
     * with and the sentence its `InboxError` would say.
     */
    validate(request: SendMessageRequest | SendRequest): RequestProblem | null;
    /**
     * The rate-limit budget from the last response that reported one, or `undefined`.
     */
    readonly rateLimit: RateLimit | undefined;
}

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly ha: (a: number, b: number) => void;
    readonly ia: (a: number, b: number) => void;
    readonly ja: (a: number, b: number) => void;
    readonly ka: (a: number, b: any, c: number) => any;
    readonly la: (a: number, b: any, c: number) => any;
    readonly ma: (a: any) => [number, number, number];
    readonly na: (a: number) => any;
    readonly oa: (a: number, b: any, c: number) => any;
    readonly pa: (a: number, b: any, c: number) => any;
    readonly qa: (a: number, b: any) => any;
    readonly ra: (a: number) => number;
    readonly sa: (a: number) => any;
    readonly ta: (a: number) => any;
    readonly ua: (a: number, b: number, c: any, d: any, e: number, f: number, g: number) => number;
    readonly va: (a: number) => any;
    readonly wa: (a: number) => any;
    readonly za: (a: number, b: number) => number;
    readonly Aa: (a: number, b: number, c: number, d: number) => number;
    readonly Ba: (a: number, b: number, c: number) => void;
    readonly Ca: (a: number) => void;
    readonly Da: () => number;
    readonly Ea: WebAssembly.Table;
    readonly Fa: (a: number) => void;
    readonly Ga: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
