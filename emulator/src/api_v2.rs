//! The Inbox API v2 send endpoint, `POST /api/v2/messages`, with `Idempotency-Key`: v2
//! validation and error shapes (`{code, message, details, requestId}`), `201` new / `200`
//! replay, `422 idempotencyKeyReused`, `409 sendInProgress`, the team and per-sender limits.

use serde_json::{json, Map, Value};

use crate::api::{self, is_id, type_name, with_rate_headers, with_retry_after, Outcome};
use crate::clock::iso8601;
use crate::http::{Request, Response};
use crate::limits;
use crate::seed::{self, Prospect, TEAM_ID};
use crate::state::{KeyEntry, Message, Sent, State, Thread};

/// The v2 send path.
pub const SEND_PATH: &str = "/api/v2/messages";

/// Whether a path belongs to the v2 API.
pub fn is_v2(path: &str) -> bool {
    path == "/api/v2" || path.starts_with("/api/v2/")
}

/// A v2 error body: `{code, message, details, requestId}`.
pub fn error(status: u16, code: &str, message: &str, details: Value, request_id: &str) -> Response {
    Response::json(
        status,
        &json!({"code": code, "message": message, "details": details, "requestId": request_id}),
    )
}

/// Handles a request under `/api/v2`. With `hold_key`, a new send leaves its idempotency key
/// "in progress" until the caller calls [`complete_key`] (a scripted fault is still running).
pub fn handle(state: &mut State, req: &Request, now: u64, hold_key: bool) -> Outcome {
    let rid = req.request_id.as_str();
    if !api::authorized(state, req) {
        let info = state.rate_peek(now);
        let r = error(
            401,
            "unauthorized",
            "Invalid or missing API token",
            Value::Null,
            rid,
        );
        return Outcome::plain(with_rate_headers(r, info).header("WWW-Authenticate", "Bearer"));
    }
    let info = state.rate_consume(now);
    if info.limited {
        state.stats.limited_team += 1;
        let window = limits::window_words(api::team_window_ms(state, info));
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
    let path = req.path.trim_end_matches('/');
    let mut outcome = match (path, req.method.as_str()) {
        (SEND_PATH, "POST") => send(state, req, now, hold_key),
        (SEND_PATH, _) => Outcome::plain(
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
                "No route for {} {} (the emulator speaks POST {SEND_PATH} of v2)",
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

/// One validation issue: `{path, message}`.
fn issue(path: &[&str], message: impl Into<String>) -> Value {
    json!({"path": path, "message": message.into()})
}

fn invalid(issues: Vec<Value>, rid: &str) -> Response {
    let first = issues
        .first()
        .map(|i| {
            let path: Vec<&str> = i["path"]
                .as_array()
                .map(|p| p.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let path = if path.is_empty() {
                "body".to_string()
            } else {
                path.join(".")
            };
            format!("{path}: {}", i["message"].as_str().unwrap_or(""))
        })
        .unwrap_or_default();
    error(
        400,
        "invalidRequest",
        &format!("Invalid request: {first}"),
        json!({"issues": issues}),
        rid,
    )
}

/// Checks `Idempotency-Key`: 1–255 printable ASCII.
fn idempotency_key(req: &Request) -> Result<String, Value> {
    let path = ["headers", "idempotency-key"];
    let Some(key) = req.header("idempotency-key") else {
        return Err(issue(&path, "Required"));
    };
    if key.is_empty() || key.len() > 255 {
        return Err(issue(&path, "Must be 1 to 255 characters"));
    }
    if !key.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(issue(&path, "Invalid format, must match ^[\\x20-\\x7E]+$"));
    }
    Ok(key.to_string())
}

/// A string field of `obj` at `path`; records an issue when missing or wrong.
fn string_field<'a>(
    obj: &'a Map<String, Value>,
    field: &str,
    path: &[&str],
    issues: &mut Vec<Value>,
) -> Option<&'a str> {
    let full: Vec<&str> = path.iter().copied().chain([field]).collect();
    match obj.get(field) {
        None => {
            issues.push(issue(&full, "Required"));
            None
        }
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            issues.push(issue(
                &full,
                format!("Expected string, received {}", type_name(other)),
            ));
            None
        }
    }
}

fn cuid(obj: &Map<String, Value>, field: &str, path: &[&str], issues: &mut Vec<Value>) {
    if let Some(s) = string_field(obj, field, path, issues) {
        if !is_id(s) {
            let full: Vec<&str> = path.iter().copied().chain([field]).collect();
            issues.push(issue(&full, "Invalid format, must match ^[0-9a-z]+$"));
        }
    }
}

fn unknown_keys(
    obj: &Map<String, Value>,
    allowed: &[&str],
    path: &[&str],
    issues: &mut Vec<Value>,
) {
    for k in obj.keys().filter(|k| !allowed.contains(&k.as_str())) {
        let full: Vec<&str> = path.iter().copied().chain([k.as_str()]).collect();
        issues.push(issue(&full, format!("Unrecognized key: {k:?}")));
    }
}

/// Validates a `SendRequest` body; the issues in the vendor's shape.
fn validate(body: &Value) -> Vec<Value> {
    let mut issues = Vec::new();
    let Value::Object(obj) = body else {
        return vec![issue(
            &[],
            format!("Expected object, received {}", type_name(body)),
        )];
    };
    unknown_keys(
        obj,
        &["target", "content", "replyToMessageId"],
        &[],
        &mut issues,
    );
    if let Some(c) = string_field(obj, "content", &[], &mut issues) {
        if c.is_empty() {
            issues.push(issue(
                &["content"],
                "String must contain at least 1 character(s)",
            ));
        }
    }
    if obj.contains_key("replyToMessageId") {
        cuid(obj, "replyToMessageId", &[], &mut issues);
    }
    match obj.get("target") {
        None => issues.push(issue(&["target"], "Required")),
        Some(Value::Object(t)) => {
            let p = ["target"];
            match t.get("type").and_then(Value::as_str) {
                Some("thread") => {
                    unknown_keys(t, &["type", "threadId"], &p, &mut issues);
                    cuid(t, "threadId", &p, &mut issues);
                }
                Some("contact") => {
                    unknown_keys(t, &["type", "accountLinkId", "contactId"], &p, &mut issues);
                    cuid(t, "accountLinkId", &p, &mut issues);
                    cuid(t, "contactId", &p, &mut issues);
                }
                Some("profile") => {
                    unknown_keys(
                        t,
                        &["type", "accountLinkId", "platform", "platformId"],
                        &p,
                        &mut issues,
                    );
                    cuid(t, "accountLinkId", &p, &mut issues);
                    for field in ["platform", "platformId"] {
                        if string_field(t, field, &p, &mut issues).is_some_and(str::is_empty) {
                            issues.push(issue(
                                &["target", field],
                                "String must contain at least 1 character(s)",
                            ));
                        }
                    }
                }
                _ => issues.push(issue(
                    &["target", "type"],
                    "Invalid discriminator value. Expected 'thread' | 'contact' | 'profile'",
                )),
            }
        }
        Some(other) => issues.push(issue(
            &["target"],
            format!("Expected object, received {}", type_name(other)),
        )),
    }
    issues
}

fn send(state: &mut State, req: &Request, now: u64, hold_key: bool) -> Outcome {
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
        Ok(k) if issues.is_empty() => (TEAM_ID.to_string(), k),
        _ => return Err(invalid(issues, rid)),
    };

    // The key first: a replay answers the original result whatever changed since.
    let ttl = state.settings.idempotency_key_ttl_ms;
    if state
        .keys
        .get(&key)
        .is_some_and(|e| now >= e.created_at.saturating_add(ttl))
    {
        state.keys.remove(&key);
    }
    if let Some(entry) = state.keys.get(&key) {
        if entry.body != body {
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
        return Ok(Outcome::plain(Response::json(200, &entry.result)));
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
    if content.chars().count() > api::MAX_CONTENT_CHARS {
        return Err(error(
            422,
            "contentRejected",
            "Content is longer than the platform allows",
            json!({"detail": format!("twitter allows at most {} characters", api::MAX_CONTENT_CHARS)}),
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
        let secs = v.retry_after_ms.div_ceil(1000).max(1);
        let window = state
            .settings
            .sender_limits
            .get(v.index)
            .map_or(0, |l| l.window_ms);
        let r = error(
            429,
            "platformRateLimited",
            &format!(
                "X limit of {} DMs per {} reached for account link {account_link_id}",
                v.limit,
                limits::window_words(window)
            ),
            json!({"retryAfterSeconds": secs}),
            rid,
        );
        return Err(with_retry_after(r, v.retry_after_ms));
    }
    let sent = Sent {
        api: "v2",
        idempotency_key: Some(key.1.clone()),
        reply_to,
    };
    let (message, thread) = state.store_message(&account_link_id, prospect, &content, now, sent);
    let result = json!({"message": message_v2_json(state, &message), "thread": thread_v2_json(state, &thread)});
    state.keys.insert(
        key.clone(),
        KeyEntry {
            body,
            result: result.clone(),
            message_id: message.id.clone(),
            created_at: now,
            in_progress: hold_key,
        },
    );
    Ok(Outcome {
        response: Response::json(201, &result),
        processed: true,
        message_id: Some(message.id),
        held_key: hold_key.then_some(key),
    })
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

/// v2 `Message` JSON.
pub fn message_v2_json(state: &State, m: &Message) -> Value {
    let reply_to = m
        .reply_to
        .as_ref()
        .and_then(|id| state.messages.iter().find(|r| &r.id == id))
        .map(|r| {
            json!({
                "messageId": r.id,
                "platformId": r.platform_id,
                "content": r.content,
                "authorName": state.account_link(&r.author_id).map(|a| a.name),
            })
        });
    json!({
        "id": m.id,
        "threadId": m.thread_id,
        "accountLinkId": m.author_id,
        "platform": "twitter",
        "platformId": m.platform_id,
        "direction": "outbound",
        "sentBy": {"type": "api", "tokenId": "tok1emulator"},
        "content": m.content,
        "entities": {"urls": [], "postShares": [], "mentions": [], "hashtags": [], "cashtags": [], "format": []},
        "attachments": [],
        "forwarded": null,
        "reactions": [],
        "editedAt": null,
        "deletedAt": null,
        "createdAt": iso8601(m.created_at),
        "platformData": {"_tag": "twitter", "encrypted": false},
        "replyTo": reply_to,
    })
}

/// v2 `Thread` JSON.
pub fn thread_v2_json(state: &State, t: &Thread) -> Value {
    let last = t
        .last_message_id
        .as_ref()
        .and_then(|id| state.messages.iter().find(|m| &m.id == id));
    let contact_id = state
        .prospect_by_platform_id(&t.prospect_platform_id)
        .map(|p: &Prospect| p.external_id.clone())
        .unwrap_or_else(|| format!("ext{}", t.prospect_platform_id));
    json!({
        "id": t.id,
        "platform": "twitter",
        "platformId": t.platform_id,
        "accountLinkId": t.account_link_id,
        "profileId": format!("pf{}", t.prospect_platform_id),
        "contactId": contact_id,
        "assigneeId": null,
        "isRequest": false,
        "acceptanceState": "notRequired",
        "archived": false,
        "unread": false,
        "restrictions": [],
        "syncing": false,
        "typingIndicators": "teamDefault",
        "lastMessage": last.map(|m| json!({"id": m.id, "direction": "outbound", "createdAt": iso8601(m.created_at)})),
        "activity": last.map(|m| json!({"preview": m.content, "direction": "outbound", "at": iso8601(m.created_at)})),
        "createdAt": iso8601(t.created_at),
    })
}
