//! The control API under `/__emulator/` (no auth): reset, config, request record, stored
//! messages, faults and the redirect target.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::Fault;
use crate::http::{Request, Response};
use crate::state::{message_json, State};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigBody {
    rate_limit_per_minute: Option<u32>,
    rate_limit_window_ms: Option<u64>,
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
pub fn handle(state: &mut State, req: &Request) -> Response {
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
        ("POST", "/config") => parse::<ConfigBody>(&req.body).and_then(|c| {
            if c.rate_limit_window_ms == Some(0) {
                return Err(bad("rateLimitWindowMs: must be at least 1".into()));
            }
            if let Some(n) = c.rate_limit_per_minute {
                state.settings.rate_limit_per_minute = n;
            }
            if let Some(ms) = c.rate_limit_window_ms {
                state.settings.rate_limit_window_ms = ms;
            }
            Ok(config(state))
        }),
        ("GET", "/requests") => serde_json::to_value(&state.requests)
            .map(|v| Response::json(200, &v))
            .map_err(|e| Response::error(500, "INTERNAL_SERVER_ERROR", &e.to_string())),
        ("GET", "/messages") => {
            let list: Vec<Value> = state.messages.iter().map(message_json).collect();
            Ok(Response::json(200, &Value::Array(list)))
        }
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
        _ => Err(Response::error(
            404,
            "NOT_FOUND",
            &format!("No control route for {} {}", req.method, req.path),
        )),
    };
    result.unwrap_or_else(|e| e)
}

fn config(state: &State) -> Response {
    Response::json(
        200,
        &json!({
            "rateLimitPerMinute": state.settings.rate_limit_per_minute,
            "rateLimitWindowMs": state.settings.rate_limit_window_ms,
        }),
    )
}
