//! The request body of `POST /api/v1/threads/messages`.

use alloc::{borrow::ToOwned, string::String};
use serde::{Deserialize, Serialize};
#[cfg(feature = "types")]
use tsify::Tsify;

/// Who receives the DM. At least one id is always present: the type has no empty case.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recipient {
    /// The prospect's platform id (for X: the numeric user id).
    PlatformId(String),
    /// The prospect's Inbox external id.
    ExternalId(String),
    /// Both ids; the API uses them together to find the prospect.
    Both {
        /// The prospect's platform id.
        platform_id: String,
        /// The prospect's Inbox external id.
        external_id: String,
    },
}

impl Recipient {
    /// The platform id, when given.
    pub fn platform_id(&self) -> Option<&str> {
        match self {
            Recipient::PlatformId(id)
            | Recipient::Both {
                platform_id: id, ..
            } => Some(id),
            Recipient::ExternalId(_) => None,
        }
    }

    /// The external id, when given.
    pub fn external_id(&self) -> Option<&str> {
        match self {
            Recipient::ExternalId(id)
            | Recipient::Both {
                external_id: id, ..
            } => Some(id),
            Recipient::PlatformId(_) => None,
        }
    }

    /// Builds a recipient from the two optional ids; `None` when both are absent.
    pub fn from_ids(platform_id: Option<String>, external_id: Option<String>) -> Option<Self> {
        match (platform_id, external_id) {
            (Some(platform_id), Some(external_id)) => Some(Recipient::Both {
                platform_id,
                external_id,
            }),
            (Some(id), None) => Some(Recipient::PlatformId(id)),
            (None, Some(id)) => Some(Recipient::ExternalId(id)),
            (None, None) => None,
        }
    }
}

/// A DM to send: from an account link, to a recipient, with exact content.
///
/// Serialises to the API's camelCase body; `externalPlatformId` / `externalId` appear only
/// when set. Deserialising a body with neither fails.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "types", derive(Tsify))]
#[serde(into = "WireRequest", try_from = "WireRequest")]
#[cfg_attr(
    feature = "types",
    tsify(type = r#"{
    /** The account link (connected X account) to send from; lowercase letters and digits. */
    accountLinkId: string;
    /** The message text, sent byte-exact: 1 to 10,000 characters, not only whitespace. */
    content: string;
} & (
    | {
        /** The prospect's X user id (numeric, e.g. "1566123362161725440"). */
        externalPlatformId: string;
        /** The prospect's Inbox external id. */
        externalId?: string;
      }
    | {
        /** The prospect's X user id (numeric). */
        externalPlatformId?: string;
        /** The prospect's Inbox external id. */
        externalId: string;
      }
)"#)
)]
#[non_exhaustive]
pub struct SendMessageRequest {
    /// The account link (connected X account) to send from.
    pub account_link_id: String,
    /// The message text, sent exactly as given.
    pub content: String,
    /// Who receives it.
    pub recipient: Recipient,
}

impl SendMessageRequest {
    /// A DM to an X user, by numeric platform id.
    pub fn to_platform_id(
        account_link_id: impl Into<String>,
        platform_id: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        Self::new(
            account_link_id,
            Recipient::PlatformId(platform_id.into()),
            content,
        )
    }

    /// A DM to a prospect, by Inbox external id.
    pub fn to_external_id(
        account_link_id: impl Into<String>,
        external_id: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        Self::new(
            account_link_id,
            Recipient::ExternalId(external_id.into()),
            content,
        )
    }

    /// A DM to any [`Recipient`].
    pub fn new(
        account_link_id: impl Into<String>,
        recipient: Recipient,
        content: impl Into<String>,
    ) -> Self {
        SendMessageRequest {
            account_link_id: account_link_id.into(),
            content: content.into(),
            recipient,
        }
    }
}

/// The body exactly as the API spells it; the bridge for serde.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WireRequest {
    account_link_id: String,
    content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    external_platform_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
}

impl From<SendMessageRequest> for WireRequest {
    fn from(request: SendMessageRequest) -> Self {
        WireRequest {
            external_platform_id: request.recipient.platform_id().map(str::to_owned),
            external_id: request.recipient.external_id().map(str::to_owned),
            account_link_id: request.account_link_id,
            content: request.content,
        }
    }
}

impl TryFrom<WireRequest> for SendMessageRequest {
    type Error = &'static str;

    fn try_from(wire: WireRequest) -> Result<Self, Self::Error> {
        let recipient = Recipient::from_ids(wire.external_platform_id, wire.external_id)
            .ok_or("externalPlatformId or externalId is required")?;
        Ok(SendMessageRequest::new(
            wire.account_link_id,
            recipient,
            wire.content,
        ))
    }
}
