//! Scripted outages: account links Inbox reports offline or paused (their sends refused), and
//! a token Inbox refuses (every API request answered 401), each until cleared or for a time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::model::clock::iso8601;

/// An account link's state in Inbox, as the vendor names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LinkStatus {
    /// Sends and syncs.
    Active,
    /// Lost its connection to X; someone must reconnect it in Inbox.
    Offline,
    /// Stopped for a while; resumes by itself.
    Paused,
}

/// What a refused send says about an account link that is not active.
pub fn disconnected_message(id: &str, status: LinkStatus) -> String {
    match status {
        LinkStatus::Paused => format!("Account link {id} is paused in Inbox; it resumes by itself"),
        _ => format!("Account link {id} is offline: reconnect it in Inbox"),
    }
}

/// An outage that lasts until `until` (Unix ms), or until cleared when `None`.
#[derive(Debug, Clone, Copy)]
struct Span<T> {
    what: T,
    until: Option<u64>,
}

impl<T: Copy> Span<T> {
    fn at(&self, now: u64) -> Option<T> {
        self.until.is_none_or(|u| now < u).then_some(self.what)
    }
}

/// Every scripted outage (cleared by reset).
#[derive(Debug, Default)]
pub struct Outages {
    links: BTreeMap<String, Span<LinkStatus>>,
    token: Option<Span<()>>,
}

impl Outages {
    /// Sets an account link's status; `Active` ends its outage.
    pub fn set_link(&mut self, id: &str, status: LinkStatus, until: Option<u64>) {
        if status == LinkStatus::Active {
            self.links.remove(id);
        } else {
            self.links.insert(
                id.to_string(),
                Span {
                    what: status,
                    until,
                },
            );
        }
    }

    /// The account link's status at `now`.
    pub fn link(&self, id: &str, now: u64) -> LinkStatus {
        self.links
            .get(id)
            .and_then(|s| s.at(now))
            .unwrap_or(LinkStatus::Active)
    }

    /// Refuses the token (until `until`, or until restored), or restores it.
    pub fn refuse_token(&mut self, refused: bool, until: Option<u64>) {
        self.token = refused.then_some(Span { what: (), until });
    }

    /// Whether the token is refused at `now`.
    pub fn token_refused(&self, now: u64) -> bool {
        self.token.is_some_and(|s| s.at(now).is_some())
    }

    /// Ends every outage.
    pub fn clear(&mut self) {
        self.links.clear();
        self.token = None;
    }

    /// The outages in force at `now` (for `GET /__emulator/outages`).
    pub fn to_json(&self, now: u64) -> Value {
        let until = |u: Option<u64>| u.map(iso8601);
        let links: serde_json::Map<String, Value> = self
            .links
            .iter()
            .filter_map(|(id, s)| {
                s.at(now)
                    .map(|st| (id.clone(), json!({"status": st, "until": until(s.until)})))
            })
            .collect();
        let token = self.token.filter(|s| s.at(now).is_some());
        json!({
            "accountLinks": links,
            "token": {"refused": token.is_some(), "until": token.and_then(|s| until(s.until))},
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_last_their_time_or_until_cleared() {
        let mut o = Outages::default();
        o.set_link("acct1sales", LinkStatus::Offline, Some(1000));
        o.set_link("acct2founder", LinkStatus::Paused, None);
        assert_eq!(o.link("acct1sales", 999), LinkStatus::Offline);
        assert_eq!(o.link("acct1sales", 1000), LinkStatus::Active);
        assert_eq!(o.link("acct2founder", u64::MAX), LinkStatus::Paused);
        o.set_link("acct2founder", LinkStatus::Active, None);
        assert_eq!(o.link("acct2founder", 0), LinkStatus::Active);
        o.refuse_token(true, Some(50));
        assert!(o.token_refused(49) && !o.token_refused(50));
        o.refuse_token(true, None);
        o.clear();
        assert!(!o.token_refused(0));
    }
}
