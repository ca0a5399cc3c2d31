//! Settling a v2 send answered `502 sendUnconfirmed`. The vendor says that answer must never be
//! sent again: X may have the DM, and the idempotency key no longer protects it. The answer
//! names the message, so the call reads it instead: a `platformId` means X has it (sent), a
//! `404` that it was never sent (a new send is safe), and anything else leaves it uncertain.

use crate::decide::answer::Verdict;
use crate::decide::error::Error;
use crate::decide::retry::{self, Limits};

/// The vendor's code for a send X has not confirmed.
const SEND_UNCONFIRMED: &str = "sendUnconfirmed";

/// What one read of the message said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// X has it: the message carries a `platformId`.
    Delivered,
    /// The message exists without a `platformId`: X has not confirmed it yet.
    Pending,
    /// `404`: there is no such message, so the DM was never sent.
    Missing,
    /// The read itself failed; `retryable` when reading again may answer.
    Failed {
        /// Whether another read may answer (a timeout, a 429, a 5xx).
        retryable: bool,
    },
}

/// What follows a read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Settled {
    /// The DM is sent: resolve with the message read.
    Sent,
    /// Read again after this many milliseconds.
    Wait(u32),
    /// Reject with the `sendUnconfirmed` error, settled: `maybe_sent` unless X never got it.
    Stop {
        /// Whether the DM may have been delivered.
        maybe_sent: bool,
    },
}

/// The message a failed v2 send asks to read before anything else: the one a
/// `sendUnconfirmed` answer names.
pub(crate) fn to_read(error: &Error) -> Option<&str> {
    let details = error.details()?;
    match details.api_code.as_deref() {
        Some(SEND_UNCONFIRMED) => details.message_id.as_deref(),
        _ => None,
    }
}

/// What a read's verdict says of the message: `None` when it answered `200` without a
/// `platformId` (X has not confirmed it yet).
pub(crate) fn read(verdict: Option<&Verdict>) -> Read {
    match verdict {
        None => Read::Pending,
        Some(Verdict::Sent) => Read::Delivered,
        Some(Verdict::Retry(_)) => Read::Failed { retryable: true },
        Some(Verdict::Failed(error)) => match error.details().and_then(|d| d.status) {
            Some(404) => Read::Missing,
            _ => Read::Failed { retryable: false },
        },
    }
}

/// How long to wait before read number `reads + 1` (the first one too: X needs a moment).
/// `random` is in `[0, 1)`.
pub(crate) fn wait_ms(reads: u32, limits: Limits, random: f64) -> u32 {
    retry::pause(reads + 1, limits, random)
}

/// After read number `reads` of the message: sent, read again, or the end. At most
/// `max_retries` reads are made (at least one).
pub(crate) fn after_read(read: Read, reads: u32, limits: Limits, random: f64) -> Settled {
    match read {
        Read::Delivered => Settled::Sent,
        Read::Missing => Settled::Stop { maybe_sent: false },
        Read::Pending | Read::Failed { retryable: true } if reads < limits.max_retries.max(1) => {
            Settled::Wait(wait_ms(reads, limits, random))
        }
        _ => Settled::Stop { maybe_sent: true },
    }
}

/// The `sendUnconfirmed` error once its message was read (`attempts`: the send's and the
/// reads'): `maybe_sent` unless X never received it, which its message then says. The
/// idempotency key is dropped: the vendor released it, so sending again with it is a new send.
pub(crate) fn settled(mut unconfirmed: Error, maybe_sent: bool, attempts: u32) -> Error {
    let Error::Failed(_, details) = &mut unconfirmed else {
        return unconfirmed;
    };
    if !maybe_sent {
        details.message = Some("X never got it: no such message".into());
    }
    details.maybe_sent = maybe_sent;
    details.attempts = attempts;
    details.idempotency_key = None;
    unconfirmed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::error::{Details, ErrorKind};

    const LIMITS: Limits = Limits {
        max_retries: 2,
        max_delay_ms: 60_000,
    };

    fn unconfirmed() -> Error {
        Error::failed(
            ErrorKind::ServerError,
            Details {
                status: Some(502),
                api_code: Some("sendUnconfirmed".into()),
                message: Some("Send not confirmed".into()),
                maybe_sent: true,
                attempts: 1,
                idempotency_key: Some("k1".into()),
                message_id: Some("m1".into()),
                ..Details::default()
            },
        )
    }

    #[test]
    fn only_a_send_unconfirmed_with_a_message_id_is_read() {
        assert_eq!(to_read(&unconfirmed()), Some("m1"));
        let other = |code: &str, id: Option<&str>| {
            Error::failed(
                ErrorKind::ServerError,
                Details {
                    api_code: Some(code.into()),
                    message_id: id.map(Into::into),
                    ..Details::default()
                },
            )
        };
        assert_eq!(to_read(&other("sendUnconfirmed", None)), None);
        assert_eq!(to_read(&other("sendInProgress", Some("m1"))), None);
        assert_eq!(to_read(&other("platformError", Some("m1"))), None);
    }

    #[test]
    fn each_read_decides_sent_wait_or_stop() {
        let retryable = Read::Failed { retryable: true };
        let final_ = Read::Failed { retryable: false };
        let maybe = Settled::Stop { maybe_sent: true };
        let not_sent = Settled::Stop { maybe_sent: false };
        // (read, reads so far) → what follows
        let table = [
            (Read::Delivered, 1, Settled::Sent),
            (Read::Delivered, 2, Settled::Sent),
            (Read::Pending, 1, Settled::Wait(1_000)),
            (retryable, 1, Settled::Wait(1_000)),
            (Read::Pending, 2, maybe),
            (retryable, 2, Settled::Stop { maybe_sent: true }),
            (final_, 1, Settled::Stop { maybe_sent: true }),
            (Read::Missing, 1, not_sent),
            (Read::Missing, 2, Settled::Stop { maybe_sent: false }),
        ];
        for (read, reads, want) in table {
            assert_eq!(
                after_read(read, reads, LIMITS, 0.0),
                want,
                "{read:?} after {reads}"
            );
        }
    }

    #[test]
    fn a_reads_verdict_says_what_x_has() {
        let failed = |status| {
            Verdict::Failed(Error::failed(
                ErrorKind::for_status(status),
                Details {
                    status: Some(status),
                    ..Details::default()
                },
            ))
        };
        assert_eq!(read(None), Read::Pending);
        assert_eq!(read(Some(&Verdict::Sent)), Read::Delivered);
        assert_eq!(read(Some(&failed(404))), Read::Missing);
        assert_eq!(read(Some(&failed(401))), Read::Failed { retryable: false });
        assert_eq!(
            read(Some(&Verdict::Retry(unconfirmed()))),
            Read::Failed { retryable: true }
        );
    }

    #[test]
    fn at_least_one_read_and_waits_that_grow() {
        let none = Limits {
            max_retries: 0,
            max_delay_ms: 60_000,
        };
        assert_eq!(
            after_read(Read::Pending, 1, none, 0.0),
            Settled::Stop { maybe_sent: true }
        );
        assert_eq!(wait_ms(0, LIMITS, 0.0), 500);
        let short = Limits {
            max_retries: 2,
            max_delay_ms: 300,
        };
        assert_eq!(wait_ms(0, short, 0.0), 300);
    }

    #[test]
    fn the_errors_keep_the_facts_and_say_what_the_read_found() {
        let missing = settled(unconfirmed(), false, 2);
        let details = missing.details().unwrap();
        assert_eq!(missing.kind(), ErrorKind::ServerError);
        assert_eq!(details.api_code.as_deref(), Some("sendUnconfirmed"));
        assert_eq!(details.message_id.as_deref(), Some("m1"));
        assert_eq!(details.status, Some(502));
        assert_eq!(details.attempts, 2);
        assert!(!details.maybe_sent);
        assert_eq!(details.idempotency_key, None);
        let text = missing.message();
        assert!(text.contains("X never got it"), "{text}");

        let pending = settled(unconfirmed(), true, 3);
        let text = pending.message();
        assert!(pending.maybe_sent());
        assert_eq!(pending.details().unwrap().idempotency_key, None);
        assert!(text.contains("Send not confirmed"), "{text}");
        assert!(text.contains("read message m1 later"), "{text}");
        assert!(!text.contains("is safe"), "{text}");
    }
}
