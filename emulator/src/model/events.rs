//! The team's event feed, as `GET /api/v2/events` pages it and webhooks post it: every event
//! numbered by `seq`, increasing and never reused (not even across resets).

use serde_json::{json, Value};

use crate::model::clock::iso8601;

/// One event.
#[derive(Debug, Clone)]
pub struct Event {
    pub seq: u64,
    /// `thread.created`, `message.sent`, `message.received`.
    pub kind: &'static str,
    /// Unix ms when it happened.
    pub created_at: u64,
    /// `thread` or `message`.
    pub object_type: &'static str,
    pub object_id: String,
    /// The thread it happened in.
    pub thread_id: String,
}

impl Event {
    /// The vendor's event JSON: `{id, seq, type, apiVersion, createdAt, object, data}`.
    pub fn to_json(&self) -> Value {
        let url = format!("/{}s/{}", self.object_type, self.object_id);
        let data = match self.object_type {
            "message" => json!({"threadId": self.thread_id}),
            _ => json!({}),
        };
        json!({
            "id": format!("evt{}", self.seq),
            "seq": self.seq,
            "type": self.kind,
            "apiVersion": "2",
            "createdAt": iso8601(self.created_at),
            "object": {"type": self.object_type, "id": self.object_id, "url": url},
            "data": data,
        })
    }
}

/// A page of the feed: the events read that match, the last `seq` read, and whether more follow.
#[derive(Debug)]
pub struct Page<'a> {
    pub data: Vec<&'a Event>,
    pub last_seq: Option<u64>,
    pub has_more: bool,
}

/// Every event since the last reset.
#[derive(Debug, Default)]
pub struct EventLog {
    events: Vec<Event>,
    last_seq: u64,
}

impl EventLog {
    /// Appends an event with the next `seq`.
    pub fn append(
        &mut self,
        kind: &'static str,
        created_at: u64,
        object: (&'static str, &str),
        thread_id: &str,
    ) -> &Event {
        self.last_seq += 1;
        self.events.push(Event {
            seq: self.last_seq,
            kind,
            created_at,
            object_type: object.0,
            object_id: object.1.to_string(),
            thread_id: thread_id.to_string(),
        });
        &self.events[self.events.len() - 1]
    }

    /// Reads up to `limit` events after `after_seq` and keeps those of `types` (all when empty).
    pub fn page(&self, after_seq: u64, types: &[String], limit: usize) -> Page<'_> {
        let start = self.events.partition_point(|e| e.seq <= after_seq);
        let read = &self.events[start..self.events.len().min(start + limit)];
        Page {
            data: read
                .iter()
                .filter(|e| types.is_empty() || types.iter().any(|t| t == e.kind))
                .collect(),
            last_seq: read.last().map(|e| e.seq),
            has_more: start + read.len() < self.events.len(),
        }
    }

    /// Forgets every event; `seq` carries on.
    pub fn clear(&mut self) {
        self.events.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_read_limit_events_and_filter_them() {
        let mut log = EventLog::default();
        for i in 0..5 {
            let kind = if i % 2 == 0 {
                "message.sent"
            } else {
                "message.received"
            };
            log.append(kind, 1000 + i, ("message", &format!("m{i}")), "t1");
        }
        let received = ["message.received".to_string()];
        let p = log.page(0, &received, 3);
        assert_eq!(p.data.iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
        assert_eq!((p.last_seq, p.has_more), (Some(3), true));
        let p = log.page(3, &received, 3);
        assert_eq!((p.data.len(), p.last_seq, p.has_more), (1, Some(5), false));
        let p = log.page(5, &[], 3);
        assert_eq!((p.data.len(), p.last_seq, p.has_more), (0, None, false));
        log.clear();
        assert_eq!(
            log.append("message.sent", 0, ("message", "m9"), "t1").seq,
            6
        );
        let json = log.page(0, &[], 1).data[0].to_json();
        assert_eq!(json["object"]["url"], "/messages/m9");
        assert_eq!(json["data"]["threadId"], "t1");
    }
}
