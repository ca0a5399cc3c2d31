//! What one call learnt from the answer it ended with ([`Meta`]), and the rate-limit budget an
//! answer reports ([`RateLimit`]).

use alloc::string::String;
use serde::{Deserialize, Serialize};
#[cfg(feature = "types")]
use tsify::Tsify;

use crate::text::parse_decimal;

/// The team's rate-limit budget as one answer's `X-RateLimit-*` headers reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the current window (`X-RateLimit-Limit`).
    pub limit: u32,
    /// Requests left in the current window (`X-RateLimit-Remaining`).
    pub remaining: u32,
    /// When the window resets, in Unix milliseconds (`X-RateLimit-Reset`, which is in seconds).
    #[serde(rename = "resetAt")]
    pub reset_at_ms: u64,
}

impl RateLimit {
    /// Reads the three headers (`reset` in Unix seconds); `None` unless all three are integers
    /// (the two counts below 2^32).
    pub fn from_headers(
        limit: Option<&str>,
        remaining: Option<&str>,
        reset: Option<&str>,
    ) -> Option<Self> {
        let int = |v: Option<&str>| parse_decimal(v?.trim_ascii());
        let count = |v: Option<&str>| u32::try_from(int(v)?).ok();
        Some(RateLimit {
            limit: count(limit)?,
            remaining: count(remaining)?,
            reset_at_ms: int(reset)?.checked_mul(1000)?,
        })
    }
}

/// What a successful call learnt from the answer it ended with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Meta {
    /// The HTTP status of the answer (v2: `201` sent now, `200` a replay of the key).
    pub status: u16,
    /// The answer's request id (`X-Request-Id`), to quote to the vendor's support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "types", tsify(optional))]
    pub request_id: Option<String>,
    /// How many HTTP attempts the call made, this answer's included.
    pub attempts: u32,
    /// The budget this answer's `X-RateLimit-*` headers reported, when it had them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "types", tsify(optional))]
    pub rate_limit: Option<RateLimit>,
    /// Set when the send was not answered with its result but settled afterwards: `"read"`
    /// when X did not confirm the send (`502 sendUnconfirmed`) and reading the message found
    /// that X has it. `status` is then the read's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "types", tsify(optional))]
    pub confirmed_by: Option<ConfirmedBy>,
}

/// How a send that was not answered with its result was confirmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ConfirmedBy {
    /// Reading the message (`GET /api/v2/messages/{id}`) found its `platformId`.
    Read,
}
