//! One request's exchange, in a task of its own: it is recorded, takes the first matching
//! fault, and goes to routing (or to the fault, which may run routing first).

use std::sync::Arc;

use tokio::net::TcpStream;

use crate::http::Request;
use crate::model::clock::now_ms;
use crate::model::state::{lock, Shared};
use crate::route;
use crate::server::fault;
use crate::server::reply::{finalize, finish, record_of, Reply};

/// Handles one request: routing, or the first matching fault.
pub async fn exchange(shared: Shared, tcp: Arc<TcpStream>, mut req: Request) -> Reply {
    let now = now_ms();
    let (rid, seq, taken) = {
        let mut st = lock(&shared);
        let rid = st.next_request_id();
        req.request_id = rid.clone();
        let seq = route::is_recorded(&req.path).then(|| st.record(record_of(&req, &rid, now)));
        let taken = if route::is_faultable(&req.path) {
            st.faults.take(&req.method, &req.path)
        } else {
            None
        };
        if let (Some(seq), Some((index, f))) = (seq, &taken) {
            st.update_record(seq, |r| r.fault = Some(f.describe(*index)));
        }
        (rid, seq, taken)
    };
    if let Some((_, scripted)) = taken {
        return fault::act(&shared, &tcp, &req, seq, scripted, now).await;
    }
    let outcome = route::route(&shared, &req, now, false);
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
    Reply::Hyper(resp)
}
