//! The retry policy: retry only what the server said it did not process (408, 429, 503),
//! honour its requested wait, back off with jitter otherwise.

use wasm_bindgen::JsValue;

use crate::error::{Details, Error, ErrorKind};
use crate::text::{parse_decimal, split_at_byte};

/// Backoff before the first retry when the server names no wait: about 0.5 s, then doubling.
const BACKOFF_BASE_MS: u32 = 500;
/// The longest backoff between attempts when the server names no wait.
const BACKOFF_CAP_MS: u32 = 8_000;

/// What to do after one attempt.
pub(crate) enum Verdict {
    /// Delivered; the parsed response.
    Sent(JsValue),
    /// Failed for good.
    Failed(Error),
    /// The server did not process the request; this is the error if no retry follows.
    Retry(Error),
}

/// Sorts a non-2xx answer into a final failure or a retry.
pub(crate) fn classify(status: u16, mut details: Details) -> Verdict {
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

/// How long to wait before the next attempt, or `None` when the server asks for longer than
/// `max_delay_ms` (then the caller should get the error and its `retry_after_ms` at once).
pub(crate) fn wait(error: &Error, attempts: u32, max_delay_ms: u32) -> Option<u32> {
    match error.details().and_then(|d| d.retry_after_ms) {
        Some(asked) if asked > u64::from(max_delay_ms) => None,
        Some(asked) => Some(asked as u32),
        None => Some(backoff(attempts, js_sys::Math::random()).min(max_delay_ms)),
    }
}

/// Exponential backoff with jitter: 500 ms · 2^(attempts-1), capped, minus up to a quarter.
/// `random` is in `[0, 1)`.
pub(crate) fn backoff(attempts: u32, random: f64) -> u32 {
    let exp = attempts.saturating_sub(1).min(5);
    let full = (BACKOFF_BASE_MS << exp).min(BACKOFF_CAP_MS);
    let jitter = (f64::from(full) * 0.25 * random) as u32;
    full - jitter.min(full / 4)
}

/// The server's requested wait: `retry-after-ms` (milliseconds) wins over `Retry-After`
/// (seconds, or an HTTP date).
pub(crate) fn retry_after_ms(
    retry_after_ms: Option<&str>,
    retry_after: Option<&str>,
) -> Option<u64> {
    if let Some(ms) = retry_after_ms.and_then(whole_number) {
        return Some(ms);
    }
    let value = retry_after?.trim_ascii();
    if let Some(seconds) = whole_number(value) {
        return Some(seconds.saturating_mul(1000));
    }
    let at = js_sys::Date::parse(value);
    if at.is_nan() {
        return None;
    }
    Some((at - js_sys::Date::now()).max(0.0).ceil() as u64)
}

/// The integer part of a non-negative decimal number (`"1.5"` → 1), without float parsing.
fn whole_number(text: &str) -> Option<u64> {
    let text = text.trim_ascii();
    let (int, frac) = split_at_byte(text, b'.').unwrap_or((text, ""));
    if int.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    parse_decimal(int)
}
