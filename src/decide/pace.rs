//! Pacing: whether a request may go now, given the team budget the last answers reported and
//! the client's own requests in flight, or how long to hold it so it draws no 429.

use crate::input::types::RateLimit;
use crate::text::ceil;

/// How often a held request asks again while the budget is not known yet (the first answer
/// is still on its way) or a full window's worth of requests is in flight.
pub(crate) const POLL_MS: u32 = 20;

/// Milliseconds to hold the next request before asking again; 0 when it may go now.
///
/// No budget known: before any answer (`answered` false), one request at a time until the
/// first answer reports it; after answers that reported none (a server or proxy without
/// `X-RateLimit-*`), no hold: there is nothing to go by. Known budget: a request goes while the
/// window's remaining count (the full limit once the window has reset) exceeds the requests in
/// flight, which the server may not have counted yet; otherwise it waits for the window to
/// reset.
pub(crate) fn hold_ms(
    budget: Option<RateLimit>,
    answered: bool,
    in_flight: u32,
    now_ms: f64,
) -> u32 {
    let Some(budget) = budget else {
        return if answered || in_flight == 0 {
            0
        } else {
            POLL_MS
        };
    };
    let reset_at = budget.reset_at_ms as f64;
    let remaining = if now_ms >= reset_at {
        budget.limit
    } else {
        budget.remaining
    };
    if remaining > in_flight {
        0
    } else if now_ms < reset_at {
        ceil(reset_at - now_ms).min(f64::from(u32::MAX)) as u32
    } else {
        POLL_MS
    }
}

/// The budget to keep after an answer reported `new`: a later window replaces the old one; the
/// same window keeps the lower remaining count (answers can arrive out of order); an answer
/// from an earlier window changes nothing.
pub(crate) fn merge(old: Option<RateLimit>, new: RateLimit) -> RateLimit {
    match old {
        Some(old) if old.reset_at_ms > new.reset_at_ms => old,
        Some(old) if old.reset_at_ms == new.reset_at_ms => RateLimit {
            remaining: old.remaining.min(new.remaining),
            ..new
        },
        _ => new,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(limit: u32, remaining: u32, reset_at_ms: u64) -> Option<RateLimit> {
        Some(RateLimit {
            limit,
            remaining,
            reset_at_ms,
        })
    }

    #[test]
    fn requests_are_held_only_when_the_budget_says_they_would_be_refused() {
        // (budget, in flight, now) → hold, before any answer
        let table = [
            (None, 0, 0.0, 0),
            (None, 1, 0.0, POLL_MS),
            (budget(50, 10, 60_000), 9, 1_000.0, 0),
            (budget(50, 10, 60_000), 10, 1_000.0, 59_000),
            (budget(50, 0, 60_000), 0, 59_999.5, 1),
            (budget(50, 0, 60_000), 0, 60_000.0, 0),
            (budget(50, 0, 60_000), 49, 61_000.0, 0),
            (budget(50, 0, 60_000), 50, 61_000.0, POLL_MS),
        ];
        for (known, in_flight, now, want) in table {
            assert_eq!(
                hold_ms(known, false, in_flight, now),
                want,
                "{known:?} {in_flight} {now}"
            );
        }
    }

    #[test]
    fn answers_without_a_budget_leave_nothing_to_pace_by() {
        assert_eq!(hold_ms(None, true, 16, 0.0), 0);
        // A budget, once known, paces whatever came before.
        assert_eq!(hold_ms(budget(5, 0, 60_000), true, 0, 1_000.0), 59_000);
    }

    #[test]
    fn answers_out_of_order_never_raise_the_budget() {
        let first = budget(50, 10, 60_000).unwrap();
        let stale = RateLimit {
            remaining: 12,
            ..first
        };
        assert_eq!(merge(Some(first), stale).remaining, 10);
        let older = budget(50, 49, 0).unwrap();
        assert_eq!(merge(Some(first), older), first);
        let next = budget(50, 49, 120_000).unwrap();
        assert_eq!(merge(Some(first), next), next);
        assert_eq!(merge(None, first), first);
    }
}
