//! Counters for `GET /__emulator/stats` (cleared by reset).

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// What the emulator counted since the last reset.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub sent_v1: u64,
    pub sent_v2: u64,
    pub replays: u64,
    pub in_progress: u64,
    pub key_reused: u64,
    pub limited_team: u64,
    pub limited_sender: u64,
    pub limited_fault: u64,
    pub by_status: BTreeMap<u16, u64>,
}

impl Stats {
    /// The JSON view.
    pub fn to_json(&self) -> Value {
        let by_status: serde_json::Map<String, Value> = self
            .by_status
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({
            "sent": {"v1": self.sent_v1, "v2": self.sent_v2, "total": self.sent_v1 + self.sent_v2},
            "replays": self.replays,
            "sendInProgress": self.in_progress,
            "idempotencyKeyReused": self.key_reused,
            "rateLimited": {
                "team": self.limited_team,
                "sender": self.limited_sender,
                "fault": self.limited_fault,
                "total": self.by_status.get(&429).copied().unwrap_or(0),
            },
            "byStatus": by_status,
        })
    }
}
