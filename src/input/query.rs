//! The paths of the reads that find out whether a DM landed (v1's thread pages, v2's message
//! read), with their ids and query values percent-encoded.

use crate::input::types::SendMessageRequest;
use crate::input::validate::Invalid;
use alloc::{borrow::ToOwned, string::String};

/// `/api/v1/threads/lookup?accountLinkId=…&externalPlatformId=…` (or `externalId=…`).
pub(crate) fn lookup_path(request: &SendMessageRequest) -> String {
    let mut path = "/api/v1/threads/lookup?accountLinkId=".to_owned();
    push_encoded(&mut path, &request.account_link_id);
    if let Some(id) = request.recipient.platform_id() {
        path.push_str("&externalPlatformId=");
        push_encoded(&mut path, id);
    }
    if let Some(id) = request.recipient.external_id() {
        path.push_str("&externalId=");
        push_encoded(&mut path, id);
    }
    path
}

/// `/api/v1/threads/{threadId}/messages?limit=100[&cursorId=…&cursorTimestamp=…]`: a page of
/// a thread's messages, newest first, after the message `cursor` names (its id and time: the
/// API takes them together).
pub(crate) fn messages_path(thread_id: &str, cursor: Option<(&str, &str)>) -> String {
    let mut path = "/api/v1/threads/".to_owned();
    push_encoded(&mut path, thread_id);
    path.push_str("/messages?limit=100");
    if let Some((id, timestamp)) = cursor {
        path.push_str("&cursorId=");
        push_encoded(&mut path, id);
        path.push_str("&cursorTimestamp=");
        push_encoded(&mut path, timestamp);
    }
    path
}

/// `/api/v2/messages/{messageId}?expand=thread`: the message a `sendUnconfirmed` named, with
/// its thread embedded (what a send's answer holds).
pub(crate) fn message_path(message_id: &str) -> String {
    let mut path = "/api/v2/messages/".to_owned();
    push_encoded(&mut path, message_id);
    path.push_str("?expand=thread");
    path
}

/// `query` percent-encoded, each pair in order (a key given twice repeats, as an array does):
/// `a=1&b=2`.
pub(crate) fn encode_query(query: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, value) in query {
        if !out.is_empty() {
            out.push('&');
        }
        push_encoded(&mut out, key);
        out.push('=');
        push_encoded(&mut out, value);
    }
    out
}

/// Any read of the Inbox API: `path` (under `/api/v1/` or `/api/v2/`, relative to the base URL)
/// followed by `query` (encoded), if any. Refused, naming `path`, when a URL parser could take
/// it out of the API: an empty or dot segment (`//`, `..`, `%2e%2e`), a `\`, a control
/// character (which parsers drop), or its own query or fragment.
pub(crate) fn api_path(path: &str, query: &str) -> Result<String, Invalid> {
    let bytes = path.as_bytes();
    let inside = bytes.starts_with(b"/api/v1/") || bytes.starts_with(b"/api/v2/");
    let escapes = bytes
        .iter()
        .any(|b| matches!(b, b'?' | b'#' | b'\\' | 0..=0x1f | 0x7f))
        || bytes.split(|b| *b == b'/').skip(1).any(dot_or_empty);
    if !inside || escapes {
        return Err(Invalid::new(
            "path",
            "must be a path of the Inbox API under /api/v1/ or /api/v2/, without empty or dot segments, \\, ?, # or control characters (query values go in query)",
        ));
    }
    let mut out = path.to_owned();
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    Ok(out)
}

/// Whether a path segment is empty or only dots, any of them written `%2e`: what a URL parser
/// resolves away.
fn dot_or_empty(mut segment: &[u8]) -> bool {
    loop {
        segment = match segment {
            [] => return true,
            [b'.', rest @ ..] => rest,
            [b'%', b'2', b'e' | b'E', rest @ ..] => rest,
            _ => return false,
        }
    }
}

/// Appends `value` percent-encoded: every byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`).
fn push_encoded(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::types::{Recipient, SendMessageRequest};

    #[test]
    fn lookup_paths_encode_every_value() {
        let by_platform = SendMessageRequest::to_platform_id("acct1", "123", "hi");
        assert_eq!(
            lookup_path(&by_platform),
            "/api/v1/threads/lookup?accountLinkId=acct1&externalPlatformId=123"
        );
        let both = SendMessageRequest::new(
            "acct1",
            Recipient::Both {
                platform_id: "123".into(),
                external_id: "ext/é&x=1".into(),
            },
            "hi",
        );
        assert_eq!(
            lookup_path(&both),
            "/api/v1/threads/lookup?accountLinkId=acct1&externalPlatformId=123&externalId=ext%2F%C3%A9%26x%3D1"
        );
    }

    #[test]
    fn message_pages_follow_the_cursor() {
        assert_eq!(
            messages_path("t1", None),
            "/api/v1/threads/t1/messages?limit=100"
        );
        assert_eq!(
            messages_path("t1", Some(("m 9", "2026-01-02T03:04:05.000Z"))),
            "/api/v1/threads/t1/messages?limit=100&cursorId=m%209&cursorTimestamp=2026-01-02T03%3A04%3A05.000Z"
        );
    }

    #[test]
    fn api_paths_stay_inside_the_api_and_encode_the_query() {
        let ok = [
            ("/api/v2/contacts", &[][..], "/api/v2/contacts"),
            (
                "/api/v1/threads/t1/messages",
                &[("limit", "5"), ("cursorId", "m 1/é")][..],
                "/api/v1/threads/t1/messages?limit=5&cursorId=m%201%2F%C3%A9",
            ),
            (
                "/api/v2/messages/m1",
                &[("expand", "thread"), ("expand", "sentBy")][..],
                "/api/v2/messages/m1?expand=thread&expand=sentBy",
            ),
        ];
        for (path, query, want) in ok {
            assert_eq!(
                api_path(path, &encode_query(query)).as_deref(),
                Ok(want),
                "{path}"
            );
        }
        for path in [
            "https://evil.example/api/v2/x",
            "//evil.example/api/v2/x",
            "/api/v3/x",
            "/api/v2",
            "api/v2/x",
            "/api/v2/../../admin",
            "/api/v2/x/..",
            "/api/v2//x",
            "/api/v2/x?token=1",
            "/api/v2/x#f",
            "/api/v2/x\\..\\y",
            "/__emulator/reset",
            "/api/v2/%2e%2E/admin",
            "/api/v2/.%2e/admin",
            "/api/v2/./x",
            "/api/v2/.\t./admin",
            "/api/v2/x/",
        ] {
            let refused = api_path(path, "").expect_err(path);
            assert_eq!(refused.field, "path", "{path}");
        }
    }

    #[test]
    fn the_message_read_encodes_the_id_and_embeds_the_thread() {
        assert_eq!(
            message_path("m1x/../y?"),
            "/api/v2/messages/m1x%2F..%2Fy%3F?expand=thread"
        );
    }
}
