//! The emulator's mutable state: seeds, threads, messages, the request record, the rate-limit
//! window and the fault queue, plus the JSON views of them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::clock::iso8601;
use crate::faults::FaultQueue;
use crate::seed::{self, AccountLink, Prospect, TEAM_ID, USER_ID};

/// Default length of a rate-limit window.
pub const DEFAULT_WINDOW_MS: u64 = 60_000;

/// A conversation between an account link and a prospect.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub account_link_id: String,
    pub prospect_platform_id: String,
    pub platform_id: String,
    pub created_at: u64,
    pub last_message_id: Option<String>,
}

/// A stored message.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub thread_id: String,
    pub platform_id: String,
    pub author_id: String,
    pub content: String,
    pub created_at: u64,
}

/// One entry of `GET /__emulator/requests`.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub seq: u64,
    pub request_id: String,
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub processed: bool,
    pub fault: Option<Value>,
    pub status: Option<u16>,
    /// The client closed the connection of a `hang` fault (e.g. an aborted fetch).
    pub client_closed: bool,
}

/// Rate-limit numbers for the `X-RateLimit-*` headers.
#[derive(Debug, Clone, Copy)]
pub struct RateInfo {
    pub limited: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the window ends.
    pub reset_secs: u64,
    /// Milliseconds until the window ends.
    pub retry_after_ms: u64,
}

/// Start-up settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub token: String,
    pub origin: String,
    pub rate_limit_per_minute: u32,
    /// Length of a rate-limit window (runtime setting for fast tests; default one minute).
    pub rate_limit_window_ms: u64,
    pub serve_dir: Option<PathBuf>,
    pub log: bool,
}

/// Everything the handlers read and change.
#[derive(Debug)]
pub struct State {
    pub settings: Settings,
    pub account_links: Vec<AccountLink>,
    pub prospects: Vec<Prospect>,
    pub threads: Vec<Thread>,
    pub messages: Vec<Message>,
    pub requests: Vec<RequestRecord>,
    pub faults: FaultQueue,
    window: Option<(u64, u32)>,
    next_id: u64,
    next_seq: u64,
    next_request_id: u64,
}

impl State {
    /// Fresh state holding the seeds.
    pub fn new(settings: Settings) -> Self {
        State {
            settings,
            account_links: seed::account_links(),
            prospects: seed::prospects(),
            threads: Vec::new(),
            messages: Vec::new(),
            requests: Vec::new(),
            faults: FaultQueue::default(),
            window: None,
            next_id: 0,
            next_seq: 0,
            next_request_id: 0,
        }
    }

    /// Clears runtime data (messages, threads, synthesised prospects, the request record,
    /// faults, the rate-limit window); seeds and ids already handed out stay.
    pub fn reset(&mut self) {
        self.prospects.retain(|p| !p.synthesised);
        self.threads.clear();
        self.messages.clear();
        self.requests.clear();
        self.faults.clear();
        self.window = None;
        self.next_seq = 0;
    }

    /// A new lowercase alphanumeric id: `prefix` + base36 counter, zero-padded.
    pub fn new_id(&mut self, prefix: char) -> String {
        self.next_id += 1;
        let mut n = self.next_id;
        let mut digits = Vec::new();
        while n > 0 {
            digits.push(std::char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
            n /= 36;
        }
        while digits.len() < 10 {
            digits.push('0');
        }
        let mut id = String::from(prefix);
        id.extend(digits.iter().rev());
        id
    }

    /// The next `X-Request-Id` value.
    pub fn next_request_id(&mut self) -> String {
        self.next_request_id += 1;
        format!("req_{}", self.next_request_id)
    }

    /// Appends a request to the record; returns its `seq`.
    pub fn record(&mut self, record: RequestRecord) -> u64 {
        self.next_seq += 1;
        let seq = self.next_seq;
        self.requests.push(RequestRecord { seq, ..record });
        seq
    }

    /// Updates a record entry (ignored when a reset removed it meanwhile).
    pub fn update_record(&mut self, seq: u64, f: impl FnOnce(&mut RequestRecord)) {
        if let Some(r) = self.requests.iter_mut().rev().find(|r| r.seq == seq) {
            f(r);
        }
    }

    /// The current window's start and count (a fresh one when it has ended).
    fn current_window(&self, now: u64) -> (u64, u32) {
        match self.window {
            Some((start, count)) if now < start + self.settings.rate_limit_window_ms => {
                (start, count)
            }
            _ => (now, 0),
        }
    }

    fn rate_info(&self, start: u64, count: u32, now: u64, limited: bool) -> RateInfo {
        let limit = self.settings.rate_limit_per_minute;
        let end = start + self.settings.rate_limit_window_ms;
        RateInfo {
            limited,
            limit,
            remaining: limit.saturating_sub(count),
            reset_secs: end.div_ceil(1000),
            retry_after_ms: end.saturating_sub(now).max(1),
        }
    }

    /// Counts one authenticated API request against the window.
    pub fn rate_consume(&mut self, now: u64) -> RateInfo {
        let (start, count) = self.current_window(now);
        if count >= self.settings.rate_limit_per_minute {
            self.window = Some((start, count));
            return self.rate_info(start, count, now, true);
        }
        self.window = Some((start, count + 1));
        self.rate_info(start, count + 1, now, false)
    }

    /// The window's numbers without counting a request.
    pub fn rate_peek(&self, now: u64) -> RateInfo {
        let (start, count) = self.current_window(now);
        self.rate_info(start, count, now, false)
    }

    /// Account link by id.
    pub fn account_link(&self, id: &str) -> Option<&AccountLink> {
        self.account_links.iter().find(|a| a.id == id)
    }

    /// Prospect by X user id.
    pub fn prospect_by_platform_id(&self, id: &str) -> Option<&Prospect> {
        self.prospects.iter().find(|p| p.platform_id == id)
    }

    /// Prospect by Inbox external id.
    pub fn prospect_by_external_id(&self, id: &str) -> Option<&Prospect> {
        self.prospects.iter().find(|p| p.external_id == id)
    }

    /// Thread by id.
    pub fn thread(&self, id: &str) -> Option<&Thread> {
        self.threads.iter().find(|t| t.id == id)
    }

    /// The thread between an account link and a prospect, if any.
    pub fn find_thread(
        &self,
        account_link_id: &str,
        prospect_platform_id: &str,
    ) -> Option<&Thread> {
        self.threads.iter().find(|t| {
            t.account_link_id == account_link_id && t.prospect_platform_id == prospect_platform_id
        })
    }

    /// Stores a message, creating the thread (and a synthesised prospect) when needed.
    /// Returns the message and thread JSON.
    pub fn store_message(
        &mut self,
        account_link_id: &str,
        prospect: Prospect,
        content: &str,
        now: u64,
    ) -> (Value, Value) {
        if self
            .prospect_by_platform_id(&prospect.platform_id)
            .is_none()
        {
            self.prospects.push(prospect.clone());
        }
        let thread_idx = match self.threads.iter().position(|t| {
            t.account_link_id == account_link_id && t.prospect_platform_id == prospect.platform_id
        }) {
            Some(i) => i,
            None => {
                let sender = self
                    .account_link(account_link_id)
                    .map(|a| a.platform_id)
                    .unwrap_or("0");
                let platform_id = conversation_id(sender, &prospect.platform_id);
                let id = self.new_id('t');
                self.threads.push(Thread {
                    id,
                    account_link_id: account_link_id.to_string(),
                    prospect_platform_id: prospect.platform_id.clone(),
                    platform_id,
                    created_at: now,
                    last_message_id: None,
                });
                self.threads.len() - 1
            }
        };
        let id = self.new_id('m');
        let message = Message {
            platform_id: (1_900_000_000_000_000_000u64 + self.next_id).to_string(),
            id: id.clone(),
            thread_id: self.threads[thread_idx].id.clone(),
            author_id: account_link_id.to_string(),
            content: content.to_string(),
            created_at: now,
        };
        self.messages.push(message.clone());
        self.threads[thread_idx].last_message_id = Some(id);
        let thread = self.threads[thread_idx].clone();
        (message_json(&message), self.thread_json(&thread))
    }

    /// Full `Thread` JSON (with `lastMessage` and `prospect`).
    pub fn thread_json(&self, t: &Thread) -> Value {
        let last = t
            .last_message_id
            .as_ref()
            .and_then(|id| self.messages.iter().find(|m| &m.id == id));
        let last_ts = last.map(|m| iso8601(m.created_at));
        let prospect = self
            .prospect_by_platform_id(&t.prospect_platform_id)
            .map(|p| prospect_json(p, &self.settings.origin))
            .unwrap_or(Value::Null);
        json!({
            "id": t.id,
            "platform": "twitter",
            "platformId": t.platform_id,
            "done": false,
            "assigneeId": null,
            "lastMessageTimestamp": last_ts,
            "computedSortTimestamp": last_ts.clone().unwrap_or_else(|| iso8601(t.created_at)),
            "createdAt": iso8601(t.created_at),
            "status": "active",
            "variant": "unencrypted",
            "accountLinkId": t.account_link_id,
            "isSyncing": false,
            "isRequest": false,
            "typingIndicatorsEnabled": null,
            "lastMessage": last.map(|m| json!({
                "id": m.id,
                "content": m.content,
                "authorId": m.author_id,
                "createdAt": iso8601(m.created_at),
                "userId": USER_ID,
                "campaignId": null,
            })),
            "prospect": prospect,
        })
    }

    /// `AccountLink` JSON.
    pub fn account_link_json(&self, a: &AccountLink) -> Value {
        json!({
            "id": a.id,
            "platform": "twitter",
            "platformId": a.platform_id,
            "name": a.name,
            "displayName": a.name,
            "username": a.username,
            "image": avatar_url(&self.settings.origin, a.username),
            "createdAt": a.created_at,
            "status": "active",
            "syncedAt": a.created_at,
        })
    }

    /// Display name for an avatar file name (username), if known.
    pub fn display_name_for(&self, username: &str) -> Option<String> {
        self.prospects
            .iter()
            .find(|p| p.username.eq_ignore_ascii_case(username))
            .map(|p| p.display_name.clone())
            .or_else(|| {
                self.account_links
                    .iter()
                    .find(|a| a.username.eq_ignore_ascii_case(username))
                    .map(|a| a.name.to_string())
            })
    }
}

/// X's DM conversation id: the two user ids, smaller first, joined by `-`.
fn conversation_id(a: &str, b: &str) -> String {
    let key = |s: &str| (s.len(), s.to_string());
    if key(a) <= key(b) {
        format!("{a}-{b}")
    } else {
        format!("{b}-{a}")
    }
}

fn avatar_url(origin: &str, username: &str) -> String {
    format!("{origin}/avatars/{username}.svg")
}

/// Full `Message` JSON.
pub fn message_json(m: &Message) -> Value {
    let ts = iso8601(m.created_at);
    json!({
        "platform": "twitter",
        "teamId": TEAM_ID,
        "threadId": m.thread_id,
        "id": m.id,
        "userId": USER_ID,
        "createdAt": ts,
        "updatedAt": ts,
        "platformId": m.platform_id,
        "content": m.content,
        "campaignId": null,
        "authorId": m.author_id,
        "origin": "api",
        "replyData": null,
        "forwardData": null,
        "entities": {"urls": [], "mentions": [], "hashtags": []},
        "attachment": null,
        "reactions": [],
        "isEncrypted": false,
        "isEdited": false,
        "deletedAt": null,
        "platformDeletedAt": null,
    })
}

/// Full `Prospect` JSON with `platformData` and `context`.
pub fn prospect_json(p: &Prospect, origin: &str) -> Value {
    let image = avatar_url(origin, &p.username);
    let domain = p.website_url.as_deref().map(|u| {
        let rest = u.split_once("://").map(|(_, r)| r).unwrap_or(u);
        rest.split('/').next().unwrap_or(rest).to_string()
    });
    let url_entities: Vec<Value> = p
        .website_url
        .iter()
        .map(|u| {
            json!({"url": "https://t.co/emu1link", "expandedUrl": u, "displayUrl": domain, "indices": [0, 23]})
        })
        .collect();
    json!({
        "platform": "twitter",
        "platformId": p.platform_id,
        "externalId": p.external_id,
        "documentId": if p.document_id == 0 { Value::Null } else { json!(p.document_id) },
        "displayName": p.display_name,
        "username": p.username,
        "handle": format!("@{}", p.username),
        "image": image,
        "imageNormalized": image,
        "bio": p.bio,
        "location": p.location,
        "profileUrl": format!("https://x.com/{}", p.username),
        "websiteUrl": p.website_url,
        "websiteDomain": domain,
        "verified": p.verified,
        "profileType": p.profile_type,
        "isProtected": false,
        "followerCount": p.follower_count,
        "followingCount": p.following_count,
        "postCount": p.post_count,
        "engagementCount": p.favorites_count,
        "listedCount": p.listed_count,
        "platformCreatedAt": p.platform_created_at,
        "firstSeenAt": p.first_seen_at,
        "lastUpdatedAt": "2025-11-10T18:03:16.000Z",
        "lastEnrichedAt": if p.synthesised { Value::Null } else { json!("2025-11-10T18:03:16.000Z") },
        "lastActiveAt": if p.synthesised { Value::Null } else { json!("2025-11-10T12:00:00.000Z") },
        "source": if p.synthesised { "live" } else { "cached" },
        "isFresh": true,
        "isStale": false,
        "confidence": if p.synthesised { 0.5 } else { 0.85 },
        "platformData": {
            "isVerifiedBlue": p.verified == "verified",
            "isVerifiedGold": p.verified == "business",
            "isVerifiedGray": p.verified == "government",
            "professionalCategory": null,
            "urlEntities": url_entities,
            "bannerUrl": null,
            "tweetsCount": p.post_count,
            "favoritesCount": p.favorites_count,
            "rawData": null,
        },
        "context": {
            "tags": p.tags,
            "statusId": null,
            "valuation": p.valuation,
            "notes": p.notes,
        },
    })
}
