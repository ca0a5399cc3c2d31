//! `GET /api/v2/threads`: threads in inbox order (`activity.at`, else `createdAt`; newest first
//! unless `order=asc`), filtered by account link, contact, platform and folder.

use crate::handlers::v2::error::{invalid, platform_not_available};
use crate::handlers::v2::page::page;
use crate::handlers::v2::query::Query;
use crate::handlers::v2::views::thread_v2_json;
use crate::http::{Request, Response};
use crate::model::state::{Direction, State, Thread};

/// Values of one list filter a request may give.
const MAX_FILTER: usize = 100;

/// The folders of the vendor's document.
const FOLDERS: &[&str] = &["inbox", "noReply", "requests", "archived", "all"];

/// Handles `GET /api/v2/threads` after the front door.
pub fn list(state: &State, req: &Request) -> Response {
    let rid = req.request_id.as_str();
    let mut q = Query::read(
        req,
        &[
            "accountLinkId",
            "contactId",
            "platform",
            "folder",
            "order",
            "limit",
            "cursor",
        ],
        &[
            "tag",
            "status",
            "assigneeId",
            "unassigned",
            "campaignId",
            "q",
            "expand",
        ],
    );
    let links = q.list("accountLinkId", MAX_FILTER, true);
    let contacts = q.list("contactId", MAX_FILTER, true);
    let platforms = q.list("platform", MAX_FILTER, false);
    let folder = q.choice("folder", FOLDERS, "inbox");
    let order = q.choice("order", &["desc", "asc"], "desc");
    let limit = q.integer("limit", 1, 100, 50) as usize;
    let cursor = q.one("cursor");
    if !q.issues.is_empty() {
        return invalid(q.issues, rid);
    }
    if let Some(p) = platforms.iter().find(|p| *p != "twitter") {
        return platform_not_available(p, rid);
    }
    let last_direction = |t: &Thread| {
        t.last_message_id
            .as_ref()
            .and_then(|id| state.messages.iter().rev().find(|m| &m.id == id))
            .map(|m| (m.created_at, m.direction))
    };
    // The emulator's threads are never archived nor requests: they are all in the inbox.
    let in_folder = |t: &Thread| match folder {
        "inbox" | "all" => true,
        "noReply" => last_direction(t).is_some_and(|(_, d)| d == Direction::Inbound),
        _ => false,
    };
    // The X users behind the contacts asked for (an unknown contact has no thread).
    let people: Vec<&str> = contacts
        .iter()
        .filter_map(|c| state.prospect_by_external_id(c))
        .map(|p| p.platform_id.as_str())
        .collect();
    let mut found: Vec<(u64, &Thread)> = state
        .threads
        .iter()
        .filter(|t| links.is_empty() || links.contains(&t.account_link_id))
        .filter(|t| contacts.is_empty() || people.contains(&t.prospect_platform_id.as_str()))
        .filter(|t| in_folder(t))
        .map(|t| (last_direction(t).map_or(t.created_at, |(at, _)| at), t))
        .collect();
    found.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    if order == "desc" {
        found.reverse();
    }
    page(
        &found,
        |(_, t)| t.id.as_str(),
        |(_, t)| thread_v2_json(state, t),
        cursor.as_deref(),
        limit,
        rid,
    )
}
