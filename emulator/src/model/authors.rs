//! The `authorId` a v1 answer gives the messages an account sent. The vendor documents it as
//! "a cuid2 or a legacy external ID", so a client must not assume it is the account link's id:
//! the emulator can answer each form a client may meet.

use serde::{Deserialize, Serialize};

use crate::model::seed::AccountLink;

/// Which form `authorId` takes on the account's own messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorIds {
    /// The account link's id (`acct1sales`).
    Link,
    /// The account's X user id (its `platformId`).
    XUser,
    /// A cuid2 the caller has never seen, stable per account link.
    Cuid2,
    /// No `authorId` field at all.
    Missing,
}

impl AuthorIds {
    /// Parses `link`, `x-user`, `cuid2` or `missing`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "link" => Ok(AuthorIds::Link),
            "x-user" => Ok(AuthorIds::XUser),
            "cuid2" => Ok(AuthorIds::Cuid2),
            "missing" => Ok(AuthorIds::Missing),
            other => Err(format!(
                "expected link, x-user, cuid2 or missing, got {other:?}"
            )),
        }
    }

    /// The `authorId` of a message this account link sent; `None` = the field is absent.
    pub fn of(self, link: &AccountLink) -> Option<String> {
        match self {
            AuthorIds::Link => Some(link.id.to_string()),
            AuthorIds::XUser => Some(link.platform_id.to_string()),
            AuthorIds::Cuid2 => Some(cuid2_of(link.id)),
            AuthorIds::Missing => None,
        }
    }
}

/// A cuid2-shaped id (24 characters, a lowercase letter then base36) derived from the link id
/// by two salted FNV-1a hashes: stable, and nothing a caller could know or derive by eye.
pub fn cuid2_of(link_id: &str) -> String {
    let hash = |salt: &str| {
        salt.bytes()
            .chain(link_id.bytes())
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            })
    };
    let mut n = (u128::from(hash("author:")) << 64) | u128::from(hash("inbox-emulator:"));
    let first = char::from(b'a' + (n % 26) as u8);
    n /= 26;
    let mut out = String::from(first);
    for _ in 0..23 {
        out.push(std::char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuid2s_are_stable_distinct_and_shaped() {
        let a = cuid2_of("acct1sales");
        assert_eq!(a, cuid2_of("acct1sales"));
        assert_ne!(a, cuid2_of("acct2founder"));
        assert_eq!(a.len(), 24);
        assert!(a.starts_with(|c: char| c.is_ascii_lowercase()));
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()));
        assert!(AuthorIds::parse("x-user").is_ok() && AuthorIds::parse("X").is_err());
    }
}
