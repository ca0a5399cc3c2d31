//! Field rules both API versions share.

use serde_json::Value;

/// Longest accepted `content`, in Unicode scalar values.
pub const MAX_CONTENT_CHARS: usize = 10_000;

/// The JSON type name used in validation messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `^[0-9a-z]+$` (v1 ids and v2 cuid2s).
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// The host of a profile's website URL (`websiteDomain`).
pub fn website_domain(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}
