//! The top of the house: hyper 1.x serving each connection, turning hyper's request into ours
//! (refusing heads over 64 KiB, chunked bodies and bodies over 1 MiB) and ours back.
//!
//! Ordinary responses (and most scripted faults) go through hyper. Faults that need bytes hyper
//! will not write (a body cut off after its head, header names in an exact casing, a
//! `Content-Length` that lies, a body on a 204) take the socket over instead: the connection's
//! `TcpStream` is shared (`Arc`) between hyper's I/O adapter ([`socket::SharedStream`]) and the
//! handler, which writes the raw bytes itself and then fails the service call, so hyper closes
//! the connection without writing anything of its own. Every request is handled in a task of
//! its own, so a client that gives up (closing the socket mid-delay or mid-hang) never cancels
//! what the emulator is doing: the message is still stored, the idempotency key still
//! released, the record still completed.

mod exchange;
mod fault;
pub mod outbound;
mod raw;
mod reply;
mod socket;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::http::{self, Request, Response};
use crate::model::clock::now_ms;
use crate::model::state::{lock, Shared};
use crate::route;
use crate::server::exchange::exchange;
use crate::server::reply::{finalize, finish, record_of, Reply};
use crate::server::socket::{read_until_closed, shutdown_write, SharedStream};

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
            let seq = route::is_recorded(&request.path)
                .then(|| st.record(record_of(&request, &rid, now)));
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
