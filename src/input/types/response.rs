//! The response of `POST /api/v1/threads/messages`.
//!
//! Strict only where the result is identified (`message.id`, `message.content`, `thread.id`):
//! every other field may be missing or `null` and still decodes, because the vendor's docs page
//! and its OpenAPI document disagree on which fields are present. JavaScript callers receive the
//! parsed JSON itself, so fields added by the API later reach them unchanged.

use alloc::{string::String, vec::Vec};
use serde::{Deserialize, Serialize};
use serde_json::Value;
#[cfg(feature = "types")]
use tsify::Tsify;

use super::lenient::lenient_struct;
use super::meta::Meta;
use super::open_enum::{
    MessageOrigin, Platform, ProfileType, ProspectSource, ThreadStatus, ThreadVariant, Verified,
};

/// The result of a send: the stored message and its thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(rename_all = "camelCase", from = "ResponseBody")]
#[non_exhaustive]
pub struct SendMessageResponse {
    /// The message as Inbox stored it.
    pub message: Message,
    /// The thread it belongs to, created if it did not exist.
    pub thread: Thread,
    /// What the answer said besides: status, request id, attempts, the team's budget. Set by
    /// the client, not sent by the server (so never read from a body).
    pub meta: Meta,
}

/// What the server sends for a v1 send: a [`SendMessageResponse`] before the client adds its
/// meta.
#[derive(Deserialize)]
struct ResponseBody {
    message: Message,
    thread: Thread,
}

impl From<ResponseBody> for SendMessageResponse {
    fn from(body: ResponseBody) -> Self {
        SendMessageResponse {
            message: body.message,
            thread: body.thread,
            meta: Meta::default(),
        }
    }
}

lenient_struct! {
    /// A direct message as Inbox stores it.
    pub struct Message {
        /// The Inbox id of the message.
        pub id: String,
        /// The text of the message.
        pub content: String,
        /// The platform the message was sent on.
        pub platform: Option<Platform> => "Platform | null",
        /// The Inbox team.
        pub team_id: Option<String> => "string | null",
        /// The thread the message belongs to.
        pub thread_id: Option<String> => "string | null",
        /// The Inbox user who sent it, if any.
        pub user_id: Option<String> => "string | null",
        /// When it was created (ISO 8601).
        pub created_at: Option<String> => "string | null",
        /// When it was last updated (ISO 8601).
        pub updated_at: Option<String> => "string | null",
        /// The message's id on the platform.
        pub platform_id: Option<String> => "string | null",
        /// The campaign that sent it, if any.
        pub campaign_id: Option<String> => "string | null",
        /// The account link id or the external id of the author.
        pub author_id: Option<String> => "string | null",
        /// Where the message came from.
        pub origin: Option<MessageOrigin> => "MessageOrigin | null",
        /// Reply data, untyped.
        pub reply_data: Option<Value> => "unknown",
        /// Forward data, untyped.
        pub forward_data: Option<Value> => "unknown",
        /// URL entities, mentions, hashtags, tweet shares; untyped.
        pub entities: Option<Value> => "unknown",
        /// Media and card attachments; untyped.
        pub attachment: Option<Value> => "unknown",
        /// Reactions; untyped.
        pub reactions: Option<Vec<Value>> => "unknown[] | null",
        /// Whether the message is end-to-end encrypted.
        pub is_encrypted: Option<bool> => "boolean | null",
        /// Whether the message has been edited.
        pub is_edited: Option<bool> => "boolean | null",
        /// When the message was deleted in Inbox.
        pub deleted_at: Option<String> => "string | null",
        /// When the message was deleted on the platform.
        pub platform_deleted_at: Option<String> => "string | null",
    }
}

lenient_struct! {
    /// A conversation between an account link and a prospect.
    pub struct Thread {
        /// The Inbox id of the thread.
        pub id: String,
        /// The platform of the thread.
        pub platform: Option<Platform> => "Platform | null",
        /// The conversation's id on the platform.
        pub platform_id: Option<String> => "string | null",
        /// Whether the thread is archived.
        pub done: Option<bool> => "boolean | null",
        /// The member assigned to the thread.
        pub assignee_id: Option<String> => "string | null",
        /// When the last message was sent.
        pub last_message_timestamp: Option<String> => "string | null",
        /// The last message time, or the creation time.
        pub computed_sort_timestamp: Option<String> => "string | null",
        /// When the thread was created in Inbox.
        pub created_at: Option<String> => "string | null",
        /// Whether the thread shows in the main inbox.
        pub status: Option<ThreadStatus> => "ThreadStatus | null",
        /// The conversation's encryption state.
        pub variant: Option<ThreadVariant> => "ThreadVariant | null",
        /// The account link of the thread.
        pub account_link_id: Option<String> => "string | null",
        /// Whether messages are still being synced from X.
        pub is_syncing: Option<bool> => "boolean | null",
        /// Whether this is a message request.
        pub is_request: Option<bool> => "boolean | null",
        /// Typing indicators; null means the team default.
        pub typing_indicators_enabled: Option<bool> => "boolean | null",
        /// A preview of the last message.
        pub last_message: Option<LastMessage> => "LastMessage | null",
        /// The person on the other side.
        pub prospect: Option<Prospect> => "Prospect | null",
    }
}

lenient_struct! {
    /// A preview of a thread's last message.
    pub struct LastMessage {
        /// The id of the last message.
        pub id: Option<String> => "string | null",
        /// Its text.
        pub content: Option<String> => "string | null",
        /// The account link id or the external id of the author.
        pub author_id: Option<String> => "string | null",
        /// When it was created.
        pub created_at: Option<String> => "string | null",
        /// The Inbox user who sent it, if any.
        pub user_id: Option<String> => "string | null",
        /// The campaign that sent it, if any.
        pub campaign_id: Option<String> => "string | null",
    }
}

lenient_struct! {
    /// The person a thread is with.
    pub struct Prospect {
        /// The platform of the profile.
        pub platform: Option<Platform> => "Platform | null",
        /// The platform's user id (numeric for X).
        pub platform_id: Option<String> => "string | null",
        /// The Inbox external id; null until imported.
        pub external_id: Option<String> => "string | null",
        /// The search index id.
        pub document_id: Option<f64> => "number | null",
        /// The display name.
        pub display_name: Option<String> => "string | null",
        /// The username, without @.
        pub username: Option<String> => "string | null",
        /// The username with @, for display.
        pub handle: Option<String> => "string | null",
        /// Profile picture URL as the platform gave it.
        pub image: Option<String> => "string | null",
        /// Profile picture URL at the best quality.
        pub image_normalized: Option<String> => "string | null",
        /// The profile bio.
        pub bio: Option<String> => "string | null",
        /// The location as the user wrote it.
        pub location: Option<String> => "string | null",
        /// Link to the profile on the platform.
        pub profile_url: Option<String> => "string | null",
        /// The user's website.
        pub website_url: Option<String> => "string | null",
        /// The website's domain.
        pub website_domain: Option<String> => "string | null",
        /// The verification badge.
        pub verified: Option<Verified> => "Verified | null",
        /// The kind of account.
        pub profile_type: Option<ProfileType> => "ProfileType | null",
        /// Whether the account is protected.
        pub is_protected: Option<bool> => "boolean | null",
        /// Followers.
        pub follower_count: Option<f64> => "number | null",
        /// Accounts followed.
        pub following_count: Option<f64> => "number | null",
        /// Posts.
        pub post_count: Option<f64> => "number | null",
        /// Likes given (X).
        pub engagement_count: Option<f64> => "number | null",
        /// Lists the profile is on.
        pub listed_count: Option<f64> => "number | null",
        /// When the account was created on the platform.
        pub platform_created_at: Option<String> => "string | null",
        /// When Inbox first saw the prospect.
        pub first_seen_at: Option<String> => "string | null",
        /// When any data about the prospect last changed.
        pub last_updated_at: Option<String> => "string | null",
        /// When data was last fetched from the platform.
        pub last_enriched_at: Option<String> => "string | null",
        /// When the profile was last active.
        pub last_active_at: Option<String> => "string | null",
        /// Where the data came from.
        pub source: Option<ProspectSource> => "ProspectSource | null",
        /// Updated within the last 7 days.
        pub is_fresh: Option<bool> => "boolean | null",
        /// Not updated for over 30 days.
        pub is_stale: Option<bool> => "boolean | null",
        /// Confidence in the data, 0 to 1.
        pub confidence: Option<f64> => "number | null",
        /// X-specific profile data.
        pub platform_data: Option<PlatformData> => "PlatformData | null",
        /// Your team's tags, status and notes.
        pub context: Option<ProspectContext> => "ProspectContext | null",
    }
}

lenient_struct! {
    /// X-specific profile data.
    pub struct PlatformData {
        /// Blue checkmark.
        pub is_verified_blue: Option<bool> => "boolean | null",
        /// Gold (business) badge.
        pub is_verified_gold: Option<bool> => "boolean | null",
        /// Gray (government) badge.
        pub is_verified_gray: Option<bool> => "boolean | null",
        /// Professional category id.
        pub professional_category: Option<String> => "string | null",
        /// URLs in the bio.
        pub url_entities: Option<Vec<UrlEntity>> => "UrlEntity[] | null",
        /// Banner image URL.
        pub banner_url: Option<String> => "string | null",
        /// Posts, all time.
        pub tweets_count: Option<f64> => "number | null",
        /// Likes given.
        pub favorites_count: Option<f64> => "number | null",
        /// The platform user object, untyped.
        pub raw_data: Option<Value> => "unknown",
    }
}

lenient_struct! {
    /// A URL in a profile bio.
    pub struct UrlEntity {
        /// The t.co URL.
        pub url: Option<String> => "string | null",
        /// The full URL.
        pub expanded_url: Option<String> => "string | null",
        /// The text shown for it.
        pub display_url: Option<String> => "string | null",
        /// Start and end character indices in the bio.
        pub indices: Option<Vec<f64>> => "number[] | null",
    }
}

lenient_struct! {
    /// Your team's data about a prospect.
    pub struct ProspectContext {
        /// Tag ids.
        pub tags: Option<Vec<String>> => "string[] | null",
        /// Status id.
        pub status_id: Option<String> => "string | null",
        /// Valuation.
        pub valuation: Option<f64> => "number | null",
        /// Notes.
        pub notes: Option<String> => "string | null",
    }
}
