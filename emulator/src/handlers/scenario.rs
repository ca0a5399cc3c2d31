//! The control API's scripted world (`/__emulator/…`): account links offline or paused, a
//! refused token, earlier conversations, and prospects who reply at a given moment.

use serde::Deserialize;
use serde_json::json;

use crate::http::{Request, Response};
use crate::model::outages::LinkStatus;
use crate::model::replies::Reply;
use crate::model::seed::{self, Prospect};
use crate::model::state::{Direction, State};

/// The prospect a scripted call names: by X user id or by contact (external) id.
struct Who {
    platform_id: Option<String>,
    contact_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusBody {
    status: LinkStatus,
    /// How long it lasts; until changed when absent.
    duration_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TokenBody {
    refused: bool,
    duration_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HistoryMessage {
    direction: Direction,
    content: String,
    /// Unix ms; now when absent.
    at: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConversationBody {
    account_link_id: String,
    platform_id: Option<String>,
    contact_id: Option<String>,
    messages: Vec<HistoryMessage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplyBody {
    thread_id: Option<String>,
    account_link_id: Option<String>,
    platform_id: Option<String>,
    contact_id: Option<String>,
    content: String,
    /// Unix ms of the reply.
    at: Option<u64>,
    /// Or this long from now (now when neither is given).
    after_ms: Option<u64>,
}

fn bad(message: String) -> Response {
    Response::error(400, "BAD_REQUEST", &message)
}

/// Parses a body; an error names the field it is about.
fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Response> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "body".to_string()
        } else {
            path
        };
        bad(format!("{field}: {}", e.inner()))
    })
}

/// Handles the scripted-world routes; `None` for any other path.
pub fn handle(state: &mut State, req: &Request, route: &str, now: u64) -> Option<Response> {
    let method = req.method.as_str();
    let result = match (method, route) {
        ("GET", "/outages") => Ok(Response::json(200, &state.outages.to_json(now))),
        ("POST", "/token") => parse::<TokenBody>(&req.body).and_then(|b| {
            if !b.refused && b.duration_ms.is_some() {
                return Err(bad("durationMs: only with refused: true".into()));
            }
            let until = b.duration_ms.map(|ms| now.saturating_add(ms));
            state.outages.refuse_token(b.refused, until);
            Ok(Response::json(200, &state.outages.to_json(now)))
        }),
        ("POST", "/conversations") => {
            parse::<ConversationBody>(&req.body).and_then(|b| conversation(state, b, now))
        }
        ("GET", "/replies") => Ok(Response::json(200, &state.replies.to_json())),
        ("POST", "/replies") => parse::<ReplyBody>(&req.body).and_then(|b| reply(state, b, now)),
        ("GET", "/webhooks") => serde_json::to_value(&state.webhooks.attempts)
            .map(|v| Response::json(200, &v))
            .map_err(|e| Response::error(500, "INTERNAL_SERVER_ERROR", &e.to_string())),
        _ => {
            let id = route
                .strip_prefix("/account-links/")?
                .strip_suffix("/status")?;
            if method != "POST" {
                return None;
            }
            parse::<StatusBody>(&req.body).and_then(|b| {
                link(state, id)?;
                if b.status == LinkStatus::Active && b.duration_ms.is_some() {
                    return Err(bad("durationMs: only with offline or paused".into()));
                }
                let until = b.duration_ms.map(|ms| now.saturating_add(ms));
                state.outages.set_link(id, b.status, until);
                Ok(Response::json(200, &state.outages.to_json(now)))
            })
        }
    };
    Some(result.unwrap_or_else(|e| e))
}

/// Checks that an account link exists.
fn link(state: &State, id: &str) -> Result<(), Response> {
    match state.account_link(id) {
        Some(_) => Ok(()),
        None => Err(bad(format!("accountLinkId: no account link {id:?}"))),
    }
}

/// The prospect named by exactly one of `platformId` (any digits) / `contactId` (known).
fn prospect(state: &State, who: Who) -> Result<Prospect, Response> {
    match (who.platform_id, who.contact_id) {
        (Some(p), None) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Ok(state
            .prospect_by_platform_id(&p)
            .cloned()
            .unwrap_or_else(|| seed::synthesise_prospect(&p))),
        (Some(p), None) => Err(bad(format!(
            "platformId: an X user id is digits only, got {p:?}"
        ))),
        (None, Some(c)) => state
            .prospect_by_external_id(&c)
            .cloned()
            .ok_or_else(|| bad(format!("contactId: no contact {c:?}"))),
        _ => Err(bad(
            "platformId: give platformId or contactId (one of them)".into(),
        )),
    }
}

/// `POST /__emulator/conversations`: messages of an earlier conversation, oldest first.
fn conversation(state: &mut State, b: ConversationBody, now: u64) -> Result<Response, Response> {
    link(state, &b.account_link_id)?;
    let who = Who {
        platform_id: b.platform_id,
        contact_id: b.contact_id,
    };
    let prospect = prospect(state, who)?;
    if b.messages.is_empty() {
        return Err(bad("messages: at least one message".into()));
    }
    let existing = state
        .find_thread(&b.account_link_id, &prospect.platform_id)
        .and_then(|t| t.last_message_id.clone())
        .and_then(|id| state.messages.iter().find(|m| m.id == id))
        .map_or(0, |m| m.created_at);
    let mut previous = existing;
    for (i, m) in b.messages.iter().enumerate() {
        let at = m.at.unwrap_or(now);
        if m.content.is_empty() {
            return Err(bad(format!("messages[{i}].content: must not be empty")));
        }
        if at > now || at < previous {
            return Err(bad(format!(
                "messages[{i}].at: must not be in the future nor before the message it follows"
            )));
        }
        previous = at;
    }
    let mut ids = Vec::new();
    let mut thread_id = String::new();
    for m in b.messages {
        let at = m.at.unwrap_or(now);
        let (message, thread) = state.add_scripted(
            &b.account_link_id,
            prospect.clone(),
            m.direction,
            &m.content,
            at,
        );
        ids.push(message.id);
        thread_id = thread.id;
    }
    Ok(Response::json(
        200,
        &json!({"threadId": thread_id, "messageIds": ids}),
    ))
}

/// `POST /__emulator/replies`: the prospect of a thread (or of an account link and prospect)
/// answers at `at`, `afterMs` from now, or now.
fn reply(state: &mut State, b: ReplyBody, now: u64) -> Result<Response, Response> {
    if b.content.is_empty() {
        return Err(bad("content: must not be empty".into()));
    }
    let (account_link_id, prospect) = match (b.thread_id, b.account_link_id) {
        (Some(t), None) if b.platform_id.is_none() && b.contact_id.is_none() => {
            let thread = state
                .thread(&t)
                .ok_or_else(|| bad(format!("threadId: no thread {t:?}")))?;
            let link = thread.account_link_id.clone();
            let p = state
                .prospect_by_platform_id(&thread.prospect_platform_id)
                .cloned()
                .unwrap_or_else(|| seed::synthesise_prospect(&thread.prospect_platform_id));
            (link, p)
        }
        (None, Some(link_id)) => {
            link(state, &link_id)?;
            let who = Who {
                platform_id: b.platform_id,
                contact_id: b.contact_id,
            };
            (link_id, prospect(state, who)?)
        }
        _ => {
            return Err(bad(
                "threadId: give threadId, or accountLinkId with platformId or contactId".into(),
            ))
        }
    };
    let at = match (b.at, b.after_ms) {
        (Some(_), Some(_)) => return Err(bad("at: give at or afterMs, not both".into())),
        (Some(at), None) if at < now => {
            return Err(bad(format!(
                "at: {at} is in the past (now is {now}); earlier messages go to /__emulator/conversations"
            )))
        }
        (Some(at), None) => at,
        (None, Some(ms)) => now.saturating_add(ms),
        (None, None) => now,
    };
    let id = state.new_id('r');
    let scheduled = json!({"id": id, "at": at, "accountLinkId": account_link_id, "platformId": prospect.platform_id});
    state.schedule_reply(Reply {
        id,
        at,
        account_link_id,
        prospect,
        content: b.content,
    });
    state.settle(now);
    Ok(Response::json(200, &json!({"reply": scheduled})))
}
