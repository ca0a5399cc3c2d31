//! The result of v2's `POST /api/v2/messages` (`SendResult`), with v2's `Message` and `Thread`.
//!
//! Decoded as forgivingly as v1's: strict only on `message.id`, `message.content` and
//! `thread.id`; any other field may be missing, `null` or of another type (it then decodes as
//! absent). JavaScript callers receive the parsed JSON itself, so fields and enum values added
//! by the API later reach them unchanged.

use alloc::{string::String, vec::Vec};
use serde::{Deserialize, Serialize};
use serde_json::Value;
#[cfg(feature = "types")]
use tsify::Tsify;

use super::lenient::lenient_struct;
use super::meta::Meta;
use super::open_enum::Platform;

/// What a v2 send returns: the stored message, its thread, and whether this answer replays an
/// earlier send with the same idempotency key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
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
    /// What the answer said besides: status (`201` or `200`), request id, attempts, the team's
    /// budget. Set by the client.
    pub meta: Meta,
}

/// The body of a v2 send's answer, before the client adds `replayed` from the status.
#[derive(Deserialize)]
pub(crate) struct SentBody {
    /// The message.
    pub(crate) message: MessageV2,
    /// Its thread.
    pub(crate) thread: ThreadV2,
}

lenient_struct! {
    /// A message as v2 describes it.
    pub struct MessageV2 {
        /// The Inbox id of the message.
        pub id: String,
        /// The text of the message.
        pub content: String,
        /// The thread it belongs to.
        pub thread_id: Option<String> => "string | null",
        /// The account link that sent or received it.
        pub account_link_id: Option<String> => "string | null",
        /// The platform it was sent on.
        pub platform: Option<Platform> => "Platform | null",
        /// Its id on the platform.
        pub platform_id: Option<String> => "string | null",
        /// `outbound` (sent by the team) or `inbound`; values may grow.
        pub direction: Option<String> => "string | null",
        /// Who sent it; untyped.
        pub sent_by: Option<Value> => "unknown",
        /// Mentions, links and other entities; untyped.
        pub entities: Option<Value> => "unknown",
        /// Attachments; untyped.
        pub attachments: Option<Value> => "unknown",
        /// Forwarding data; untyped.
        pub forwarded: Option<Value> => "unknown",
        /// Reactions; untyped.
        pub reactions: Option<Vec<Value>> => "unknown[] | null",
        /// When it was edited (ISO 8601).
        pub edited_at: Option<String> => "string | null",
        /// When it was deleted (ISO 8601).
        pub deleted_at: Option<String> => "string | null",
        /// When it was created (ISO 8601).
        pub created_at: Option<String> => "string | null",
        /// Platform data; untyped.
        pub platform_data: Option<Value> => "unknown",
        /// The message it replies to; untyped.
        pub reply_to: Option<Value> => "unknown",
    }
}

lenient_struct! {
    /// A thread as v2 describes it.
    pub struct ThreadV2 {
        /// The Inbox id of the thread.
        pub id: String,
        /// The platform of the thread.
        pub platform: Option<Platform> => "Platform | null",
        /// The conversation's id on the platform.
        pub platform_id: Option<String> => "string | null",
        /// The account link of the thread.
        pub account_link_id: Option<String> => "string | null",
        /// The profile on the other side.
        pub profile_id: Option<String> => "string | null",
        /// The contact on the other side.
        pub contact_id: Option<String> => "string | null",
        /// The member assigned to it.
        pub assignee_id: Option<String> => "string | null",
        /// Whether it is a message request.
        pub is_request: Option<bool> => "boolean | null",
        /// Whether a message request was accepted; values may grow.
        pub acceptance_state: Option<String> => "string | null",
        /// Whether it is archived.
        pub archived: Option<bool> => "boolean | null",
        /// Whether it has unread messages.
        pub unread: Option<bool> => "boolean | null",
        /// What the platform restricts; untyped.
        pub restrictions: Option<Value> => "unknown",
        /// Whether messages are still syncing.
        pub syncing: Option<bool> => "boolean | null",
        /// Typing indicator settings; untyped.
        pub typing_indicators: Option<Value> => "unknown",
        /// A preview of the last message; untyped.
        pub last_message: Option<Value> => "unknown",
        /// Activity data; untyped.
        pub activity: Option<Value> => "unknown",
        /// When it was created (ISO 8601).
        pub created_at: Option<String> => "string | null",
    }
}
