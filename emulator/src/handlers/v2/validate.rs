//! v2 request validation: the `Idempotency-Key` header and the `SendRequest` body, with the
//! issues in the vendor's `{path, message}` shape.

use serde_json::{Map, Value};

use crate::handlers::fields::{is_id, type_name};
use crate::handlers::v2::error::issue;
use crate::http::Request;

/// Checks `Idempotency-Key` when given (it is optional): 1–255 printable ASCII.
pub fn idempotency_key(req: &Request) -> Result<Option<String>, Value> {
    let path = ["headers", "idempotency-key"];
    let Some(key) = req.header("idempotency-key") else {
        return Ok(None);
    };
    if key.is_empty() || key.len() > 255 {
        return Err(issue(&path, "Must be 1 to 255 characters"));
    }
    if !key.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(issue(&path, "Invalid format, must match ^[\\x20-\\x7E]+$"));
    }
    Ok(Some(key.to_string()))
}

/// A string field of `obj` at `path`; records an issue when missing or wrong.
fn string_field<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    path: &[&str],
    issues: &mut Vec<Value>,
) -> Option<&'a str> {
    let full: Vec<&str> = path.iter().copied().chain([field]).collect();
    match obj.get(field) {
        None => {
            issues.push(issue(&full, "Required"));
            None
        }
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            issues.push(issue(
                &full,
                format!("Expected string, received {}", type_name(other)),
            ));
            None
        }
    }
}

/// A cuid2 field (`^[0-9a-z]+$`) of `obj` at `path`.
fn cuid(obj: &Map<String, Value>, field: &str, path: &[&str], issues: &mut Vec<Value>) {
    if let Some(s) = string_field(obj, field, path, issues) {
        if !is_id(s) {
            let full: Vec<&str> = path.iter().copied().chain([field]).collect();
            issues.push(issue(&full, "Invalid format, must match ^[0-9a-z]+$"));
        }
    }
}

/// Records every key of `obj` not in `allowed`.
fn unknown_keys(
    obj: &Map<String, Value>,
    allowed: &[&str],
    path: &[&str],
    issues: &mut Vec<Value>,
) {
    for k in obj.keys().filter(|k| !allowed.contains(&k.as_str())) {
        let full: Vec<&str> = path.iter().copied().chain([k.as_str()]).collect();
        issues.push(issue(&full, format!("Unrecognized key: {k:?}")));
    }
}

/// Validates a `SendRequest` body; the issues in the vendor's shape.
pub fn validate(body: &Value) -> Vec<Value> {
    let mut issues = Vec::new();
    let Value::Object(obj) = body else {
        return vec![issue(
            &[],
            format!("Expected object, received {}", type_name(body)),
        )];
    };
    unknown_keys(
        obj,
        &["target", "content", "replyToMessageId"],
        &[],
        &mut issues,
    );
    if let Some(c) = string_field(obj, "content", &[], &mut issues) {
        if c.is_empty() {
            issues.push(issue(
                &["content"],
                "String must contain at least 1 character(s)",
            ));
        }
    }
    if obj.contains_key("replyToMessageId") {
        cuid(obj, "replyToMessageId", &[], &mut issues);
    }
    match obj.get("target") {
        None => issues.push(issue(&["target"], "Required")),
        Some(Value::Object(t)) => {
            let p = ["target"];
            match t.get("type").and_then(Value::as_str) {
                Some("thread") => {
                    unknown_keys(t, &["type", "threadId"], &p, &mut issues);
                    cuid(t, "threadId", &p, &mut issues);
                }
                Some("contact") => {
                    unknown_keys(t, &["type", "accountLinkId", "contactId"], &p, &mut issues);
                    cuid(t, "accountLinkId", &p, &mut issues);
                    cuid(t, "contactId", &p, &mut issues);
                }
                Some("profile") => {
                    unknown_keys(
                        t,
                        &["type", "accountLinkId", "platform", "platformId"],
                        &p,
                        &mut issues,
                    );
                    cuid(t, "accountLinkId", &p, &mut issues);
                    for field in ["platform", "platformId"] {
                        if string_field(t, field, &p, &mut issues).is_some_and(str::is_empty) {
                            issues.push(issue(
                                &["target", field],
                                "String must contain at least 1 character(s)",
                            ));
                        }
                    }
                }
                _ => issues.push(issue(
                    &["target", "type"],
                    "Invalid discriminator value. Expected 'thread' | 'contact' | 'profile'",
                )),
            }
        }
        Some(other) => issues.push(issue(
            &["target"],
            format!("Expected object, received {}", type_name(other)),
        )),
    }
    issues
}
