//! What one attempt's answer means: delivered, failed for good, or worth another attempt.
//! Pure: the I/O layer hands over what it read (a [`Reply`]) and how the attempt ended (a
//! [`Fault`]); nothing here touches JavaScript.

use crate::decide::error::{Cause, Details, Error, ErrorKind};
use crate::decide::fault::Fault;
use crate::decide::redact;
use crate::decide::retry;
use crate::text::{ceil, push_decimal};
use alloc::{borrow::ToOwned, string::String};

/// How much of an error body an error keeps, in bytes (UTF-8).
pub(crate) const BODY_EXCERPT_BYTES: usize = 2048;

/// The response headers the client reads: the first three by a verdict, the rate-limit ones
/// for the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Header {
    /// `retry-after-ms`: the wait in milliseconds.
    RetryAfterMs,
    /// `Retry-After`: the wait in seconds, or an HTTP date.
    RetryAfter,
    /// `X-Request-Id`.
    RequestId,
    /// `X-RateLimit-Limit`.
    RateLimit,
    /// `X-RateLimit-Remaining`.
    RateRemaining,
    /// `X-RateLimit-Reset` (Unix seconds).
    RateReset,
}

impl Header {
    /// The header's name, as `Headers.get` takes it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Header::RetryAfterMs => "retry-after-ms",
            Header::RetryAfter => "retry-after",
            Header::RequestId => "x-request-id",
            Header::RateLimit => "x-ratelimit-limit",
            Header::RateRemaining => "x-ratelimit-remaining",
            Header::RateReset => "x-ratelimit-reset",
        }
    }
}

/// What kind of request an answer belongs to: that decides what is safe to retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Call {
    /// v1 `POST /threads/messages`: no idempotency key, so only what the server said it did
    /// not process (408, 429, 503) is retried.
    SendV1,
    /// v2 `POST /messages` with an `Idempotency-Key`: every transient failure is retried.
    SendV2,
    /// A read (`GET`): idempotent, retried like any GET; nothing is sent.
    Read,
    /// A read the caller asked for (`get`): a read whose 2xx is any JSON, handed back with its
    /// meta.
    Get,
    /// The read of the message a v2 `sendUnconfirmed` named: a read whose 2xx is checked as
    /// a send's answer (the message with its thread).
    Confirm,
}

impl Call {
    /// Whether the request only reads, so no DM can have gone out because of it (the read that
    /// settles a send answers for the send).
    pub(crate) fn reads(self) -> bool {
        matches!(self, Call::Read | Call::Get)
    }
}

/// What an error body says, in any of the vendor's shapes, as the server sent it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    /// The server's error code.
    pub(crate) code: Option<String>,
    /// The server's message.
    pub(crate) message: Option<String>,
    /// The request id, when the body carries one.
    pub(crate) request_id: Option<String>,
    /// v2 `details.messageId` (`sendUnconfirmed`, `sendInProgress`).
    pub(crate) message_id: Option<String>,
    /// v2 `details.retryAfterSeconds` (`platformRateLimited`).
    pub(crate) retry_after_seconds: Option<u64>,
    /// v2 `details.resetAt` (`rateLimited`): when the window resets, an ISO 8601 time.
    pub(crate) reset_at: Option<String>,
    /// v2 `details.status` (`accountLinkDisconnected`): `paused`, `offline`, ...
    pub(crate) link_status: Option<String>,
    /// The start of the raw body: at least the excerpt plus [`redact::reach`] UTF-16 units
    /// (each unit is at least one byte, so that many units cover that many bytes).
    pub(crate) text: Option<String>,
    /// Whether that start is not the whole body (the read limit cut it).
    pub(crate) cut: bool,
}

/// One attempt's answer as the I/O layer read it; each part is read only when a verdict needs
/// it.
pub(crate) trait Reply {
    /// The HTTP status, when the headers arrived (0 for a redirect the runtime withheld).
    fn status(&self) -> Option<u16>;
    /// A response header's value.
    fn header(&self, name: Header) -> Option<String>;
    /// Checks that a 2xx body has the documented shape; says what is wrong if not.
    fn check_success(&mut self) -> Result<(), String>;
    /// The error body's fields, and the first `units` UTF-16 units of its text.
    fn error_body(&self, units: u32) -> ErrorBody;
    /// What the runtime threw, when the attempt failed.
    fn thrown(&self) -> Cause;
    /// Milliseconds from now until a date (an HTTP date, or ISO 8601 as v2 `resetAt` is), by the
    /// runtime's own date parser and clock.
    fn ms_until(&self, date: &str) -> Option<f64>;
}

/// What a verdict needs to know besides the answer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context<'a> {
    /// What kind of request this was.
    pub(crate) call: Call,
    /// The v2 idempotency key every attempt carries.
    pub(crate) key: Option<&'a str>,
    /// The token: every server text is redacted of it.
    pub(crate) token: &'a str,
    /// Attempts so far, this one included.
    pub(crate) attempts: u32,
    /// This send's per-attempt timeout, for the message.
    pub(crate) timeout_ms: u32,
}

/// What one attempt's answer means.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Delivered: the body has the documented shape.
    Sent,
    /// Failed for good.
    Failed(Error),
    /// The server did not process the request; this is the error if no retry follows.
    Retry(Error),
}

/// Judges one attempt.
pub(crate) fn judge(reply: &mut impl Reply, fault: Fault, context: &Context) -> Verdict {
    if fault == Fault::Idle {
        return Verdict::Failed(aborted_before_sending(context.attempts));
    }
    if fault == Fault::Refused {
        return Verdict::Failed(refused(reply.thrown(), context));
    }
    let Some(status) = reply.status() else {
        return interrupted_verdict(interrupted(reply, fault, None, context), fault, context);
    };
    let success = (200..300).contains(&status);
    if success && fault != Fault::None {
        // The status arrived but the body did not: the DM went out (a v2 retry replays it).
        let error = interrupted(reply, fault, Some(status), context);
        return interrupted_verdict(error, fault, context);
    }
    if success {
        return match reply.check_success() {
            Ok(()) => Verdict::Sent,
            Err(problem) => Verdict::Failed(Error::failed(
                ErrorKind::Decode,
                Details {
                    status: Some(status),
                    message: Some(problem),
                    maybe_sent: true,
                    attempts: context.attempts,
                    ..Details::default()
                },
            )),
        };
    }
    let token = context.token;
    let reach = BODY_EXCERPT_BYTES as u32 + redact::reach(token);
    let body = reply.error_body(reach);
    let clean = |text: Option<String>| text.map(|t| redact::redact(&t, token));
    let details = Details {
        status: Some(status),
        api_code: clean(body.code),
        message: clean(body.message),
        request_id: clean(body.request_id.or_else(|| reply.header(Header::RequestId))),
        retry_after_ms: retry::retry_after_ms(
            reply.header(Header::RetryAfterMs).as_deref(),
            reply.header(Header::RetryAfter).as_deref(),
            |date| reply.ms_until(date),
        )
        .or(body.retry_after_seconds.map(|s| s.saturating_mul(1000)))
        .or_else(|| Some(ceil(reply.ms_until(body.reset_at.as_deref()?)?.max(0.0)) as u64)),
        maybe_sent: false,
        attempts: context.attempts,
        body: body
            .text
            .and_then(|t| redact::excerpt(&t, token, BODY_EXCERPT_BYTES, body.cut)),
        cause: None,
        idempotency_key: context.key.map(str::to_owned),
        message_id: clean(body.message_id),
        rate_limit: None,
        link_status: clean(body.link_status),
    };
    match context.call {
        Call::SendV1 => classify(status, details),
        Call::SendV2 => classify_v2(status, details),
        Call::Read | Call::Get | Call::Confirm => classify_read(status, details),
    }
}

/// What an attempt that ended without a complete answer leads to: for v2 (the key makes it
/// safe) and reads, a retry; for v1, the end (the DM may have gone out). An abort always ends.
fn interrupted_verdict(error: Error, fault: Fault, context: &Context) -> Verdict {
    let retryable = matches!(fault, Fault::TimedOut | Fault::Network);
    if retryable && context.call != Call::SendV1 {
        Verdict::Retry(error)
    } else {
        Verdict::Failed(error)
    }
}

/// v2: every transient failure is retried with the same key; the uncertain ones (the server
/// may have processed the send) say so. Except `sendUnconfirmed`: X may have the DM and the
/// vendor released the key, so it is never sent again (the delivery reads the message instead)
/// and the key, which no longer protects it, is dropped.
fn classify_v2(status: u16, mut details: Details) -> Verdict {
    let kind = ErrorKind::for_status(status);
    let code = details.api_code.as_deref();
    let in_progress = status == 409 && code == Some("sendInProgress");
    if code == Some("sendUnconfirmed") {
        details.maybe_sent = true;
        details.idempotency_key = None;
        return Verdict::Failed(Error::failed(kind, details));
    }
    match status {
        408 | 429 | 503 => Verdict::Retry(Error::failed(kind, details)),
        500..=599 => {
            details.maybe_sent = true;
            Verdict::Retry(Error::failed(kind, details))
        }
        409 if in_progress => {
            details.maybe_sent = true;
            Verdict::Retry(Error::failed(kind, details))
        }
        _ => classify(status, details),
    }
}

/// Reads: idempotent, so 408, 429 and every 5xx are retried; nothing was sent either way.
fn classify_read(status: u16, details: Details) -> Verdict {
    match status {
        408 | 429 | 500..=599 => {
            Verdict::Retry(Error::failed(ErrorKind::for_status(status), details))
        }
        _ => classify(status, details),
    }
}

/// Sorts a non-2xx answer into a final failure or a retry.
fn classify(status: u16, mut details: Details) -> Verdict {
    match status {
        // 0: a redirect the runtime withheld (`redirect: "manual"` in a browser).
        0 | 300..=399 => {
            if status == 0 {
                details.status = None;
            }
            details.message = Some(
                "the server answered with a redirect, which is not followed so the token never goes elsewhere; check baseUrl"
                    .to_owned(),
            );
            Verdict::Failed(Error::failed(ErrorKind::UnexpectedStatus, details))
        }
        408 | 429 | 503 => Verdict::Retry(Error::failed(ErrorKind::for_status(status), details)),
        500..=599 => {
            // The server may have sent the DM before failing.
            details.maybe_sent = true;
            Verdict::Failed(Error::failed(ErrorKind::ServerError, details))
        }
        _ => Verdict::Failed(Error::failed(ErrorKind::for_status(status), details)),
    }
}

/// The error for an attempt that stopped without a complete answer: it may have been sent.
fn interrupted(reply: &impl Reply, fault: Fault, status: Option<u16>, context: &Context) -> Error {
    let (kind, message, cause) = match fault {
        Fault::TimedOut => {
            let mut text = "no complete answer within ".to_owned();
            push_decimal(&mut text, u64::from(context.timeout_ms));
            text.push_str(" ms");
            (ErrorKind::Timeout, text, None)
        }
        Fault::Aborted => (
            ErrorKind::Aborted,
            "the caller's abort signal fired".to_owned(),
            None,
        ),
        _ => {
            let cause = clean_cause(reply.thrown(), context.token);
            (
                ErrorKind::Network,
                cause.description().to_owned(),
                Some(cause),
            )
        }
    };
    Error::failed(
        kind,
        Details {
            status,
            message: Some(message),
            // The attempt started, so the request may have reached the server (a read sends
            // nothing).
            maybe_sent: !context.call.reads(),
            attempts: context.attempts,
            cause,
            idempotency_key: context.key.map(str::to_owned),
            ..Details::default()
        },
    )
}

/// The error when the runtime refused to build the request: nothing left, so nothing was sent.
fn refused(thrown: Cause, context: &Context) -> Error {
    let cause = clean_cause(thrown, context.token);
    let mut message =
        "the runtime refused to send the request, so nothing left this machine (".to_owned();
    message.push_str(cause.description());
    message.push_str("); check the token and baseUrl options");
    Error::failed(
        ErrorKind::InvalidRequest,
        Details {
            message: Some(message),
            attempts: context.attempts,
            cause: Some(cause),
            ..Details::default()
        },
    )
}

/// A thrown value's description without the token; the value itself is dropped if it quoted
/// the token (it cannot be cleaned).
fn clean_cause(cause: Cause, token: &str) -> Cause {
    let clean = redact::redact(cause.description(), token);
    if clean == cause.description() {
        cause
    } else {
        Cause::new(clean, None)
    }
}

/// The error for a signal that fired before an attempt or during a retry wait: every earlier
/// attempt was refused unprocessed, so nothing was sent.
fn aborted_before_sending(attempts: u32) -> Error {
    Error::failed(
        ErrorKind::Aborted,
        Details {
            message: Some("the caller's abort signal fired before the DM was sent".to_owned()),
            attempts,
            ..Details::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "sk/live+tok=";

    /// A reply made of plain data.
    #[derive(Default)]
    struct Fake {
        status: Option<u16>,
        headers: Vec<(Header, &'static str)>,
        shape: Option<&'static str>,
        body: ErrorBody,
        thrown: &'static str,
        asked_units: core::cell::Cell<u32>,
    }

    impl Reply for Fake {
        fn status(&self) -> Option<u16> {
            self.status
        }
        fn header(&self, name: Header) -> Option<String> {
            let found = self.headers.iter().find(|(h, _)| *h == name);
            found.map(|(_, v)| (*v).to_owned())
        }
        fn check_success(&mut self) -> Result<(), String> {
            self.shape.map_or(Ok(()), |problem| Err(problem.to_owned()))
        }
        fn error_body(&self, units: u32) -> ErrorBody {
            self.asked_units.set(units);
            ErrorBody {
                code: self.body.code.clone(),
                message: self.body.message.clone(),
                request_id: self.body.request_id.clone(),
                message_id: self.body.message_id.clone(),
                retry_after_seconds: self.body.retry_after_seconds,
                reset_at: self.body.reset_at.clone(),
                link_status: self.body.link_status.clone(),
                text: self.body.text.clone(),
                cut: self.body.cut,
            }
        }
        fn thrown(&self) -> Cause {
            Cause::new(self.thrown.to_owned(), None)
        }
        fn ms_until(&self, _: &str) -> Option<f64> {
            None
        }
    }

    fn context() -> Context<'static> {
        Context {
            call: Call::SendV1,
            key: None,
            token: TOKEN,
            attempts: 1,
            timeout_ms: 30_000,
        }
    }

    fn status(status: u16) -> Fake {
        Fake {
            status: Some(status),
            ..Fake::default()
        }
    }

    /// A verdict in brief: (error kind, retried, maybe sent).
    type Summary = (Option<ErrorKind>, bool, bool);

    /// A verdict in brief.
    fn summary(verdict: &Verdict) -> Summary {
        match verdict {
            Verdict::Sent => (None, false, true),
            Verdict::Failed(e) => (Some(e.kind()), false, e.maybe_sent()),
            Verdict::Retry(e) => (Some(e.kind()), true, e.maybe_sent()),
        }
    }

    #[test]
    fn status_and_fault_decide_the_verdict() {
        use ErrorKind::*;
        // (status, fault) → (kind, retried, maybe sent)
        let table: &[(Option<u16>, Fault, Summary)] = &[
            (Some(200), Fault::None, (None, false, true)),
            (Some(201), Fault::None, (None, false, true)),
            (Some(200), Fault::Network, (Some(Network), false, true)),
            (Some(200), Fault::TimedOut, (Some(Timeout), false, true)),
            (Some(200), Fault::Aborted, (Some(Aborted), false, true)),
            (None, Fault::Network, (Some(Network), false, true)),
            (None, Fault::TimedOut, (Some(Timeout), false, true)),
            (None, Fault::Aborted, (Some(Aborted), false, true)),
            (None, Fault::Refused, (Some(InvalidRequest), false, false)),
            (None, Fault::Idle, (Some(Aborted), false, false)),
            (Some(0), Fault::None, (Some(UnexpectedStatus), false, false)),
            (
                Some(301),
                Fault::None,
                (Some(UnexpectedStatus), false, false),
            ),
            (Some(400), Fault::None, (Some(BadRequest), false, false)),
            (Some(401), Fault::None, (Some(Unauthorized), false, false)),
            (Some(403), Fault::None, (Some(Forbidden), false, false)),
            (Some(404), Fault::None, (Some(NotFound), false, false)),
            (Some(408), Fault::None, (Some(Timeout), true, false)),
            (Some(409), Fault::None, (Some(Conflict), false, false)),
            (
                Some(418),
                Fault::None,
                (Some(UnexpectedStatus), false, false),
            ),
            (Some(422), Fault::None, (Some(Unprocessable), false, false)),
            (Some(429), Fault::None, (Some(RateLimited), true, false)),
            (Some(500), Fault::None, (Some(ServerError), false, true)),
            (Some(502), Fault::None, (Some(ServerError), false, true)),
            (Some(503), Fault::None, (Some(ServerError), true, false)),
            (Some(504), Fault::None, (Some(ServerError), false, true)),
            (Some(503), Fault::Network, (Some(ServerError), true, false)),
        ];
        for (code, fault, want) in table {
            let mut reply = Fake {
                status: *code,
                ..Fake::default()
            };
            let verdict = judge(&mut reply, *fault, &context());
            assert_eq!(summary(&verdict), *want, "{code:?} {fault:?}");
        }
    }

    #[test]
    fn v2_retries_every_transient_failure_and_says_which_may_have_sent() {
        use ErrorKind::*;
        // (status, api code, fault) → (kind, retried, maybe sent)
        let table: &[(Option<u16>, Option<&str>, Fault, Summary)] = &[
            (Some(201), None, Fault::None, (None, false, true)),
            (Some(200), None, Fault::None, (None, false, true)),
            (Some(200), None, Fault::Network, (Some(Network), true, true)),
            (None, None, Fault::Network, (Some(Network), true, true)),
            (None, None, Fault::TimedOut, (Some(Timeout), true, true)),
            (None, None, Fault::Aborted, (Some(Aborted), false, true)),
            (
                None,
                None,
                Fault::Refused,
                (Some(InvalidRequest), false, false),
            ),
            (Some(408), None, Fault::None, (Some(Timeout), true, false)),
            (
                Some(429),
                Some("rateLimited"),
                Fault::None,
                (Some(RateLimited), true, false),
            ),
            (
                Some(429),
                Some("platformRateLimited"),
                Fault::None,
                (Some(RateLimited), true, false),
            ),
            (
                Some(409),
                Some("sendInProgress"),
                Fault::None,
                (Some(Conflict), true, true),
            ),
            (
                Some(409),
                Some("accountLinkDisconnected"),
                Fault::None,
                (Some(Conflict), false, false),
            ),
            (
                Some(500),
                None,
                Fault::None,
                (Some(ServerError), true, true),
            ),
            (
                Some(502),
                Some("sendUnconfirmed"),
                Fault::None,
                (Some(ServerError), false, true),
            ),
            (
                Some(502),
                Some("platformError"),
                Fault::None,
                (Some(ServerError), true, true),
            ),
            (
                Some(503),
                None,
                Fault::None,
                (Some(ServerError), true, false),
            ),
            (
                Some(504),
                None,
                Fault::None,
                (Some(ServerError), true, true),
            ),
            (
                Some(400),
                None,
                Fault::None,
                (Some(BadRequest), false, false),
            ),
            (Some(404), None, Fault::None, (Some(NotFound), false, false)),
            (
                Some(422),
                Some("idempotencyKeyReused"),
                Fault::None,
                (Some(Unprocessable), false, false),
            ),
        ];
        let context = Context {
            call: Call::SendV2,
            key: Some("key-1"),
            ..context()
        };
        for (code, api_code, fault, want) in table {
            let mut reply = Fake {
                status: *code,
                body: ErrorBody {
                    code: api_code.map(str::to_owned),
                    message_id: Some("m1".into()),
                    ..ErrorBody::default()
                },
                ..Fake::default()
            };
            let verdict = judge(&mut reply, *fault, &context);
            assert_eq!(summary(&verdict), *want, "{code:?} {api_code:?} {fault:?}");
            if let Verdict::Failed(e) | Verdict::Retry(e) = &verdict {
                if e.kind() != InvalidRequest && *api_code != Some("sendUnconfirmed") {
                    assert_eq!(
                        e.details().unwrap().idempotency_key.as_deref(),
                        Some("key-1")
                    );
                }
            }
        }
    }

    /// A v2 502 with this code (and message id) judged with the key `order-42`.
    fn v2_502(code: &str, body: ErrorBody) -> Verdict {
        let context = Context {
            call: Call::SendV2,
            key: Some("order-42"),
            ..context()
        };
        let mut reply = Fake {
            body: ErrorBody {
                code: Some(code.into()),
                ..body
            },
            ..status(502)
        };
        judge(&mut reply, Fault::None, &context)
    }

    #[test]
    fn a_v2_uncertain_error_says_the_key_makes_resending_safe() {
        let body = ErrorBody {
            retry_after_seconds: Some(3),
            ..ErrorBody::default()
        };
        let Verdict::Retry(error) = v2_502("platformError", body) else {
            panic!("not a retry");
        };
        let details = error.details().unwrap();
        assert_eq!(details.retry_after_ms, Some(3_000));
        assert!(error.message().contains("idempotency key order-42 is safe"));
    }

    #[test]
    fn send_unconfirmed_is_never_retried_and_its_released_key_is_not_offered() {
        let body = ErrorBody {
            message_id: Some("m7".into()),
            ..ErrorBody::default()
        };
        let Verdict::Failed(error) = v2_502("sendUnconfirmed", body) else {
            panic!("sendUnconfirmed must not be retried");
        };
        let details = error.details().unwrap();
        assert_eq!(details.message_id.as_deref(), Some("m7"));
        assert!(details.maybe_sent);
        assert_eq!(details.idempotency_key, None);
        assert!(!error.message().contains("is safe"), "{}", error.message());
    }

    #[test]
    fn reads_retry_every_5xx_and_never_may_have_sent() {
        use ErrorKind::*;
        let table: &[(Option<u16>, Fault, Summary)] = &[
            (Some(200), Fault::None, (None, false, true)),
            (Some(500), Fault::None, (Some(ServerError), true, false)),
            (Some(502), Fault::None, (Some(ServerError), true, false)),
            (Some(429), Fault::None, (Some(RateLimited), true, false)),
            (Some(404), Fault::None, (Some(NotFound), false, false)),
            (None, Fault::Network, (Some(Network), true, false)),
            (None, Fault::TimedOut, (Some(Timeout), true, false)),
        ];
        let context = Context {
            call: Call::Read,
            ..context()
        };
        for (code, fault, want) in table {
            let mut reply = Fake {
                status: *code,
                ..Fake::default()
            };
            assert_eq!(
                summary(&judge(&mut reply, *fault, &context)),
                *want,
                "{code:?} {fault:?}"
            );
        }
    }

    #[test]
    fn a_2xx_with_the_wrong_shape_is_a_decode_error_that_may_have_sent() {
        let mut reply = Fake {
            shape: Some("thread.id is missing or not a string"),
            ..status(200)
        };
        let Verdict::Failed(error) = judge(&mut reply, Fault::None, &context()) else {
            panic!("not a failure");
        };
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(error.maybe_sent());
        assert_eq!(
            error.details().unwrap().message.as_deref(),
            Some("thread.id is missing or not a string")
        );
    }

    #[test]
    fn error_details_come_from_headers_and_body_without_the_token() {
        let mut reply = Fake {
            headers: vec![
                (Header::RetryAfter, "7"),
                (Header::RequestId, "req-sk%2Flive%2Btok%3D"),
            ],
            body: ErrorBody {
                code: Some("RATE_LIMITED".into()),
                message: Some(format!("slow down, {TOKEN}")),
                text: Some(r#"{"message":"slow down, sk\/live+tok="}"#.to_owned()),
                ..ErrorBody::default()
            },
            ..status(429)
        };
        let Verdict::Retry(error) = judge(&mut reply, Fault::None, &context()) else {
            panic!("not a retry");
        };
        let details = error.details().unwrap();
        assert_eq!(details.retry_after_ms, Some(7_000));
        assert_eq!(details.api_code.as_deref(), Some("RATE_LIMITED"));
        assert_eq!(details.message.as_deref(), Some("slow down, ***"));
        assert_eq!(details.request_id.as_deref(), Some("req-***"));
        assert_eq!(
            details.body.as_deref(),
            Some("{\"message\":\"slow down, ***\"}")
        );
        assert_eq!(reply.asked_units.get(), 2048 + 6 * 12);
        assert!(!error.message().contains("live"));
    }

    #[test]
    fn the_body_request_id_wins_over_the_header() {
        let mut reply = Fake {
            headers: vec![(Header::RequestId, "from-header")],
            body: ErrorBody {
                request_id: Some("from-body".into()),
                ..ErrorBody::default()
            },
            ..status(404)
        };
        let Verdict::Failed(error) = judge(&mut reply, Fault::None, &context()) else {
            panic!("not a failure");
        };
        assert_eq!(
            error.details().unwrap().request_id.as_deref(),
            Some("from-body")
        );
    }

    #[test]
    fn a_thrown_error_that_quotes_the_token_is_kept_only_in_words() {
        let mut reply = Fake {
            thrown: "TypeError: invalid header value \"Bearer sk/live+tok=\"",
            ..Fake::default()
        };
        let Verdict::Failed(error) = judge(&mut reply, Fault::Refused, &context()) else {
            panic!("not a failure");
        };
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
        assert!(!error.maybe_sent());
        let message = error.message();
        assert!(message.contains("nothing left this machine"), "{message}");
        assert!(message.contains("Bearer ***"), "{message}");
        let source = core::error::Error::source(&error).expect("a source");
        assert!(!source.to_string().contains("live"));
    }

    #[test]
    fn a_network_failure_keeps_its_cause_as_the_source() {
        let mut reply = Fake {
            thrown: "TypeError: fetch failed",
            ..Fake::default()
        };
        let Verdict::Failed(error) = judge(&mut reply, Fault::Network, &context()) else {
            panic!("not a failure");
        };
        let source = core::error::Error::source(&error).expect("a source");
        assert_eq!(source.to_string(), "TypeError: fetch failed");
        assert!(error.message().contains("fetch failed"));
    }

    #[test]
    fn a_timeout_says_how_long_it_waited() {
        let mut reply = Fake::default();
        let Verdict::Failed(error) = judge(&mut reply, Fault::TimedOut, &context()) else {
            panic!("not a failure");
        };
        assert!(error.message().contains("within 30000 ms"));
    }

    #[test]
    fn an_abort_before_sending_sent_nothing() {
        let context = Context {
            attempts: 2,
            ..context()
        };
        let Verdict::Failed(error) = judge(&mut Fake::default(), Fault::Idle, &context) else {
            panic!("not a failure");
        };
        assert_eq!(error.kind(), ErrorKind::Aborted);
        assert!(!error.maybe_sent());
        assert_eq!(error.details().unwrap().attempts, 2);
    }
}
