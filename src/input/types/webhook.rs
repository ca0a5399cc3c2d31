//! What a webhook delivers: one event (`WebhookEvent`), the same envelope for every event type.
//! JavaScript callers receive the parsed JSON itself, so fields and types added by the API
//! later reach them unchanged.

use alloc::string::String;
use serde::{Deserialize, Serialize};
use serde_json::Value;
#[cfg(feature = "types")]
use tsify::Tsify;
use wasm_bindgen::prelude::wasm_bindgen;

/// A change in the team, as a webhook delivers it. It names the object that changed and
/// carries only the values of the change: read the object for its current state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event's id.
    pub id: String,
    /// Its number in the team's sequence of events: `GET /api/v2/events?afterSeq=<seq>` reads
    /// the events after it (they are kept for 7 days).
    pub seq: u64,
    /// What happened: `message.received`, `thread.created`, … (see `WebhookEventType`); a type
    /// this version does not know arrives unchanged.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "types", tsify(type = "WebhookEventType"))]
    pub kind: String,
    /// The version of the API the event is shaped by (`"2"`).
    pub api_version: String,
    /// When it happened (ISO 8601).
    pub created_at: String,
    /// The object that changed.
    pub object: WebhookObject,
    /// The values of the change; which ones depends on the type (`threadId`, `assigneeId`,
    /// `tagIds`, …, or none).
    #[cfg_attr(feature = "types", tsify(type = "Record<string, unknown>"))]
    pub data: Value,
}

/// The object a webhook event is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookObject {
    /// `thread`, `message`, `contact`, `tag`, `status` or `campaign`; values may grow.
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "types",
        tsify(
            type = "\"thread\" | \"message\" | \"contact\" | \"tag\" | \"status\" | \"campaign\" | (string & {})"
        )
    )]
    pub kind: String,
    /// Its Inbox id.
    pub id: String,
    /// Its path under the API, to read its current state (`404` once it is deleted).
    pub url: String,
}

// Every event type the API documents, for editors and `switch` statements; any other string
// may arrive too.
#[wasm_bindgen(typescript_custom_section)]
const WEBHOOK_EVENT_TYPE_TS: &'static str = r#"
/** What a webhook event says happened. Unknown future types arrive unchanged. */
export type WebhookEventType =
    | "thread.created" | "thread.deleted" | "thread.assigned" | "thread.unassigned"
    | "thread.archived" | "thread.unarchived" | "thread.typing"
    | "message.sent" | "message.received" | "message.edited" | "message.deleted"
    | "message.reactionAdded" | "message.reactionRemoved"
    | "contact.statusChanged" | "contact.tagsChanged" | "contact.notesChanged"
    | "contact.valuationChanged" | "contact.assigneeChanged"
    | "tag.created" | "tag.updated" | "tag.deleted"
    | "status.created" | "status.updated" | "status.deleted"
    | "campaign.created" | "campaign.started" | "campaign.paused" | "campaign.resumed"
    | "campaign.completed"
    | "target.contacted" | "target.followUpSent" | "target.replied"
    | (string & {});
"#;
