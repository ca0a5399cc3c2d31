//! Seeded property runs over the input layer: random requests, options and header values never
//! panic, every rejection names a field and a rule, and what goes on the wire carries the
//! caller's strings byte for byte (the request bodies through serde_json, the query values
//! through percent-decoding). `PROPTEST_CASES` raises the case count (default 256).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::input::body::{encode, encode_send};
use crate::input::options::ClientOptions;
use crate::input::query::lookup_path;
use crate::input::types::{RateLimit, Recipient, SendMessageRequest, SendRequest, Target};
use crate::input::validate::{self, Invalid, MAX_CONTENT_CHARS};

/// Runs `test` on `strategy` with a fixed seed, so CI replays the same cases every time.
fn run<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let config = Config::with_cases(cases());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{failure}");
    }
}

/// The case count: `PROPTEST_CASES`, else 256.
pub(crate) fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Any text: mostly short, sometimes the ids' alphabets, sometimes long, any Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "[0-9a-z]{1,12}",
        2 => "[0-9]{1,20}",
        1 => "[ \t\n\u{200B}\u{FEFF}]{0,4}",
        1 => "[@:/a-z0-9]{0,20}",
        1 => (0usize..3, any::<char>()).prop_map(|(n, c)| c.to_string().repeat(MAX_CONTENT_CHARS - 1 + n)),
    ]
}

fn recipient() -> impl Strategy<Value = Recipient> {
    prop_oneof![
        text().prop_map(Recipient::PlatformId),
        text().prop_map(Recipient::ExternalId),
        (text(), text()).prop_map(|(p, e)| Recipient::from_ids(Some(p), Some(e)).unwrap()),
    ]
}

fn request() -> impl Strategy<Value = SendMessageRequest> {
    (text(), recipient(), text()).prop_map(|(a, r, c)| SendMessageRequest::new(a, r, c))
}

fn send_request() -> impl Strategy<Value = SendRequest> {
    let target = prop_oneof![
        text().prop_map(Target::thread),
        (text(), text()).prop_map(|(a, c)| Target::contact(a, c)),
        (text(), text()).prop_map(|(a, p)| Target::x_user(a, p)),
        (text(), text(), text()).prop_map(|(account_link_id, platform, platform_id)| {
            Target::Profile {
                account_link_id,
                platform,
                platform_id,
            }
        }),
    ];
    (target, text(), proptest::option::of(text())).prop_map(|(t, c, reply)| {
        let request = SendRequest::new(t, c);
        match reply {
            Some(id) => request.reply_to(id),
            None => request,
        }
    })
}

/// A rejection names a field the caller can find, and a rule a person can read.
fn names_field_and_rule(invalid: &Invalid, fields: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(
        fields.contains(&&*invalid.field),
        "unknown field {:?}",
        invalid.field
    );
    prop_assert!(invalid.rule.len() > 8, "rule too short: {:?}", invalid.rule);
    prop_assert!(invalid.to_string().starts_with(&*invalid.field));
    Ok(())
}

/// The content rule restated: not empty, not blank, at most 10,000 scalar values.
fn content_ok(content: &str) -> bool {
    let blank = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '\u{200B}'
                    ..='\u{200D}'
                        | '\u{2060}'
                        | '\u{FEFF}'
                        | '\u{180E}'
                        | '\u{115F}'
                        | '\u{1160}'
                        | '\u{3164}'
                        | '\u{FFA0}'
            )
    };
    !content.chars().all(blank) && content.chars().count() <= MAX_CONTENT_CHARS
}

#[test]
fn v1_requests_are_judged_without_panicking_and_rejections_name_field_and_rule() {
    run(request(), |r| {
        match validate::request(&r) {
            Err(invalid) => names_field_and_rule(
                &invalid,
                &[
                    "accountLinkId",
                    "content",
                    "externalPlatformId",
                    "externalId",
                ],
            )?,
            Ok(()) => {
                prop_assert!(!r.account_link_id.is_empty());
                prop_assert!(r
                    .account_link_id
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()));
                prop_assert!(content_ok(&r.content), "accepted content {:?}", r.content);
                if let Some(id) = r.recipient.platform_id() {
                    prop_assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
                }
            }
        }
        prop_assert_eq!(
            validate::content(&r.content).is_ok(),
            content_ok(&r.content)
        );
        Ok(())
    });
}

#[test]
fn v2_requests_are_judged_without_panicking_and_rejections_name_field_and_rule() {
    let fields = [
        "target.threadId",
        "target.accountLinkId",
        "target.contactId",
        "target.platform",
        "target.platformId",
        "content",
        "replyToMessageId",
    ];
    run(send_request(), |r| {
        if let Err(invalid) = validate::send_request(&r) {
            names_field_and_rule(&invalid, &fields)?;
        }
        Ok(())
    });
}

#[test]
fn options_tokens_and_keys_are_judged_without_panicking() {
    let strategy = (
        text(),
        text(),
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        text(),
    );
    run(
        strategy,
        |(token, base_url, timeout, retries, delay, key)| {
            let options = ClientOptions::new(token.clone())
                .base_url(base_url)
                .timeout_ms(timeout)
                .max_retries(retries)
                .max_retry_delay_ms(delay);
            let fields = [
                "token",
                "baseUrl",
                "timeoutMs",
                "maxRetries",
                "maxRetryDelayMs",
            ];
            match options.validate() {
                Err(invalid) => names_field_and_rule(&invalid, &fields)?,
                Ok(base) => {
                    prop_assert!(
                        base.starts_with("https://") || base.starts_with("http://"),
                        "{base}"
                    );
                    prop_assert!(validate::token(&token).is_ok());
                }
            }
            if let Err(invalid) = validate::idempotency_key(&key) {
                names_field_and_rule(&invalid, &["idempotencyKey"])?;
            }
            Ok(())
        },
    );
}

#[test]
fn request_bodies_round_trip_through_serde_json_byte_exact() {
    run((request(), send_request()), |(r, s)| {
        let v1: serde_json::Value =
            serde_json::from_str(&encode(&r)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(v1["accountLinkId"].as_str(), Some(&*r.account_link_id));
        prop_assert_eq!(v1["content"].as_str(), Some(&*r.content));
        prop_assert_eq!(
            v1.get("externalPlatformId").and_then(|v| v.as_str()),
            r.recipient.platform_id()
        );
        prop_assert_eq!(
            v1.get("externalId").and_then(|v| v.as_str()),
            r.recipient.external_id()
        );

        let back: SendRequest = serde_json::from_str(&encode_send(&s))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, s);
        Ok(())
    });
}

/// Percent-decodes a query value; `None` if anything but unreserved bytes and `%XX` is there.
fn percent_decode(value: &str) -> Option<Vec<u8>> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(at + 1..at + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                at += 3;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') => {
                out.push(b);
                at += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

#[test]
fn lookup_queries_carry_every_value_byte_exact() {
    run(request(), |r| {
        let path = lookup_path(&r);
        let query = path.strip_prefix("/api/v1/threads/lookup?").unwrap();
        let mut seen = Vec::new();
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap();
            seen.push((
                name.to_owned(),
                percent_decode(value).ok_or_else(|| TestCaseError::fail(format!("{pair:?}")))?,
            ));
        }
        let mut expected = vec![(
            "accountLinkId".to_owned(),
            r.account_link_id.clone().into_bytes(),
        )];
        if let Some(id) = r.recipient.platform_id() {
            expected.push(("externalPlatformId".to_owned(), id.as_bytes().to_vec()));
        }
        if let Some(id) = r.recipient.external_id() {
            expected.push(("externalId".to_owned(), id.as_bytes().to_vec()));
        }
        prop_assert_eq!(seen, expected);
        Ok(())
    });
}

#[test]
fn rate_limit_headers_are_read_without_panicking() {
    let header = || {
        proptest::option::of(prop_oneof![
            any::<String>(),
            any::<u64>().prop_map(|n| n.to_string()),
            "[ 0-9.+-]{0,25}",
        ])
    };
    run(
        (header(), header(), header()),
        |(limit, remaining, reset)| {
            let read =
                RateLimit::from_headers(limit.as_deref(), remaining.as_deref(), reset.as_deref());
            let int = |v: &Option<String>| {
                v.as_deref().and_then(|v| {
                    v.trim_ascii()
                        .parse::<u64>()
                        .ok()
                        .filter(|_| v.trim_ascii().bytes().all(|b| b.is_ascii_digit()))
                })
            };
            let expected = match (int(&limit), int(&remaining), int(&reset)) {
                (Some(limit), Some(remaining), Some(reset)) => {
                    match (u32::try_from(limit), u32::try_from(remaining)) {
                        (Ok(limit), Ok(remaining)) => reset
                            .checked_mul(1000)
                            .map(|reset_at_ms| (limit, remaining, reset_at_ms)),
                        _ => None,
                    }
                }
                _ => None,
            };
            prop_assert_eq!(
                read.map(|r| (r.limit, r.remaining, r.reset_at_ms)),
                expected
            );
            Ok(())
        },
    );
}
