//! A send from an account link that is not active in Inbox: `409 accountLinkDisconnected` with
//! `details: {accountLinkId, status}` (`offline` or `paused`). Checked before the send for a
//! valid request whose key is new (or that has none); a key already used is answered by the send (a replay gives
//! the first answer whatever changed since).

use serde_json::{json, Value};

use crate::handlers::v2::error::error;
use crate::handlers::v2::validate::{idempotency_key, validate};
use crate::http::{Request, Response};
use crate::model::outages::{disconnected_message, LinkStatus};
use crate::model::seed::TEAM_ID;
use crate::model::state::State;

/// The 409 a send gets when its account link is offline or paused at `now`.
pub fn refusal(state: &State, req: &Request, now: u64) -> Option<Response> {
    let key = idempotency_key(req).ok()?;
    let body: Value = serde_json::from_slice(&req.body).ok()?;
    let used = key.is_some_and(|key| state.keys.contains_key(&(TEAM_ID.to_string(), key)));
    if !validate(&body).is_empty() || used {
        return None;
    }
    let target = &body["target"];
    let link = match target["type"].as_str() {
        Some("thread") => state
            .thread(target["threadId"].as_str()?)?
            .account_link_id
            .clone(),
        _ => target["accountLinkId"].as_str()?.to_string(),
    };
    let status = state.outages.link(&link, now);
    (status != LinkStatus::Active).then(|| {
        error(
            409,
            "accountLinkDisconnected",
            &disconnected_message(&link, status),
            json!({"accountLinkId": link, "status": status}),
            &req.request_id,
        )
    })
}
