//! String enumerations the API will grow. Each keeps values it does not know yet in `Other`,
//! so a new value decodes and reaches the caller unchanged.

use alloc::string::String;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasm_bindgen::prelude::wasm_bindgen;

/// Declares an open string enum: known variants plus `Other(String)` for the rest.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the crate does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Other(value),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($name::from)
            }
        }
    };
}

open_enum!(
    /// The social platform (`"twitter"` today).
    Platform { /// X (Twitter).
    Twitter = "twitter", }
);
open_enum!(
    /// Where a message came from.
    MessageOrigin {
        /// Sent by a user in Inbox.
        Internal = "internal",
        /// Synced from X.
        External = "external",
        /// Sent through the API.
        Api = "api",
    }
);
open_enum!(
    /// Whether a thread shows in the main inbox.
    ThreadStatus {
        /// Shown in the main inbox.
        Active = "active",
        /// Hidden from the main inbox.
        Idle = "idle",
    }
);
open_enum!(
    /// The conversation's encryption state on X.
    ThreadVariant {
        /// Not yet encrypted (the default for new conversations).
        Unencrypted = "unencrypted",
        /// Encrypted X Chat.
        XChat = "xChat",
    }
);
open_enum!(
    /// The prospect's verification badge.
    Verified {
        /// No badge.
        None = "none",
        /// Blue checkmark.
        Verified = "verified",
        /// Gold badge.
        Business = "business",
        /// Gray badge.
        Government = "government",
    }
);
open_enum!(
    /// The kind of account.
    ProfileType {
        /// An individual.
        Personal = "personal",
        /// An organisation.
        Business = "business",
        /// An official agency.
        Government = "government",
    }
);
open_enum!(
    /// Where the prospect data came from.
    ProspectSource {
        /// Stored data.
        Cached = "cached",
        /// The search index.
        Indexed = "indexed",
        /// Fetched from the platform now.
        Live = "live",
        /// Combined sources.
        Merged = "merged",
    }
);

// The TypeScript side of the enums above: the known values, plus any other string.
#[wasm_bindgen(typescript_custom_section)]
const OPEN_ENUMS_TS: &'static str = r#"
/** The social platform. Unknown future values arrive unchanged. */
export type Platform = "twitter" | (string & {});
/** Where a message came from. Unknown future values arrive unchanged. */
export type MessageOrigin = "internal" | "external" | "api" | (string & {});
/** Whether a thread shows in the main inbox. Unknown future values arrive unchanged. */
export type ThreadStatus = "active" | "idle" | (string & {});
/** The conversation's encryption state on X. Unknown future values arrive unchanged. */
export type ThreadVariant = "unencrypted" | "xChat" | (string & {});
/** The prospect's verification badge. Unknown future values arrive unchanged. */
export type Verified = "none" | "verified" | "business" | "government" | (string & {});
/** The kind of account. Unknown future values arrive unchanged. */
export type ProfileType = "personal" | "business" | "government" | (string & {});
/** Where the prospect data came from. Unknown future values arrive unchanged. */
export type ProspectSource = "cached" | "indexed" | "live" | "merged" | (string & {});
"#;
