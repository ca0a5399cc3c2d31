//! Connection handling: the keep-alive request loop, routing, CORS, the request record and
//! fault injection.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::api::{self, Outcome};
use crate::api_v2;
use crate::clock::{iso8601, now_ms};
use crate::control;
use crate::faults::{Action, BodyContext, Fault};
use crate::http::{self, Request, Response};
use crate::state::{RequestRecord, State};
use crate::static_files;

/// State shared by all connections.
pub type Shared = Arc<Mutex<State>>;

const EXPOSE_HEADERS: &str =
    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, retry-after-ms, X-Request-Id";

fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Requests kept in the record: the API and the redirect target.
fn is_recorded(path: &str) -> bool {
    is_v1(path) || api_v2::is_v2(path) || path == "/__emulator/redirect-target"
}

fn is_v1(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

fn is_control(path: &str) -> bool {
    path == "/__emulator" || path.starts_with("/__emulator/")
}

/// Serves one connection until the client closes it or a response ends it.
pub async fn handle_connection(shared: Shared, mut stream: TcpStream) {
    let mut buf = Vec::new();
    loop {
        match http::read_request(&mut stream, &mut buf).await {
            Ok(Some(req)) => {
                let keep = req.keep_alive();
                if !exchange(&shared, &mut stream, req, keep).await {
                    return;
                }
            }
            Ok(None) => return,
            Err(rejection) => {
                let now = now_ms();
                let mut resp = rejection.response;
                let (rid, seq) = {
                    let mut st = lock(&shared);
                    let rid = st.next_request_id();
                    let seq = rejection
                        .head
                        .as_ref()
                        .filter(|h| is_recorded(&h.path))
                        .map(|h| st.record(record_of(h, &rid, now)));
                    (rid, seq)
                };
                finalize(&mut resp, &rid, true, true);
                let _ = resp.write_to(&mut stream).await;
                finish(
                    &shared,
                    seq,
                    rejection.head.as_ref(),
                    false,
                    Some(resp.status),
                    false,
                );
                linger(&mut stream).await;
                return;
            }
        }
    }
}

/// Closes our side and drains what the client still sends (so it reads the response rather
/// than a reset), for at most a second.
async fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown().await;
    let drain = async {
        let mut scratch = [0u8; 16 * 1024];
        while let Ok(n) = stream.read(&mut scratch).await {
            if n == 0 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

fn record_of(req: &Request, request_id: &str, now: u64) -> RequestRecord {
    let mut headers = std::collections::BTreeMap::new();
    for (n, v) in &req.headers {
        headers
            .entry(n.to_ascii_lowercase())
            .and_modify(|old: &mut String| {
                old.push_str(", ");
                old.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    RequestRecord {
        seq: 0,
        request_id: request_id.to_string(),
        received_at: iso8601(now),
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers,
        body: String::from_utf8_lossy(&req.body).into_owned(),
        processed: false,
        fault: None,
        status: None,
        client_closed: false,
    }
}

/// Completes a v2 idempotency key held while a fault ran.
fn release(shared: &Shared, outcome: Option<&Outcome>) {
    if let Some(key) = outcome.and_then(|o| o.held_key.as_ref()) {
        api_v2::complete_key(&mut lock(shared), key);
    }
}

/// Completes the record entry and logs the exchange when `--log` is on.
fn finish(
    shared: &Shared,
    seq: Option<u64>,
    req: Option<&Request>,
    processed: bool,
    status: Option<u16>,
    faulted: bool,
) {
    let mut st = lock(shared);
    if let Some(status) = status {
        *st.stats.by_status.entry(status).or_insert(0) += 1;
        if faulted && status == 429 {
            st.stats.limited_fault += 1;
        }
    }
    if let Some(seq) = seq {
        st.update_record(seq, |r| {
            r.processed |= processed;
            r.status = status;
        });
    }
    if st.settings.log {
        if let Some(req) = req {
            let status = status.map_or("closed".to_string(), |s| s.to_string());
            eprintln!("{} {} -> {status}", req.method, req.path);
        }
    }
}

/// Adds `X-Request-Id`, CORS and `Connection: close` headers.
fn finalize(resp: &mut Response, request_id: &str, cors: bool, close: bool) {
    let mut add = |n: &str, v: &str| {
        if !resp.has_header(n) {
            resp.headers.push((n.to_string(), v.to_string()));
        }
    };
    add("X-Request-Id", request_id);
    if cors {
        add("Access-Control-Allow-Origin", "*");
        add("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    }
    if close {
        add("Connection", "close");
    }
}

/// Handles one request; returns whether the connection stays open.
async fn exchange(shared: &Shared, stream: &mut TcpStream, mut req: Request, keep: bool) -> bool {
    if req.method == "OPTIONS" {
        let rid = lock(shared).next_request_id();
        let mut resp = Response::empty(204)
            .header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            .header(
                "Access-Control-Allow-Headers",
                "authorization, content-type, idempotency-key",
            )
            .header("Access-Control-Max-Age", "600");
        finalize(&mut resp, &rid, true, !keep);
        return resp.write_to(stream).await.is_ok() && keep;
    }
    let now = now_ms();
    let (rid, seq, fault) = {
        let mut st = lock(shared);
        let rid = st.next_request_id();
        req.request_id = rid.clone();
        let seq = is_recorded(&req.path).then(|| st.record(record_of(&req, &rid, now)));
        let fault = if is_control(&req.path) {
            None
        } else {
            st.faults.take(&req.method, &req.path)
        };
        if let (Some(seq), Some((index, f))) = (seq, &fault) {
            st.update_record(seq, |r| r.fault = Some(f.describe(*index)));
        }
        (rid, seq, fault)
    };
    let Some((_, fault)) = fault else {
        let outcome = route(shared, &req, now, false);
        let processed = outcome.processed;
        let mut resp = outcome.response;
        finalize(&mut resp, &rid, true, !keep);
        let ok = resp.write_to(stream).await.is_ok();
        finish(shared, seq, Some(&req), processed, Some(resp.status), false);
        return ok && keep;
    };

    // The real handler (when `process`) holds a v2 key "in progress" until the fault acts.
    let real = fault.process.then(|| route(shared, &req, now, true));
    let processed = real.as_ref().is_some_and(|r| r.processed);
    if let Some(seq) = seq {
        lock(shared).update_record(seq, |r| r.processed = processed);
    }
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    release(shared, real.as_ref());
    let ctx = BodyContext {
        v2: api_v2::is_v2(&req.path),
        request_id: rid.clone(),
        message_id: real.as_ref().and_then(|r| r.message_id.clone()),
    };
    let real = real.map(|o| o.response);
    match fault.action {
        Action::Close => {
            finish(shared, seq, Some(&req), processed, None, true);
            false
        }
        Action::Hang => {
            finish(shared, seq, Some(&req), processed, None, true);
            let mut scratch = [0u8; 4096];
            while let Ok(n) = stream.read(&mut scratch).await {
                if n == 0 {
                    break;
                }
            }
            if let Some(seq) = seq {
                lock(shared).update_record(seq, |r| r.client_closed = true);
            }
            false
        }
        Action::Respond => {
            let mut resp = fault_response(shared, &fault, real, &ctx, now);
            finalize(&mut resp, &rid, fault.cors, !keep);
            let ok = resp.write_to(stream).await.is_ok();
            finish(shared, seq, Some(&req), processed, Some(resp.status), true);
            ok && keep
        }
        Action::CloseMidBody => {
            let mut resp = fault_response(shared, &fault, real, &ctx, now);
            finalize(&mut resp, &rid, fault.cors, true);
            let full = resp.body.len();
            let advertised = if full < 2 { full + 16 } else { full };
            let mut bytes = resp.head_bytes(Some(advertised));
            bytes.extend_from_slice(&resp.body[..full / 2]);
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            finish(shared, seq, Some(&req), processed, Some(resp.status), true);
            false
        }
    }
}

/// The scripted response of a `respond` / `close_mid_body` fault.
fn fault_response(
    shared: &Shared,
    fault: &Fault,
    real: Option<Response>,
    ctx: &BodyContext,
    now: u64,
) -> Response {
    let real_ok = real
        .as_ref()
        .is_some_and(|r| (200..300).contains(&r.status));
    let mut resp = Response::empty(fault.status());
    resp.body = fault.body_bytes(
        real.as_ref().filter(|_| real_ok).map(|r| r.body.as_slice()),
        ctx,
    );
    for (n, v) in &fault.headers {
        resp.headers.push((n.clone(), v.clone()));
    }
    if !resp.has_header("content-type") && !resp.body.is_empty() {
        resp.headers.push((
            "Content-Type".into(),
            "application/json; charset=utf-8".into(),
        ));
    }
    if fault.rate_limit_headers && !resp.has_header("x-ratelimit-limit") {
        let info = lock(shared).rate_peek(now);
        resp = api::with_rate_headers(resp, info);
    }
    resp
}

/// Routes a request to the API, the control API, avatars or static files. With `hold_key`,
/// a new v2 send keeps its idempotency key "in progress" (see [`release`]).
fn route(shared: &Shared, req: &Request, now: u64, hold_key: bool) -> Outcome {
    let mut st = lock(shared);
    if is_v1(&req.path) {
        return api::handle(&mut st, req, now);
    }
    if api_v2::is_v2(&req.path) {
        return api_v2::handle(&mut st, req, now, hold_key);
    }
    if is_control(&req.path) {
        return Outcome::plain(control::handle(&mut st, req, now));
    }
    let not_found = || {
        Response::error(
            404,
            "NOT_FOUND",
            &format!("No route for {} {}", req.method, req.path),
        )
    };
    if req.method != "GET" {
        return Outcome::plain(not_found());
    }
    if let Some(file) = req.path.strip_prefix("/avatars/") {
        let name = st.display_name_for(file.trim_end_matches(".svg"));
        return Outcome::plain(static_files::avatar(file, name).unwrap_or_else(not_found));
    }
    let Some(dir) = st.settings.serve_dir.clone() else {
        return Outcome::plain(not_found());
    };
    drop(st);
    Outcome::plain(match static_files::serve(&dir, &req.path) {
        Ok(Some(r)) => r,
        Ok(None) => not_found(),
        Err(r) => r,
    })
}
