//! `GET /api/v2/messages/{messageId}`: one message in the vendor's `Message` shape, its
//! `platformId` set once X has it; `?expand=thread` embeds its thread as `thread`. A message
//! that does not exist is `404 messageNotFound` (how a client learns that a `sendUnconfirmed`
//! send never reached X).

use serde_json::Value;

use crate::handlers::v2::error::error;
use crate::handlers::v2::views::{message_v2_json, thread_v2_json};
use crate::http::{Request, Response};
use crate::model::paths::V2_SEND;
use crate::model::state::State;

/// The message id of a `/api/v2/messages/{messageId}` path.
pub fn message_id(path: &str) -> Option<&str> {
    path.strip_prefix(V2_SEND)?
        .strip_prefix('/')
        .filter(|id| !id.contains('/'))
}

/// Answers the read of message `id`.
pub fn get(state: &State, req: &Request, id: &str) -> Response {
    let Some(message) = state.messages.iter().find(|m| m.id == id) else {
        return error(
            404,
            "messageNotFound",
            &format!("No message with id {id}"),
            Value::Null,
            &req.request_id,
        );
    };
    let mut json = message_v2_json(state, message);
    if expands_thread(req) {
        if let Some(thread) = state.thread(&message.thread_id) {
            json["thread"] = thread_v2_json(state, thread);
        }
    }
    Response::json(200, &json)
}

/// Whether an `expand` value (the key repeated, or values comma-separated) names `thread`.
fn expands_thread(req: &Request) -> bool {
    req.query_pairs()
        .iter()
        .any(|(key, value)| key == "expand" && value.split(',').any(|name| name == "thread"))
}
