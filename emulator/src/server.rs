//! Connection handling on hyper 1.x: routing, CORS, the request record and fault injection.
//!
//! Ordinary responses (and most scripted faults) go through hyper. Faults that need bytes hyper
//! will not write (a body cut off after its head, header names in an exact casing, a
//! `Content-Length` that lies, a body on a 204) take the socket over instead: the connection's
//! `TcpStream` is shared (`Arc`) between hyper's I/O adapter ([`SharedStream`]) and the
//! handler, which writes the raw bytes itself and then fails the service call, so hyper closes
//! the connection without writing anything of its own. Every request is handled in a task of
//! its own, so a client that gives up (closing the socket mid-delay or mid-hang) never cancels
//! what the emulator is doing: the message is still stored, the idempotency key still
//! released, the record still completed.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
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

/// A `TcpStream` shared between hyper and the raw fault path; reads and writes go through
/// `&TcpStream` (readiness + `try_read` / `try_write`).
struct SharedStream(Arc<TcpStream>);

impl AsyncRead for SharedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            match self.0.poll_read_ready(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
            match self.0.try_read(buf.initialize_unfilled()) {
                Ok(n) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl AsyncWrite for SharedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            match self.0.poll_write_ready(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
            match self.0.try_write(data) {
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(shutdown_write(&self.0))
    }
}

fn shutdown_write(tcp: &TcpStream) -> io::Result<()> {
    match socket2::SockRef::from(tcp).shutdown(std::net::Shutdown::Write) {
        Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
        other => other,
    }
}

/// Writes every byte on the shared socket (the raw path).
async fn write_raw(tcp: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        tcp.writable().await?;
        match tcp.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads and discards until the peer closes (or the read fails).
async fn read_until_closed(tcp: &TcpStream) {
    let mut scratch = [0u8; 16 * 1024];
    loop {
        if tcp.readable().await.is_err() {
            return;
        }
        match tcp.try_read(&mut scratch) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return,
        }
    }
}

/// The service's answer: a response for hyper, or "the socket was taken over".
enum Reply {
    Hyper(Response),
    Taken,
}

/// Why the service failed (hyper then closes the connection without writing).
#[derive(Debug)]
struct TakenOver;

impl std::fmt::Display for TakenOver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection taken over by a raw fault")
    }
}

impl std::error::Error for TakenOver {}

/// Serves one connection with hyper until the client closes it or a fault ends it.
pub async fn handle_connection(shared: Shared, stream: TcpStream) {
    let tcp = Arc::new(stream);
    let io = TokioIo::new(SharedStream(tcp.clone()));
    let conn_tcp = tcp.clone();
    let service = service_fn(move |req: hyper::Request<Incoming>| {
        let shared = shared.clone();
        let tcp = conn_tcp.clone();
        async move {
            match serve(shared, tcp, req).await {
                Reply::Hyper(resp) => Ok(to_hyper(resp)),
                Reply::Taken => Err(TakenOver),
            }
        }
    });
    // hyper's own buffer limit is a backstop; heads over 64 KiB are refused in `serve`.
    let _ = http1::Builder::new()
        .title_case_headers(true)
        .max_buf_size(4 * http::MAX_HEAD)
        .serve_connection(io, service)
        .await;
    // Close our side, then drain what the client still sends for up to a second, so it reads
    // the last response rather than a reset.
    let _ = shutdown_write(&tcp);
    let _ = tokio::time::timeout(Duration::from_secs(1), read_until_closed(&tcp)).await;
}

fn to_hyper(resp: Response) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(Bytes::from(resp.body)));
    *out.status_mut() = hyper::StatusCode::from_u16(resp.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    for (n, v) in resp.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_bytes(v.as_bytes()),
        ) {
            headers.append(n, v);
        }
    }
    out
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

/// Completes the record entry, counts the status and logs the exchange when `--log` is on.
fn finish(
    shared: &Shared,
    seq: Option<u64>,
    req: &Request,
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
        let status = status.map_or("closed".to_string(), |s| s.to_string());
        eprintln!("{} {} -> {status}", req.method, req.path);
    }
}

/// Adds `X-Request-Id` and the CORS headers (and `Connection: close` on the raw path).
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

/// Turns hyper's request into ours: the head, then the body (at most 1 MiB).
async fn serve(shared: Shared, tcp: Arc<TcpStream>, req: hyper::Request<Incoming>) -> Reply {
    let (parts, body) = req.into_parts();
    let mut request = Request {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: Vec::new(),
        request_id: String::new(),
    };
    if request.method == "OPTIONS" {
        let rid = lock(&shared).next_request_id();
        let mut resp = Response::empty(204)
            .header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            .header(
                "Access-Control-Allow-Headers",
                "authorization, content-type, idempotency-key",
            )
            .header("Access-Control-Max-Age", "600");
        finalize(&mut resp, &rid, true, false);
        return Reply::Hyper(resp);
    }
    let length = request
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok());
    let head_size: usize = parts.uri.to_string().len()
        + request
            .headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 4)
            .sum::<usize>();
    let refusal = if head_size > http::MAX_HEAD {
        Some(Response::error(
            431,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
            "request head exceeds 64 KiB",
        ))
    } else if request.header("transfer-encoding").is_some() {
        Some(Response::error(
            411,
            "LENGTH_REQUIRED",
            "body: chunked (Transfer-Encoding) request bodies are not supported; send Content-Length",
        ))
    } else if length.is_some_and(|n| n > http::MAX_BODY) {
        Some(Response::error(
            413,
            "PAYLOAD_TOO_LARGE",
            "body: larger than 1 MiB",
        ))
    } else {
        None
    };
    if let Some(mut resp) = refusal {
        let now = now_ms();
        let (rid, seq) = {
            let mut st = lock(&shared);
            let rid = st.next_request_id();
            let seq = is_recorded(&request.path).then(|| st.record(record_of(&request, &rid, now)));
            (rid, seq)
        };
        finalize(&mut resp, &rid, true, true);
        finish(&shared, seq, &request, false, Some(resp.status), false);
        return Reply::Hyper(resp);
    }
    match Limited::new(body, http::MAX_BODY).collect().await {
        Ok(collected) => request.body = collected.to_bytes().to_vec(),
        Err(_) => return Reply::Taken, // the client went away mid-body
    }
    // A task of its own: a client that leaves does not cancel the exchange.
    match tokio::spawn(exchange(shared, tcp, request)).await {
        Ok(reply) => reply,
        Err(_) => Reply::Hyper(Response::error(
            500,
            "INTERNAL_SERVER_ERROR",
            "emulator task failed",
        )),
    }
}

/// Handles one request: routing, or the first matching fault.
async fn exchange(shared: Shared, tcp: Arc<TcpStream>, mut req: Request) -> Reply {
    let now = now_ms();
    let (rid, seq, fault) = {
        let mut st = lock(&shared);
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
        let outcome = route(&shared, &req, now, false);
        let mut resp = outcome.response;
        finalize(&mut resp, &rid, true, false);
        finish(
            &shared,
            seq,
            &req,
            outcome.processed,
            Some(resp.status),
            false,
        );
        return Reply::Hyper(resp);
    };

    // The real handler (when `process`) holds a v2 key "in progress" until the fault acts.
    let real = fault.process.then(|| route(&shared, &req, now, true));
    let processed = real.as_ref().is_some_and(|r| r.processed);
    if let Some(seq) = seq {
        lock(&shared).update_record(seq, |r| r.processed = processed);
    }
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    release(&shared, real.as_ref());
    let ctx = BodyContext {
        v2: api_v2::is_v2(&req.path),
        request_id: rid.clone(),
        message_id: real.as_ref().and_then(|r| r.message_id.clone()),
    };
    let real = real.map(|o| o.response);
    match fault.action {
        Action::Close => {
            finish(&shared, seq, &req, processed, None, true);
            let _ = shutdown_write(&tcp);
            Reply::Taken
        }
        Action::Hang => {
            finish(&shared, seq, &req, processed, None, true);
            read_until_closed(&tcp).await;
            if let Some(seq) = seq {
                lock(&shared).update_record(seq, |r| r.client_closed = true);
            }
            Reply::Taken
        }
        Action::Respond => {
            let mut resp = fault_response(&shared, &fault, real, &ctx, now);
            if hyper_can_send(&resp, &fault) {
                finalize(&mut resp, &rid, fault.cors, false);
                finish(&shared, seq, &req, processed, Some(resp.status), true);
                return Reply::Hyper(resp);
            }
            finalize(&mut resp, &rid, fault.cors, true);
            let mut bytes = resp.head_bytes(None);
            bytes.extend_from_slice(&resp.body);
            let _ = write_raw(&tcp, &bytes).await;
            finish(&shared, seq, &req, processed, Some(resp.status), true);
            let _ = shutdown_write(&tcp);
            Reply::Taken
        }
        Action::CloseMidBody => {
            let mut resp = fault_response(&shared, &fault, real, &ctx, now);
            finalize(&mut resp, &rid, fault.cors, true);
            let full = resp.body.len();
            let advertised = if full < 2 { full + 16 } else { full };
            let mut bytes = resp.head_bytes(Some(advertised));
            bytes.extend_from_slice(&resp.body[..full / 2]);
            let _ = write_raw(&tcp, &bytes).await;
            finish(&shared, seq, &req, processed, Some(resp.status), true);
            let _ = shutdown_write(&tcp);
            Reply::Taken
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
