//! The Inbox API v2 under `/api/v2`: the front door (token, team windows), then the send,
//! `POST /api/v2/messages` with `Idempotency-Key` (`201` new / `200` replay, `422
//! idempotencyKeyReused`, `409 sendInProgress`), errors in the `{code, message, details,
//! requestId}` shape; and `GET /api/v2/messages/{messageId}`.

mod error;
mod message;
mod send;
mod validate;
mod views;

use serde_json::{json, Value};

use crate::handlers::gate::{self, with_rate_headers, with_retry_after, Admission};
use crate::handlers::outcome::Outcome;
use crate::handlers::v2::error::error;
use crate::http::Request;
use crate::model::clock::iso8601;
use crate::model::limits;
use crate::model::paths::V2_SEND;
use crate::model::state::State;

/// Handles a request under `/api/v2`. With `hold_key`, a new send leaves its idempotency key
/// "in progress" until the caller calls [`complete_key`] (a scripted fault is still running).
pub fn handle(state: &mut State, req: &Request, now: u64, hold_key: bool) -> Outcome {
    let rid = req.request_id.as_str();
    let info = match gate::admit(state, req, now) {
        Admission::Unauthorized(info) => {
            let r = error(
                401,
                "unauthorized",
                "Invalid or missing API token",
                Value::Null,
                rid,
            );
            return Outcome::plain(with_rate_headers(r, info).header("WWW-Authenticate", "Bearer"));
        }
        Admission::Limited(info) => {
            let window = gate::window_words(&state.settings.team_limits, info, 60_000);
            let details = json!({
                "window": limits::window_name(info.index),
                "limit": info.limit,
                "resetAt": iso8601(info.reset_ms),
            });
            let message = format!(
                "Rate limit of {} requests per {window} exceeded",
                info.limit
            );
            let r = error(429, "rateLimited", &message, details, rid);
            return Outcome::plain(with_retry_after(
                with_rate_headers(r, info),
                info.retry_after_ms,
            ));
        }
        Admission::Admitted(info) => info,
    };
    let path = req.path.trim_end_matches('/');
    let message_id = path
        .strip_prefix(V2_SEND)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|id| !id.contains('/'));
    let mut outcome = match (path, req.method.as_str(), message_id) {
        (V2_SEND, "POST", _) => send::send(state, req, now, hold_key),
        (_, "GET", Some(id)) => Outcome::plain(message::get(state, req, id)),
        (V2_SEND, _, _) => Outcome::plain(
            error(
                405,
                "methodNotAllowed",
                &format!("{} not allowed; use POST", req.method),
                Value::Null,
                rid,
            )
            .header("Allow", "POST"),
        ),
        _ => Outcome::plain(error(
            404,
            "notFound",
            &format!(
                "No route for {} {} (the emulator speaks POST {V2_SEND} and GET {V2_SEND}/{{id}} of v2)",
                req.method, req.path
            ),
            Value::Null,
            rid,
        )),
    };
    outcome.response = with_rate_headers(std::mem::take(&mut outcome.response), info);
    outcome
}

/// Marks a held key as answered: later requests with it are replays.
pub fn complete_key(state: &mut State, key: &(String, String)) {
    if let Some(entry) = state.keys.get_mut(key) {
        entry.in_progress = false;
    }
}

/// Forgets a held key, as the vendor does after a `sendUnconfirmed`: a later request with it
/// is a new send.
pub fn release_key(state: &mut State, key: &(String, String)) {
    state.keys.remove(key);
}
