//! The v2 JSON views of the model: `Message` and `Thread`.

use serde_json::{json, Value};

use crate::model::clock::iso8601;
use crate::model::seed::Prospect;
use crate::model::state::{Message, State, Thread};

/// v2 `Message` JSON.
pub fn message_v2_json(state: &State, m: &Message) -> Value {
    let reply_to = m
        .reply_to
        .as_ref()
        .and_then(|id| state.messages.iter().find(|r| &r.id == id))
        .map(|r| {
            json!({
                "messageId": r.id,
                "platformId": r.platform_id,
                "content": r.content,
                "authorName": state.account_link(&r.account_link_id).map(|a| a.name),
            })
        });
    json!({
        "id": m.id,
        "threadId": m.thread_id,
        "accountLinkId": m.account_link_id,
        "platform": "twitter",
        "platformId": m.platform_id,
        "direction": "outbound",
        "sentBy": {"type": "api", "tokenId": "tok1emulator"},
        "content": m.content,
        "entities": {"urls": [], "postShares": [], "mentions": [], "hashtags": [], "cashtags": [], "format": []},
        "attachments": [],
        "forwarded": null,
        "reactions": [],
        "editedAt": null,
        "deletedAt": null,
        "createdAt": iso8601(m.created_at),
        "platformData": {"_tag": "twitter", "encrypted": false},
        "replyTo": reply_to,
    })
}

/// v2 `Thread` JSON.
pub fn thread_v2_json(state: &State, t: &Thread) -> Value {
    let last = t
        .last_message_id
        .as_ref()
        .and_then(|id| state.messages.iter().find(|m| &m.id == id));
    let contact_id = state
        .prospect_by_platform_id(&t.prospect_platform_id)
        .map(|p: &Prospect| p.external_id.clone())
        .unwrap_or_else(|| format!("ext{}", t.prospect_platform_id));
    json!({
        "id": t.id,
        "platform": "twitter",
        "platformId": t.platform_id,
        "accountLinkId": t.account_link_id,
        "profileId": format!("pf{}", t.prospect_platform_id),
        "contactId": contact_id,
        "assigneeId": null,
        "isRequest": false,
        "acceptanceState": "notRequired",
        "archived": false,
        "unread": false,
        "restrictions": [],
        "syncing": false,
        "typingIndicators": "teamDefault",
        "lastMessage": last.map(|m| json!({"id": m.id, "direction": "outbound", "createdAt": iso8601(m.created_at)})),
        "activity": last.map(|m| json!({"preview": m.content, "direction": "outbound", "at": iso8601(m.created_at)})),
        "createdAt": iso8601(t.created_at),
    })
}
