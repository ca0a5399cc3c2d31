//! v2's error shape, `{code, message, details, requestId}`, and its validation issues.

use serde_json::{json, Value};

use crate::http::Response;

/// A v2 error body: `{code, message, details, requestId}`.
pub fn error(status: u16, code: &str, message: &str, details: Value, request_id: &str) -> Response {
    Response::json(
        status,
        &json!({"code": code, "message": message, "details": details, "requestId": request_id}),
    )
}

/// One validation issue: `{path, message}`.
pub fn issue(path: &[&str], message: impl Into<String>) -> Value {
    json!({"path": path, "message": message.into()})
}

/// A 400 `invalidRequest` listing the issues; the message names the first.
pub fn invalid(issues: Vec<Value>, rid: &str) -> Response {
    let first = issues
        .first()
        .map(|i| {
            let path: Vec<&str> = i["path"]
                .as_array()
                .map(|p| p.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let path = if path.is_empty() {
                "body".to_string()
            } else {
                path.join(".")
            };
            format!("{path}: {}", i["message"].as_str().unwrap_or(""))
        })
        .unwrap_or_default();
    error(
        400,
        "invalidRequest",
        &format!("Invalid request: {first}"),
        json!({"issues": issues}),
        rid,
    )
}

/// A 403 `platformNotAvailable`: the team cannot use this platform (the emulator's team has
/// only `twitter`).
pub fn platform_not_available(platform: &str, rid: &str) -> Response {
    error(
        403,
        "platformNotAvailable",
        &format!("Platform {platform:?} is not available to this team"),
        json!({"platform": platform}),
        rid,
    )
}
