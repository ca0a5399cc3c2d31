//! `POST /api/v2/messages`: the key first when there is one (replay, reuse, in progress), then
//! the target, the content, the reply, the sender's X windows and the store. Without a key it
//! is an ordinary send.

use serde_json::{json, Value};

use crate::handlers::fields::MAX_CONTENT_CHARS;
use crate::handlers::gate::{self, with_retry_after};
use crate::handlers::outcome::Outcome;
use crate::handlers::v2::error::{error, invalid, issue};
use crate::handlers::v2::validate::{idempotency_key, validate};
use crate::handlers::v2::views::{message_v2_json, thread_v2_json};
use crate::http::{Request, Response};
use crate::model::keys::KeyEntry;
use crate::model::seed::{self, TEAM_ID};
use crate::model::state::{Sent, State};

/// Handles `POST /api/v2/messages` after the front door.
pub fn send(state: &mut State, req: &Request, now: u64, hold_key: bool) -> Outcome {
    match try_send(state, req, now, hold_key) {
        Ok(o) => o,
        Err(r) => Outcome::plain(r),
    }
}

fn try_send(
    state: &mut State,
    req: &Request,
    now: u64,
    hold_key: bool,
) -> Result<Outcome, Response> {
    let rid = req.request_id.as_str();
    let key = idempotency_key(req);
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => {
            let mut issues: Vec<Value> = key.as_ref().err().cloned().into_iter().collect();
            issues.push(issue(&[], format!("Invalid JSON ({e})")));
            return Err(invalid(issues, rid));
        }
    };
    let mut issues: Vec<Value> = key.as_ref().err().cloned().into_iter().collect();
    issues.extend(validate(&body));
    let key = match key {
        Ok(k) if issues.is_empty() => k.map(|k| (TEAM_ID.to_string(), k)),
        _ => return Err(invalid(issues, rid)),
    };
    if let Some(key) = &key {
        known_key(state, key, &body, now, rid)?;
    }
    let target = &body["target"];
    let str_of = |v: &Value, f: &str| v[f].as_str().unwrap_or("").to_string();
    let (account_link_id, prospect) = match target["type"].as_str() {
        Some("thread") => {
            let id = str_of(target, "threadId");
            let thread = state.thread(&id).ok_or_else(|| {
                error(
                    404,
                    "threadNotFound",
                    &format!("No thread with id {id}"),
                    Value::Null,
                    rid,
                )
            })?;
            let link = thread.account_link_id.clone();
            let prospect = state
                .prospect_by_platform_id(&thread.prospect_platform_id)
                .cloned()
                .unwrap_or_else(|| seed::synthesise_prospect(&thread.prospect_platform_id));
            (link, prospect)
        }
        Some("contact") => {
            let link = account_link(state, &str_of(target, "accountLinkId"), rid)?;
            let id = str_of(target, "contactId");
            let prospect = state.prospect_by_external_id(&id).cloned().ok_or_else(|| {
                error(
                    404,
                    "contactNotFound",
                    &format!("No contact with id {id}"),
                    Value::Null,
                    rid,
                )
            })?;
            (link, prospect)
        }
        _ => {
            let link = account_link(state, &str_of(target, "accountLinkId"), rid)?;
            let platform = str_of(target, "platform");
            if platform != "twitter" {
                return Err(error(
                    422,
                    "platformNotSupported",
                    &format!("Platform {platform:?} is not enabled for this team"),
                    json!({"platform": platform, "supported": ["twitter"]}),
                    rid,
                ));
            }
            let id = str_of(target, "platformId");
            if !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error(
                    422,
                    "recipientUnavailable",
                    &format!("No twitter profile with platformId {id:?} (X user ids are numeric)"),
                    json!({"reason": "notFound"}),
                    rid,
                ));
            }
            let prospect = state
                .prospect_by_platform_id(&id)
                .cloned()
                .unwrap_or_else(|| seed::synthesise_prospect(&id));
            (link, prospect)
        }
    };
    let content = str_of(&body, "content");
    if content.chars().count() > MAX_CONTENT_CHARS {
        return Err(error(
            422,
            "contentRejected",
            "Content is longer than the platform allows",
            json!({"detail": format!("twitter allows at most {} characters", MAX_CONTENT_CHARS)}),
            rid,
        ));
    }
    let reply_to = body["replyToMessageId"].as_str().map(str::to_string);
    if let Some(reply) = &reply_to {
        let landing = state
            .find_thread(&account_link_id, &prospect.platform_id)
            .map(|t| t.id.clone());
        let found = state
            .messages
            .iter()
            .any(|m| &m.id == reply && Some(&m.thread_id) == landing.as_ref());
        if !found {
            return Err(invalid(
                vec![issue(
                    &["replyToMessageId"],
                    "Not a message in the thread this send lands in",
                )],
                rid,
            ));
        }
    }
    if let Some(v) = state.sender_refusal(&account_link_id, now) {
        state.stats.limited_sender += 1;
        let secs = gate::retry_after_secs(v.retry_after_ms);
        let window = gate::window_words(&state.settings.sender_limits, v, 0);
        let r = error(
            429,
            "platformRateLimited",
            &format!(
                "X limit of {} DMs per {window} reached for account link {account_link_id}",
                v.limit
            ),
            json!({"retryAfterSeconds": secs}),
            rid,
        );
        return Err(with_retry_after(r, v.retry_after_ms));
    }
    let sent = Sent {
        api: "v2",
        idempotency_key: key.as_ref().map(|k| k.1.clone()),
        reply_to,
    };
    let (message, thread) = state.store_message(&account_link_id, prospect, &content, now, sent);
    let result = json!({"message": message_v2_json(state, &message), "thread": thread_v2_json(state, &thread)});
    let held_key = key.clone().filter(|_| hold_key);
    if let Some(key) = key {
        let entry = KeyEntry {
            body,
            result: result.clone(),
            message_id: message.id.clone(),
            created_at: now,
            in_progress: hold_key,
        };
        state.keys.insert(key, entry);
    }
    Ok(Outcome {
        response: Response::json(201, &result),
        processed: true,
        message_id: Some(message.id),
        held_key,
    })
}

/// An idempotency key seen before answers for the send: a replay of the original result
/// whatever changed since (`Err` with the `200`), `422` for another body, `409` while the first
/// request is still running. `Ok` for a key that is new (or expired).
fn known_key(
    state: &mut State,
    key: &(String, String),
    body: &Value,
    now: u64,
    rid: &str,
) -> Result<(), Response> {
    let ttl = state.settings.idempotency_key_ttl_ms;
    if state
        .keys
        .get(key)
        .is_some_and(|e| now >= e.created_at.saturating_add(ttl))
    {
        state.keys.remove(key);
    }
    if let Some(entry) = state.keys.get(key) {
        if entry.body != *body {
            state.stats.key_reused += 1;
            return Err(error(
                422,
                "idempotencyKeyReused",
                "This Idempotency-Key was used with a different request body",
                Value::Null,
                rid,
            ));
        }
        if entry.in_progress {
            state.stats.in_progress += 1;
            return Err(error(
                409,
                "sendInProgress",
                "A request with this Idempotency-Key is still being processed; retry shortly",
                json!({"messageId": entry.message_id}),
                rid,
            ));
        }
        state.stats.replays += 1;
        return Err(Response::json(200, &entry.result));
    }
    Ok(())
}

fn account_link(state: &State, id: &str, rid: &str) -> Result<String, Response> {
    state
        .account_link(id)
        .map(|a| a.id.to_string())
        .ok_or_else(|| {
            error(
                404,
                "accountLinkNotFound",
                &format!("No account link with id {id}"),
                Value::Null,
                rid,
            )
        })
}
