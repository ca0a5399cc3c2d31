//! The input rules (README, Validation), table-driven over `inbox_sender::validate`.

use inbox_sender::validate::{self, MAX_CONTENT_CHARS};
use inbox_sender::{Invalid, Recipient, SendMessageRequest};

/// `None`: accepted. `Some((field, fragment))`: rejected naming `field`, with a rule that
/// contains `fragment`.
type Expect = Option<(&'static str, &'static str)>;

type Check = fn(&str) -> Result<(), Invalid>;

/// Runs `check` over every case and reports all failing cases at once.
fn run<S: AsRef<str>>(name: &str, check: Check, cases: &[(S, Expect)]) {
    let mut failures = Vec::new();
    for (input, expect) in cases {
        let input = input.as_ref();
        let shown: String = if input.len() > 60 {
            format!(
                "<{} bytes, {} chars, starts {:?}>",
                input.len(),
                input.chars().count(),
                input.chars().take(4).collect::<String>()
            )
        } else {
            format!("{input:?}")
        };
        let got = check(input);
        match (expect, &got) {
            (None, Ok(())) => {}
            (Some((field, fragment)), Err(invalid))
                if invalid.field == *field && invalid.rule.contains(fragment) => {}
            _ => failures.push(format!("{name}({shown}): expected {expect:?}, got {got:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const EMPTY: &str = "must not be empty";
const SPACE_OR_CONTROL: &str = "whitespace or control";

// ---------------------------------------------------------------------------------------------
// accountLinkId

const ACCOUNT_LINK_ID: &[(&str, Expect)] = &[
    ("a", None),
    ("0", None),
    ("df6jbw4h36", None),
    ("0123456789abcdefghijklmnopqrstuvwxyz", None),
    ("", Some(("accountLinkId", EMPTY))),
    ("A", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("abcD", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("abc-def", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("abc_def", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("abc.def", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("é", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("abcé", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("ａｂｃ", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("١٢٣", Some(("accountLinkId", "^[0-9a-z]+$"))),
    (" abc", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("abc\n", Some(("accountLinkId", "^[0-9a-z]+$"))),
    ("abc\u{0}", Some(("accountLinkId", "^[0-9a-z]+$"))),
];

#[test]
fn account_link_id_rules() {
    run(
        "account_link_id",
        validate::account_link_id,
        ACCOUNT_LINK_ID,
    );
    let long = "a1".repeat(500);
    run(
        "account_link_id",
        validate::account_link_id,
        &[(long, None)],
    );
}

// ---------------------------------------------------------------------------------------------
// content

const CONTENT: &[(&str, Expect)] = &[
    ("a", None),
    ("  padded  ", None),
    ("\n\tx\n", None),
    ("\u{3000}字\u{3000}", None),
    ("😀", None),
    ("👩🏽‍💻 family: 👨‍👩‍👧‍👦", None),
    ("مرحبا بالعالم", None),
    ("שלום \u{202e}reversed\u{202c}", None),
    ("e\u{301}\u{302}\u{303}", None),
    (
        "Z\u{0351}\u{0352}\u{0353}a\u{0354}l\u{0355}g\u{0356}o",
        None,
    ),
    ("\"quotes\" and \\backslashes\\", None),
    ("", Some(("content", EMPTY))),
    (" ", Some(("content", "only whitespace"))),
    ("     ", Some(("content", "only whitespace"))),
    ("\n", Some(("content", "only whitespace"))),
    ("\n\t\r\n\t", Some(("content", "only whitespace"))),
    ("\u{b}\u{c}", Some(("content", "only whitespace"))),
    ("\u{3000}", Some(("content", "only whitespace"))),
    (
        "\u{3000}\u{3000}\u{3000}",
        Some(("content", "only whitespace")),
    ),
    ("\u{a0}", Some(("content", "only whitespace"))),
    ("\u{2028}\u{2029}", Some(("content", "only whitespace"))),
    ("\u{85}", Some(("content", "only whitespace"))),
    (
        "\u{2003}\u{2009}\u{202f}",
        Some(("content", "only whitespace")),
    ),
];

#[test]
fn content_rules() {
    run("content", validate::content, CONTENT);
}

#[test]
fn content_length_counts_unicode_scalar_values() {
    const TOO_LONG: Expect = Some(("content", "at most 10,000"));
    assert_eq!(MAX_CONTENT_CHARS, 10_000);
    let n = MAX_CONTENT_CHARS;
    let cases: Vec<(String, Expect)> = vec![
        // Plain ASCII: 1 byte per char.
        ("a".repeat(n), None),
        ("a".repeat(n + 1), TOO_LONG),
        ("a".repeat(n - 1), None),
        // 2-byte chars (precomposed é).
        ("é".repeat(n), None),
        ("é".repeat(n + 1), TOO_LONG),
        // 3-byte chars.
        ("字".repeat(n), None),
        ("字".repeat(n + 1), TOO_LONG),
        // 4-byte chars: 40,000 bytes is still 10,000 characters.
        ("😀".repeat(n), None),
        ("😀".repeat(n + 1), TOO_LONG),
        // Combining sequences: "e" + U+0301 is two scalar values.
        ("e\u{301}".repeat(n / 2), None),
        (format!("{}e", "e\u{301}".repeat(n / 2)), TOO_LONG),
        // Mixed widths, exactly at the limit and one past it.
        (format!("{}{}{}", "a".repeat(n - 3), "é", "😀字"), None),
        (format!("{}{}{}", "a".repeat(n - 2), "é", "😀字"), TOO_LONG),
        // Whitespace counts; a 10,000-char string of spaces plus one letter is too long.
        (format!("{}x", " ".repeat(n)), TOO_LONG),
        (format!("{}x", " ".repeat(n - 1)), None),
        // Too long and only whitespace: rejected, the whitespace rule is reported.
        (" ".repeat(n + 5), Some(("content", "only whitespace"))),
    ];
    for (input, _) in &cases[..2] {
        assert_eq!(input.len(), input.chars().count());
    }
    run("content", validate::content, &cases);
}

#[test]
fn content_is_accepted_unchanged() {
    const CONTENTS: &[&str] = &[
        "👋🏽 héllo",
        "مرحبا بالعالم",
        "e\u{301}",
        "  leading and trailing  ",
        "line1\r\nline2\n",
        "\u{feff}bom",
    ];
    for content in CONTENTS {
        let request = SendMessageRequest::to_platform_id("abc", "123", *content);
        assert_eq!(validate::request(&request), Ok(()), "{content:?}");
        assert_eq!(
            request.content.as_bytes(),
            content.as_bytes(),
            "{content:?}"
        );
        // And the wire form (serde's, which the body encoder matches byte for byte) carries them.
        let back: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
        assert_eq!(back["content"].as_str(), Some(*content), "{content:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// externalPlatformId / externalId

const EXTERNAL_PLATFORM_ID: &[(&str, Expect)] = &[
    ("1", None),
    ("0", None),
    ("1566123362161725440", None),
    ("18446744073709551615", None),
    ("", Some(("externalPlatformId", EMPTY))),
    ("@handle", Some(("externalPlatformId", "@handle"))),
    ("@", Some(("externalPlatformId", "@handle"))),
    ("@123", Some(("externalPlatformId", "@handle"))),
    (
        "https://x.com/bob",
        Some(("externalPlatformId", "profile URL")),
    ),
    (
        "http://twitter.com/bob",
        Some(("externalPlatformId", "profile URL")),
    ),
    ("x.com/bob", Some(("externalPlatformId", "profile URL"))),
    (
        "twitter.com/bob",
        Some(("externalPlatformId", "profile URL")),
    ),
    (
        "mobile.twitter.com/bob",
        Some(("externalPlatformId", "profile URL")),
    ),
    (
        "https://x.com/i/user/123",
        Some(("externalPlatformId", "profile URL")),
    ),
    ("12a", Some(("externalPlatformId", "digits only"))),
    ("bob", Some(("externalPlatformId", "digits only"))),
    ("-123", Some(("externalPlatformId", "digits only"))),
    ("1.5", Some(("externalPlatformId", "digits only"))),
    ("１２３", Some(("externalPlatformId", "digits only"))),
    ("١٢٣", Some(("externalPlatformId", "digits only"))),
    (" 123", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("123 ", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("12 3", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("123\n", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("\t123", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("\u{a0}123", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("123\u{0}", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("12\u{7f}3", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("12\u{1b}3", Some(("externalPlatformId", SPACE_OR_CONTROL))),
    ("@ handle", Some(("externalPlatformId", SPACE_OR_CONTROL))),
];

#[test]
fn external_platform_id_rules() {
    run(
        "external_platform_id",
        validate::external_platform_id,
        EXTERNAL_PLATFORM_ID,
    );
}

const EXTERNAL_ID: &[(&str, Expect)] = &[
    ("e", None),
    ("l44e15irdq4db30i77cgphhx", None),
    ("Legacy-ID_42.x", None),
    ("ünïcødé", None),
    ("@handle", None),
    ("", Some(("externalId", EMPTY))),
    (" ", Some(("externalId", SPACE_OR_CONTROL))),
    ("a b", Some(("externalId", SPACE_OR_CONTROL))),
    ("ab ", Some(("externalId", SPACE_OR_CONTROL))),
    ("ab\n", Some(("externalId", SPACE_OR_CONTROL))),
    ("a\tb", Some(("externalId", SPACE_OR_CONTROL))),
    ("ab\u{7f}", Some(("externalId", SPACE_OR_CONTROL))),
    ("\u{0}ab", Some(("externalId", SPACE_OR_CONTROL))),
    ("a\u{9f}b", Some(("externalId", SPACE_OR_CONTROL))),
    ("a\u{a0}b", Some(("externalId", SPACE_OR_CONTROL))),
    ("a\u{3000}b", Some(("externalId", SPACE_OR_CONTROL))),
    ("a\u{2028}b", Some(("externalId", SPACE_OR_CONTROL))),
];

#[test]
fn external_id_rules() {
    run("external_id", validate::external_id, EXTERNAL_ID);
}

// ---------------------------------------------------------------------------------------------
// token

const TOKEN: &[(&str, Expect)] = &[
    ("t", None),
    ("sk_live_0123456789abcdef", None),
    ("abc.def-ghi_JKL=/+", None),
    ("Bearer", None),
    ("Bearerabc", None),
    ("", Some(("token", EMPTY))),
    ("Bearer abc", Some(("token", "\"Bearer \" prefix"))),
    ("bearer abc", Some(("token", "\"Bearer \" prefix"))),
    ("BEARER abc", Some(("token", SPACE_OR_CONTROL))),
    ("Bearer\tabc", Some(("token", SPACE_OR_CONTROL))),
    ("abc def", Some(("token", SPACE_OR_CONTROL))),
    (" abc", Some(("token", SPACE_OR_CONTROL))),
    ("abc ", Some(("token", SPACE_OR_CONTROL))),
    ("abc\n", Some(("token", SPACE_OR_CONTROL))),
    ("abc\r\nX-Evil: 1", Some(("token", SPACE_OR_CONTROL))),
    ("abc\u{0}", Some(("token", SPACE_OR_CONTROL))),
    ("abc\u{7f}", Some(("token", SPACE_OR_CONTROL))),
    ("abc\u{a0}", Some(("token", SPACE_OR_CONTROL))),
];

#[test]
fn token_rules() {
    run("token", validate::token, TOKEN);
}

// ---------------------------------------------------------------------------------------------
// The whole request

#[test]
fn request_checks_every_field_in_order() {
    fn both(platform_id: &str, external_id: &str) -> Recipient {
        Recipient::Both {
            platform_id: platform_id.into(),
            external_id: external_id.into(),
        }
    }
    let pid = |id: &str| Recipient::PlatformId(id.into());
    let eid = |id: &str| Recipient::ExternalId(id.into());
    let cases: Vec<(&str, SendMessageRequest, Expect)> = vec![
        (
            "valid by platform id",
            SendMessageRequest::new("abc", pid("123"), "hi"),
            None,
        ),
        (
            "valid by external id",
            SendMessageRequest::new("abc", eid("ext"), "hi"),
            None,
        ),
        (
            "valid with both",
            SendMessageRequest::new("abc", both("123", "ext"), "hi"),
            None,
        ),
        (
            "bad account link",
            SendMessageRequest::new("ABC", pid("123"), "hi"),
            Some(("accountLinkId", "^[0-9a-z]+$")),
        ),
        (
            "empty account link",
            SendMessageRequest::new("", pid("123"), "hi"),
            Some(("accountLinkId", EMPTY)),
        ),
        (
            "empty content",
            SendMessageRequest::new("abc", pid("123"), ""),
            Some(("content", EMPTY)),
        ),
        (
            "blank content",
            SendMessageRequest::new("abc", eid("ext"), " \u{3000}\n"),
            Some(("content", "only whitespace")),
        ),
        (
            "long content",
            SendMessageRequest::new("abc", eid("ext"), "😀".repeat(10_001)),
            Some(("content", "at most 10,000")),
        ),
        (
            "handle as platform id",
            SendMessageRequest::new("abc", pid("@bob"), "hi"),
            Some(("externalPlatformId", "@handle")),
        ),
        (
            "url as platform id",
            SendMessageRequest::new("abc", pid("https://x.com/bob"), "hi"),
            Some(("externalPlatformId", "profile URL")),
        ),
        (
            "empty platform id",
            SendMessageRequest::new("abc", pid(""), "hi"),
            Some(("externalPlatformId", EMPTY)),
        ),
        (
            "empty external id",
            SendMessageRequest::new("abc", eid(""), "hi"),
            Some(("externalId", EMPTY)),
        ),
        (
            "bad platform id in both",
            SendMessageRequest::new("abc", both("12a", "ext"), "hi"),
            Some(("externalPlatformId", "digits only")),
        ),
        (
            "bad external id in both",
            SendMessageRequest::new("abc", both("123", "e x"), "hi"),
            Some(("externalId", SPACE_OR_CONTROL)),
        ),
        (
            "account link is checked first",
            SendMessageRequest::new("A-B", both("@x", "e x"), ""),
            Some(("accountLinkId", "^[0-9a-z]+$")),
        ),
        (
            "content before recipient",
            SendMessageRequest::new("abc", both("@x", "e x"), ""),
            Some(("content", EMPTY)),
        ),
    ];
    let mut failures = Vec::new();
    for (name, request, expect) in &cases {
        let got = validate::request(request);
        let ok = match (expect, &got) {
            (None, Ok(())) => true,
            (Some((field, fragment)), Err(invalid)) => {
                invalid.field == *field && invalid.rule.contains(fragment)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: expected {expect:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_displays_field_then_rule() {
    let invalid = validate::content("").unwrap_err();
    assert_eq!(invalid.to_string(), "content must not be empty");
    let invalid = validate::external_platform_id("@bob").unwrap_err();
    assert!(invalid
        .to_string()
        .starts_with("externalPlatformId must be the numeric X user id"));
    assert_eq!(
        Invalid::new("x", "y"),
        Invalid {
            field: "x".into(),
            rule: "y"
        }
    );
}
