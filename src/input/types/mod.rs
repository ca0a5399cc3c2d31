//! Request and response types: defined once here, serde camelCase, exported to TypeScript
//! through tsify.

mod lenient;
mod meta;
mod open_enum;
mod request;
mod response;
mod send;
mod sent;
mod webhook;

pub use meta::{ConfirmedBy, Meta, RateLimit};
pub use open_enum::{
    MessageOrigin, Platform, ProfileType, ProspectSource, ThreadStatus, ThreadVariant, Verified,
};
pub use request::{Recipient, SendMessageRequest};
pub use response::{
    LastMessage, Message, PlatformData, Prospect, ProspectContext, SendMessageResponse, Thread,
    UrlEntity,
};
pub use send::{SendRequest, Target};
pub(crate) use sent::SentBody;
pub use sent::{MessageV2, SendResult, ThreadV2};
pub use webhook::{WebhookEvent, WebhookObject};
