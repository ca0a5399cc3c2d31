//! The emulator's mutable state: seeds, threads, messages, the request record, the rate
//! windows, the fault queue, idempotency keys and stats, shared by every connection.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::model::authors::AuthorIds;
use crate::model::budget::Budget;
use crate::model::events::EventLog;
use crate::model::faults::FaultQueue;
use crate::model::keys::KeyEntry;
use crate::model::limits::{Limit, Rules, Shape, Verdict, Windows};
use crate::model::outages::Outages;
use crate::model::record::RequestRecord;
use crate::model::replies::{Replies, Reply};
use crate::model::seed::{self, AccountLink, Prospect};
use crate::model::stats::Stats;
use crate::model::webhooks::{Delivery, Target, Webhooks};

/// State shared by all connections.
pub type Shared = Arc<Mutex<State>>;

/// Locks the shared state (a panic in another request does not poison it for the rest).
pub fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

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

/// Who wrote a message, seen from the account link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// The prospect wrote it.
    Inbound,
    /// The account link sent it.
    Outbound,
}

/// A stored message.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub thread_id: String,
    pub platform_id: String,
    /// The account link of its thread (the sender of an outbound message).
    pub account_link_id: String,
    pub direction: Direction,
    pub content: String,
    pub created_at: u64,
    /// `v1` or `v2`: which endpoint stored it; `control` for history and replies.
    pub api: &'static str,
    /// The v2 `Idempotency-Key` it was sent with.
    pub idempotency_key: Option<String>,
    /// v2 `replyToMessageId`.
    pub reply_to: Option<String>,
}

/// How a message came in (for the control view).
#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub api: &'static str,
    pub idempotency_key: Option<String>,
    pub reply_to: Option<String>,
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
    /// Where every window (team and sender) starts.
    pub windows: Windows,
    /// The share of every team window another client on the token spends (0 ≤ share < 1).
    pub team_background: f64,
    /// How that client spends it: evenly, or in a burst at each window's start.
    pub team_background_shape: Shape,
    /// The form of `authorId` on the account's messages in v1 answers.
    pub author_ids: AuthorIds,
    /// How long a v2 `Idempotency-Key` is remembered, from its first use.
    pub idempotency_key_ttl_ms: u64,
    /// Where events are posted, if anywhere.
    pub webhook_target: Option<Target>,
    /// The secret webhooks are signed with.
    pub webhook_secret: Option<String>,
    /// The event types posted (all when empty).
    pub webhook_events: Vec<String>,
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
    /// Reads of a thread's messages still to answer `isSyncing: true`, by thread id.
    pub syncing: HashMap<String, u32>,
    pub events: EventLog,
    pub outages: Outages,
    pub replies: Replies,
    pub webhooks: Webhooks,
    /// Woken when a reply is scheduled or a webhook waits to be posted.
    pub wake: Arc<Notify>,
    budget: Budget,
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
            syncing: HashMap::new(),
            events: EventLog::default(),
            outages: Outages::default(),
            replies: Replies::default(),
            webhooks: Webhooks::default(),
            wake: Arc::new(Notify::new()),
            budget: Budget::default(),
            next_id: 0,
            next_seq: 0,
            next_request_id: 0,
        }
    }

    /// Clears runtime data (messages, threads, synthesised prospects, the request record,
    /// faults, stats, idempotency keys, every rate-limit window, events, outages, scheduled
    /// replies, webhook attempts); seeds, settings, ids and event `seq`s already handed out
    /// stay.
    pub fn reset(&mut self) {
        self.prospects.retain(|p| !p.synthesised);
        self.threads.clear();
        self.messages.clear();
        self.requests.clear();
        self.faults.clear();
        self.stats = Stats::default();
        self.keys.clear();
        self.syncing.clear();
        self.budget.clear();
        self.events.clear();
        self.outages.clear();
        self.replies.clear();
        self.webhooks.clear();
        self.next_seq = 0;
    }

    /// Whether this read of thread `id`'s messages reports `isSyncing: true` (it counts one of
    /// the reads the control API scripted).
    pub fn syncing_read(&mut self, id: &str) -> bool {
        let Some(left) = self.syncing.get_mut(id) else {
            return false;
        };
        *left -= 1;
        if *left == 0 {
            self.syncing.remove(id);
        }
        true
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
        self.budget.team(&team_rules(&self.settings), now, true)
    }

    /// The tightest team window without counting a request.
    pub fn rate_peek(&mut self, now: u64) -> Verdict {
        self.budget.team(&team_rules(&self.settings), now, false)
    }

    /// Whether an account link may send one more DM (`Some` = refused, with the window).
    pub fn sender_refusal(&mut self, account_link_id: &str, now: u64) -> Option<Verdict> {
        self.budget
            .sender_refusal(&sender_rules(&self.settings), account_link_id, now)
    }

    /// Every sender's windows (for `GET /__emulator/stats`).
    pub fn sender_usage(&self, now: u64) -> serde_json::Value {
        self.budget.sender_usage(&sender_rules(&self.settings), now)
    }

    /// The background counted in the team windows (for `GET /__emulator/stats`).
    pub fn background_usage(&self) -> serde_json::Value {
        self.budget.background_usage(&team_rules(&self.settings))
    }

    /// Forgets every open window (the window mode changed).
    pub fn clear_windows(&mut self) {
        self.budget.clear();
    }

    /// The `authorId` v1 answers give a message (`None`: the field is absent): the prospect's
    /// external id on an inbound one.
    pub fn author_id(&self, m: &Message) -> Option<String> {
        if m.direction == Direction::Inbound {
            return self
                .thread(&m.thread_id)
                .and_then(|t| self.prospect_by_platform_id(&t.prospect_platform_id))
                .map(|p| p.external_id.clone());
        }
        match self.account_link(&m.account_link_id) {
            Some(link) => self.settings.author_ids.of(link),
            None => Some(m.account_link_id.clone()),
        }
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

    /// Stores a message sent through the API, creating the thread (and a synthesised prospect)
    /// when needed, counts it against the sender's windows and records its events. Returns the
    /// message and its thread.
    pub fn store_message(
        &mut self,
        account_link_id: &str,
        prospect: Prospect,
        content: &str,
        now: u64,
        sent: Sent,
    ) -> (Message, Thread) {
        let api = sent.api;
        let idx = self.thread_index(account_link_id, prospect, now);
        let message = self.push_message(idx, Direction::Outbound, content, now, sent);
        self.emit(
            "message.sent",
            now,
            ("message", &message.id),
            &message.thread_id,
        );
        self.budget
            .sender_count(&sender_rules(&self.settings), account_link_id, now);
        match api {
            "v2" => self.stats.sent_v2 += 1,
            _ => self.stats.sent_v1 += 1,
        }
        (message, self.threads[idx].clone())
    }

    /// Adds a message the control API scripted (an earlier conversation, a reply): no
    /// message event, no limits counted; a new thread is still `thread.created`.
    pub fn add_scripted(
        &mut self,
        account_link_id: &str,
        prospect: Prospect,
        direction: Direction,
        content: &str,
        at: u64,
    ) -> (Message, Thread) {
        let idx = self.thread_index(account_link_id, prospect, at);
        let sent = Sent {
            api: "control",
            ..Sent::default()
        };
        let message = self.push_message(idx, direction, content, at, sent);
        (message, self.threads[idx].clone())
    }

    /// Lands every scheduled reply due at `now`: an inbound message at its moment, and its
    /// `message.received` event.
    pub fn settle(&mut self, now: u64) {
        for reply in self.replies.take_due(now) {
            let Reply {
                at,
                account_link_id,
                prospect,
                content,
                ..
            } = reply;
            let (m, _) =
                self.add_scripted(&account_link_id, prospect, Direction::Inbound, &content, at);
            self.emit("message.received", at, ("message", &m.id), &m.thread_id);
        }
    }

    /// Schedules a reply and wakes the task that lands it on time.
    pub fn schedule_reply(&mut self, reply: Reply) {
        self.replies.push(reply);
        self.wake.notify_one();
    }

    /// Records an event and, with a webhook configured for its type, queues its post.
    fn emit(&mut self, kind: &'static str, at: u64, object: (&'static str, &str), thread: &str) {
        let event = self.events.append(kind, at, object, thread);
        let (Some(target), Some(secret)) =
            (&self.settings.webhook_target, &self.settings.webhook_secret)
        else {
            return;
        };
        let types = &self.settings.webhook_events;
        if !types.is_empty() && !types.iter().any(|t| t == kind) {
            return;
        }
        let delivery = Delivery {
            seq: event.seq,
            kind,
            target: target.clone(),
            secret: secret.clone(),
            body: event.to_json().to_string(),
        };
        self.webhooks.enqueue(delivery);
        self.wake.notify_one();
    }

    /// The index of the thread between an account link and a prospect, made (with its
    /// `thread.created` event, and the prospect when new) if there is none.
    fn thread_index(&mut self, account_link_id: &str, prospect: Prospect, now: u64) -> usize {
        if self
            .prospect_by_platform_id(&prospect.platform_id)
            .is_none()
        {
            self.prospects.push(prospect.clone());
        }
        if let Some(i) = self.threads.iter().position(|t| {
            t.account_link_id == account_link_id && t.prospect_platform_id == prospect.platform_id
        }) {
            return i;
        }
        let sender = self
            .account_link(account_link_id)
            .map(|a| a.platform_id)
            .unwrap_or("0");
        let platform_id = conversation_id(sender, &prospect.platform_id);
        let id = self.new_id('t');
        self.threads.push(Thread {
            id: id.clone(),
            account_link_id: account_link_id.to_string(),
            prospect_platform_id: prospect.platform_id.clone(),
            platform_id,
            created_at: now,
            last_message_id: None,
        });
        self.emit("thread.created", now, ("thread", &id), &id);
        self.threads.len() - 1
    }

    /// Appends a message to a thread; it becomes the thread's last.
    fn push_message(
        &mut self,
        idx: usize,
        direction: Direction,
        content: &str,
        at: u64,
        sent: Sent,
    ) -> Message {
        let id = self.new_id('m');
        let message = Message {
            platform_id: (1_900_000_000_000_000_000u64 + self.next_id).to_string(),
            id: id.clone(),
            thread_id: self.threads[idx].id.clone(),
            account_link_id: self.threads[idx].account_link_id.clone(),
            direction,
            content: content.to_string(),
            created_at: at,
            api: sent.api,
            idempotency_key: sent.idempotency_key,
            reply_to: sent.reply_to,
        };
        self.messages.push(message.clone());
        self.threads[idx].last_message_id = Some(id);
        message
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

/// How the team windows count: the configured mode and background.
fn team_rules(settings: &Settings) -> Rules<'_> {
    Rules {
        limits: &settings.team_limits,
        windows: settings.windows,
        background: settings.team_background,
        shape: settings.team_background_shape,
    }
}

/// How the sender windows count: the configured mode, no background (X counts per sender).
fn sender_rules(settings: &Settings) -> Rules<'_> {
    Rules {
        limits: &settings.sender_limits,
        windows: settings.windows,
        background: 0.0,
        shape: Shape::Even,
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
