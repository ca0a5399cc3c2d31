//! The team's and each sender's rate windows as they stand: the counts behind every
//! `X-RateLimit-*` header and every 429 the emulator's own limits answer.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::model::clock::iso8601;
use crate::model::limits::{self, Rules, Verdict, Window};

/// The open windows of the team and of every account link that sent.
#[derive(Debug, Default)]
pub struct Budget {
    team: Vec<Option<Window>>,
    senders: HashMap<String, Vec<Option<Window>>>,
}

impl Budget {
    /// Forgets every window (a reset, or a change of window mode).
    pub fn clear(&mut self) {
        self.team.clear();
        self.senders.clear();
    }

    /// Checks the team windows and, with `count`, counts one request in each.
    pub fn team(&mut self, rules: &Rules, now: u64, count: bool) -> Verdict {
        limits::check(rules, &mut self.team, now, count).unwrap_or_else(|| unlimited(now))
    }

    /// The sender window that refuses one more DM from this account link, if any.
    pub fn sender_refusal(&mut self, rules: &Rules, id: &str, now: u64) -> Option<Verdict> {
        let windows = self.senders.entry(id.to_string()).or_default();
        limits::check(rules, windows, now, false).filter(|v| v.limited)
    }

    /// Counts one stored DM against the account link's windows.
    pub fn sender_count(&mut self, rules: &Rules, id: &str, now: u64) {
        let windows = self.senders.entry(id.to_string()).or_default();
        limits::check(rules, windows, now, true);
    }

    /// Every sender's windows (for `GET /__emulator/stats`).
    pub fn sender_usage(&self, rules: &Rules, now: u64) -> Value {
        let mut out = serde_json::Map::new();
        for (id, windows) in &self.senders {
            let used: Vec<Value> = rules
                .limits
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut one = vec![windows.get(i).copied().flatten()];
                    let single = Rules {
                        limits: std::slice::from_ref(l),
                        ..*rules
                    };
                    let v = limits::check(&single, &mut one, now, false);
                    json!({"limit": l.limit, "windowMs": l.window_ms, "remaining": v.map(|v| v.remaining), "resetAt": v.map(|v| iso8601(v.reset_ms))})
                })
                .collect();
            out.insert(id.clone(), Value::Array(used));
        }
        Value::Object(out)
    }

    /// The background another client spent in the team windows, as the emulator's decisions
    /// counted it (for `GET /__emulator/stats`): per window, the share in the window open at
    /// the last decision and the total since the last reset; `counted` is the first window's
    /// total.
    pub fn background_usage(&self, rules: &Rules) -> Value {
        let windows: Vec<Value> = rules
            .limits
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let w = self.team.get(i).copied().flatten().unwrap_or_default();
                json!({"limit": l.limit, "windowMs": l.window_ms, "inWindow": w.background, "counted": w.background_total})
            })
            .collect();
        let counted = windows.first().map_or(json!(0), |w| w["counted"].clone());
        json!({"share": rules.background, "shape": rules.shape, "counted": counted, "windows": windows})
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
