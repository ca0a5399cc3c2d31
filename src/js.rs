//! The JavaScript surface: `InboxClient`, its `sendMessage`, and `InboxError`.
//!
//! Inputs are read field by field with `Reflect` (typed for TypeScript callers through tsify),
//! so a wrong type from plain JavaScript is an `invalid_request` naming the field, never a
//! panic. Results are the parsed JSON the server sent, so new API fields reach callers as-is.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::client::{Client, SendOptions};
use crate::error::Error;
use crate::names::{names, Name};
use crate::options::{
    ClientOptions, MAX_RETRIES_LIMIT, MAX_RETRIES_RULE, MAX_RETRY_DELAY_RULE, MAX_TIMER_MS,
    TIMEOUT_RULE,
};
use crate::text;
use crate::types::{Recipient, SendMessageRequest};
use crate::validate::Invalid;

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
    /** Automatic retries of 408 / 429 / 503 (the server did not process the request), 0–10. Default: 2. */
    maxRetries?: number;
    /** The longest server-requested wait to sit out before retrying, in ms. Default: 60000. */
    maxRetryDelayMs?: number;
}

/** Options for one `sendMessage` call. */
export interface SendOptions {
    /** Cancels the send: the fetch in flight, or the wait before a retry. */
    signal?: AbortSignal;
    /** Overrides the client's per-attempt timeout, in milliseconds. */
    timeoutMs?: number;
}

/** The team's rate-limit budget from the last response's `X-RateLimit-*` headers. */
export interface RateLimit {
    /** Requests allowed in the current window. */
    limit: number;
    /** Requests left in the current window. */
    remaining: number;
    /** When the window resets, in Unix milliseconds. */
    resetAt: number;
}

/** The stable kinds of `InboxError`. */
export type InboxErrorKind =
    | "invalid_request" | "bad_request" | "unauthorized" | "forbidden" | "not_found"
    | "conflict" | "unprocessable" | "rate_limited" | "server_error" | "unexpected_status"
    | "timeout" | "aborted" | "network" | "decode";

/** What `sendMessage` and the constructor throw: a real `Error` with `name === "InboxError"`. */
export interface InboxError extends Error {
    name: "InboxError";
    /** The stable kind. */
    kind: InboxErrorKind;
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
    /** True when the DM may have been delivered despite the error: check before resending. */
    maybeSent: boolean;
    /** How many HTTP attempts were made. */
    attempts: number;
    /** The start of the raw error body, when there was one. */
    body?: string;
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
    /// `RateLimit` as TypeScript sees it.
    #[wasm_bindgen(typescript_type = "RateLimit")]
    pub type JsRateLimit;
}

names! {
    /// The input field names, as the caller spells them.
    struct InputNames {
        token = "token",
        base_url = "baseUrl",
        timeout_ms = "timeoutMs",
        max_retries = "maxRetries",
        max_retry_delay_ms = "maxRetryDelayMs",
        signal = "signal",
        account_link_id = "accountLinkId",
        content = "content",
        external_platform_id = "externalPlatformId",
        external_id = "externalId",
    }
}

#[wasm_bindgen]
extern "C" {
    /// An object this module created (an `InboxError`, a `RateLimit`).
    type Own;
    /// `own[key] = value`.
    #[wasm_bindgen(method, indexing_setter)]
    fn set_field(this: &Own, key: &JsValue, value: &JsValue);
    /// `String.prototype.isWellFormed`: false when the text has an unpaired surrogate.
    #[wasm_bindgen(js_namespace = ["String", "prototype", "isWellFormed"], js_name = call)]
    fn is_well_formed(text: &JsValue) -> bool;
}

/// Sends X direct messages through the Inbox API.
#[wasm_bindgen]
#[derive(Debug)]
pub struct InboxClient {
    client: Client,
    names: InputNames,
}

#[wasm_bindgen]
impl InboxClient {
    /// Creates a client. Throws an `InboxError` (`kind: "invalid_request"`, `field`) when an
    /// option is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsClientOptions) -> Result<InboxClient, JsValue> {
        let names = InputNames::new();
        client_options(options, &names)
            .map_err(Error::from)
            .and_then(Client::new)
            .map(|client| InboxClient { client, names })
            .map_err(|error| to_js_error(&error))
    }

    /// Sends a DM; creates the thread if needed. Resolves to the stored message and its
    /// thread. Rejects with an `InboxError`; invalid input rejects before any network I/O.
    #[wasm_bindgen(
        js_name = sendMessage,
        unchecked_return_type = "Promise<SendMessageResponse>"
    )]
    pub fn send_message(
        &self,
        request: Ts<SendMessageRequest>,
        options: Option<JsSendOptions>,
    ) -> Promise {
        let names = &self.names;
        let started = match (
            read_request(&request.js_value(), names),
            send_options(options.as_ref(), names),
        ) {
            (Ok(request), Ok(options)) => {
                self.client
                    .start(&request, &options, Rc::new(Cell::new(None)))
            }
            (Err(invalid), _) | (_, Err(invalid)) => Err(Error::from(invalid)),
        };
        started.unwrap_or_else(|error| Promise::reject(&to_js_error(&error)))
    }

    /// The rate-limit budget from the last response that reported one, or `undefined`.
    #[wasm_bindgen(getter, js_name = rateLimit)]
    pub fn rate_limit(&self) -> Option<JsRateLimit> {
        let limits = self.client.rate_limit()?;
        let object = Object::new();
        set(&object, "limit", limits.limit as f64);
        set(&object, "remaining", limits.remaining as f64);
        set(&object, "resetAt", limits.reset_at_ms as f64);
        Some(object.unchecked_into())
    }
}

/// Reads `{ token, baseUrl?, timeoutMs?, maxRetries?, maxRetryDelayMs? }`.
fn client_options(value: &JsValue, names: &InputNames) -> Result<ClientOptions, Invalid> {
    let fields = Fields::new(
        value,
        "options",
        &[
            &names.token,
            &names.base_url,
            &names.timeout_ms,
            &names.max_retries,
            &names.max_retry_delay_ms,
        ],
    )?;
    let token = fields
        .string(&names.token)?
        .ok_or(Invalid::new("token", "is required"))?;
    let mut options = ClientOptions::new(token);
    if let Some(base_url) = fields.string(&names.base_url)? {
        options = options.base_url(base_url);
    }
    if let Some(ms) = fields.whole_number(&names.timeout_ms, 1, MAX_TIMER_MS, TIMEOUT_RULE)? {
        options = options.timeout_ms(ms);
    }
    let max_retries = &names.max_retries;
    if let Some(n) = fields.whole_number(max_retries, 0, MAX_RETRIES_LIMIT, MAX_RETRIES_RULE)? {
        options = options.max_retries(n);
    }
    let max_delay = &names.max_retry_delay_ms;
    if let Some(ms) = fields.whole_number(max_delay, 0, MAX_TIMER_MS, MAX_RETRY_DELAY_RULE)? {
        options = options.max_retry_delay_ms(ms);
    }
    Ok(options)
}

/// Reads `{ signal?, timeoutMs? }`; `undefined` and `null` mean no options.
fn send_options(value: Option<&JsSendOptions>, names: &InputNames) -> Result<SendOptions, Invalid> {
    let mut options = SendOptions::default();
    let Some(value) = value else {
        return Ok(options);
    };
    let fields = Fields::new(value, "options", &[&names.signal, &names.timeout_ms])?;
    options.timeout_ms = fields.whole_number(&names.timeout_ms, 1, MAX_TIMER_MS, TIMEOUT_RULE)?;
    let signal = fields.get(&names.signal);
    if !signal.is_undefined() {
        let signal = signal
            .dyn_into::<AbortSignal>()
            .map_err(|_| Invalid::new("signal", "must be an AbortSignal"))?;
        options.signal = Some(signal);
    }
    Ok(options)
}

/// Reads `{ accountLinkId, content, externalPlatformId?, externalId? }`.
fn read_request(value: &JsValue, names: &InputNames) -> Result<SendMessageRequest, Invalid> {
    let fields = Fields::new(
        value,
        "request",
        &[
            &names.account_link_id,
            &names.content,
            &names.external_platform_id,
            &names.external_id,
        ],
    )?;
    let account_link_id = fields
        .string(&names.account_link_id)?
        .ok_or(Invalid::new("accountLinkId", "is required"))?;
    let content = fields
        .string(&names.content)?
        .ok_or(Invalid::new("content", "is required"))?;
    let recipient = Recipient::from_ids(
        fields.string(&names.external_platform_id)?,
        fields.string(&names.external_id)?,
    )
    .ok_or(Invalid::new(
        "externalPlatformId",
        "or externalId is required (the recipient)",
    ))?;
    Ok(SendMessageRequest::new(account_link_id, recipient, content))
}

/// A plain object from JavaScript whose keys are checked against a known list, so a
/// misspelled field is reported instead of silently ignored.
struct Fields<'a> {
    object: &'a JsValue,
}

impl<'a> Fields<'a> {
    fn new(value: &'a JsValue, name: &'static str, known: &[&Name]) -> Result<Self, Invalid> {
        // `is_object` is false for functions (their typeof is "function") and null.
        if !value.is_object() || js_sys::Array::is_array(value) {
            return Err(Invalid::new(name, "must be an object"));
        }
        // Compared as JavaScript strings: only an unknown key is converted, for its message.
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            if !known
                .iter()
                .any(|name| AsRef::<JsValue>::as_ref(&name.js) == &key)
            {
                return Err(Invalid::new(
                    key.as_string().unwrap_or_default(),
                    "is not a known field; check its spelling",
                ));
            }
        }
        Ok(Fields { object: value })
    }

    fn get(&self, name: &Name) -> JsValue {
        Reflect::get(self.object, &name.js).unwrap_or(JsValue::UNDEFINED)
    }

    /// A string field; `undefined` is absent. Text with unpaired surrogates is refused: it
    /// could not be sent byte-exact.
    fn string(&self, name: &Name) -> Result<Option<String>, Invalid> {
        let value = self.get(name);
        let Some(text) = value.as_string() else {
            if value.is_undefined() {
                return Ok(None);
            }
            return Err(Invalid::new(name.text, "must be a string"));
        };
        // The conversion turned lone surrogates into U+FFFD: only text that now holds one
        // (rare) is checked on the JavaScript string.
        if text::find(&text, "\u{FFFD}").is_some() && !is_well_formed(&value) {
            return Err(Invalid::new(
                name.text,
                "must be well-formed text (it contains an unpaired UTF-16 surrogate)",
            ));
        }
        Ok(Some(text))
    }

    /// A whole-number field within `min..=max`; `undefined` is absent.
    fn whole_number(
        &self,
        name: &Name,
        min: u32,
        max: u32,
        rule: &'static str,
    ) -> Result<Option<u32>, Invalid> {
        let value = self.get(name);
        if value.is_undefined() {
            return Ok(None);
        }
        match value.as_f64() {
            Some(n) if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) => {
                Ok(Some(n as u32))
            }
            _ => Err(Invalid::new(name.text, rule)),
        }
    }
}

/// Builds the `InboxError` a JavaScript caller receives.
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.message());
    set(&js, "name", "InboxError");
    set(&js, "kind", error.kind().as_str());
    match error {
        Error::InvalidRequest(invalid) => {
            set(&js, "field", invalid.field.as_str());
            set(&js, "rule", invalid.rule);
            set(&js, "maybeSent", false);
            set(&js, "attempts", 0.0);
        }
        Error::Failed(_, details) => {
            if let Some(status) = details.status {
                set(&js, "status", f64::from(status));
            }
            if let Some(code) = &details.api_code {
                set(&js, "apiCode", code.as_str());
            }
            if let Some(id) = &details.request_id {
                set(&js, "requestId", id.as_str());
            }
            if let Some(ms) = details.retry_after_ms {
                set(&js, "retryAfterMs", ms as f64);
            }
            set(&js, "maybeSent", details.maybe_sent);
            set(&js, "attempts", f64::from(details.attempts));
            if let Some(body) = &details.body {
                set(&js, "body", body.as_str());
            }
        }
    }
    js.into()
}

/// `target[key] = value` on an object this module created (a plain data property: the
/// assignment cannot throw).
fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    target
        .unchecked_ref::<Own>()
        .set_field(&JsValue::from_str(key), &value.into());
}
