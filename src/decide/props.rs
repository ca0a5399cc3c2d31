//! Seeded property runs over the decisions: random answers (any status, header values, error
//! bodies echoing the token in every form at random places, any fault) are judged without
//! panicking into errors that carry no 8-character piece of the token; retry waits stay within
//! the caller's limits; pacing and the reconcile scan keep their promises. `PROPTEST_CASES`
//! raises the case count (default 256).
//!
//! Bodies here are shorter than the read limit, so they reach the judge whole; echoes cut in
//! half by the read limit are `redact.rs`'s own tests and `tests/js/fuzz.test.mjs`'s (which
//! reads real bodies through the package).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::decide::answer::{judge, Call, Context, ErrorBody, Header, Reply, Verdict};
use crate::decide::error::{Cause, Error, ErrorKind};
use crate::decide::fault::Fault;
use crate::decide::pace::{hold_ms, merge};
use crate::decide::reconcile::{scan, Cursor, Entry, Page, Scan};
use crate::decide::redact::redact;
use crate::decide::retry::{backoff, next, retry_after_ms, Limits};
use crate::input::types::RateLimit;

/// Runs `test` on `strategy` with a fixed seed, so CI replays the same cases every time.
fn run<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]);
    let mut runner = TestRunner::new_with_rng(Config::with_cases(cases), rng);
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{failure}");
    }
}

/// Tokens of the characters that change form when echoed (no `*`, the redaction mark).
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9/+=%_.\"\\\\-]{12,40}".prop_filter("varied", |t| {
        t.bytes().collect::<std::collections::BTreeSet<_>>().len() >= 8
    })
}

/// Filler sharing no character with a token or with any escape (`\`, `%`, digits, hex letters).
fn filler() -> impl Strategy<Value = String> {
    "[!#&()*,:;<>?@\\[\\]^`{|}~ éñ😀\n]{0,120}"
}

/// The forms an echo takes: as sent, JSON-escaped, `\uXXXX` (either case), `%XX` (either
/// case), `encodeURIComponent`'s, and a mix chosen per character by `picks`.
fn encode(text: &str, form: usize, picks: &[usize]) -> String {
    let one = |c: char, form: usize| -> String {
        let b = c as u32;
        match form {
            0 => c.to_string(),
            1 => match c {
                '/' => "\\/".into(),
                '"' => "\\\"".into(),
                '\\' => "\\\\".into(),
                _ => c.to_string(),
            },
            2 => format!("\\u{b:04x}"),
            3 => format!("\\u{b:04X}"),
            4 => format!("%{b:02X}"),
            5 => format!("%{b:02x}"),
            _ if c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c) => c.to_string(),
            _ => format!("%{b:02X}"),
        }
    };
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            one(
                c,
                if form == 7 {
                    picks[i % picks.len()]
                } else {
                    form
                },
            )
        })
        .collect()
}

/// A text of filler with echoes of `token` in random forms.
fn echoing(token: &str, parts: &[(String, usize, Vec<usize>)]) -> String {
    parts
        .iter()
        .map(|(filler, form, picks)| format!("{filler}{}", encode(token, *form, picks)))
        .collect()
}

fn parts() -> BoxedStrategy<Vec<(String, usize, Vec<usize>)>> {
    prop::collection::vec(
        (filler(), 0usize..8, prop::collection::vec(0usize..7, 1..6)),
        0..4,
    )
    .boxed()
}

/// Asserts that `text` holds no 8-character piece of `token` in any form.
fn no_piece(text: &str, token: &str, what: &str) -> Result<(), TestCaseError> {
    for start in 0..=token.len().saturating_sub(8) {
        let piece = &token[start..start + 8];
        for form in 0..7 {
            let shown = encode(piece, form, &[0]);
            prop_assert!(!text.contains(&shown), "{what} holds {shown:?}: {text:?}");
        }
    }
    Ok(())
}

#[test]
fn redaction_leaves_no_piece_of_the_token_in_any_form() {
    run((token(), parts(), filler()), |(token, parts, tail)| {
        let text = format!("{}{tail}", echoing(&token, &parts));
        let clean = redact(&text, &token);
        no_piece(&clean, &token, "redacted text")?;
        // What is not an echo stays. (An echo's last character may match in a shorter form
        // than it was written in, `%` of `%25`: what is left, `25`, is no piece of the token.)
        for (filler, ..) in &parts {
            prop_assert!(
                clean.contains(filler.as_str()),
                "lost {filler:?}: {clean:?}"
            );
        }
        prop_assert!(clean.contains(tail.as_str()));
        Ok(())
    });
}

/// One attempt's answer, as plain data.
#[derive(Debug, Clone)]
struct Fake {
    status: Option<u16>,
    headers: Vec<(u8, String)>,
    shape_ok: bool,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    text: Option<String>,
    thrown: String,
}

const HEADERS: [Header; 6] = [
    Header::RetryAfterMs,
    Header::RetryAfter,
    Header::RequestId,
    Header::RateLimit,
    Header::RateRemaining,
    Header::RateReset,
];

impl Reply for Fake {
    fn status(&self) -> Option<u16> {
        self.status
    }
    fn header(&self, name: Header) -> Option<String> {
        let at = HEADERS.iter().position(|h| *h == name)? as u8;
        self.headers
            .iter()
            .find(|(h, _)| *h == at)
            .map(|(_, v)| v.clone())
    }
    fn check_success(&mut self) -> Result<(), String> {
        if self.shape_ok {
            Ok(())
        } else {
            Err("message.id is missing".to_owned())
        }
    }
    fn error_body(&self, _units: u32) -> ErrorBody {
        ErrorBody {
            code: self.code.clone(),
            message: self.message.clone(),
            request_id: self.request_id.clone(),
            text: self.text.clone(),
            ..ErrorBody::default()
        }
    }
    fn thrown(&self) -> Cause {
        Cause::new(self.thrown.clone(), None)
    }
    fn ms_until(&self, date: &str) -> Option<f64> {
        date.parse().ok()
    }
}

fn header_value(token: String) -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        "[0-9. -]{0,12}",
        any::<String>(),
        Just(token),
    ]
}

#[test]
fn any_answer_is_judged_into_a_token_free_error_of_its_kind() {
    let answer = token().prop_flat_map(|token| {
        let echo = parts()
            .prop_map({
                let token = token.clone();
                move |p| echoing(&token, &p)
            })
            .boxed();
        let field = proptest::option::of(echo.clone());
        (
            Just(token.clone()),
            proptest::option::of(prop_oneof![0u16..1000, 100u16..600]),
            prop::collection::vec((0u8..6, header_value(token)), 0..6),
            any::<bool>(),
            (field.clone(), field.clone(), field.clone(), field),
            echo,
            (0usize..6, 0usize..3, 1u32..5),
        )
    });
    run(
        answer,
        |(
            token,
            status,
            headers,
            shape_ok,
            (code, message, request_id, text),
            thrown,
            (fault, call, attempts),
        )| {
            let mut reply = Fake {
                status,
                headers,
                shape_ok,
                code,
                message,
                request_id,
                text,
                thrown,
            };
            let fault = [
                Fault::Idle,
                Fault::None,
                Fault::Aborted,
                Fault::TimedOut,
                Fault::Refused,
                Fault::Network,
            ][fault];
            let call = [Call::SendV1, Call::SendV2, Call::Read][call];
            let context = Context {
                call,
                key: Some("key-1"),
                token: &token,
                attempts,
                timeout_ms: 1000,
            };
            let error = match judge(&mut reply, fault, &context) {
                Verdict::Sent => {
                    prop_assert!(
                        fault == Fault::None
                            && status.is_some_and(|s| (200..300).contains(&s))
                            && shape_ok
                    );
                    return Ok(());
                }
                Verdict::Failed(error) | Verdict::Retry(error) => error,
            };
            no_piece(&error.message(), &token, "message")?;
            let Some(details) = error.details() else {
                // Only a request the runtime refused to build is the caller's to fix.
                prop_assert!(fault == Fault::Refused && error.kind() == ErrorKind::InvalidRequest);
                return Ok(());
            };
            prop_assert_eq!(details.attempts, attempts);
            for (what, text) in [
                ("apiCode", &details.api_code),
                ("message", &details.message),
                ("requestId", &details.request_id),
                ("body", &details.body),
            ] {
                if let Some(text) = text {
                    no_piece(text, &token, what)?;
                }
            }
            if let Some(cause) = &details.cause {
                no_piece(cause.description(), &token, "cause")?;
            }
            // A complete non-2xx answer is the kind its status names (v2's 409/5xx and reads may
            // say more; redirects and other statuses are unexpected_status).
            if let (Fault::None, Some(s), Call::SendV1) = (fault, status, call) {
                if !(200..300).contains(&s) {
                    prop_assert_eq!(error.kind(), ErrorKind::for_status(s));
                }
            }
            Ok(())
        },
    );
}

fn failure(retry_after_ms: Option<u64>) -> Error {
    let details = crate::decide::error::Details {
        retry_after_ms,
        ..Default::default()
    };
    Error::failed(ErrorKind::RateLimited, details)
}

#[test]
fn retry_waits_stay_within_the_callers_limits() {
    let strategy = (
        proptest::option::of(any::<u64>()),
        1u32..20,
        0u32..10,
        any::<u32>(),
        0.0f64..1.0,
    );
    run(
        strategy,
        |(asked, attempts, max_retries, max_delay_ms, random)| {
            let limits = Limits {
                max_retries,
                max_delay_ms,
            };
            match next(failure(asked), attempts, limits, random) {
                crate::decide::retry::Next::Wait(ms) => {
                    prop_assert!(attempts <= max_retries, "retried past max_retries");
                    prop_assert!(ms <= max_delay_ms, "waits {ms} > {max_delay_ms}");
                    if let Some(asked) = asked {
                        prop_assert_eq!(u64::from(ms), asked);
                    }
                }
                crate::decide::retry::Next::Stop(error) => {
                    prop_assert!(
                        attempts > max_retries
                            || asked.is_some_and(|a| a > u64::from(max_delay_ms))
                    );
                    prop_assert_eq!(error.kind(), ErrorKind::RateLimited);
                }
            }
            let full = (500u32 << (attempts - 1).min(5)).min(8_000);
            let wait = backoff(attempts, random);
            prop_assert!(
                wait <= full && wait >= full - full / 4,
                "backoff {wait} for {full}"
            );
            Ok(())
        },
    );
}

#[test]
fn retry_after_values_are_read_without_panicking() {
    let value = || {
        proptest::option::of(prop_oneof![
            any::<String>(),
            "[0-9. ]{0,25}",
            any::<u64>().prop_map(|n| n.to_string())
        ])
    };
    run((value(), value()), |(ms, seconds)| {
        let read = retry_after_ms(ms.as_deref(), seconds.as_deref(), |d| d.parse().ok());
        if let Some(whole) = ms
            .as_deref()
            .and_then(|v| v.trim_ascii().parse::<u64>().ok())
        {
            prop_assert_eq!(read, Some(whole));
        }
        Ok(())
    });
}

fn budget() -> impl Strategy<Value = Option<RateLimit>> {
    proptest::option::of(
        (0u64..1000, 0u64..1000, 0u64..200_000).prop_map(|(l, r, reset)| {
            RateLimit::from_headers(
                Some(&l.to_string()),
                Some(&r.to_string()),
                Some(&reset.to_string()),
            )
            .unwrap()
        }),
    )
}

#[test]
fn pacing_holds_only_what_the_budget_would_refuse_and_never_past_the_reset() {
    run(
        (budget(), budget(), any::<bool>(), 0u32..2000, 0.0f64..2.0e8),
        |(known, other, answered, in_flight, now)| {
            let hold = hold_ms(known, answered, in_flight, now);
            if let Some(b) = known {
                let reset = b.reset_at_ms as f64;
                let left = if now >= reset { b.limit } else { b.remaining };
                prop_assert_eq!(hold == 0, left > in_flight);
                if now < reset {
                    prop_assert!(f64::from(hold) <= (reset - now).ceil());
                }
            }
            if let Some(new) = other {
                let kept = merge(known, new);
                let latest = known.map_or(new.reset_at_ms, |k| k.reset_at_ms.max(new.reset_at_ms));
                prop_assert_eq!(kept.reset_at_ms, latest);
                if known.is_some_and(|k| k.reset_at_ms == new.reset_at_ms) {
                    prop_assert_eq!(kept.remaining, known.unwrap().remaining.min(new.remaining));
                }
            }
            Ok(())
        },
    );
}

#[test]
fn the_reconcile_scan_finds_only_the_newest_match_not_written_by_the_prospect() {
    let entry = (
        proptest::option::of(prop_oneof![
            Just("dm".to_owned()),
            Just("dm ".to_owned()),
            any::<String>()
        ]),
        proptest::option::of(prop_oneof![
            Just("prospect".to_owned()),
            Just("acct".to_owned()),
            any::<String>()
        ]),
        proptest::option::of(prop_oneof![
            (0u32..2000).prop_map(|n| n.to_string()),
            any::<String>()
        ]),
    );
    let page = (
        prop::collection::vec(entry, 0..8),
        any::<bool>(),
        0.0f64..2000.0,
    );
    run(page, |(entries, more, bound)| {
        let page = Page {
            messages: entries
                .into_iter()
                .map(|(content, author_id, created_at)| Entry {
                    content,
                    author_id,
                    created_at,
                })
                .collect(),
            next_cursor: more.then(|| Cursor {
                id: "m".into(),
                timestamp: "t".into(),
            }),
            syncing: false,
        };
        let prospect = |id: &str| id == "prospect";
        let date = |d: &str| d.parse::<f64>().ok();
        let counts = |e: &Entry| {
            e.content.as_deref() == Some("dm") && !e.author_id.as_deref().is_some_and(prospect)
        };
        let old = |e: &Entry| {
            e.created_at
                .as_deref()
                .and_then(date)
                .is_some_and(|at| at < bound)
        };
        let first_old = page
            .messages
            .iter()
            .position(old)
            .unwrap_or(page.messages.len());
        let expected = match page.messages[..first_old].iter().position(counts) {
            Some(i) => Scan::Found(i),
            None if first_old < page.messages.len() => Scan::Absent,
            None if more && !page.messages.is_empty() => Scan::Next,
            None => Scan::Absent,
        };
        prop_assert_eq!(scan(&page, "dm", prospect, bound, date), expected);
        Ok(())
    });
}
