//! The request body as JSON, written directly: four strings need no serializer, and the
//! content goes out byte-exact (only the escapes JSON requires).

use crate::types::SendMessageRequest;

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

fn push_field(out: &mut String, name: &str, value: &str) {
    push_string(out, name);
    out.push(':');
    push_string(out, value);
}

/// Appends `value` as a JSON string literal.
fn push_string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let b = c as usize;
                out.push_str("\\u00");
                out.push(HEX[b >> 4] as char);
                out.push(HEX[b & 0xF] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
