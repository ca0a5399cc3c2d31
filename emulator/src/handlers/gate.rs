//! The front door both API versions share: the bearer token, the team's windows, and the
//! headers that report them. Each version words its own refusals.

use crate::http::{Request, Response};
use crate::model::limits::{self, Limit, Verdict};
use crate::model::state::State;

/// What the front door decided.
pub enum Admission {
    /// Missing, wrong or refused token (not counted): the team's window as it stands.
    Unauthorized(Verdict),
    /// A team window is full (counted in the stats); the window that refused.
    Limited(Verdict),
    /// Counted against every team window; the tightest.
    Admitted(Verdict),
}

/// Checks the token (and that Inbox is not refusing it), then counts the request against the
/// team windows.
pub fn admit(state: &mut State, req: &Request, now: u64) -> Admission {
    if !authorized(state, req) || state.outages.token_refused(now) {
        return Admission::Unauthorized(state.rate_peek(now));
    }
    let info = state.rate_consume(now);
    if info.limited {
        state.stats.limited_team += 1;
        Admission::Limited(info)
    } else {
        Admission::Admitted(info)
    }
}

/// Whether the request carries the accepted bearer token.
fn authorized(state: &State, req: &Request) -> bool {
    let Some(value) = req.header("authorization") else {
        return false;
    };
    let Some((scheme, token)) = value.split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer") && token.trim() == state.settings.token
}

/// The length, in words, of the window a verdict over `limits` names (`minute`, `15 minutes`).
pub fn window_words(limits: &[Limit], v: Verdict, fallback_ms: u64) -> String {
    limits::window_words(limits.get(v.index).map_or(fallback_ms, |l| l.window_ms))
}

/// Adds the `X-RateLimit-*` headers.
pub fn with_rate_headers(r: Response, info: Verdict) -> Response {
    r.header("X-RateLimit-Limit", info.limit.to_string())
        .header("X-RateLimit-Remaining", info.remaining.to_string())
        .header(
            "X-RateLimit-Reset",
            info.reset_ms.div_ceil(1000).to_string(),
        )
}

/// Adds `Retry-After` (whole seconds, at least 1) and `retry-after-ms`.
pub fn with_retry_after(r: Response, ms: u64) -> Response {
    r.header("Retry-After", retry_after_secs(ms).to_string())
        .header("retry-after-ms", ms.to_string())
}

/// A wait in whole seconds, at least 1 (`Retry-After`, `retryAfterSeconds`, messages).
pub fn retry_after_secs(ms: u64) -> u64 {
    ms.div_ceil(1000).max(1)
}
