//! The result of v2's `POST /api/v2/messages` (`SendResult`), with v2's `Message` and `Thread`.
//!
//! Decoded as forgivingly as v1's: strict only on `message.id`, `message.content` and
//! `thread.id`; any other field may be missing, `null` or of another type (it then decodes as
//! absent). JavaScript callers receive the parsed JSON itself, so fields and enum values added
//! by the API later reach them unchanged.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

use super::lenient;
use super::open_enum::Platform;

/// What a v2 send returns: the stored message, its thread, and whether this answer replays an
/// earlier send with the same idempotency key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SendResult {
    /// The message as Inbox stored it.
    pub message: MessageV2,
    /// The thread it landed in (a concurrent send may have created it: adopt it).
    pub thread: ThreadV2,
    /// True when the server answered `200` (a replay of this key: the DM was sent by an earlier
    /// attempt or call), false for `201` (sent now). Set by the client from the status.
    pub replayed: bool,
}

/// The body of a v2 send's answer, before the client adds `replayed` from the status.
#[derive(Deserialize)]
pub(crate) struct SentBody {
    /// The message.
    pub(crate) message: MessageV2,
    /// Its thread.
    pub(crate) thread: ThreadV2,
}

/// A message as v2 describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MessageV2 {
    /// The Inbox id of the message.
    pub id: String,
    /// The text of the message.
    pub content: String,
    /// The thread it belongs to.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub thread_id: Option<String>,
    /// The account link that sent or received it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub account_link_id: Option<String>,
    /// The platform it was sent on.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "Platform | null")]
    pub platform: Option<Platform>,
    /// Its id on the platform.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub platform_id: Option<String>,
    /// `outbound` (sent by the team) or `inbound`; values may grow.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub direction: Option<String>,
    /// Who sent it; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub sent_by: Option<Value>,
    /// Mentions, links and other entities; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub entities: Option<Value>,
    /// Attachments; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub attachments: Option<Value>,
    /// Forwarding data; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub forwarded: Option<Value>,
    /// Reactions; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown[] | null")]
    pub reactions: Option<Vec<Value>>,
    /// When it was edited (ISO 8601).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub edited_at: Option<String>,
    /// When it was deleted (ISO 8601).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub deleted_at: Option<String>,
    /// When it was created (ISO 8601).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub created_at: Option<String>,
    /// Platform data; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub platform_data: Option<Value>,
    /// The message it replies to; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub reply_to: Option<Value>,
}

/// A thread as v2 describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThreadV2 {
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
    /// The account link of the thread.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub account_link_id: Option<String>,
    /// The profile on the other side.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub profile_id: Option<String>,
    /// The contact on the other side.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub contact_id: Option<String>,
    /// The member assigned to it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub assignee_id: Option<String>,
    /// Whether it is a message request.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub is_request: Option<bool>,
    /// Whether a message request was accepted; values may grow.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub acceptance_state: Option<String>,
    /// Whether it is archived.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub archived: Option<bool>,
    /// Whether it has unread messages.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub unread: Option<bool>,
    /// What the platform restricts; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub restrictions: Option<Value>,
    /// Whether messages are still syncing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "boolean | null")]
    pub syncing: Option<bool>,
    /// Typing indicator settings; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub typing_indicators: Option<Value>,
    /// A preview of the last message; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub last_message: Option<Value>,
    /// Activity data; untyped.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "unknown")]
    pub activity: Option<Value>,
    /// When it was created (ISO 8601).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::field"
    )]
    #[tsify(optional, type = "string | null")]
    pub created_at: Option<String>,
}
