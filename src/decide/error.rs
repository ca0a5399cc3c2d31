//! The error model: one variant per stable kind, a `Display` a person can act on, and no
//! secrets anywhere.

use alloc::{boxed::Box, string::String};
use core::fmt;

use wasm_bindgen::JsValue;

use crate::input::types::RateLimit;
use crate::input::validate::Invalid;
use crate::text::push_decimal;

/// The stable, machine-readable kind of an [`Error`] (`kind` on the JavaScript error).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Rejected before sending: an input broke a rule.
    InvalidRequest,
    /// 400 from the server.
    BadRequest,
    /// 401: the token was refused.
    Unauthorized,
    /// 403: the token may not do this.
    Forbidden,
    /// 404: the account link or prospect was not found.
    NotFound,
    /// 409 from the server.
    Conflict,
    /// 422 from the server.
    Unprocessable,
    /// 429: too many requests.
    RateLimited,
    /// 5xx from the server.
    ServerError,
    /// Any other non-2xx status, redirects included.
    UnexpectedStatus,
    /// An attempt took longer than its timeout, or the server answered 408.
    Timeout,
    /// The caller's abort signal fired.
    Aborted,
    /// The connection failed before the answer was complete.
    Network,
    /// A 2xx whose body is not the documented shape.
    Decode,
    /// The API has not settled yet: a thread still syncing after the reads allowed, so
    /// whether a DM landed is not known. Ask again later.
    Unsettled,
}

impl ErrorKind {
    /// The kind as a stable string (`"rate_limited"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unprocessable => "unprocessable",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ServerError => "server_error",
            ErrorKind::UnexpectedStatus => "unexpected_status",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Network => "network",
            ErrorKind::Decode => "decode",
            ErrorKind::Unsettled => "unsettled",
        }
    }

    /// The kind a non-2xx HTTP status maps to.
    pub fn for_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            408 => ErrorKind::Timeout,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::Unprocessable,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::UnexpectedStatus,
        }
    }

    /// What happened, in words, to open the error message.
    fn headline(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "Invalid input, nothing was sent",
            ErrorKind::BadRequest => "The Inbox API rejected the request",
            ErrorKind::Unauthorized => "The Inbox API refused the token",
            ErrorKind::Forbidden => "The token is not allowed to do this",
            ErrorKind::NotFound => "The Inbox API did not find what the request names",
            ErrorKind::Conflict => "The Inbox API reported a conflict",
            ErrorKind::Unprocessable => "The Inbox API could not process the request",
            ErrorKind::RateLimited => "Rate limited by the Inbox API",
            ErrorKind::ServerError => "The Inbox API failed",
            ErrorKind::UnexpectedStatus => "The Inbox API answered with an unexpected status",
            ErrorKind::Timeout => "The request timed out",
            ErrorKind::Aborted => "The request was aborted",
            ErrorKind::Network => "The connection failed before the answer was complete",
            ErrorKind::Decode => "The Inbox API answered with a body this client cannot read",
            ErrorKind::Unsettled => "The thread is still syncing: ask again later",
        }
    }

    /// What the caller can do about it, when there is something to say.
    fn advice(self) -> &'static str {
        match self {
            ErrorKind::Unauthorized => "Check the API token.",
            ErrorKind::Forbidden => "Check that the token's team owns the account link.",
            ErrorKind::NotFound => "Check the account link id and the recipient id.",
            ErrorKind::RateLimited => "Wait before sending again.",
            ErrorKind::BadRequest | ErrorKind::Unprocessable => {
                "Fix the request before sending it again."
            }
            _ => "",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known about a failed send. Texts from the server are stripped of the token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Details {
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The server's own error code (`THREAD_NOT_FOUND`, `rateLimited`, ...).
    pub api_code: Option<String>,
    /// The server's message, or a description of the failure.
    pub message: Option<String>,
    /// The request id from the body or the `X-Request-Id` header.
    pub request_id: Option<String>,
    /// How long the server asked the caller to wait, in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// True when the DM may have been delivered despite the error.
    pub maybe_sent: bool,
    /// How many HTTP attempts were made.
    pub attempts: u32,
    /// The start of the raw response body, for diagnosis.
    pub body: Option<String>,
    /// What the JavaScript runtime threw, when a failure came from it (a network error).
    pub cause: Option<Cause>,
    /// For a v2 send: the `Idempotency-Key` every attempt carried. Sending again with it can
    /// never deliver the DM twice.
    pub idempotency_key: Option<String>,
    /// For a v2 send the server is still confirming (`sendUnconfirmed`, `sendInProgress`): the
    /// message's id.
    pub message_id: Option<String>,
    /// The team's budget as the last answer that reported one said (`X-RateLimit-*`). Boxed:
    /// most errors carry none, and every error is built with room for it.
    pub rate_limit: Option<Box<RateLimit>>,
    /// v2 `accountLinkDisconnected`: the account link's `details.status` (`paused` resumes by
    /// itself, `offline` must be reconnected).
    pub(crate) link_status: Option<String>,
}

/// A failure the JavaScript runtime reported (what `fetch` threw), kept as the error's
/// [`source`](core::error::Error::source): its description, token-free, and the original value.
#[derive(Clone)]
pub struct Cause {
    description: String,
    value: Option<JsValue>,
}

impl Cause {
    /// A cause with its description and, when it carries no secret, the thrown value itself.
    pub(crate) fn new(description: String, value: Option<JsValue>) -> Self {
        Cause { description, value }
    }

    /// What was thrown, in words (`TypeError: fetch failed`).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The value the runtime threw, as it was (`None` when it quoted the token).
    pub fn value(&self) -> Option<&JsValue> {
        self.value.as_ref()
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cause").field(&self.description).finish()
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

/// Two causes are equal when they say the same (JavaScript values have no equality here).
impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        self.description == other.description
    }
}

impl Eq for Cause {}

impl core::error::Error for Cause {}

/// Why a send failed. Each variant has a stable [`ErrorKind`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An input broke a rule; nothing was sent.
    InvalidRequest(Invalid),
    /// The server failed the request, the request timed out or was aborted, or the response
    /// could not be read.
    Failed(ErrorKind, Box<Details>),
}

impl Error {
    /// A failure after sending started.
    pub(crate) fn failed(kind: ErrorKind, details: Details) -> Self {
        Error::Failed(kind, Box::new(details))
    }

    /// The stable kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidRequest(_) => ErrorKind::InvalidRequest,
            Error::Failed(kind, _) => *kind,
        }
    }

    /// The details of a failure after sending started; `None` for invalid input.
    pub fn details(&self) -> Option<&Details> {
        match self {
            Error::InvalidRequest(_) => None,
            Error::Failed(_, details) => Some(details),
        }
    }

    /// True when the DM may have been delivered despite the error: check before resending.
    pub fn maybe_sent(&self) -> bool {
        self.details().is_some_and(|d| d.maybe_sent)
    }
}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Error::InvalidRequest(invalid)
    }
}

impl Error {
    /// The sentence a person reads: what happened, the server's words, what to do next.
    /// Built by hand rather than with `format!`, which keeps float and padding code out of the
    /// wasm; `Display` prints the same text.
    pub fn message(&self) -> String {
        let kind = self.kind();
        let mut out = String::with_capacity(160);
        let details = match self {
            Error::InvalidRequest(invalid) => {
                push(
                    &mut out,
                    &[
                        kind.headline(),
                        ": ",
                        &invalid.field,
                        " ",
                        invalid.rule,
                        ".",
                    ],
                );
                return out;
            }
            Error::Failed(_, details) => details,
        };
        out.push_str(kind.headline());
        if let Some(status) = details.status {
            out.push_str(" (HTTP ");
            push_decimal(&mut out, u64::from(status));
            out.push(')');
        }
        if let Some(message) = &details.message {
            push(&mut out, &[": ", message]);
        }
        out.push('.');
        if let Some(code) = &details.api_code {
            push(&mut out, &[" Code: ", code, "."]);
        }
        if let Some(wait) = details.retry_after_ms {
            out.push_str(" Retry after ");
            push_decimal(&mut out, wait.div_ceil(1000));
            out.push_str(" s.");
        }
        let advice = kind.advice();
        if !advice.is_empty() {
            push(&mut out, &[" ", advice]);
        }
        if details.maybe_sent {
            match (&details.idempotency_key, &details.message_id) {
                (Some(key), _) => push(
                    &mut out,
                    &[
                        " The DM may have been delivered: sending it again with idempotency key ",
                        key,
                        " is safe, it can never arrive twice.",
                    ],
                ),
                (None, Some(id)) => push(
                    &mut out,
                    &[
                        " The DM may have been delivered: read message ",
                        id,
                        " later before sending it again.",
                    ],
                ),
                (None, None) => out.push_str(
                    " The DM may have been delivered: check the thread before sending it again.",
                ),
            }
        }
        if let Some(id) = &details.request_id {
            push(&mut out, &[" Request id: ", id, "."]);
        }
        out
    }
}

/// Appends each of `parts` (one loop, rather than a copy of `push_str` per part).
fn push(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::InvalidRequest(invalid) => Some(invalid),
            Error::Failed(_, details) => details
                .cause
                .as_ref()
                .map(|cause| cause as &(dyn core::error::Error + 'static)),
        }
    }
}
