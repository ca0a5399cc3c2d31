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
