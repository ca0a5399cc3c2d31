//! The v1 JSON views of the model: `Message`, `Thread` (with `lastMessage` and `prospect`),
//! `Prospect` (with `platformData` and `context`) and `AccountLink`, in the vendor's shapes.

use serde_json::{json, Value};

use crate::handlers::fields::website_domain;
use crate::model::clock::iso8601;
use crate::model::seed::{AccountLink, Prospect, TEAM_ID, USER_ID};
use crate::model::state::{Direction, Message, State, Thread};

/// Full `Thread` JSON (with `lastMessage` and `prospect`).
pub fn thread_json(state: &State, t: &Thread) -> Value {
    let last = t
        .last_message_id
        .as_ref()
        .and_then(|id| state.messages.iter().find(|m| &m.id == id));
    let last_ts = last.map(|m| iso8601(m.created_at));
    let prospect = state
        .prospect_by_platform_id(&t.prospect_platform_id)
        .map(|p| prospect_json(p, &state.settings.origin))
        .unwrap_or(Value::Null);
    json!({
        "id": t.id,
        "platform": "twitter",
        "platformId": t.platform_id,
        "done": false,
        "assigneeId": null,
        "lastMessageTimestamp": last_ts,
        "computedSortTimestamp": last_ts.clone().unwrap_or_else(|| iso8601(t.created_at)),
        "createdAt": iso8601(t.created_at),
        "status": "active",
        "variant": "unencrypted",
        "accountLinkId": t.account_link_id,
        "isSyncing": state.syncing.contains_key(&t.id),
        "isRequest": false,
        "typingIndicatorsEnabled": null,
        "lastMessage": last.map(|m| with_author(state, m, json!({
            "id": m.id,
            "content": m.content,
            "createdAt": iso8601(m.created_at),
            "userId": user_id(m),
            "campaignId": null,
        }))),
        "prospect": prospect,
    })
}

/// `AccountLink` JSON, its `status` as it stands at `now`.
pub fn account_link_json(state: &State, a: &AccountLink, now: u64) -> Value {
    json!({
        "id": a.id,
        "platform": "twitter",
        "platformId": a.platform_id,
        "name": a.name,
        "displayName": a.name,
        "username": a.username,
        "image": avatar_url(&state.settings.origin, a.username),
        "createdAt": a.created_at,
        "status": state.outages.link(a.id, now),
        "syncedAt": a.created_at,
    })
}

fn avatar_url(origin: &str, username: &str) -> String {
    format!("{origin}/avatars/{username}.svg")
}

/// The Inbox user who sent an outbound message; none wrote an inbound one.
fn user_id(m: &Message) -> Value {
    match m.direction {
        Direction::Outbound => json!(USER_ID),
        Direction::Inbound => Value::Null,
    }
}

/// Sets `authorId` in the form the settings ask for (or leaves it out).
fn with_author(state: &State, m: &Message, mut view: Value) -> Value {
    if let (Some(id), Some(obj)) = (state.author_id(m), view.as_object_mut()) {
        obj.insert("authorId".into(), json!(id));
    }
    view
}

/// Full `Message` JSON.
pub fn message_json(state: &State, m: &Message) -> Value {
    let ts = iso8601(m.created_at);
    let view = json!({
        "platform": "twitter",
        "teamId": TEAM_ID,
        "threadId": m.thread_id,
        "id": m.id,
        "userId": user_id(m),
        "createdAt": ts,
        "updatedAt": ts,
        "platformId": m.platform_id,
        "content": m.content,
        "campaignId": null,
        "origin": "api",
        "replyData": null,
        "forwardData": null,
        "entities": {"urls": [], "mentions": [], "hashtags": []},
        "attachment": null,
        "reactions": [],
        "isEncrypted": false,
        "isEdited": false,
        "deletedAt": null,
        "platformDeletedAt": null,
    });
    with_author(state, m, view)
}

/// Full `Prospect` JSON with `platformData` and `context`.
pub fn prospect_json(p: &Prospect, origin: &str) -> Value {
    let image = avatar_url(origin, &p.username);
    let domain = p.website_url.as_deref().map(website_domain);
    let url_entities: Vec<Value> = p
        .website_url
        .iter()
        .map(|u| {
            json!({"url": "https://t.co/emu1link", "expandedUrl": u, "displayUrl": domain, "indices": [0, 23]})
        })
        .collect();
    json!({
        "platform": "twitter",
        "platformId": p.platform_id,
        "externalId": p.external_id,
        "documentId": if p.document_id == 0 { Value::Null } else { json!(p.document_id) },
        "displayName": p.display_name,
        "username": p.username,
        "handle": format!("@{}", p.username),
        "image": image,
        "imageNormalized": image,
        "bio": p.bio,
        "location": p.location,
        "profileUrl": format!("https://x.com/{}", p.username),
        "websiteUrl": p.website_url,
        "websiteDomain": domain,
        "verified": p.verified,
        "profileType": p.profile_type,
        "isProtected": false,
        "followerCount": p.follower_count,
        "followingCount": p.following_count,
        "postCount": p.post_count,
        "engagementCount": p.favorites_count,
        "listedCount": p.listed_count,
        "platformCreatedAt": p.platform_created_at,
        "firstSeenAt": p.first_seen_at,
        "lastUpdatedAt": "2025-11-10T18:03:16.000Z",
        "lastEnrichedAt": if p.synthesised { Value::Null } else { json!("2025-11-10T18:03:16.000Z") },
        "lastActiveAt": if p.synthesised { Value::Null } else { json!("2025-11-10T12:00:00.000Z") },
        "source": if p.synthesised { "live" } else { "cached" },
        "isFresh": true,
        "isStale": false,
        "confidence": if p.synthesised { 0.5 } else { 0.85 },
        "platformData": {
            "isVerifiedBlue": p.verified == "verified",
            "isVerifiedGold": p.verified == "business",
            "isVerifiedGray": p.verified == "government",
            "professionalCategory": null,
            "urlEntities": url_entities,
            "bannerUrl": null,
            "tweetsCount": p.post_count,
            "favoritesCount": p.favorites_count,
            "rawData": null,
        },
        "context": {
            "tags": p.tags,
            "statusId": null,
            "valuation": p.valuation,
            "notes": p.notes,
        },
    })
}
