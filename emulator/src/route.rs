//! Routing: which handler a request goes to (v1, v2, the control API, avatars, static files),
//! which requests are recorded and which may be faulted.

use crate::handlers::outcome::Outcome;
use crate::handlers::{control, files, v1, v2};
use crate::http::{Request, Response};
use crate::model::paths;
use crate::model::state::{lock, Shared};

/// Requests kept in the record: the API and the redirect target.
pub fn is_recorded(path: &str) -> bool {
    paths::is_v1(path) || paths::is_v2(path) || path == paths::REDIRECT_TARGET
}

/// Requests a scripted fault may answer: everything but the control API.
pub fn is_faultable(path: &str) -> bool {
    !paths::is_control(path)
}

/// Routes a request to the API, the control API, avatars or static files, after landing the
/// replies due by now. With `hold_key`, a new v2 send keeps its idempotency key "in progress"
/// until the fault that ran it acts.
pub fn route(shared: &Shared, req: &Request, now: u64, hold_key: bool) -> Outcome {
    let mut st = lock(shared);
    st.settle(now);
    if paths::is_v1(&req.path) {
        return v1::handle(&mut st, req, now);
    }
    if paths::is_v2(&req.path) {
        return v2::handle(&mut st, req, now, hold_key);
    }
    if paths::is_control(&req.path) {
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
        return Outcome::plain(files::avatar(file, name).unwrap_or_else(not_found));
    }
    let Some(dir) = st.settings.serve_dir.clone() else {
        return Outcome::plain(not_found());
    };
    drop(st);
    Outcome::plain(match files::serve(&dir, &req.path) {
        Ok(Some(r)) => r,
        Ok(None) => not_found(),
        Err(r) => r,
    })
}
