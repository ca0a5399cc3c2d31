//! Replies scheduled by the control API: a prospect answers an account link at a given moment.

use serde_json::{json, Value};

use crate::model::clock::iso8601;
use crate::model::seed::Prospect;

/// One scheduled reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub id: String,
    /// Unix ms when the prospect answers.
    pub at: u64,
    pub account_link_id: String,
    pub prospect: Prospect,
    pub content: String,
}

/// Replies not yet landed, in the order they were scheduled.
#[derive(Debug, Default)]
pub struct Replies {
    pending: Vec<Reply>,
}

impl Replies {
    pub fn push(&mut self, reply: Reply) {
        self.pending.push(reply);
    }

    /// Removes and returns the replies due at `now`, earliest first (ties in scheduling order).
    pub fn take_due(&mut self, now: u64) -> Vec<Reply> {
        let (mut due, rest): (Vec<Reply>, Vec<Reply>) =
            self.pending.drain(..).partition(|r| r.at <= now);
        self.pending = rest;
        due.sort_by_key(|r| r.at);
        due
    }

    /// When the next reply is due.
    pub fn next_at(&self) -> Option<u64> {
        self.pending.iter().map(|r| r.at).min()
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// The pending replies (for `GET /__emulator/replies`).
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.pending
                .iter()
                .map(|r| {
                    json!({"id": r.id, "at": iso8601(r.at), "accountLinkId": r.account_link_id, "platformId": r.prospect.platform_id, "content": r.content})
                })
                .collect(),
        )
    }
}
