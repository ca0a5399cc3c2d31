//! What every exchange ends with: the service's answer, the headers every response carries
//! (`X-Request-Id`, CORS), the request record entry and the status counts.

use crate::http::{Request, Response};
use crate::model::clock::iso8601;
use crate::model::record::RequestRecord;
use crate::model::state::{lock, Shared};

const EXPOSE_HEADERS: &str =
    "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, retry-after-ms, X-Request-Id";

/// The service's answer: a response for hyper, or "the socket was taken over".
pub enum Reply {
    Hyper(Response),
    Taken,
}

/// Adds `X-Request-Id` and the CORS headers (and `Connection: close` on the raw path).
pub fn finalize(resp: &mut Response, request_id: &str, cors: bool, close: bool) {
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

/// A new record entry for a request (its `seq` is given when it is appended).
pub fn record_of(req: &Request, request_id: &str, now: u64) -> RequestRecord {
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

/// Completes the record entry, counts the status and logs the exchange when `--log` is on.
pub fn finish(
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
