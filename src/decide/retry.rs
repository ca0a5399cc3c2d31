//! The retry policy: retry only what the server said it did not process (408, 429, 503),
//! honour its requested wait, back off with jitter otherwise, and stop at the caller's limits.

use crate::decide::error::Error;
use crate::text::{ceil, parse_decimal, split_at_byte};

/// Backoff before the first retry when the server names no wait: about 0.5 s, then doubling.
const BACKOFF_BASE_MS: u32 = 500;
/// The longest backoff between attempts when the server names no wait.
const BACKOFF_CAP_MS: u32 = 8_000;

/// The caller's limits on retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Retries allowed after the first attempt.
    pub(crate) max_retries: u32,
    /// The longest wait to sit out, in milliseconds.
    pub(crate) max_delay_ms: u32,
}

/// After a retryable failure: wait this long and try again, or give the caller the error.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Wait this many milliseconds, then attempt again.
    Wait(u32),
    /// Stop: this is the caller's error.
    Stop(Error),
}

/// What follows a retryable `error` after `attempts` attempts. `random` is in `[0, 1)`.
pub(crate) fn next(error: Error, attempts: u32, limits: Limits, random: f64) -> Next {
    if attempts > limits.max_retries {
        return Next::Stop(error);
    }
    match error.details().and_then(|d| d.retry_after_ms) {
        // The server asks for longer than the caller allows: fail now, saying how long.
        Some(asked) if asked > u64::from(limits.max_delay_ms) => Next::Stop(error),
        Some(asked) => Next::Wait(asked as u32),
        None => Next::Wait(pause(attempts, limits, random)),
    }
}

/// The backoff after `attempts` attempts, never longer than the caller allows.
pub(crate) fn pause(attempts: u32, limits: Limits, random: f64) -> u32 {
    backoff(attempts, random).min(limits.max_delay_ms)
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
/// (seconds, or an HTTP date, which `ms_until` turns into milliseconds from now). `ms_until` is
/// the runtime's own date parser and clock (`Date.parse` and `Date.now` in wasm), asked only
/// for a date, because a Rust HTTP-date parser costs far more in the shipped package
/// (`bench/README.md`, "Why two pieces are hand-written").
pub(crate) fn retry_after_ms(
    retry_after_ms: Option<&str>,
    retry_after: Option<&str>,
    ms_until: impl FnOnce(&str) -> Option<f64>,
) -> Option<u64> {
    if let Some(ms) = retry_after_ms.and_then(whole_number) {
        return Some(ms);
    }
    let value = retry_after?.trim_ascii();
    if let Some(seconds) = whole_number(value) {
        return Some(seconds.saturating_mul(1000));
    }
    Some(ceil(ms_until(value)?.max(0.0)) as u64)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::error::{Details, ErrorKind};

    const LIMITS: Limits = Limits {
        max_retries: 2,
        max_delay_ms: 60_000,
    };

    fn rate_limited(retry_after_ms: Option<u64>) -> Error {
        Error::failed(
            ErrorKind::RateLimited,
            Details {
                retry_after_ms,
                ..Details::default()
            },
        )
    }

    #[test]
    fn the_servers_wait_is_honoured_within_the_limits() {
        // (asked, attempts) → next
        let table = [
            (Some(1_500), 1, Next::Wait(1_500)),
            (Some(60_000), 2, Next::Wait(60_000)),
            (Some(60_001), 1, Next::Stop(rate_limited(Some(60_001)))),
            (Some(0), 1, Next::Wait(0)),
            (Some(1_500), 3, Next::Stop(rate_limited(Some(1_500)))),
            (None, 1, Next::Wait(500)),
            (None, 2, Next::Wait(1_000)),
            (None, 3, Next::Stop(rate_limited(None))),
        ];
        for (asked, attempts, want) in table {
            assert_eq!(
                next(rate_limited(asked), attempts, LIMITS, 0.0),
                want,
                "{asked:?} after {attempts}"
            );
        }
    }

    #[test]
    fn backoff_never_exceeds_the_callers_longest_wait() {
        let limits = Limits {
            max_retries: 10,
            max_delay_ms: 700,
        };
        assert_eq!(next(rate_limited(None), 3, limits, 0.0), Next::Wait(700));
        let none = Limits {
            max_retries: 0,
            max_delay_ms: 60_000,
        };
        assert_eq!(
            next(rate_limited(None), 1, none, 0.0),
            Next::Stop(rate_limited(None))
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let table = [
            (1, 0.0, 500),
            (1, 0.999, 376),
            (2, 0.0, 1_000),
            (3, 0.5, 1_750),
            (5, 0.0, 8_000),
            (9, 0.0, 8_000),
            (40, 0.999, 6_002),
            (0, 0.0, 500),
        ];
        for (attempts, random, want) in table {
            assert_eq!(backoff(attempts, random), want, "{attempts} {random}");
        }
    }

    #[test]
    fn retry_after_reads_every_form() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        let date_ms = 784_111_777_000.0;
        let table = [
            ((Some("250"), Some("9")), date_ms, Some(250)),
            ((Some("1.5"), None), date_ms, Some(1)),
            ((Some("soon"), Some("3")), date_ms, Some(3_000)),
            ((None, Some(" 2 ")), date_ms, Some(2_000)),
            (
                (None, Some("Sun, 06 Nov 1994 08:49:37 GMT")),
                date_ms - 4_000.0,
                Some(4_000),
            ),
            (
                (None, Some("Sunday, 06-Nov-94 08:49:37 GMT")),
                date_ms - 1.0,
                Some(1),
            ),
            ((None, Some("Sun Nov  6 08:49:37 1994")), date_ms, Some(0)),
            (
                (None, Some("Sun, 06 Nov 1994 08:49:37 GMT")),
                date_ms + 9_000.0,
                Some(0),
            ),
            ((None, Some("-1")), date_ms, None),
            ((None, Some("tomorrow")), date_ms, None),
            ((None, None), date_ms, None),
        ];
        // The native stand-in for `Date.parse`.
        let date_ms = |text: &str| {
            let at = httpdate::parse_http_date(text).ok()?;
            Some(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as f64)
        };
        for ((ms, header), now, want) in table {
            let ms_until = |text: &str| Some(date_ms(text)? - now);
            assert_eq!(
                retry_after_ms(ms, header, ms_until),
                want,
                "{ms:?} {header:?}"
            );
        }
    }
}
