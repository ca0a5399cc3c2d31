//! The TypeScript declarations of the JavaScript surface that tsify does not derive: the
//! options objects, `validate`'s problem and `InboxError`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const JS_TYPES: &'static str = r#"
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
"#;

#[wasm_bindgen]
extern "C" {
    /// `InboxClientOptions` as TypeScript sees it; read field by field.
    #[wasm_bindgen(typescript_type = "InboxClientOptions")]
    pub type JsClientOptions;
    /// `SendOptions` as TypeScript sees it; read field by field.
    #[wasm_bindgen(typescript_type = "SendOptions")]
    pub type JsSendOptions;
    /// `IdempotentSendOptions` as TypeScript sees it; read field by field.
    #[wasm_bindgen(typescript_type = "IdempotentSendOptions")]
    pub type JsIdempotentOptions;
    /// `FindSentOptions` as TypeScript sees it; read field by field.
    #[wasm_bindgen(typescript_type = "FindSentOptions")]
    pub type JsFindSentOptions;
    /// `GetOptions` as TypeScript sees it; read field by field.
    #[wasm_bindgen(typescript_type = "GetOptions")]
    pub type JsGetOptions;
    /// `RateLimit` as TypeScript sees it.
    #[wasm_bindgen(typescript_type = "RateLimit")]
    pub type JsRateLimit;
}
