//! Scripted faults: parsed from `POST /__emulator/faults`, consumed in order by matching requests.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

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

/// One fault as posted by a test.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    /// Request path to match (query ignored); `*` matches every non-control path.
    #[serde(default = "default_path")]
    pub path: String,
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

fn default_path() -> String {
    "/api/v1/threads/messages".to_string()
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

    /// Body to send: `body` repeated; when absent, the real body if the handler ran and the
    /// status is 2xx, else a vendor-shaped error for the status.
    pub fn body_bytes(&self, real_body: Option<&[u8]>) -> Vec<u8> {
        match (&self.body, real_body) {
            (Some(b), _) => b.repeat(self.body_repeat).into_bytes(),
            (None, Some(real)) if (200..300).contains(&self.status()) => real.to_vec(),
            (None, _) => {
                let status = self.status();
                json!({"error": {"code": default_code(status), "message": "Injected fault (inbox-emulator)", "status": status}})
                    .to_string()
                    .into_bytes()
            }
        }
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
            (p.fault.path == "*" || p.fault.path == path)
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
                    d["path"] = json!(p.fault.path);
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
        let p = "/api/v1/threads/messages";
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
    fn rejects_unknown_fields_and_bad_headers() {
        assert!(serde_json::from_value::<Fault>(json!({"stauts": 500})).is_err());
        assert!(fault(json!({"headers": {"X-A": "a\r\nb"}}))
            .validate(0)
            .is_err());
    }
}
