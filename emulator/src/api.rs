//! The Inbox API v1 routes under `/api/v1`: auth, rate limit, validation, send, lookup, list.

use serde_json::{json, Map, Value};

use crate::http::{Request, Response};
use crate::limits::{self, Verdict};
use crate::seed::{self, TEAM_ID};
use crate::state::{message_json, Sent, State};

/// Longest accepted `content`, in Unicode scalar values.
pub const MAX_CONTENT_CHARS: usize = 10_000;

/// Result of an API request.
#[derive(Debug, Default)]
pub struct Outcome {
    pub response: Response,
    /// A message was stored.
    pub processed: bool,
    /// The stored message's id.
    pub message_id: Option<String>,
    /// A v2 idempotency key left "in progress" (the caller completes it when it answers).
    pub held_key: Option<(String, String)>,
}

impl Outcome {
    /// An outcome that stored nothing.
    pub fn plain(response: Response) -> Self {
        Outcome {
            response,
            ..Outcome::default()
        }
    }
}

/// Handles a request whose path starts with `/api/v1`.
pub fn handle(state: &mut State, req: &Request, now: u64) -> Outcome {
    if !authorized(state, req) {
        let info = state.rate_peek(now);
        let body = json!({"error": "Unauthorized", "message": "Invalid or missing API token"});
        let response = with_rate_headers(Response::json(401, &body), info)
            .header("WWW-Authenticate", "Bearer");
        return Outcome::plain(response);
    }
    let info = state.rate_consume(now);
    if info.limited {
        state.stats.limited_team += 1;
        let secs = info.retry_after_ms.div_ceil(1000).max(1);
        let window = limits::window_words(team_window_ms(state, info));
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

/// Length of the team window a verdict names.
pub fn team_window_ms(state: &State, v: Verdict) -> u64 {
    state
        .settings
        .team_limits
        .get(v.index)
        .map_or(60_000, |l| l.window_ms)
}

/// Adds `Retry-After` (whole seconds, at least 1) and `retry-after-ms`.
pub fn with_retry_after(r: Response, ms: u64) -> Response {
    r.header("Retry-After", ms.div_ceil(1000).max(1).to_string())
        .header("retry-after-ms", ms.to_string())
}

/// Whether the request carries the accepted bearer token.
pub fn authorized(state: &State, req: &Request) -> bool {
    let Some(value) = req.header("authorization") else {
        return false;
    };
    let Some((scheme, token)) = value.split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer") && token.trim() == state.settings.token
}

/// Adds the `X-RateLimit-*` headers.
pub fn with_rate_headers(r: Response, info: Verdict) -> Response {
    r.header("X-RateLimit-Limit", info.limit.to_string())
        .header("X-RateLimit-Remaining", info.remaining.to_string())
        .header(
            "X-RateLimit-Reset",
            info.reset_ms.div_ceil(1000).to_string(),
        )
}

/// An error in the vendor's `{"error":{code,message,status}}` shape.
#[derive(Debug)]
struct ApiError {
    status: u16,
    code: &'static str,
    message: String,
    /// For 429s: `Retry-After` / `retry-after-ms`.
    retry_after_ms: Option<u64>,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            code: "BAD_REQUEST",
            message: message.into(),
            retry_after_ms: None,
        }
    }
    fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: 404,
            code,
            message: message.into(),
            retry_after_ms: None,
        }
    }
    fn into_response(self) -> Response {
        let r = Response::error(self.status, self.code, &self.message);
        match self.retry_after_ms {
            Some(ms) => with_retry_after(r, ms),
            None => r,
        }
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
            "POST" => match send(state, &req.body, now) {
                Ok((r, id)) => (Ok(r), Some(id)),
                Err(e) => (Err(e), None),
            },
            _ => (not_allowed("POST"), None),
        },
        ["threads", "lookup"] => match method {
            "GET" => (lookup(state, req), None),
            _ => (not_allowed("GET"), None),
        },
        ["threads", thread_id, "messages"] => match method {
            "GET" => (list_messages(state, req, thread_id), None),
            _ => (not_allowed("GET"), None),
        },
        ["account-links"] => match method {
            "GET" => {
                let links: Vec<Value> = state
                    .account_links
                    .iter()
                    .map(|a| state.account_link_json(a))
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

/// The JSON type name used in validation messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

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

/// `^[0-9a-z]+$` (v1 ids and v2 cuid2s).
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

fn send(state: &mut State, body: &[u8], now: u64) -> Result<(Response, String), ApiError> {
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
        return Err(account_link_not_found(account_link_id));
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
        let window = state
            .settings
            .sender_limits
            .get(v.index)
            .map_or(0, |l| l.window_ms);
        return Err(ApiError {
            status: 429,
            code: "RATE_LIMITED",
            message: format!(
                "X limit of {} DMs per {} for account link {account_link_id} reached; retry in {} s",
                v.limit,
                limits::window_words(window),
                v.retry_after_ms.div_ceil(1000).max(1)
            ),
            retry_after_ms: Some(v.retry_after_ms),
        });
    }
    let sent = Sent {
        api: "v1",
        ..Sent::default()
    };
    let (message, thread) = state.store_message(account_link_id, prospect, content, now, sent);
    let body = json!({"message": message_json(&message), "thread": state.thread_json(&thread)});
    Ok((Response::json(200, &body), message.id))
}

fn account_link_not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "ACCOUNT_LINK_NOT_FOUND",
        format!("No account link with id {id}"),
    )
}

fn lookup(state: &State, req: &Request) -> Result<Response, ApiError> {
    let account_link_id = req
        .query_param("accountLinkId")
        .ok_or_else(|| ApiError::bad_request("accountLinkId: Required"))?;
    if !is_id(&account_link_id) {
        return Err(ApiError::bad_request(
            "accountLinkId: Invalid format, must match ^[0-9a-z]+$",
        ));
    }
    if state.account_link(&account_link_id).is_none() {
        return Err(account_link_not_found(&account_link_id));
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
        .map(|t| state.thread_json(t))
        .unwrap_or(Value::Null);
    Ok(Response::json(200, &thread))
}

fn list_messages(state: &State, req: &Request, thread_id: &str) -> Result<Response, ApiError> {
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
    if let Some(cursor) = req.query_param("cursorId") {
        if let Some(pos) = all.iter().position(|m| m.id == cursor) {
            all.drain(..=pos);
        }
    }
    let more = all.len() > limit;
    all.truncate(limit);
    let next_cursor = match (more, all.last()) {
        (true, Some(m)) => json!({"id": m.id, "timestamp": crate::clock::iso8601(m.created_at)}),
        _ => Value::Null,
    };
    let messages: Vec<Value> = all.into_iter().map(message_json).collect();
    Ok(Response::json(
        200,
        &json!({"teamId": TEAM_ID, "threadId": thread_id, "messages": messages, "nextCursor": next_cursor, "isSyncing": false}),
    ))
}
