//! The v1 reads: `GET /api/v1/threads/lookup` and `GET /api/v1/threads/{id}/messages`.

use serde_json::{json, Value};

use crate::handlers::fields::is_id;
use crate::handlers::v1::error::ApiError;
use crate::handlers::v1::views::{message_json, thread_json};
use crate::http::{Request, Response};
use crate::model::clock::iso8601;
use crate::model::seed::TEAM_ID;
use crate::model::state::State;

/// The thread between an account link and a prospect, or `null`.
pub fn lookup(state: &State, req: &Request) -> Result<Response, ApiError> {
    let account_link_id = req
        .query_param("accountLinkId")
        .ok_or_else(|| ApiError::bad_request("accountLinkId: Required"))?;
    if !is_id(&account_link_id) {
        return Err(ApiError::bad_request(
            "accountLinkId: Invalid format, must match ^[0-9a-z]+$",
        ));
    }
    if state.account_link(&account_link_id).is_none() {
        return Err(ApiError::account_link_not_found(&account_link_id));
    }
    let platform_id = req
        .query_param("externalPlatformId")
        .filter(|s| !s.is_empty());
    let external_id = req.query_param("externalId").filter(|s| !s.is_empty());
    let prospect = match (platform_id, external_id) {
        (Some(p), _) => state.prospect_by_platform_id(&p),
        (None, Some(e)) => state.prospect_by_external_id(&e),
        (None, None) => {
            return Err(ApiError::bad_request(
                "externalPlatformId: Required when externalId is not provided",
            ))
        }
    };
    let thread = prospect
        .and_then(|p| state.find_thread(&account_link_id, &p.platform_id))
        .map(|t| thread_json(state, t))
        .unwrap_or(Value::Null);
    Ok(Response::json(200, &thread))
}

/// A thread's messages, newest first, a page at a time (`limit`, and the cursor as `cursorId`
/// with `cursorTimestamp`: the vendor's document requires the two together); `isSyncing` while
/// the control API says the thread syncs.
pub fn list_messages(
    state: &mut State,
    req: &Request,
    thread_id: &str,
) -> Result<Response, ApiError> {
    let cursor = req.query_param("cursorId");
    match (&cursor, req.query_param("cursorTimestamp")) {
        (Some(_), None) => {
            return Err(ApiError::bad_request(
                "cursorId: Must be used together with cursorTimestamp",
            ))
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "cursorTimestamp: Must be used together with cursorId",
            ))
        }
        _ => {}
    }
    let limit = match req.query_param("limit") {
        None => 50,
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    "limit: Must be an integer between 1 and 100",
                ))
            }
        },
    };
    if state.thread(thread_id).is_none() {
        return Err(ApiError::not_found(
            "THREAD_NOT_FOUND",
            format!("No thread with id {thread_id}"),
        ));
    }
    let mut all: Vec<_> = state
        .messages
        .iter()
        .filter(|m| m.thread_id == thread_id)
        .collect();
    all.reverse();
    if let Some(cursor) = cursor {
        if let Some(pos) = all.iter().position(|m| m.id == cursor) {
            all.drain(..=pos);
        }
    }
    let more = all.len() > limit;
    all.truncate(limit);
    let next_cursor = match (more, all.last()) {
        (true, Some(m)) => json!({"id": m.id, "timestamp": iso8601(m.created_at)}),
        _ => Value::Null,
    };
    let messages: Vec<Value> = all.into_iter().map(|m| message_json(state, m)).collect();
    let syncing = state.syncing_read(thread_id);
    Ok(Response::json(
        200,
        &json!({"teamId": TEAM_ID, "threadId": thread_id, "messages": messages, "nextCursor": next_cursor, "isSyncing": syncing}),
    ))
}
