//! The team's rate-limit budget, as the last response reported it.

use crate::text::parse_decimal;

/// `X-RateLimit-*` from the last response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the current window.
    pub limit: u64,
    /// Requests left in the current window.
    pub remaining: u64,
    /// When the window resets, in Unix milliseconds.
    pub reset_at_ms: u64,
}

impl RateLimit {
    /// Reads the three headers (`reset` in Unix seconds); `None` unless all three are integers.
    pub fn from_headers(
        limit: Option<&str>,
        remaining: Option<&str>,
        reset: Option<&str>,
    ) -> Option<Self> {
        let int = |v: Option<&str>| parse_decimal(v?.trim_ascii());
        Some(RateLimit {
            limit: int(limit)?,
            remaining: int(remaining)?,
            reset_at_ms: int(reset)?.checked_mul(1000)?,
        })
    }
}
