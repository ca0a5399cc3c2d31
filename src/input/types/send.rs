//! The request body of v2's `POST /api/v2/messages` (`SendRequest`): who receives the DM, as a
//! tagged union of the three target kinds, and its content.

use alloc::{borrow::ToOwned, string::String};
use serde::{Deserialize, Serialize};
#[cfg(feature = "types")]
use tsify::Tsify;

/// Where a v2 send goes. Each kind carries exactly its own ids, so a profile target without a
/// `platformId`, or a thread target with an `accountLinkId`, cannot be written.
///
/// - `{ type: "thread", threadId }`: an existing thread, by its Inbox id.
/// - `{ type: "contact", accountLinkId, contactId }`: a contact (its Inbox id), from that account
///   link, in its thread or a new one.
/// - `{ type: "profile", accountLinkId, platform, platformId }`: a platform user (`platform`
///   `"twitter"` today, the account link's; `platformId` the user's id there, for X the numeric
///   user id), from that account link, in its thread or a new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub enum Target {
    /// An existing thread.
    #[serde(rename_all = "camelCase")]
    Thread {
        /// The thread's Inbox id.
        thread_id: String,
    },
    /// A contact's profile on the account link's platform, in its thread or a new one.
    #[serde(rename_all = "camelCase")]
    Contact {
        /// The account link (connected account) to send from.
        account_link_id: String,
        /// The contact's Inbox id.
        contact_id: String,
    },
    /// A platform user, in its thread or a new one.
    #[serde(rename_all = "camelCase")]
    Profile {
        /// The account link (connected account) to send from.
        account_link_id: String,
        /// The platform (`"twitter"` today); must be the account link's.
        platform: String,
        /// The user's id on that platform (for X, the numeric user id).
        platform_id: String,
    },
}

/// A v2 DM to send: a target, exact content, and optionally the message it replies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SendRequest {
    /// Who receives it.
    pub target: Target,
    /// The message text, sent exactly as given.
    pub content: String,
    /// The message this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "types", tsify(optional))]
    pub reply_to_message_id: Option<String>,
}

impl SendRequest {
    /// A DM to `target` with `content`.
    pub fn new(target: Target, content: impl Into<String>) -> Self {
        SendRequest {
            target,
            content: content.into(),
            reply_to_message_id: None,
        }
    }

    /// Makes it a reply to the message `id`.
    pub fn reply_to(mut self, id: impl Into<String>) -> Self {
        self.reply_to_message_id = Some(id.into());
        self
    }
}

impl Target {
    /// An X user, by numeric user id, from an account link.
    pub fn x_user(account_link_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        Target::Profile {
            account_link_id: account_link_id.into(),
            platform: "twitter".to_owned(),
            platform_id: user_id.into(),
        }
    }

    /// An existing thread.
    pub fn thread(thread_id: impl Into<String>) -> Self {
        Target::Thread {
            thread_id: thread_id.into(),
        }
    }

    /// A contact, from an account link.
    pub fn contact(account_link_id: impl Into<String>, contact_id: impl Into<String>) -> Self {
        Target::Contact {
            account_link_id: account_link_id.into(),
            contact_id: contact_id.into(),
        }
    }
}
