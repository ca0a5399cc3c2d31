//! The Inbox API v1 under `/api/v1`: the front door (token, team windows), then the send, the
//! thread lookup, a thread's messages and the account links.

mod error;
mod read;
mod send;
pub mod views;

use serde_json::{json, Value};

use crate::handlers::gate::{self, with_rate_headers, with_retry_after, Admission};
use crate::handlers::outcome::Outcome;
use crate::handlers::v1::error::ApiError;
use crate::http::{Request, Response};
use crate::model::state::State;

/// Handles a request whose path starts with `/api/v1`.
pub fn handle(state: &mut State, req: &Request, now: u64) -> Outcome {
    let info = match gate::admit(state, req, now) {
        Admission::Unauthorized(info) => {
            let body = json!({"error": "Unauthorized", "message": "Invalid or missing API token"});
            let response = with_rate_headers(Response::json(401, &body), info)
                .header("WWW-Authenticate", "Bearer");
            return Outcome::plain(response);
        }
        Admission::Limited(info) => {
            let secs = gate::retry_after_secs(info.retry_after_ms);
            let window = gate::window_words(&state.settings.team_limits, info, 60_000);
            let msg = format!(
                "Rate limit of {} requests per {window} exceeded; retry in {secs} s",
                info.limit
            );
            let response = with_retry_after(
                with_rate_headers(Response::error(429, "RATE_LIMITED", &msg), info),
                info.retry_after_ms,
            );
            return Outcome::plain(response);
        }
        Admission::Admitted(info) => info,
    };
    let (result, message_id) = route(state, req, now);
    let response = match result {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    Outcome {
        response: with_rate_headers(response, info),
        processed: message_id.is_some(),
        message_id,
        held_key: None,
    }
}

/// Routes a v1 request; the second value is the id of a stored message.
fn route(
    state: &mut State,
    req: &Request,
    now: u64,
) -> (Result<Response, ApiError>, Option<String>) {
    let path = req.path.trim_end_matches('/');
    let segments: Vec<&str> = path
        .trim_start_matches("/api/v1")
        .split('/')
        .skip(1)
        .collect();
    let method = req.method.as_str();
    let not_allowed = |allow: &str| {
        Ok(Response::error(
            405,
            "METHOD_NOT_ALLOWED",
            &format!("{method} not allowed; use {allow}"),
        )
        .header("Allow", allow))
    };
    match segments.as_slice() {
        ["threads", "messages"] => match method {
            "POST" => match send::send(state, &req.body, now) {
                Ok((r, id)) => (Ok(r), Some(id)),
                Err(e) => (Err(e), None),
            },
            _ => (not_allowed("POST"), None),
        },
        ["threads", "lookup"] => match method {
            "GET" => (read::lookup(state, req), None),
            _ => (not_allowed("GET"), None),
        },
        ["threads", thread_id, "messages"] => match method {
            "GET" => (read::list_messages(state, req, thread_id), None),
            _ => (not_allowed("GET"), None),
        },
        ["account-links"] => match method {
            "GET" => {
                let links: Vec<Value> = state
                    .account_links
                    .iter()
                    .map(|a| views::account_link_json(state, a, now))
                    .collect();
                (Ok(Response::json(200, &Value::Array(links))), None)
            }
            _ => (not_allowed("GET"), None),
        },
        _ => (
            Err(ApiError::not_found(
                "NOT_FOUND",
                format!("No route for {method} {}", req.path),
            )),
            None,
        ),
    }
}
