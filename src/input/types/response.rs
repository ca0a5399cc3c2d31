//! The response of `POST /api/v1/threads/messages`.
//!
//! Strict only where the result is identified (`message.id`, `message.content`, `thread.id`):
//! every other field may be missing or `null` and still decodes, because the vendor's docs page
//! and its OpenAPI document disagree on which fields are present. JavaScript callers receive the
//! parsed JSON itself, so fields added by the API later reach them unchanged.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient;
use super::open_enum::{
    MessageOrigin, Platform, ProfileType, ProspectSource, ThreadStatus, ThreadVariant, Verified,
};

/// The result of a send: the stored message and its thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SendMessageResponse {
    /// The message as Inbox stored it.
    pub message: Message,
    /// The thread it belongs to, created if it did not exist.
    pub thread: Thread,
}

/// A direct message as Inbox stores it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Message {
    /// The Inbox id of the message.
    pub id: String,
    /// The text of the message.
    pub content: String,
    /// The platform the message was sent on.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "Platform | null")]
    pub platform: Option<Platform>,
    /// The Inbox team.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub team_id: Option<String>,
    /// The thread the message belongs to.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub thread_id: Option<String>,
    /// The Inbox user who sent it, if any.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub user_id: Option<String>,
    /// When it was created (ISO 8601).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub created_at: Option<String>,
    /// When it was last updated (ISO 8601).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub updated_at: Option<String>,
    /// The message's id on the platform.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub platform_id: Option<String>,
    /// The campaign that sent it, if any.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub campaign_id: Option<String>,
    /// The account link id or the external id of the author.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub author_id: Option<String>,
    /// Where the message came from.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "MessageOrigin | null")]
    pub origin: Option<MessageOrigin>,
    /// Reply data, untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub reply_data: Option<Value>,
    /// Forward data, untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub forward_data: Option<Value>,
    /// URL entities, mentions, hashtags, tweet shares; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub entities: Option<Value>,
    /// Media and card attachments; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub attachment: Option<Value>,
    /// Reactions; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown[] | null")]
    pub reactions: Option<Vec<Value>>,
    /// Whether the message is end-to-end encrypted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_encrypted: Option<bool>,
    /// Whether the message has been edited.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_edited: Option<bool>,
    /// When the message was deleted in Inbox.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub deleted_at: Option<String>,
    /// When the message was deleted on the platform.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub platform_deleted_at: Option<String>,
}

/// A conversation between an account link and a prospect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Thread {
    /// The Inbox id of the thread.
    pub id: String,
    /// The platform of the thread.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "Platform | null")]
    pub platform: Option<Platform>,
    /// The conversation's id on the platform.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub platform_id: Option<String>,
    /// Whether the thread is archived.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub done: Option<bool>,
    /// The member assigned to the thread.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub assignee_id: Option<String>,
    /// When the last message was sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub last_message_timestamp: Option<String>,
    /// The last message time, or the creation time.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub computed_sort_timestamp: Option<String>,
    /// When the thread was created in Inbox.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub created_at: Option<String>,
    /// Whether the thread shows in the main inbox.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "ThreadStatus | null")]
    pub status: Option<ThreadStatus>,
    /// The conversation's encryption state.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "ThreadVariant | null")]
    pub variant: Option<ThreadVariant>,
    /// The account link of the thread.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub account_link_id: Option<String>,
    /// Whether messages are still being synced from X.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_syncing: Option<bool>,
    /// Whether this is a message request.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_request: Option<bool>,
    /// Typing indicators; null means the team default.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub typing_indicators_enabled: Option<bool>,
    /// A preview of the last message.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "LastMessage | null")]
    pub last_message: Option<LastMessage>,
    /// The person on the other side.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "Prospect | null")]
    pub prospect: Option<Prospect>,
}

/// A preview of a thread's last message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LastMessage {
    /// The id of the last message.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub id: Option<String>,
    /// Its text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub content: Option<String>,
    /// The account link id or the external id of the author.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub author_id: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub created_at: Option<String>,
    /// The Inbox user who sent it, if any.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub user_id: Option<String>,
    /// The campaign that sent it, if any.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub campaign_id: Option<String>,
}

/// The person a thread is with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Prospect {
    /// The platform of the profile.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "Platform | null")]
    pub platform: Option<Platform>,
    /// The platform's user id (numeric for X).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub platform_id: Option<String>,
    /// The Inbox external id; null until imported.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub external_id: Option<String>,
    /// The search index id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub document_id: Option<f64>,
    /// The display name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub display_name: Option<String>,
    /// The username, without @.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub username: Option<String>,
    /// The username with @, for display.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub handle: Option<String>,
    /// Profile picture URL as the platform gave it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub image: Option<String>,
    /// Profile picture URL at the best quality.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub image_normalized: Option<String>,
    /// The profile bio.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub bio: Option<String>,
    /// The location as the user wrote it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub location: Option<String>,
    /// Link to the profile on the platform.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub profile_url: Option<String>,
    /// The user's website.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub website_url: Option<String>,
    /// The website's domain.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub website_domain: Option<String>,
    /// The verification badge.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "Verified | null")]
    pub verified: Option<Verified>,
    /// The kind of account.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "ProfileType | null")]
    pub profile_type: Option<ProfileType>,
    /// Whether the account is protected.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_protected: Option<bool>,
    /// Followers.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub follower_count: Option<f64>,
    /// Accounts followed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub following_count: Option<f64>,
    /// Posts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub post_count: Option<f64>,
    /// Likes given (X).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub engagement_count: Option<f64>,
    /// Lists the profile is on.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub listed_count: Option<f64>,
    /// When the account was created on the platform.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub platform_created_at: Option<String>,
    /// When Inbox first saw the prospect.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub first_seen_at: Option<String>,
    /// When any data about the prospect last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub last_updated_at: Option<String>,
    /// When data was last fetched from the platform.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub last_enriched_at: Option<String>,
    /// When the profile was last active.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub last_active_at: Option<String>,
    /// Where the data came from.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "ProspectSource | null")]
    pub source: Option<ProspectSource>,
    /// Updated within the last 7 days.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_fresh: Option<bool>,
    /// Not updated for over 30 days.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_stale: Option<bool>,
    /// Confidence in the data, 0 to 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub confidence: Option<f64>,
    /// X-specific profile data.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "PlatformData | null")]
    pub platform_data: Option<PlatformData>,
    /// Your team's tags, status and notes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "ProspectContext | null")]
    pub context: Option<ProspectContext>,
}

/// X-specific profile data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlatformData {
    /// Blue checkmark.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_verified_blue: Option<bool>,
    /// Gold (business) badge.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_verified_gold: Option<bool>,
    /// Gray (government) badge.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_verified_gray: Option<bool>,
    /// Professional category id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub professional_category: Option<String>,
    /// URLs in the bio.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "UrlEntity[] | null")]
    pub url_entities: Option<Vec<UrlEntity>>,
    /// Banner image URL.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub banner_url: Option<String>,
    /// Posts, all time.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub tweets_count: Option<f64>,
    /// Likes given.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub favorites_count: Option<f64>,
    /// The platform user object, untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub raw_data: Option<Value>,
}

/// A URL in a profile bio.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UrlEntity {
    /// The t.co URL.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub url: Option<String>,
    /// The full URL.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub expanded_url: Option<String>,
    /// The text shown for it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub display_url: Option<String>,
    /// Start and end character indices in the bio.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number[] | null")]
    pub indices: Option<Vec<f64>>,
}

/// Your team's data about a prospect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProspectContext {
    /// Tag ids.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string[] | null")]
    pub tags: Option<Vec<String>>,
    /// Status id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub status_id: Option<String>,
    /// Valuation.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "number | null")]
    pub valuation: Option<f64>,
    /// Notes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub notes: Option<String>,
}
