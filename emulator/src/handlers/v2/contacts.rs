//! `GET /api/v2/contacts`: contacts by the platform identity of their profile (`platform` with
//! up to 100 `platformId`s or `username`s). Reads never create a contact: a prospect the team
//! never messaged or imported has none, and no match is an empty page.

use crate::handlers::v2::error::{invalid, issue, platform_not_available};
use crate::handlers::v2::page::page;
use crate::handlers::v2::query::Query;
use crate::handlers::v2::views::contact_v2_json;
use crate::http::{Request, Response};
use crate::model::seed::Prospect;
use crate::model::state::State;

/// Ids or usernames one request may name.
const MAX_IDENTITIES: usize = 100;

/// Handles `GET /api/v2/contacts` after the front door.
pub fn list(state: &State, req: &Request) -> Response {
    let rid = req.request_id.as_str();
    let mut q = Query::read(
        req,
        &["platform", "platformId", "username", "limit", "cursor"],
        &["expand"],
    );
    let platform = q.one("platform");
    if platform.is_none() && q.all("platform").is_empty() {
        q.issues.push(issue(&["query", "platform"], "Required"));
    }
    let ids = q.list("platformId", MAX_IDENTITIES, false);
    let usernames = q.list("username", MAX_IDENTITIES, false);
    match (ids.is_empty(), usernames.is_empty()) {
        (true, true) => q.issues.push(issue(
            &["query", "platformId"],
            "Required: give platformId or username",
        )),
        (false, false) => q.issues.push(issue(
            &["query", "username"],
            "Give platformId or username, not both",
        )),
        _ => {}
    }
    let limit = q.integer("limit", 1, 100, 50) as usize;
    let cursor = q.one("cursor");
    if !q.issues.is_empty() {
        return invalid(q.issues, rid);
    }
    if let Some(p) = platform.filter(|p| p != "twitter") {
        return platform_not_available(&p, rid);
    }
    let matches = |p: &&Prospect| {
        ids.contains(&p.platform_id)
            || usernames
                .iter()
                .any(|u| u.eq_ignore_ascii_case(&p.username))
    };
    let found: Vec<&Prospect> = state.prospects.iter().filter(matches).collect();
    page(
        &found,
        |p| p.external_id.as_str(),
        |p| contact_v2_json(state, p),
        cursor.as_deref(),
        limit,
        rid,
    )
}
