//! A scripted fault acting on an exchange: the real handler first when it says `process`, the
//! delay, then its answer — through hyper when hyper can write it as scripted, else raw bytes
//! on the shared socket (or no answer at all: `close`, `hang`).

use std::time::Duration;

use hyper::header::{HeaderName, HeaderValue};
use tokio::net::TcpStream;

use crate::handlers::gate::with_rate_headers;
use crate::handlers::outcome::Outcome;
use crate::handlers::v2;
use crate::http::{Request, Response};
use crate::model::faults::{Action, BodyContext, Fault};
use crate::model::paths;
use crate::model::state::{lock, Shared};
use crate::route;
use crate::server::raw::head_bytes;
use crate::server::reply::{finalize, finish, Reply};
use crate::server::socket::{read_until_closed, shutdown_write, write_raw};

/// Runs the fault taken for this request (its record entry is `seq`).
pub async fn act(
    shared: &Shared,
    tcp: &TcpStream,
    req: &Request,
    seq: Option<u64>,
    fault: Fault,
    now: u64,
) -> Reply {
    let rid = req.request_id.as_str();
    // The real handler (when `process`) holds a v2 key "in progress" until the fault acts.
    let real = fault.process.then(|| route::route(shared, req, now, true));
    let processed = real.as_ref().is_some_and(|r| r.processed);
    if let Some(seq) = seq {
        lock(shared).update_record(seq, |r| r.processed = processed);
    }
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    let mut ctx = BodyContext {
        v2: paths::is_v2(&req.path),
        request_id: rid.to_string(),
        message_id: real.as_ref().and_then(|r| r.message_id.clone()),
    };
    let unconfirmed = fault.unconfirms(&ctx);
    if unconfirmed && ctx.message_id.is_none() {
        // Nothing was stored: the answer names a message X never got (its read is a 404).
        ctx.message_id = Some(lock(shared).new_id('m'));
    }
    release(shared, real.as_ref(), unconfirmed);
    let real = real.map(|o| o.response);
    match fault.action {
        Action::Close => {
            finish(shared, seq, req, processed, None, true);
            let _ = shutdown_write(tcp);
            Reply::Taken
        }
        Action::Hang => {
            finish(shared, seq, req, processed, None, true);
            read_until_closed(tcp).await;
            if let Some(seq) = seq {
                lock(shared).update_record(seq, |r| r.client_closed = true);
            }
            Reply::Taken
        }
        Action::Respond => {
            let mut resp = fault_response(shared, &fault, real, &ctx, now);
            if hyper_can_send(&resp, &fault) {
                finalize(&mut resp, rid, fault.cors, false);
                finish(shared, seq, req, processed, Some(resp.status), true);
                return Reply::Hyper(resp);
            }
            finalize(&mut resp, rid, fault.cors, true);
            let mut bytes = head_bytes(&resp, None);
            bytes.extend_from_slice(&resp.body);
            let _ = write_raw(tcp, &bytes).await;
            finish(shared, seq, req, processed, Some(resp.status), true);
            let _ = shutdown_write(tcp);
            Reply::Taken
        }
        Action::CloseMidBody => {
            let mut resp = fault_response(shared, &fault, real, &ctx, now);
            finalize(&mut resp, rid, fault.cors, true);
            let full = resp.body.len();
            let advertised = if full < 2 { full + 16 } else { full };
            let mut bytes = head_bytes(&resp, Some(advertised));
            bytes.extend_from_slice(&resp.body[..full / 2]);
            let _ = write_raw(tcp, &bytes).await;
            finish(shared, seq, req, processed, Some(resp.status), true);
            let _ = shutdown_write(tcp);
            Reply::Taken
        }
    }
}

/// Completes a v2 idempotency key held while a fault ran, or forgets it when the fault answers
/// `sendUnconfirmed` (as the vendor does).
fn release(shared: &Shared, outcome: Option<&Outcome>, unconfirmed: bool) {
    if let Some(key) = outcome.and_then(|o| o.held_key.as_ref()) {
        let state = &mut lock(shared);
        if unconfirmed {
            v2::release_key(state, key);
        } else {
            v2::complete_key(state, key);
        }
    }
}

/// Whether hyper can send this fault response as scripted; otherwise it goes raw.
fn hyper_can_send(resp: &Response, fault: &Fault) -> bool {
    let title_case = |n: &str| {
        let mut out = String::with_capacity(n.len());
        let mut upper = true;
        for c in n.chars() {
            out.push(if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            });
            upper = c == '-';
        }
        out
    };
    let special = ["content-length", "transfer-encoding", "connection", "date"];
    let status_ok = resp.status >= 200 && resp.status != 204 && resp.status != 304;
    status_ok
        && fault.headers.iter().all(|(n, v)| {
            *n == title_case(n)
                && !special.contains(&n.to_ascii_lowercase().as_str())
                && HeaderName::from_bytes(n.as_bytes()).is_ok()
                && HeaderValue::from_bytes(v.as_bytes()).is_ok()
        })
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
        resp = with_rate_headers(resp, info);
    }
    resp
}
