//! The request body as JSON, written directly: four strings need no serializer, and the
//! content goes out byte-exact (only the escapes JSON requires).

use crate::input::types::{SendMessageRequest, SendRequest, Target};
use alloc::string::String;

/// The JSON body for `POST /api/v1/threads/messages`; same bytes as serde's output.
pub fn encode(request: &SendMessageRequest) -> String {
    let mut out = String::with_capacity(request.content.len() + 128);
    out.push('{');
    push_field(&mut out, "accountLinkId", &request.account_link_id);
    out.push(',');
    push_field(&mut out, "content", &request.content);
    if let Some(id) = request.recipient.platform_id() {
        out.push(',');
        push_field(&mut out, "externalPlatformId", id);
    }
    if let Some(id) = request.recipient.external_id() {
        out.push(',');
        push_field(&mut out, "externalId", id);
    }
    out.push('}');
    out
}

/// The JSON body for v2's `POST /api/v2/messages`; same bytes as serde's output.
pub(crate) fn encode_send(request: &SendRequest) -> String {
    let mut out = String::with_capacity(request.content.len() + 160);
    out.push_str("{\"target\":{");
    let (kind, ids): (&str, [(&str, &str); 3]) = match &request.target {
        Target::Thread { thread_id } => ("thread", [("threadId", thread_id), ("", ""), ("", "")]),
        Target::Contact {
            account_link_id,
            contact_id,
        } => (
            "contact",
            [
                ("accountLinkId", account_link_id),
                ("contactId", contact_id),
                ("", ""),
            ],
        ),
        Target::Profile {
            account_link_id,
            platform,
            platform_id,
        } => (
            "profile",
            [
                ("accountLinkId", account_link_id),
                ("platform", platform),
                ("platformId", platform_id),
            ],
        ),
    };
    push_field(&mut out, "type", kind);
    for (name, value) in ids.iter().filter(|(name, _)| !name.is_empty()) {
        out.push(',');
        push_field(&mut out, name, value);
    }
    out.push_str("},");
    push_field(&mut out, "content", &request.content);
    if let Some(id) = &request.reply_to_message_id {
        out.push(',');
        push_field(&mut out, "replyToMessageId", id);
    }
    out.push('}');
    out
}

fn push_field(out: &mut String, name: &str, value: &str) {
    push_string(out, name);
    out.push(':');
    push_string(out, value);
}

/// Appends `value` as a JSON string literal. Runs of bytes that need no escape are copied
/// whole; only `"`, `\\` and control characters (all ASCII) are escaped, so every cut falls on
/// a character boundary.
fn push_string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut copied = 0;
    for (at, byte) in value.bytes().enumerate() {
        if byte >= 0x20 && byte != b'"' && byte != b'\\' {
            continue;
        }
        out.push_str(value.get(copied..at).unwrap_or_default());
        copied = at + 1;
        out.push('\\');
        let short = match byte {
            b'\n' => 'n',
            b'\r' => 'r',
            b'\t' => 't',
            0x08 => 'b',
            0x0c => 'f',
            b'"' | b'\\' => char::from(byte),
            _ => {
                out.push_str("u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                char::from(HEX[usize::from(byte & 0xF)])
            }
        };
        out.push(short);
    }
    out.push_str(value.get(copied..).unwrap_or_default());
    out.push('"');
}

/// Same bytes as serde_json, content byte-exact.
#[cfg(test)]
mod tests {
    #[test]
    fn v2_bodies_match_serde_for_every_target() {
        use super::encode_send;
        use crate::input::types::{SendRequest, Target};
        for target in [
            Target::thread("t1abc"),
            Target::contact("acct1sales", "c9xyz"),
            Target::x_user("acct1sales", "1566123362161725440"),
        ] {
            for content in ["hi", "quote \" and \\ and \n", "😀 é"] {
                let plain = SendRequest::new(target.clone(), content);
                for request in [plain.clone(), plain.reply_to("m1prev")] {
                    assert_eq!(
                        encode_send(&request),
                        serde_json::to_string(&request).unwrap(),
                        "{request:?}"
                    );
                }
            }
        }
    }

    use super::encode;
    use crate::input::types::{Recipient, SendMessageRequest};
    use serde_json::Value;

    const CONTENTS: &[(&str, &str)] = &[
        ("plain", "hello"),
        ("quotes", "say \"hi\" and 'bye'"),
        ("backslashes", "C:\\path\\to\\file \\\\ \\\" \\n"),
        ("newline", "line1\nline2"),
        ("crlf", "line1\r\nline2\r"),
        ("tab", "a\tb"),
        ("backspace", "a\u{8}b"),
        ("form feed", "a\u{c}b"),
        ("nul", "a\u{0}b"),
        ("vertical tab", "a\u{b}b"),
        ("escape", "\u{1b}[31mred\u{1b}[0m"),
        ("unit separator", "\u{1f}"),
        ("delete", "a\u{7f}b"),
        ("c1 controls", "\u{80}\u{85}\u{9f}"),
        ("line separators", "a\u{2028}b\u{2029}c"),
        ("slash", "</script><!-- a/b -->"),
        ("emoji", "😀 👩🏽‍💻 👨‍👩‍👧‍👦 🇫🇷"),
        ("rtl", "مرحبا بالعالم שלום"),
        ("bidi controls", "\u{202e}abc\u{202c}\u{200f}"),
        (
            "combining marks",
            "e\u{301} n\u{303} Z\u{351}\u{352}\u{353}",
        ),
        ("nfc and nfd", "é e\u{301}"),
        ("bom and zero width", "\u{feff}a\u{200b}b\u{200d}c"),
        ("noncharacters", "\u{fffe}\u{ffff}\u{10ffff}"),
        ("replacement char", "\u{fffd}"),
        ("surrounding whitespace", "  \n padded \t "),
        ("json lookalike", "{\"content\":\"x\",\"externalId\":\"y\"}"),
        ("unicode escape lookalike", "\\u0041 \\ud83d\\ude00"),
    ];

    /// The three recipient shapes, with `content`.
    fn requests(content: &str) -> [(&'static str, SendMessageRequest); 3] {
        [
            (
                "platform id",
                SendMessageRequest::to_platform_id("abc123", "1566123362161725440", content),
            ),
            (
                "external id",
                SendMessageRequest::to_external_id("abc123", "l44e15irdq4db30i77cgphhx", content),
            ),
            (
                "both",
                SendMessageRequest::new(
                    "abc123",
                    Recipient::Both {
                        platform_id: "1566123362161725440".into(),
                        external_id: "l44e15irdq4db30i77cgphhx".into(),
                    },
                    content,
                ),
            ),
        ]
    }

    /// Checks one request: same bytes as serde_json, parses back to the same request and content.
    fn check(name: &str, request: &SendMessageRequest) -> Result<(), String> {
        let body = encode(request);
        let expected = serde_json::to_string(request).map_err(|e| e.to_string())?;
        if body != expected {
            let at = body
                .bytes()
                .zip(expected.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(body.len().min(expected.len()));
            let around = |s: &str| {
                let bytes = &s.as_bytes()[at.saturating_sub(10)..(at + 10).min(s.len())];
                String::from_utf8_lossy(bytes).into_owned()
            };
            return Err(format!(
                "{name}: encode differs from serde_json at byte {at}: {:?} vs {:?}",
                around(&body),
                around(&expected)
            ));
        }
        let value: Value = serde_json::from_str(&body).map_err(|e| format!("{name}: {e}"))?;
        if value["content"].as_str() != Some(request.content.as_str()) {
            return Err(format!("{name}: content changed in transit"));
        }
        let back: SendMessageRequest =
            serde_json::from_str(&body).map_err(|e| format!("{name}: {e}"))?;
        if &back != request {
            return Err(format!("{name}: request changed in transit: {back:?}"));
        }
        Ok(())
    }

    #[test]
    fn encode_matches_serde_for_tricky_contents() {
        let mut failures = Vec::new();
        for (name, content) in CONTENTS {
            for (shape, request) in requests(content) {
                if let Err(e) = check(&format!("{name} / {shape}"), &request) {
                    failures.push(e);
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn encode_matches_serde_for_generated_contents() {
        let every_control: String = (0u32..0x20).filter_map(char::from_u32).collect();
        let every_ascii: String = (0u32..0x80).filter_map(char::from_u32).collect();
        let every_scalar: String = (0u32..=0x10ffff).filter_map(char::from_u32).collect();
        let cases: Vec<(&str, String)> = vec![
            ("every control char", every_control),
            ("every ascii char", every_ascii),
            ("10,000 ascii", "a".repeat(10_000)),
            ("10,000 emoji", "😀".repeat(10_000)),
            ("10,000 combining", "e\u{301}".repeat(5_000)),
            (
                "10,000 mixed",
                "\"\\\n\u{0}é😀\u{2028}字\u{7f}\t".repeat(1_000),
            ),
            ("every unicode scalar value", every_scalar),
        ];
        let mut failures = Vec::new();
        for (name, content) in &cases {
            for (shape, request) in requests(content) {
                if let Err(e) = check(&format!("{name} / {shape}"), &request) {
                    failures.push(e);
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_control_char_alone_matches_serde() {
        // One char per body, so a mismatch names the char.
        let mut failures = Vec::new();
        for code in (0u32..0x20).chain(0x7f..0xa0).chain([0x2028, 0x2029]) {
            let c = char::from_u32(code).unwrap();
            let request = SendMessageRequest::to_platform_id("a", "1", c.to_string());
            if let Err(e) = check(&format!("U+{code:04X}"), &request) {
                failures.push(e);
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn ids_are_escaped_too() {
        // Validation would refuse these, but the encoder must still write valid JSON.
        let request = SendMessageRequest::new(
            "a\"b\\c",
            Recipient::Both {
                platform_id: "1\n2".into(),
                external_id: "e\u{0}\"}".into(),
            },
            "x",
        );
        check("tricky ids", &request).unwrap();
    }

    #[test]
    fn body_shape_is_exact() {
        const CASES: &[(&str, &str)] = &[
            (
                "platform id",
                r#"{"accountLinkId":"abc123","content":"hi","externalPlatformId":"1566123362161725440"}"#,
            ),
            (
                "external id",
                r#"{"accountLinkId":"abc123","content":"hi","externalId":"l44e15irdq4db30i77cgphhx"}"#,
            ),
            (
                "both",
                r#"{"accountLinkId":"abc123","content":"hi","externalPlatformId":"1566123362161725440","externalId":"l44e15irdq4db30i77cgphhx"}"#,
            ),
        ];
        for ((shape, request), (name, expected)) in requests("hi").iter().zip(CASES) {
            assert_eq!(shape, name);
            assert_eq!(&encode(request), expected, "{name}");
        }
    }

    #[test]
    fn content_bytes_are_not_normalised_or_escaped_beyond_json() {
        const CASES: &[(&str, &str)] = &[
            // (content, the exact JSON string literal expected in the body)
            ("e\u{301}", "\"e\u{301}\""),
            ("é", "\"é\""),
            ("😀", "\"😀\""),
            ("\u{2028}", "\"\u{2028}\""),
            ("\u{7f}", "\"\u{7f}\""),
            ("</", "\"</\""),
            ("\u{1f}", "\"\\u001f\""),
            ("\u{0}", "\"\\u0000\""),
            ("\u{8}\u{c}", "\"\\b\\f\""),
            ("\n\r\t", "\"\\n\\r\\t\""),
            ("\"\\", "\"\\\"\\\\\""),
            ("  x  ", "\"  x  \""),
        ];
        for (content, literal) in CASES {
            let body = encode(&SendMessageRequest::to_external_id("a", "e", *content));
            let expected =
                format!("{{\"accountLinkId\":\"a\",\"content\":{literal},\"externalId\":\"e\"}}");
            assert_eq!(body, expected, "content {content:?}");
        }
    }
}
