//! The Inbox API v2 under `/api/v2`: the front door (token, team windows), then the send,
//! `POST /api/v2/messages` with `Idempotency-Key` (`201` new / `200` replay, `422
//! idempotencyKeyReused`, `409 sendInProgress`, `409 accountLinkDisconnected`), and the reads
//! `GET /api/v2/messages/{messageId}`, `/contacts`, `/threads`, `/threads/{id}/messages` and
//! `/events`; errors in the `{code, message, details, requestId}` shape.

mod contacts;
mod disconnect;
mod error;
mod events;
mod message;
mod page;
mod query;
mod send;
mod thread_messages;
mod threads;
mod validate;
mod views;

use serde_json::{json, Value};

use crate::handlers::gate::{self, with_rate_headers, with_retry_after, Admission};
use crate::handlers::outcome::Outcome;
use crate::handlers::v2::error::error;
use crate::http::Request;
use crate::model::clock::iso8601;
use crate::model::limits;
use crate::model::paths::{V2_CONTACTS, V2_EVENTS, V2_SEND, V2_THREADS};
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
    let mut outcome = match (path, req.method.as_str()) {
        (V2_SEND, "POST") => match disconnect::refusal(state, req, now) {
            Some(r) => Outcome::plain(r),
            None => send::send(state, req, now, hold_key),
        },
        (V2_CONTACTS, "GET") => Outcome::plain(contacts::list(state, req)),
        (V2_THREADS, "GET") => Outcome::plain(threads::list(state, req)),
        (V2_EVENTS, "GET") => Outcome::plain(events::list(state, req)),
        (p, "GET") if message::message_id(p).is_some() => {
            let id = message::message_id(p).unwrap_or_default();
            Outcome::plain(message::get(state, req, id))
        }
        (p, "GET") if thread_messages::thread_id(p).is_some() => {
            let id = thread_messages::thread_id(p).unwrap_or_default();
            Outcome::plain(thread_messages::list(state, req, id))
        }
        (V2_SEND, _) => Outcome::plain(
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
                "No route for {} {} (the emulator speaks v2's POST {V2_SEND}, GET {V2_SEND}/{{id}}, GET {V2_CONTACTS}, GET {V2_THREADS}, GET {V2_THREADS}/{{id}}/messages and GET {V2_EVENTS})",
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
