//! Input rules, checked before any network I/O. Each failure names the field and the rule.
//!
//! The functions here work on plain strings so the Rust API and the JavaScript API share them.

use alloc::borrow::Cow;
use core::fmt;

use crate::input::types::{SendMessageRequest, SendRequest, Target};

/// The most characters (Unicode scalar values) X accepts in one DM.
pub const MAX_CONTENT_CHARS: usize = 10_000;

/// The rule a content longer than [`MAX_CONTENT_CHARS`] breaks.
pub(crate) const TOO_LONG_RULE: &str = "must be at most 10,000 characters (X's limit for one DM)";

/// A rejected input: which field broke which rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The input field as the caller spells it (`content`, `baseUrl`, ...).
    pub field: Cow<'static, str>,
    /// The rule it broke, as a phrase that follows the field name.
    pub rule: &'static str,
}

impl Invalid {
    /// A failure of `field` against `rule`.
    pub fn new(field: impl Into<Cow<'static, str>>, rule: &'static str) -> Self {
        Invalid {
            field: field.into(),
            rule,
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.field)?;
        f.write_str(" ")?;
        f.write_str(self.rule)
    }
}

impl core::error::Error for Invalid {}

/// Checks every field of a request.
pub fn request(request: &SendMessageRequest) -> Result<(), Invalid> {
    account_link_id(&request.account_link_id)?;
    content(&request.content)?;
    if let Some(id) = request.recipient.platform_id() {
        external_platform_id(id)?;
    }
    if let Some(id) = request.recipient.external_id() {
        external_id(id)?;
    }
    Ok(())
}

/// Checks every field of a v2 request; fields are named by their path (`target.platformId`).
pub fn send_request(request: &SendRequest) -> Result<(), Invalid> {
    match &request.target {
        Target::Thread { thread_id } => cuid("target.threadId", thread_id)?,
        Target::Contact {
            account_link_id,
            contact_id,
        } => {
            cuid("target.accountLinkId", account_link_id)?;
            cuid("target.contactId", contact_id)?;
        }
        Target::Profile {
            account_link_id,
            platform,
            platform_id,
        } => {
            cuid("target.accountLinkId", account_link_id)?;
            recipient_id("target.platform", platform)?;
            recipient_id("target.platformId", platform_id)?;
            if platform == "twitter" {
                x_user_id("target.platformId", platform_id)?;
            }
        }
    }
    content(&request.content)?;
    if let Some(id) = &request.reply_to_message_id {
        cuid("replyToMessageId", id)?;
    }
    Ok(())
}

/// `Idempotency-Key`: 1 to 255 printable ASCII characters (`^[\x20-\x7E]+$`).
pub fn idempotency_key(value: &str) -> Result<(), Invalid> {
    let field = "idempotencyKey";
    if value.is_empty() || value.len() > 255 {
        return Err(Invalid::new(field, "must be 1 to 255 characters long"));
    }
    if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(Invalid::new(
            field,
            "must be printable ASCII (space to ~), as an HTTP header carries it",
        ));
    }
    Ok(())
}

/// `accountLinkId`: non-empty, lowercase ASCII letters and digits (`^[0-9a-z]+$`).
pub fn account_link_id(value: &str) -> Result<(), Invalid> {
    cuid("accountLinkId", value)
}

/// An Inbox id (cuid2): non-empty, lowercase ASCII letters and digits (`^[0-9a-z]+$`).
fn cuid(field: &'static str, value: &str) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return Err(Invalid::new(
            field,
            "must match ^[0-9a-z]+$ (lowercase letters and digits only)",
        ));
    }
    Ok(())
}

/// `content`: not empty, not only whitespace, at most [`MAX_CONTENT_CHARS`] characters.
pub fn content(value: &str) -> Result<(), Invalid> {
    let field = "content";
    if value.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if value.chars().all(is_blank) {
        return Err(Invalid::new(
            field,
            "must not be only whitespace (or invisible characters)",
        ));
    }
    // Count scalar values by their leading bytes: no panicking slicing, no Unicode tables.
    let chars = value.bytes().filter(|b| (b & 0xC0) != 0x80).count();
    if chars > MAX_CONTENT_CHARS {
        return Err(Invalid::new(field, TOO_LONG_RULE));
    }
    Ok(())
}

/// `externalPlatformId`: the numeric X user id.
pub fn external_platform_id(value: &str) -> Result<(), Invalid> {
    recipient_id("externalPlatformId", value)?;
    x_user_id("externalPlatformId", value)
}

/// An X user id: digits, with a message that says so for an `@handle` or a profile URL.
fn x_user_id(field: &'static str, value: &str) -> Result<(), Invalid> {
    if value.starts_with('@') {
        return Err(Invalid::new(
            field,
            "must be the numeric X user id, not an @handle",
        ));
    }
    if value.bytes().any(|b| b == b'/' || b == b':') {
        return Err(Invalid::new(
            field,
            "must be the numeric X user id, not a profile URL",
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::new(
            field,
            "must be the numeric X user id (digits only)",
        ));
    }
    Ok(())
}

/// `externalId`: the prospect's Inbox external id.
pub fn external_id(value: &str) -> Result<(), Invalid> {
    recipient_id("externalId", value)
}

/// Shared rule for both recipient ids: non-empty, no whitespace or control characters.
fn recipient_id(field: &'static str, value: &str) -> Result<(), Invalid> {
    if value.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if has_space_or_control(value) {
        return Err(Invalid::new(
            field,
            "must not contain whitespace or control characters",
        ));
    }
    Ok(())
}

/// The API token: non-empty, printable ASCII (no whitespace or control characters).
pub fn token(value: &str) -> Result<(), Invalid> {
    let field = "token";
    if value.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if value.starts_with("Bearer ") || value.starts_with("bearer ") {
        return Err(Invalid::new(
            field,
            "must be the token alone, without the \"Bearer \" prefix",
        ));
    }
    if has_space_or_control(value) {
        return Err(Invalid::new(
            field,
            "must not contain whitespace or control characters",
        ));
    }
    // A header carries other characters differently in each runtime (or not at all).
    if !value.is_ascii() {
        return Err(Invalid::new(
            field,
            "must be ASCII (an HTTP header cannot carry other characters reliably)",
        ));
    }
    Ok(())
}

/// Whitespace, control characters, and the invisible fillers and zero-width characters that
/// render as nothing (a DM made only of them reads as empty).
fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{200B}'
                ..='\u{200D}'
                    | '\u{2060}'
                    | '\u{FEFF}'
                    | '\u{180E}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{3164}'
                    | '\u{FFA0}'
        )
}

/// True when `value` holds any whitespace or control character.
pub(crate) fn has_space_or_control(value: &str) -> bool {
    // ASCII text (ids, tokens, URLs) is checked byte by byte: space and below, and DEL.
    if value.is_ascii() {
        return value.bytes().any(|b| b <= b' ' || b == 0x7f);
    }
    value.chars().any(|c| c.is_whitespace() || c.is_control())
}
