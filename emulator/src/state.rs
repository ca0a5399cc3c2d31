//! The emulator's mutable state: seeds, threads, messages, the request record, the rate-limit
//! window and the fault queue, plus the JSON views of them.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::clock::iso8601;
use crate::faults::FaultQueue;
use crate::limits::{self, Limit, Verdict, Window};
use crate::seed::{self, AccountLink, Prospect, TEAM_ID, USER_ID};

/// How long idempotency keys are kept by default (24 hours).
pub const DEFAULT_KEY_TTL_MS: u64 = 86_400_000;

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
    /// `v1` or `v2`: which endpoint stored it.
    pub api: &'static str,
    /// The v2 `Idempotency-Key` it was sent with.
    pub idempotency_key: Option<String>,
    /// v2 `replyToMessageId`.
    pub reply_to: Option<String>,
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

/// Start-up settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub token: String,
    pub origin: String,
    /// Team windows (at least one); the first is the "per minute" one of the v1 config keys.
    pub team_limits: Vec<Limit>,
    /// Per-account-link (X) windows, counted on stored DMs only; may be empty.
    pub sender_limits: Vec<Limit>,
    /// How long a v2 `Idempotency-Key` is remembered, from its first use.
    pub idempotency_key_ttl_ms: u64,
    /// Account links made beside the seeded two (`acct01bulk`, ...), for many-sender tests.
    pub extra_account_links: usize,
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
    pub stats: Stats,
    /// v2 idempotency keys by (team, key).
    pub keys: HashMap<(String, String), KeyEntry>,
    team_windows: Vec<Window>,
    sender_windows: HashMap<String, Vec<Window>>,
    next_id: u64,
    next_seq: u64,
    next_request_id: u64,
}

impl State {
    /// Fresh state holding the seeds.
    pub fn new(settings: Settings) -> Self {
        let mut account_links = seed::account_links();
        account_links.extend(seed::bulk_account_links(settings.extra_account_links));
        State {
            settings,
            account_links,
            prospects: seed::prospects(),
            threads: Vec::new(),
            messages: Vec::new(),
            requests: Vec::new(),
            faults: FaultQueue::default(),
            stats: Stats::default(),
            keys: HashMap::new(),
            team_windows: Vec::new(),
            sender_windows: HashMap::new(),
            next_id: 0,
            next_seq: 0,
            next_request_id: 0,
        }
    }

    /// Clears runtime data (messages, threads, synthesised prospects, the request record,
    /// faults, stats, idempotency keys, every rate-limit window); seeds, settings and ids
    /// already handed out stay.
    pub fn reset(&mut self) {
        self.prospects.retain(|p| !p.synthesised);
        self.threads.clear();
        self.messages.clear();
        self.requests.clear();
        self.faults.clear();
        self.stats = Stats::default();
        self.keys.clear();
        self.team_windows.clear();
        self.sender_windows.clear();
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

    /// Counts one authenticated API request against the team windows.
    pub fn rate_consume(&mut self, now: u64) -> Verdict {
        limits::check(
            &self.settings.team_limits,
            &mut self.team_windows,
            now,
            true,
        )
        .unwrap_or_else(|| unlimited(now))
    }

    /// The tightest team window without counting a request.
    pub fn rate_peek(&mut self, now: u64) -> Verdict {
        limits::check(
            &self.settings.team_limits,
            &mut self.team_windows,
            now,
            false,
        )
        .unwrap_or_else(|| unlimited(now))
    }

    /// Whether an account link may send one more DM (`Some` = refused, with the window).
    pub fn sender_refusal(&mut self, account_link_id: &str, now: u64) -> Option<Verdict> {
        let windows = self
            .sender_windows
            .entry(account_link_id.to_string())
            .or_default();
        limits::check(&self.settings.sender_limits, windows, now, false).filter(|v| v.limited)
    }

    /// Counts one stored DM against the account link's windows.
    fn sender_count(&mut self, account_link_id: &str, now: u64) {
        let windows = self
            .sender_windows
            .entry(account_link_id.to_string())
            .or_default();
        limits::check(&self.settings.sender_limits, windows, now, true);
    }

    /// The account link's windows (for `GET /__emulator/stats`).
    pub fn sender_usage(&mut self, now: u64) -> Value {
        let ids: Vec<String> = self.sender_windows.keys().cloned().collect();
        let mut out = serde_json::Map::new();
        for id in ids {
            let windows = self.sender_windows.entry(id.clone()).or_default();
            let used: Vec<Value> = self
                .settings
                .sender_limits
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut one = vec![windows.get(i).copied().flatten()];
                    let v = limits::check(std::slice::from_ref(l), &mut one, now, false);
                    json!({"limit": l.limit, "windowMs": l.window_ms, "remaining": v.map(|v| v.remaining), "resetAt": v.map(|v| iso8601(v.reset_ms))})
                })
                .collect();
            out.insert(id, Value::Array(used));
        }
        Value::Object(out)
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

    /// Stores a message, creating the thread (and a synthesised prospect) when needed, and
    /// counts it against the sender's windows. Returns the message and its thread.
    pub fn store_message(
        &mut self,
        account_link_id: &str,
        prospect: Prospect,
        content: &str,
        now: u64,
        sent: Sent,
    ) -> (Message, Thread) {
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
            api: sent.api,
            idempotency_key: sent.idempotency_key,
            reply_to: sent.reply_to,
        };
        self.messages.push(message.clone());
        self.threads[thread_idx].last_message_id = Some(id);
        self.sender_count(account_link_id, now);
        match sent.api {
            "v2" => self.stats.sent_v2 += 1,
            _ => self.stats.sent_v1 += 1,
        }
        (message, self.threads[thread_idx].clone())
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

/// A team-wide window for when no team windows are configured (never limits).
fn unlimited(now: u64) -> Verdict {
    Verdict {
        limited: false,
        index: 0,
        limit: u32::MAX,
        remaining: u32::MAX,
        reset_ms: now,
        retry_after_ms: 1,
    }
}

/// How a message came in (for the control view).
#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub api: &'static str,
    pub idempotency_key: Option<String>,
    pub reply_to: Option<String>,
}

/// A v2 `Idempotency-Key` seen before.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// The request body it came with (compared as JSON).
    pub body: Value,
    /// The `SendResult` of the first request (answered again, with 200, on a replay).
    pub result: Value,
    pub message_id: String,
    /// Unix ms of the first request.
    pub created_at: u64,
    /// The first request has not been answered yet (a scripted delay is running).
    pub in_progress: bool,
}

/// Counters for `GET /__emulator/stats` (cleared by reset).
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub sent_v1: u64,
    pub sent_v2: u64,
    pub replays: u64,
    pub in_progress: u64,
    pub key_reused: u64,
    pub limited_team: u64,
    pub limited_sender: u64,
    pub limited_fault: u64,
    pub by_status: BTreeMap<u16, u64>,
}

impl Stats {
    /// The JSON view.
    pub fn to_json(&self) -> Value {
        let by_status: serde_json::Map<String, Value> = self
            .by_status
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({
            "sent": {"v1": self.sent_v1, "v2": self.sent_v2, "total": self.sent_v1 + self.sent_v2},
            "replays": self.replays,
            "sendInProgress": self.in_progress,
            "idempotencyKeyReused": self.key_reused,
            "rateLimited": {
                "team": self.limited_team,
                "sender": self.limited_sender,
                "fault": self.limited_fault,
                "total": self.by_status.get(&429).copied().unwrap_or(0),
            },
            "byStatus": by_status,
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
