//! `POST /api/v1/threads/messages`: validation, the prospect, the sender's X windows, the store.

use serde_json::{json, Map, Value};

use crate::handlers::fields::{is_id, type_name, MAX_CONTENT_CHARS};
use crate::handlers::gate;
use crate::handlers::v1::error::ApiError;
use crate::handlers::v1::views::{message_json, thread_json};
use crate::http::Response;
use crate::model::outages::{disconnected_message, LinkStatus};
use crate::model::seed;
use crate::model::state::{Sent, State};

/// A string field: `Ok(None)` when absent or null.
fn opt_string<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ApiError::bad_request(format!(
            "{field}: Expected string, received {}",
            type_name(other)
        ))),
    }
}

/// Validates and stores a send; the answer and the stored message's id.
pub fn send(state: &mut State, body: &[u8], now: u64) -> Result<(Response, String), ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("body: Invalid JSON ({e})")))?;
    let Value::Object(obj) = value else {
        return Err(ApiError::bad_request(format!(
            "body: Expected object, received {}",
            type_name(&value)
        )));
    };
    let account_link_id = opt_string(&obj, "accountLinkId")?
        .ok_or_else(|| ApiError::bad_request("accountLinkId: Required"))?;
    if !is_id(account_link_id) {
        return Err(ApiError::bad_request(
            "accountLinkId: Invalid format, must match ^[0-9a-z]+$",
        ));
    }
    let content =
        opt_string(&obj, "content")?.ok_or_else(|| ApiError::bad_request("content: Required"))?;
    if content.is_empty() {
        return Err(ApiError::bad_request(
            "content: String must contain at least 1 character(s)",
        ));
    }
    if content.chars().count() > MAX_CONTENT_CHARS {
        return Err(ApiError::bad_request(format!(
            "content: String must contain at most {MAX_CONTENT_CHARS} character(s)"
        )));
    }
    let platform_id = opt_string(&obj, "externalPlatformId")?;
    let external_id = opt_string(&obj, "externalId")?;
    if let Some(p) = platform_id {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_request(
                "externalPlatformId: Invalid format, must be a numeric X user id",
            ));
        }
    }
    if let Some(e) = external_id {
        if e.is_empty() {
            return Err(ApiError::bad_request(
                "externalId: String must contain at least 1 character(s)",
            ));
        }
    }
    if platform_id.is_none() && external_id.is_none() {
        return Err(ApiError::bad_request(
            "externalPlatformId: Required when externalId is not provided",
        ));
    }
    if state.account_link(account_link_id).is_none() {
        return Err(ApiError::account_link_not_found(account_link_id));
    }
    let status = state.outages.link(account_link_id, now);
    if status != LinkStatus::Active {
        return Err(ApiError {
            status: 409,
            code: "ACCOUNT_LINK_DISCONNECTED",
            message: disconnected_message(account_link_id, status),
            retry_after_ms: None,
        });
    }
    let prospect = match (platform_id, external_id) {
        (Some(p), _) => state
            .prospect_by_platform_id(p)
            .cloned()
            .unwrap_or_else(|| seed::synthesise_prospect(p)),
        (None, Some(e)) => state.prospect_by_external_id(e).cloned().ok_or_else(|| {
            ApiError::not_found(
                "PROSPECT_NOT_FOUND",
                format!("No prospect with externalId {e}"),
            )
        })?,
        (None, None) => return Err(ApiError::bad_request("externalPlatformId: Required")),
    };
    if let Some(v) = state.sender_refusal(account_link_id, now) {
        state.stats.limited_sender += 1;
        let window = gate::window_words(&state.settings.sender_limits, v, 0);
        return Err(ApiError {
            status: 429,
            code: "RATE_LIMITED",
            message: format!(
                "X limit of {} DMs per {window} for account link {account_link_id} reached; retry in {} s",
                v.limit,
                gate::retry_after_secs(v.retry_after_ms)
            ),
            retry_after_ms: Some(v.retry_after_ms),
        });
    }
    let sent = Sent {
        api: "v1",
        ..Sent::default()
    };
    let (message, thread) = state.store_message(account_link_id, prospect, content, now, sent);
    let body =
        json!({"message": message_json(state, &message), "thread": thread_json(state, &thread)});
    Ok((Response::json(200, &body), message.id))
}
