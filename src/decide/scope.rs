//! What a failure is about ([`Scope`]) and whether the same call, made again unchanged, may
//! succeed without ever delivering the DM twice. Decided once, here, from plain facts: the
//! kind, the status, the server's code, whether the call carried an idempotency key (v2),
//! whether the DM may have gone out, and what the error body said. Never from a message.

use crate::decide::error::{Error, ErrorKind};

/// What a failure is about: what has to change, or wait, before the call can succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// This request: its content, shape or key, or this one attempt's transport.
    Request,
    /// This prospect: not found, cannot receive DMs, ambiguous, a restricted thread.
    Recipient,
    /// The account link sending: disconnected, paused or offline, not found, not allowed, or
    /// X's per-sender limit.
    Sender,
    /// The team: the token, the plan, the workspace, the team's rate limit, X unavailable for
    /// everyone.
    Team,
}

impl Scope {
    /// The scope as a stable string (`"sender"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Request => "request",
            Scope::Recipient => "recipient",
            Scope::Sender => "sender",
            Scope::Team => "team",
        }
    }
}

impl core::fmt::Display for Scope {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// What the failure is about: this request, the recipient, the sender (the account link)
    /// or the team.
    pub fn scope(&self) -> Scope {
        scope(&self.facts())
    }

    /// True when making the same call again, unchanged (for a v2 send: with the error's
    /// idempotency key), after `retry_after_ms` or a backoff, may succeed and cannot deliver
    /// the DM twice. False when something must change first, and whenever the DM may have
    /// gone out without a key to protect it (settle it with `find_sent` first).
    pub fn is_retryable(&self) -> bool {
        retryable(&self.facts())
    }

    /// What [`Error::scope`] and [`Error::is_retryable`] decide from.
    fn facts(&self) -> Facts<'_> {
        let details = self.details();
        Facts {
            kind: self.kind(),
            status: details.and_then(|d| d.status),
            code: details.and_then(|d| d.api_code.as_deref()),
            keyed: details.is_some_and(|d| d.idempotency_key.is_some()),
            maybe_sent: self.maybe_sent(),
            link_status: details.and_then(|d| d.link_status.as_deref()),
            remaining: details.and_then(|d| Some(d.rate_limit.as_ref()?.remaining)),
        }
    }
}

/// What the decision reads from an error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Facts<'a> {
    /// The error's kind.
    pub(crate) kind: ErrorKind,
    /// The HTTP status, when an answer arrived.
    pub(crate) status: Option<u16>,
    /// The server's code.
    pub(crate) code: Option<&'a str>,
    /// The call carried an idempotency key (a v2 send): sending again with it cannot deliver
    /// twice.
    pub(crate) keyed: bool,
    /// The DM may have been delivered.
    pub(crate) maybe_sent: bool,
    /// v2 `accountLinkDisconnected`: the account link's `details.status`.
    pub(crate) link_status: Option<&'a str>,
    /// The team requests this answer's `X-RateLimit-Remaining` said were left.
    pub(crate) remaining: Option<u32>,
}

/// What the failure is about.
pub(crate) fn scope(facts: &Facts) -> Scope {
    if let Some(scope) = facts.code.and_then(code_scope) {
        return scope;
    }
    match facts.kind {
        ErrorKind::Unauthorized => Scope::Team,
        // The token was accepted (a refused one is 401): what it may not use is the account
        // link the request names.
        ErrorKind::Forbidden => Scope::Sender,
        // v1 answers X's per-sender limit and the team's with the same code; a refusal while
        // the team budget still had requests left is not the team's.
        ErrorKind::RateLimited
            if facts.status == Some(429) && facts.remaining.is_some_and(|left| left > 0) =>
        {
            Scope::Sender
        }
        ErrorKind::RateLimited => Scope::Team,
        // The API itself is unavailable: for every request of the team alike.
        ErrorKind::ServerError if facts.status == Some(503) => Scope::Team,
        ErrorKind::InvalidRequest
        | ErrorKind::BadRequest
        | ErrorKind::NotFound
        | ErrorKind::Conflict
        | ErrorKind::Unprocessable
        | ErrorKind::ServerError
        | ErrorKind::UnexpectedStatus
        | ErrorKind::Timeout
        | ErrorKind::Aborted
        | ErrorKind::Network
        | ErrorKind::Decode
        | ErrorKind::Unsettled => Scope::Request,
    }
}

/// The scope a server code names beyond what its status says (the README's error table gives
/// the reason for each).
fn code_scope(code: &str) -> Option<Scope> {
    Some(match code {
        "contactNotFound"
        | "threadNotFound"
        | "threadRestricted"
        | "profileAmbiguous"
        | "recipientUnavailable"
        | "THREAD_NOT_FOUND"
        | "PROSPECT_NOT_FOUND" => Scope::Recipient,
        "accountLinkNotFound"
        | "accountLinkDisconnected"
        | "integrationSetupRequired"
        | "platformRateLimited"
        | "ACCOUNT_LINK_NOT_FOUND" => Scope::Sender,
        "planRequired"
        | "platformNotAvailable"
        | "workspaceLocked"
        | "tagLimitReached"
        | "rateLimited"
        | "platformUnavailable" => Scope::Team,
        _ => return None,
    })
}

/// Whether making the same call again, unchanged (a v2 send with the error's key), after the
/// wait the answer named or a backoff, may succeed and cannot duplicate the DM.
pub(crate) fn retryable(facts: &Facts) -> bool {
    // A DM that may have gone out is settled first: without a key by `findSent`, and a
    // `sendUnconfirmed` one by reading the message, whatever the key says. A `sendUnconfirmed`
    // whose read found no such message was not sent: a new send is safe.
    if facts.maybe_sent && (!facts.keyed || facts.code == Some("sendUnconfirmed")) {
        return false;
    }
    match facts.kind {
        // The first request with the key is still being processed; a paused account link
        // resumes by itself (an offline one must be reconnected).
        ErrorKind::Conflict => match facts.code {
            Some("sendInProgress") => true,
            Some("accountLinkDisconnected") => facts.link_status == Some("paused"),
            _ => false,
        },
        // 501, 505 and the like say the request itself will never work.
        ErrorKind::ServerError => matches!(facts.status, Some(500 | 502..=504)),
        // A thread still syncing settles by itself: asking again later may answer.
        ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Unsettled => {
            true
        }
        ErrorKind::InvalidRequest
        | ErrorKind::BadRequest
        | ErrorKind::Unauthorized
        | ErrorKind::Forbidden
        | ErrorKind::NotFound
        | ErrorKind::Unprocessable
        | ErrorKind::UnexpectedStatus
        | ErrorKind::Aborted
        | ErrorKind::Decode => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::error::{Details, Error};
    use crate::input::types::RateLimit;
    use ErrorKind::*;
    use Scope::*;

    /// The call an answer ended: v1 (no key; `findSent`'s reads too) or v2 (keyed).
    #[derive(Clone, Copy, Debug)]
    enum Via {
        V1,
        V2,
    }

    /// One row: the answer (via, status, code, maybe sent as the verdict set it, link status,
    /// remaining budget) → (kind, scope, retryable).
    type Row = (
        Via,
        Option<u16>,
        Option<&'static str>,
        bool,
        Option<&'static str>,
        Option<u32>,
        ErrorKind,
        Scope,
        bool,
    );

    /// Every code of the vendor's v2 document (`components.schemas.*` with a `code`) and of
    /// the v1 list, and the statuses and failures with no code: the README's error table.
    #[rustfmt::skip]
    const TABLE: &[Row] = &[
        // v2: 400
        (Via::V2, Some(400), Some("invalidRequest"), false, None, None, BadRequest, Request, false),
        (Via::V2, Some(400), Some("invalidCursor"), false, None, None, BadRequest, Request, false),
        // v2: 401, 403
        (Via::V2, Some(401), Some("unauthorized"), false, None, None, Unauthorized, Team, false),
        (Via::V2, Some(403), Some("planRequired"), false, None, None, Forbidden, Team, false),
        (Via::V2, Some(403), Some("platformNotAvailable"), false, None, None, Forbidden, Team, false),
        (Via::V2, Some(403), Some("workspaceLocked"), false, None, None, Forbidden, Team, false),
        // v2: 404
        (Via::V2, Some(404), Some("accountLinkNotFound"), false, None, None, NotFound, Sender, false),
        (Via::V2, Some(404), Some("contactNotFound"), false, None, None, NotFound, Recipient, false),
        (Via::V2, Some(404), Some("threadNotFound"), false, None, None, NotFound, Recipient, false),
        (Via::V2, Some(404), Some("messageNotFound"), false, None, None, NotFound, Request, false),
        (Via::V2, Some(404), Some("memberNotFound"), false, None, None, NotFound, Request, false),
        (Via::V2, Some(404), Some("statusNotFound"), false, None, None, NotFound, Request, false),
        (Via::V2, Some(404), Some("tagNotFound"), false, None, None, NotFound, Request, false),
        // v2: 409
        (Via::V2, Some(409), Some("sendInProgress"), true, None, None, Conflict, Request, true),
        (Via::V2, Some(409), Some("accountLinkDisconnected"), false, Some("paused"), None, Conflict, Sender, true),
        (Via::V2, Some(409), Some("accountLinkDisconnected"), false, Some("offline"), None, Conflict, Sender, false),
        (Via::V2, Some(409), Some("accountLinkDisconnected"), false, Some("active"), None, Conflict, Sender, false),
        (Via::V2, Some(409), Some("accountLinkDisconnected"), false, None, None, Conflict, Sender, false),
        (Via::V2, Some(409), Some("integrationSetupRequired"), false, None, None, Conflict, Sender, false),
        (Via::V2, Some(409), Some("nameTaken"), false, None, None, Conflict, Request, false),
        // v2: 422
        (Via::V2, Some(422), Some("threadRestricted"), false, None, None, Unprocessable, Recipient, false),
        (Via::V2, Some(422), Some("contentRejected"), false, None, None, Unprocessable, Request, false),
        (Via::V2, Some(422), Some("capabilityNotSupported"), false, None, None, Unprocessable, Request, false),
        (Via::V2, Some(422), Some("messageNotModifiable"), false, None, None, Unprocessable, Request, false),
        (Via::V2, Some(422), Some("platformNotSupported"), false, None, None, Unprocessable, Request, false),
        (Via::V2, Some(422), Some("profileAmbiguous"), false, None, None, Unprocessable, Recipient, false),
        (Via::V2, Some(422), Some("recipientUnavailable"), false, None, None, Unprocessable, Recipient, false),
        (Via::V2, Some(422), Some("mutationWindowClosed"), false, None, None, Unprocessable, Request, false),
        (Via::V2, Some(422), Some("tagLimitReached"), false, None, None, Unprocessable, Team, false),
        (Via::V2, Some(422), Some("idempotencyKeyReused"), false, None, None, Unprocessable, Request, false),
        // v2: 429, 5xx (the verdict marks every 5xx maybe sent)
        (Via::V2, Some(429), Some("platformRateLimited"), false, None, Some(250), RateLimited, Sender, true),
        (Via::V2, Some(429), Some("rateLimited"), false, None, Some(0), RateLimited, Team, true),
        (Via::V2, Some(500), Some("internal"), true, None, None, ServerError, Request, true),
        (Via::V2, Some(502), Some("sendUnconfirmed"), true, None, None, ServerError, Request, false),
        (Via::V2, Some(502), Some("sendUnconfirmed"), false, None, None, ServerError, Request, true),
        (Via::V2, Some(502), Some("platformError"), true, None, None, ServerError, Request, true),
        (Via::V2, Some(503), Some("platformUnavailable"), true, None, None, ServerError, Team, true),
        (Via::V2, Some(504), None, true, None, None, ServerError, Request, true),
        (Via::V2, Some(501), None, true, None, None, ServerError, Request, false),
        (Via::V2, Some(408), None, false, None, None, Timeout, Request, true),
        (Via::V2, None, None, true, None, None, Timeout, Request, true),
        (Via::V2, None, None, true, None, None, Network, Request, true),
        (Via::V2, None, None, true, None, None, Aborted, Request, false),
        (Via::V2, Some(201), None, true, None, None, Decode, Request, false),
        // v2: a pacing hold (no answer)
        (Via::V2, None, None, false, None, None, RateLimited, Team, true),
        // v1: the documented codes and shapes
        (Via::V1, Some(401), Some("UNAUTHORIZED"), false, None, None, Unauthorized, Team, false),
        (Via::V1, Some(401), Some("Unauthorized"), false, None, None, Unauthorized, Team, false),
        (Via::V1, Some(403), Some("FORBIDDEN"), false, None, None, Forbidden, Sender, false),
        (Via::V1, Some(404), Some("THREAD_NOT_FOUND"), false, None, None, NotFound, Recipient, false),
        (Via::V1, Some(404), Some("PROSPECT_NOT_FOUND"), false, None, None, NotFound, Recipient, false),
        (Via::V1, Some(404), Some("ACCOUNT_LINK_NOT_FOUND"), false, None, None, NotFound, Sender, false),
        (Via::V1, Some(429), Some("RATE_LIMITED"), false, None, Some(0), RateLimited, Team, true),
        (Via::V1, Some(429), Some("RATE_LIMITED"), false, None, Some(41), RateLimited, Sender, true),
        (Via::V1, Some(429), Some("RATE_LIMITED"), false, None, None, RateLimited, Team, true),
        (Via::V1, Some(400), Some("BAD_REQUEST"), false, None, None, BadRequest, Request, false),
        // v1: statuses without a code (a proxy's page, an empty body)
        (Via::V1, Some(400), None, false, None, None, BadRequest, Request, false),
        (Via::V1, Some(401), None, false, None, None, Unauthorized, Team, false),
        (Via::V1, Some(403), None, false, None, None, Forbidden, Sender, false),
        (Via::V1, Some(404), None, false, None, None, NotFound, Request, false),
        (Via::V1, Some(408), None, false, None, None, Timeout, Request, true),
        (Via::V1, Some(409), None, false, None, None, Conflict, Request, false),
        (Via::V1, Some(422), None, false, None, None, Unprocessable, Request, false),
        (Via::V1, Some(429), None, false, None, None, RateLimited, Team, true),
        (Via::V1, Some(500), None, true, None, None, ServerError, Request, false),
        (Via::V1, Some(502), None, true, None, None, ServerError, Request, false),
        (Via::V1, Some(503), None, false, None, None, ServerError, Team, true),
        (Via::V1, Some(504), None, true, None, None, ServerError, Request, false),
        (Via::V1, Some(302), None, false, None, None, UnexpectedStatus, Request, false),
        (Via::V1, None, None, true, None, None, Timeout, Request, false),
        (Via::V1, None, None, true, None, None, Network, Request, false),
        (Via::V1, None, None, true, None, None, Aborted, Request, false),
        (Via::V1, None, None, false, None, None, Aborted, Request, false),
        (Via::V1, Some(200), None, true, None, None, Decode, Request, false),
        (Via::V1, None, None, false, None, None, InvalidRequest, Request, false),
        // Reads (findSent): nothing is sent, so every transient failure may be retried.
        (Via::V1, Some(500), None, false, None, None, ServerError, Request, true),
        (Via::V1, None, None, false, None, None, Timeout, Request, true),
        (Via::V1, None, None, false, None, None, Network, Request, true),
        // findSent: the thread still syncing after every read allowed.
        (Via::V1, None, None, false, None, None, Unsettled, Request, true),
    ];

    #[test]
    fn every_documented_code_has_its_scope_and_retryability() {
        for &(via, status, code, maybe_sent, link, remaining, kind, want_scope, want_retry) in TABLE
        {
            if let Some(status) = status.filter(|s| !(200..300).contains(s)) {
                assert_eq!(ErrorKind::for_status(status), kind, "{status} {code:?}");
            }
            let facts = Facts {
                kind,
                status,
                code,
                keyed: matches!(via, Via::V2),
                maybe_sent,
                link_status: link,
                remaining,
            };
            let row = (via, status, code, kind, link);
            assert_eq!(scope(&facts), want_scope, "{row:?}");
            assert_eq!(retryable(&facts), want_retry, "{row:?}");
        }
    }

    #[test]
    fn every_v2_code_of_the_vendors_document_has_a_row() {
        // The `code` of each `components.schemas.*` of reference/inbox-api-v2.openapi.json.
        const V2_CODES: [&str; 33] = [
            "unauthorized",
            "rateLimited",
            "internal",
            "invalidRequest",
            "workspaceLocked",
            "statusNotFound",
            "nameTaken",
            "tagNotFound",
            "tagLimitReached",
            "platformNotAvailable",
            "messageNotFound",
            "platformUnavailable",
            "platformError",
            "platformRateLimited",
            "integrationSetupRequired",
            "accountLinkDisconnected",
            "capabilityNotSupported",
            "contentRejected",
            "messageNotModifiable",
            "mutationWindowClosed",
            "threadRestricted",
            "sendUnconfirmed",
            "profileAmbiguous",
            "platformNotSupported",
            "recipientUnavailable",
            "idempotencyKeyReused",
            "sendInProgress",
            "planRequired",
            "accountLinkNotFound",
            "contactNotFound",
            "threadNotFound",
            "invalidCursor",
            "memberNotFound",
        ];
        for code in V2_CODES {
            assert!(
                TABLE.iter().any(|row| row.2 == Some(code)),
                "{code} has no row"
            );
        }
    }

    #[test]
    fn an_error_is_judged_by_its_own_details() {
        let error = |kind, details| Error::failed(kind, details);
        let paused = error(
            Conflict,
            Details {
                status: Some(409),
                api_code: Some("accountLinkDisconnected".into()),
                link_status: Some("paused".into()),
                idempotency_key: Some("k".into()),
                ..Details::default()
            },
        );
        assert_eq!((paused.scope(), paused.is_retryable()), (Sender, true));
        // The same 500 is retryable with a key, and not without one once it may have gone out.
        let failed = |key: Option<&str>| {
            error(
                ServerError,
                Details {
                    status: Some(500),
                    maybe_sent: true,
                    idempotency_key: key.map(str::to_owned),
                    ..Details::default()
                },
            )
        };
        assert!(failed(Some("k")).is_retryable());
        assert!(!failed(None).is_retryable());
        // A 429 is the sender's when the answer's own budget had requests left.
        let limited = |remaining| {
            error(
                RateLimited,
                Details {
                    status: Some(429),
                    rate_limit: Some(Box::new(RateLimit {
                        limit: 300,
                        remaining,
                        reset_at_ms: 0,
                    })),
                    ..Details::default()
                },
            )
        };
        assert_eq!(limited(12).scope(), Sender);
        assert_eq!(limited(0).scope(), Team);
        let invalid = Error::from(crate::input::validate::Invalid::new(
            "content",
            "is required",
        ));
        assert_eq!((invalid.scope(), invalid.is_retryable()), (Request, false));
        assert_eq!(Scope::Recipient.to_string(), "recipient");
    }
}
