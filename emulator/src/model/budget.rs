//! The team's and each sender's rate windows as they stand: the counts behind every
//! `X-RateLimit-*` header and every 429 the emulator's own limits answer.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::model::clock::iso8601;
use crate::model::limits::{self, Limit, Verdict, Window};

/// The open windows of the team and of every account link that sent.
#[derive(Debug, Default)]
pub struct Budget {
    team: Vec<Window>,
    senders: HashMap<String, Vec<Window>>,
}

impl Budget {
    /// Forgets every window (a reset).
    pub fn clear(&mut self) {
        self.team.clear();
        self.senders.clear();
    }

    /// Checks the team windows and, with `count`, counts one request in each.
    pub fn team(&mut self, limits: &[Limit], now: u64, count: bool) -> Verdict {
        limits::check(limits, &mut self.team, now, count).unwrap_or_else(|| unlimited(now))
    }

    /// The sender window that refuses one more DM from this account link, if any.
    pub fn sender_refusal(&mut self, limits: &[Limit], id: &str, now: u64) -> Option<Verdict> {
        let windows = self.senders.entry(id.to_string()).or_default();
        limits::check(limits, windows, now, false).filter(|v| v.limited)
    }

    /// Counts one stored DM against the account link's windows.
    pub fn sender_count(&mut self, limits: &[Limit], id: &str, now: u64) {
        let windows = self.senders.entry(id.to_string()).or_default();
        limits::check(limits, windows, now, true);
    }

    /// Every sender's windows (for `GET /__emulator/stats`).
    pub fn sender_usage(&self, limits: &[Limit], now: u64) -> Value {
        let mut out = serde_json::Map::new();
        for (id, windows) in &self.senders {
            let used: Vec<Value> = limits
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut one = vec![windows.get(i).copied().flatten()];
                    let v = limits::check(std::slice::from_ref(l), &mut one, now, false);
                    json!({"limit": l.limit, "windowMs": l.window_ms, "remaining": v.map(|v| v.remaining), "resetAt": v.map(|v| iso8601(v.reset_ms))})
                })
                .collect();
            out.insert(id.clone(), Value::Array(used));
        }
        Value::Object(out)
    }
}

/// A team-wide window for when no team windows are configured (never limits).
fn unlimited(now: u64) -> Verdict {
    Verdict {
        limited: false,
        index: 0,
        limit: u32::MAX,
        remaining: u32::MAX,
        reset_ms: now,
        retry_after_ms: 1,
    }
}
