//! `GET /api/v2/events`: the team's events in `seq` order after `afterSeq`, `limit` (1–1000,
//! default 100) read per page and those of the `type`s asked for kept, as the vendor's
//! `EventPage` `{data, lastSeq, hasMore}`.

use serde_json::{json, Value};

use crate::handlers::v2::error::invalid;
use crate::handlers::v2::query::Query;
use crate::http::{Request, Response};
use crate::model::state::State;

/// Every event type of the vendor's document.
const TYPES: &[&str] = &[
    "thread.created",
    "thread.deleted",
    "thread.assigned",
    "thread.unassigned",
    "thread.archived",
    "thread.unarchived",
    "thread.typing",
    "message.sent",
    "message.received",
    "message.edited",
    "message.deleted",
    "message.reactionAdded",
    "message.reactionRemoved",
    "contact.statusChanged",
    "contact.tagsChanged",
    "contact.notesChanged",
    "contact.valuationChanged",
    "contact.assigneeChanged",
    "tag.created",
    "tag.updated",
    "tag.deleted",
    "status.created",
    "status.updated",
    "status.deleted",
    "campaign.created",
    "campaign.started",
    "campaign.paused",
    "campaign.resumed",
    "campaign.completed",
    "target.contacted",
    "target.followUpSent",
    "target.replied",
];

/// Handles `GET /api/v2/events` after the front door.
pub fn list(state: &State, req: &Request) -> Response {
    let mut q = Query::read(req, &["afterSeq", "type", "limit"], &[]);
    let after = q.integer("afterSeq", 0, u64::MAX, 0);
    let limit = q.integer("limit", 1, 1000, 100) as usize;
    let types = q.list("type", TYPES.len(), false);
    for (i, t) in types.iter().enumerate() {
        if !t.is_empty() && !TYPES.contains(&t.as_str()) {
            q.issues.push(json!({"path": ["query", "type", i], "message": format!("Invalid enum value: {t:?} is not an event type")}));
        }
    }
    if !q.issues.is_empty() {
        return invalid(q.issues, &req.request_id);
    }
    let page = state.events.page(after, &types, limit);
    let data: Vec<Value> = page.data.iter().map(|e| e.to_json()).collect();
    Response::json(
        200,
        &json!({"data": data, "lastSeq": page.last_seq, "hasMore": page.has_more}),
    )
}
