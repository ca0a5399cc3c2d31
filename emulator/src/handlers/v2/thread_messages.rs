//! `GET /api/v2/threads/{threadId}/messages`: a thread's messages by `createdAt`, newest first
//! unless `order=asc`, as the vendor's `MessagePage`.

use serde_json::Value;

use crate::handlers::fields::is_id;
use crate::handlers::v2::error::{error, invalid, issue};
use crate::handlers::v2::page::page;
use crate::handlers::v2::query::Query;
use crate::handlers::v2::views::message_v2_json;
use crate::http::{Request, Response};
use crate::model::paths::V2_THREADS;
use crate::model::state::{Message, State};

/// The thread id of a `/api/v2/threads/{threadId}/messages` path.
pub fn thread_id(path: &str) -> Option<&str> {
    path.strip_prefix(V2_THREADS)?
        .strip_prefix('/')?
        .strip_suffix("/messages")
        .filter(|id| !id.contains('/'))
}

/// Handles the read after the front door.
pub fn list(state: &State, req: &Request, thread_id: &str) -> Response {
    let rid = req.request_id.as_str();
    let mut q = Query::read(req, &["order", "limit", "cursor"], &["expand"]);
    if !is_id(thread_id) {
        q.issues.push(issue(
            &["path", "threadId"],
            "Invalid format, must match ^[0-9a-z]+$",
        ));
    }
    let order = q.choice("order", &["desc", "asc"], "desc");
    let limit = q.integer("limit", 1, 100, 50) as usize;
    let cursor = q.one("cursor");
    if !q.issues.is_empty() {
        return invalid(q.issues, rid);
    }
    if state.thread(thread_id).is_none() {
        return error(
            404,
            "threadNotFound",
            &format!("No thread with id {thread_id}"),
            Value::Null,
            rid,
        );
    }
    // Stored in the order they happened: the thread's messages are oldest first already.
    let mut messages: Vec<&Message> = state
        .messages
        .iter()
        .filter(|m| m.thread_id == thread_id)
        .collect();
    if order == "desc" {
        messages.reverse();
    }
    page(
        &messages,
        |m| m.id.as_str(),
        |m| message_v2_json(state, m),
        cursor.as_deref(),
        limit,
        rid,
    )
}
