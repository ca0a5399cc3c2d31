//! The v2 JSON views of the model: `Message` and `Thread`.

use serde_json::{json, Value};

use crate::handlers::fields::website_domain;
use crate::model::clock::iso8601;
use crate::model::seed::Prospect;
use crate::model::state::{Direction, Message, State, Thread};

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
        "direction": m.direction,
        "sentBy": match m.direction {
            Direction::Outbound => json!({"type": "api", "tokenId": "tok1emulator"}),
            Direction::Inbound => Value::Null,
        },
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
        "lastMessage": last.map(|m| json!({"id": m.id, "direction": m.direction, "createdAt": iso8601(m.created_at)})),
        "activity": last.map(|m| json!({"preview": m.content, "direction": m.direction, "at": iso8601(m.created_at)})),
        "createdAt": iso8601(t.created_at),
    })
}

/// v2 `Profile` JSON of a prospect (its id matches the threads' `profileId`).
pub fn profile_v2_json(state: &State, p: &Prospect) -> Value {
    let domain = p.website_url.as_deref().map(website_domain);
    let badge = match p.verified {
        "verified" => json!("blue"),
        "business" => json!("gold"),
        "government" => json!("gray"),
        _ => Value::Null,
    };
    json!({
        "id": format!("pf{}", p.platform_id),
        "platform": "twitter",
        "platformId": p.platform_id,
        "username": p.username,
        "handle": format!("@{}", p.username),
        "displayName": p.display_name,
        "avatarUrl": format!("{}/avatars/{}.svg", state.settings.origin, p.username),
        "bio": p.bio,
        "location": p.location,
        "websiteUrl": p.website_url,
        "websiteDomain": domain,
        "verified": p.verified != "none",
        "isOrganization": p.profile_type == "business",
        "isProtected": false,
        "followerCount": p.follower_count,
        "followingCount": p.following_count,
        "postCount": p.post_count,
        "engagementCount": p.favorites_count,
        "listedCount": p.listed_count,
        "accountStatus": "active",
        "platformCreatedAt": p.platform_created_at,
        "profileUrl": format!("https://x.com/{}", p.username),
        "updatedAt": p.first_seen_at,
        "platformData": {
            "_tag": "twitter",
            "badge": badge,
            "profileType": p.profile_type,
            "professionalCategory": null,
            "urlEntities": [],
            "bannerUrl": null,
            "rawData": null,
        },
    })
}

/// v2 `Contact` JSON of a prospect: its id is the prospect's external id (the send's
/// `contactId`), its one profile the prospect's.
pub fn contact_v2_json(state: &State, p: &Prospect) -> Value {
    json!({
        "id": p.external_id,
        "profiles": [profile_v2_json(state, p)],
        "statusId": null,
        "tagIds": p.tags,
        "notes": p.notes,
        "valuation": p.valuation,
        "assigneeId": null,
        "createdAt": p.first_seen_at,
        "updatedAt": p.first_seen_at,
    })
}
