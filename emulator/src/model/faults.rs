//! Scripted faults: parsed from `POST /__emulator/faults`, consumed in order by matching requests.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::paths::{V1_SEND, V2_SEND};

/// Cap on a fault body after `bodyRepeat` (64 MiB).
const MAX_FAULT_BODY: usize = 64 * 1024 * 1024;

/// What the server does instead of (or after) the real handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Send the scripted status, headers and body.
    #[default]
    Respond,
    /// Close the connection without any response.
    Close,
    /// Send the head with a larger `Content-Length` than the bytes that follow, then close.
    CloseMidBody,
    /// Never answer; keep the socket open until the client goes away.
    Hang,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Respond => "respond",
            Action::Close => "close",
            Action::CloseMidBody => "close_mid_body",
            Action::Hang => "hang",
        }
    }
}

/// Which send endpoint a fault targets when it names no `path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// `POST /api/v1/threads/messages` (the default).
    V1,
    /// `POST /api/v2/messages`.
    V2,
    /// Either send endpoint.
    Both,
}

/// What a default (scripted-without-`body`) error body needs to know about the request.
#[derive(Debug, Clone, Default)]
pub struct BodyContext {
    /// The request went to `/api/v2`: answer in the v2 shape.
    pub v2: bool,
    pub request_id: String,
    /// The message the real handler stored, when `process` ran it.
    pub message_id: Option<String>,
}

/// One fault as posted by a test.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    /// Request path to match (query ignored); `*` matches every non-control path. Without
    /// it, the send endpoint(s) named by `api` (default: v1's).
    #[serde(default)]
    pub path: Option<String>,
    /// `v1` (default), `v2` or `both`: which send endpoint to match when `path` is absent.
    #[serde(default)]
    pub api: Option<Api>,
    /// The error code of the default body (`error.code` for v1, `code` for v2).
    #[serde(default)]
    pub code: Option<String>,
    /// Optional method to match (case-insensitive).
    #[serde(default)]
    pub method: Option<String>,
    /// How many requests it applies to; 0 = every matching request until cleared.
    #[serde(default = "one")]
    pub times: u32,
    /// Wait before acting (after processing, when `process` is true).
    #[serde(default)]
    pub delay_ms: u64,
    /// Run the real handler first (the message is stored).
    #[serde(default)]
    pub process: bool,
    #[serde(default)]
    pub action: Action,
    /// Status to send; default 500.
    #[serde(default)]
    pub status: Option<u16>,
    /// Extra headers, sent with the exact casing given.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Raw body; see [`Fault::body_bytes`] for the default.
    #[serde(default)]
    pub body: Option<String>,
    /// Repeat `body` this many times.
    #[serde(default = "one_usize")]
    pub body_repeat: usize,
    /// Add the CORS headers.
    #[serde(default = "yes")]
    pub cors: bool,
    /// Add the `X-RateLimit-*` headers.
    #[serde(default = "yes")]
    pub rate_limit_headers: bool,
}

fn one() -> u32 {
    1
}
fn one_usize() -> usize {
    1
}
fn yes() -> bool {
    true
}

impl Fault {
    /// Checks what serde cannot: header syntax, status range, body size.
    pub fn validate(&self, i: usize) -> Result<(), String> {
        if self.path.is_some() && self.api.is_some() {
            return Err(format!("faults[{i}]: give either path or api, not both"));
        }
        for (n, v) in &self.headers {
            let bad_name = n.is_empty()
                || !n
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if bad_name || v.contains(['\r', '\n']) {
                return Err(format!("faults[{i}].headers: invalid header {n:?}"));
            }
        }
        if let Some(s) = self.status {
            if !(100..=999).contains(&s) {
                return Err(format!("faults[{i}].status: must be 100..=999"));
            }
        }
        let len = self.body.as_ref().map_or(0, |b| b.len());
        if len.saturating_mul(self.body_repeat) > MAX_FAULT_BODY {
            return Err(format!(
                "faults[{i}].body: larger than 64 MiB after bodyRepeat"
            ));
        }
        Ok(())
    }

    /// Status to send.
    pub fn status(&self) -> u16 {
        self.status.unwrap_or(500)
    }

    /// Whether the fault applies to a request path.
    pub fn matches_path(&self, path: &str) -> bool {
        match (&self.path, self.api) {
            (Some(p), _) => p == "*" || p == path,
            (None, Some(Api::V2)) => path == V2_SEND,
            (None, Some(Api::Both)) => path == V1_SEND || path == V2_SEND,
            (None, _) => path == V1_SEND,
        }
    }

    /// The path it matches, for descriptions.
    fn path_label(&self) -> String {
        match (&self.path, self.api) {
            (Some(p), _) => p.clone(),
            (None, Some(Api::V2)) => V2_SEND.to_string(),
            (None, Some(Api::Both)) => format!("{V1_SEND} | {V2_SEND}"),
            (None, _) => V1_SEND.to_string(),
        }
    }

    /// Body to send: `body` repeated; when absent, the real body if the handler ran and the
    /// status is 2xx, else a vendor-shaped error for the status (v1's
    /// `{"error":{code,message,status}}`, or v2's `{code,message,details,requestId}`).
    pub fn body_bytes(&self, real_body: Option<&[u8]>, ctx: &BodyContext) -> Vec<u8> {
        let status = self.status();
        match (&self.body, real_body) {
            (Some(b), _) => b.repeat(self.body_repeat).into_bytes(),
            (None, Some(real)) if (200..300).contains(&status) => real.to_vec(),
            (None, _) if ctx.v2 => {
                let (code, details) = v2_default(status, ctx.message_id.as_deref());
                let code = self.code.as_deref().unwrap_or(code);
                let details = match (code, &ctx.message_id) {
                    ("sendUnconfirmed" | "sendInProgress", Some(id)) => json!({"messageId": id}),
                    ("sendUnconfirmed" | "sendInProgress", None) => Value::Null,
                    _ => details,
                };
                json!({"code": code, "message": "Injected fault (inbox-emulator)", "details": details, "requestId": ctx.request_id})
                    .to_string()
                    .into_bytes()
            }
            (None, _) => {
                let code = self.code.as_deref().unwrap_or(default_code(status));
                json!({"error": {"code": code, "message": "Injected fault (inbox-emulator)", "status": status}})
                    .to_string()
                    .into_bytes()
            }
        }
    }

    /// Whether this fault answers a v2 send `sendUnconfirmed` (its `code`, or a `502` after the
    /// handler stored the message): the vendor then releases the idempotency key, and the
    /// answer names a message (one that does not exist when nothing was stored).
    pub fn unconfirms(&self, ctx: &BodyContext) -> bool {
        let code = self
            .code
            .as_deref()
            .unwrap_or_else(|| v2_default(self.status(), ctx.message_id.as_deref()).0);
        ctx.v2 && self.action == Action::Respond && code == "sendUnconfirmed"
    }

    /// Description stored in the request record.
    pub fn describe(&self, index: u64) -> Value {
        json!({
            "index": index,
            "action": self.action.name(),
            "status": self.status(),
            "process": self.process,
            "delayMs": self.delay_ms,
        })
    }
}

/// v2's default code and details for a status: a processed request answered 502 is
/// `sendUnconfirmed` with its message id.
fn v2_default(status: u16, message_id: Option<&str>) -> (&'static str, Value) {
    match (status, message_id) {
        (400, _) => ("invalidRequest", json!({"issues": []})),
        (401, _) => ("unauthorized", Value::Null),
        (409, Some(id)) => ("sendInProgress", json!({"messageId": id})),
        (429, _) => ("platformRateLimited", json!({"retryAfterSeconds": null})),
        (502, Some(id)) => ("sendUnconfirmed", json!({"messageId": id})),
        (502, None) => ("platformError", Value::Null),
        (503, _) => ("platformUnavailable", json!({"retryAfterSeconds": null})),
        _ => ("internal", Value::Null),
    }
}

fn default_code(status: u16) -> &'static str {
    match status {
        408 => "REQUEST_TIMEOUT",
        429 => "RATE_LIMITED",
        500 => "INTERNAL_SERVER_ERROR",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        _ => "INJECTED_FAULT",
    }
}

#[derive(Debug, Clone)]
struct Pending {
    index: u64,
    /// `None` = unlimited.
    remaining: Option<u32>,
    fault: Fault,
}

/// Faults waiting to be consumed, in the order they were added.
#[derive(Debug, Default)]
pub struct FaultQueue {
    pending: Vec<Pending>,
    next_index: u64,
}

impl FaultQueue {
    /// Appends faults; returns the indexes given to them.
    pub fn push(&mut self, faults: Vec<Fault>) -> Vec<u64> {
        faults
            .into_iter()
            .map(|fault| {
                let index = self.next_index;
                self.next_index += 1;
                let remaining = (fault.times > 0).then_some(fault.times);
                self.pending.push(Pending {
                    index,
                    remaining,
                    fault,
                });
                index
            })
            .collect()
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// Takes the first fault matching this request (consuming one of its `times`).
    pub fn take(&mut self, method: &str, path: &str) -> Option<(u64, Fault)> {
        let pos = self.pending.iter().position(|p| {
            p.fault.matches_path(path)
                && p.fault
                    .method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let entry = &mut self.pending[pos];
        let taken = (entry.index, entry.fault.clone());
        if let Some(r) = entry.remaining.as_mut() {
            *r -= 1;
            if *r == 0 {
                self.pending.remove(pos);
            }
        }
        Some(taken)
    }

    /// The pending faults as JSON (for `GET /__emulator/faults`).
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.pending
                .iter()
                .map(|p| {
                    let mut d = p.fault.describe(p.index);
                    d["path"] = json!(p.fault.path_label());
                    d["remaining"] = json!(p.remaining);
                    d
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(v: Value) -> Fault {
        serde_json::from_value(v).expect("valid fault")
    }

    #[test]
    fn consumed_after_times() {
        let mut q = FaultQueue::default();
        q.push(vec![
            fault(json!({"times": 2, "status": 503})),
            fault(json!({"status": 429})),
        ]);
        let p = V1_SEND;
        assert!(
            q.take("POST", "/api/v2/messages").is_none(),
            "v1 by default"
        );
        assert_eq!(q.take("POST", p).map(|f| f.1.status()), Some(503));
        assert_eq!(q.take("POST", p).map(|f| f.1.status()), Some(503));
        assert_eq!(q.take("POST", p).map(|f| f.1.status()), Some(429));
        assert!(q.take("POST", p).is_none());
    }

    #[test]
    fn unlimited_and_path_match() {
        let mut q = FaultQueue::default();
        q.push(vec![fault(json!({"times": 0, "path": "/x"}))]);
        assert!(q.take("GET", "/y").is_none());
        for _ in 0..5 {
            assert!(q.take("GET", "/x").is_some());
        }
    }

    #[test]
    fn api_selects_the_send_endpoint() {
        let mut q = FaultQueue::default();
        q.push(vec![
            fault(json!({"api": "v2", "status": 502})),
            fault(json!({"api": "both", "times": 2, "status": 503})),
        ]);
        assert_eq!(q.take("POST", V1_SEND).map(|f| f.1.status()), Some(503));
        assert_eq!(
            q.take("POST", "/api/v2/messages").map(|f| f.1.status()),
            Some(502)
        );
        assert_eq!(
            q.take("POST", "/api/v2/messages").map(|f| f.1.status()),
            Some(503)
        );
        assert!(fault(json!({"api": "v2", "path": "*"}))
            .validate(0)
            .is_err());
    }

    #[test]
    fn v2_default_bodies_carry_the_message_id() {
        let f = fault(json!({"api": "v2", "process": true, "status": 502}));
        let ctx = BodyContext {
            v2: true,
            request_id: "req_9".into(),
            message_id: Some("m1".into()),
        };
        let body: Value = serde_json::from_slice(&f.body_bytes(None, &ctx)).expect("json");
        assert_eq!(
            body,
            json!({"code": "sendUnconfirmed", "message": "Injected fault (inbox-emulator)", "details": {"messageId": "m1"}, "requestId": "req_9"})
        );
        let f = fault(json!({"status": 500, "code": "OOPS"}));
        let body: Value =
            serde_json::from_slice(&f.body_bytes(None, &BodyContext::default())).expect("json");
        assert_eq!(body["error"]["code"], "OOPS");
    }

    #[test]
    fn rejects_unknown_fields_and_bad_headers() {
        assert!(serde_json::from_value::<Fault>(json!({"stauts": 500})).is_err());
        assert!(fault(json!({"headers": {"X-A": "a\r\nb"}}))
            .validate(0)
            .is_err());
    }
}
