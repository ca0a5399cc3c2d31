//! The control API under `/__emulator/` (no auth): reset, config, request record, stored
//! messages, faults, threads that sync and the redirect target; the scripted world is
//! `scenario`'s.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::handlers::scenario;
use crate::handlers::v1::views::message_json;
use crate::http::{Request, Response};
use crate::model::authors::AuthorIds;
use crate::model::faults::Fault;
use crate::model::limits::{Limit, Shape, Windows};
use crate::model::state::State;
use crate::model::webhooks::Target;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigBody {
    /// Count of the first team window.
    rate_limit_per_minute: Option<u32>,
    /// Length of the first team window.
    rate_limit_window_ms: Option<u64>,
    /// Every team window (replaces the list; applied before the two keys above).
    team_limits: Option<Vec<Limit>>,
    /// Every per-sender window (replaces the list; `[]` turns them off).
    sender_limits: Option<Vec<Limit>>,
    idempotency_key_ttl_ms: Option<u64>,
    /// `clock` or `first-request` (a change forgets every open window).
    windows: Option<Windows>,
    /// The share of every team window another client spends, 0 ≤ share < 1.
    team_background: Option<f64>,
    /// `even` or `burst`: how that client spends its share.
    team_background_shape: Option<Shape>,
    /// `link`, `x-user`, `cuid2` or `missing`.
    author_ids: Option<AuthorIds>,
    /// Where events are posted (`http://…`); `""` stops posting.
    webhook_url: Option<String>,
    /// The secret webhooks are signed with.
    webhook_secret: Option<String>,
    /// Event types posted; `[]` = all.
    webhook_events: Option<Vec<String>>,
}

/// `POST /__emulator/syncing`: the thread's next `reads` message pages say `isSyncing: true`
/// (0 stops it), and so does the thread itself meanwhile.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SyncingBody {
    thread_id: String,
    reads: u32,
}

fn apply_config(state: &mut State, c: ConfigBody) -> Result<(), Response> {
    if c.rate_limit_window_ms == Some(0) {
        return Err(bad("rateLimitWindowMs: must be at least 1".into()));
    }
    for (name, list) in [
        ("teamLimits", &c.team_limits),
        ("senderLimits", &c.sender_limits),
    ] {
        if list.iter().flatten().any(|l| l.window_ms == 0) {
            return Err(bad(format!("{name}: windowMs must be at least 1")));
        }
    }
    if c.team_background.is_some_and(|f| !(0.0..1.0).contains(&f)) {
        return Err(bad("teamBackground: must be at least 0 and below 1".into()));
    }
    let target = match c.webhook_url.as_deref() {
        Some("") => Some(None),
        Some(url) => Some(Some(
            Target::parse(url).map_err(|e| bad(format!("webhookUrl: {e}")))?,
        )),
        None => None,
    };
    if c.webhook_secret.as_deref() == Some("") {
        return Err(bad("webhookSecret: must not be empty".into()));
    }
    let posts = target
        .as_ref()
        .map_or(state.settings.webhook_target.is_some(), Option::is_some);
    if posts && c.webhook_secret.is_none() && state.settings.webhook_secret.is_none() {
        return Err(bad(
            "webhookUrl: needs webhookSecret too (every webhook is signed)".into(),
        ));
    }
    if c.team_limits.as_ref().is_some_and(Vec::is_empty) {
        return Err(bad("teamLimits: at least one team window is needed".into()));
    }
    if let Some(list) = c.team_limits {
        state.settings.team_limits = list;
    }
    if let Some(list) = c.sender_limits {
        state.settings.sender_limits = list;
    }
    if let Some(n) = c.rate_limit_per_minute {
        state.settings.team_limits[0].limit = n;
    }
    if let Some(ms) = c.rate_limit_window_ms {
        state.settings.team_limits[0].window_ms = ms;
    }
    if let Some(ms) = c.idempotency_key_ttl_ms {
        state.settings.idempotency_key_ttl_ms = ms;
    }
    if let Some(mode) = c.windows.filter(|m| *m != state.settings.windows) {
        state.settings.windows = mode;
        state.clear_windows();
    }
    if let Some(share) = c.team_background {
        state.settings.team_background = share;
    }
    if let Some(shape) = c.team_background_shape {
        state.settings.team_background_shape = shape;
    }
    if let Some(form) = c.author_ids {
        state.settings.author_ids = form;
    }
    if let Some(target) = target {
        state.settings.webhook_target = target;
    }
    if let Some(secret) = c.webhook_secret {
        state.settings.webhook_secret = Some(secret);
    }
    if let Some(types) = c.webhook_events {
        state.settings.webhook_events = types;
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsBody {
    faults: Vec<Fault>,
}

fn bad(message: String) -> Response {
    Response::error(400, "BAD_REQUEST", &message)
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| bad(format!("body: {e}")))
}

/// Handles `/__emulator/*`.
pub fn handle(state: &mut State, req: &Request, now: u64) -> Response {
    let route = req
        .path
        .trim_start_matches("/__emulator")
        .trim_end_matches('/');
    let result = match (req.method.as_str(), route) {
        ("POST", "/reset") => {
            state.reset();
            Ok(Response::json(200, &json!({"reset": true})))
        }
        ("GET", "/config") => Ok(config(state)),
        ("POST", "/config") => parse::<ConfigBody>(&req.body)
            .and_then(|c| apply_config(state, c))
            .map(|()| config(state)),
        ("GET", "/stats") => {
            let mut stats = state.stats.to_json();
            stats["requests"] = json!(state.requests.len());
            stats["idempotencyKeys"] = json!(state.keys.len());
            stats["senders"] = state.sender_usage(now);
            stats["background"] = state.background_usage();
            Ok(Response::json(200, &stats))
        }
        ("GET", "/requests") => serde_json::to_value(&state.requests)
            .map(|v| Response::json(200, &v))
            .map_err(|e| Response::error(500, "INTERNAL_SERVER_ERROR", &e.to_string())),
        ("GET", "/messages") => {
            let list: Vec<Value> = state
                .messages
                .iter()
                .map(|m| {
                    let mut v = message_json(state, m);
                    v["accountLinkId"] = json!(m.account_link_id);
                    v["direction"] = json!(m.direction);
                    v["api"] = json!(m.api);
                    v["idempotencyKey"] = json!(m.idempotency_key);
                    v["replyToMessageId"] = json!(m.reply_to);
                    v
                })
                .collect();
            Ok(Response::json(200, &Value::Array(list)))
        }
        ("POST", "/syncing") => parse::<SyncingBody>(&req.body).and_then(|b| {
            if state.thread(&b.thread_id).is_none() {
                return Err(bad(format!("threadId: no thread {:?}", b.thread_id)));
            }
            state.syncing.insert(b.thread_id.clone(), b.reads);
            state.syncing.retain(|_, reads| *reads > 0);
            Ok(Response::json(
                200,
                &json!({"threadId": b.thread_id, "reads": b.reads}),
            ))
        }),
        ("GET", "/faults") => Ok(Response::json(200, &state.faults.to_json())),
        ("POST", "/faults") => parse::<FaultsBody>(&req.body).and_then(|b| {
            for (i, f) in b.faults.iter().enumerate() {
                f.validate(i).map_err(bad)?;
            }
            let indexes = state.faults.push(b.faults);
            Ok(Response::json(
                200,
                &json!({"added": indexes, "pending": state.faults.to_json()}),
            ))
        }),
        ("DELETE", "/faults") | ("POST", "/faults/clear") => {
            state.faults.clear();
            Ok(Response::json(200, &json!({"cleared": true})))
        }
        ("GET" | "POST", "/redirect-target") => {
            Ok(Response::json(200, &json!({"redirected": true})))
        }
        _ => scenario::handle(state, req, route, now).ok_or_else(|| {
            Response::error(
                404,
                "NOT_FOUND",
                &format!("No control route for {} {}", req.method, req.path),
            )
        }),
    };
    result.unwrap_or_else(|e| e)
}

fn config(state: &State) -> Response {
    Response::json(
        200,
        &json!({
            "rateLimitPerMinute": state.settings.team_limits[0].limit,
            "rateLimitWindowMs": state.settings.team_limits[0].window_ms,
            "teamLimits": state.settings.team_limits,
            "senderLimits": state.settings.sender_limits,
            "idempotencyKeyTtlMs": state.settings.idempotency_key_ttl_ms,
            "windows": state.settings.windows,
            "teamBackground": state.settings.team_background,
            "teamBackgroundShape": state.settings.team_background_shape,
            "authorIds": state.settings.author_ids,
            "webhookUrl": state.settings.webhook_target.as_ref().map(|t| &t.url),
            "webhookSecretSet": state.settings.webhook_secret.is_some(),
            "webhookEvents": state.settings.webhook_events,
        }),
    )
}
