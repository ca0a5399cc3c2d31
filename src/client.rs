//! The Rust surface: a [`Client`] validates and encodes a request, hands it to the fetch loop,
//! and reads the answer into Rust types. Four calls: v1 `send_message`, v2 `send` (exactly
//! once, by idempotency key), `find_sent` (did an uncertain v1 send land?) and `get` (any read
//! of the API).

use alloc::rc::Rc;
use alloc::{string::String, string::ToString};
use core::cell::Cell;

use js_sys::{JsString, Promise};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::decide::answer::Call;
use crate::decide::decode;
use crate::decide::error::Error;
use crate::decide::retry::Limits;
use crate::input::options::{self, ClientOptions};
use crate::input::types::{
    Message, Meta, RateLimit, SendMessageRequest, SendMessageResponse, SendRequest, SendResult,
    SentBody,
};
use crate::input::{body, query, validate};
use crate::io::delivery::{lost, Delivered, Delivery, Outcome, Rejection};
use crate::io::finder::Finder;
use crate::io::session::Session;
use crate::io::transport;

/// Sends DMs through one Inbox API token. Cheap to keep for the life of the app, and cheap to
/// clone (clones share the settings, the learnt budget and the requests in flight).
#[derive(Clone, Debug)]
pub struct Client {
    session: Rc<Session>,
}

/// Options for one call.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SendOptions {
    /// Overrides the client's per-attempt timeout, in milliseconds.
    pub timeout_ms: Option<u32>,
    /// Cancels the call (the fetch in flight, or a wait before an attempt).
    pub signal: Option<AbortSignal>,
    /// For [`Client::send`] (v2): the `Idempotency-Key` of this DM, 1 to 255 printable ASCII
    /// characters. Without one, each call makes a random key. `send_message` and `find_sent`
    /// refuse it (v1 has no idempotency).
    pub idempotency_key: Option<String>,
}

impl SendOptions {
    /// Sets the per-attempt timeout.
    pub fn timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = Some(timeout_ms);
        self
    }

    /// Sets the abort signal.
    pub fn signal(mut self, signal: AbortSignal) -> Self {
        self.signal = Some(signal);
        self
    }

    /// Sets the idempotency key of a v2 send.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// One request for the fetch loop, encoded and validated.
pub(crate) struct Job {
    /// What kind of request: decides what is retried.
    pub(crate) call: Call,
    /// Where it goes.
    pub(crate) url: JsString,
    /// The JSON body of a POST; `None` for a GET.
    pub(crate) body: Option<String>,
    /// The v2 idempotency key.
    pub(crate) key: Option<String>,
}

impl Client {
    /// Builds a client; fails with [`Error::InvalidRequest`] naming the bad option.
    pub fn new(options: ClientOptions) -> Result<Self, Error> {
        let base = options.validate()?;
        let limits = Limits {
            max_retries: options.max_retries,
            max_delay_ms: options.max_retry_delay_ms,
        };
        let session = Session::new(
            options.token,
            base,
            options.timeout_ms,
            limits,
            options.pace,
            options.fetch,
        );
        Ok(Client {
            session: Rc::new(session),
        })
    }

    /// The URL v1 sends post to.
    pub fn endpoint(&self) -> &str {
        &self.session.endpoint
    }

    /// The rate-limit budget the last answer that reported one said.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.session.rate_limit.get()
    }

    /// Sends a DM through v1 with the client's defaults.
    pub async fn send_message(
        &self,
        request: &SendMessageRequest,
    ) -> Result<SendMessageResponse, Error> {
        self.send_message_with(request, &SendOptions::default())
            .await
    }

    /// Sends a DM through v1 with per-call options.
    pub async fn send_message_with(
        &self,
        request: &SendMessageRequest,
        options: &SendOptions,
    ) -> Result<SendMessageResponse, Error> {
        let job = self.v1_job(request, options)?;
        let delivered = self.run(job, options).await?;
        let mut response: SendMessageResponse = decoded(&delivered, true)?;
        response.meta = delivered.meta;
        Ok(response)
    }

    /// Sends a DM through v2, exactly once: every attempt of this call carries the same
    /// `Idempotency-Key` (the options' or a random one), so every transient failure is retried
    /// without risk of a duplicate. When retries run out on an uncertain failure, the error has
    /// `maybe_sent` and the key: sending again with it is safe. A `502 sendUnconfirmed` is never
    /// sent again: the message it names is read (within `max_retries` reads) — a `platformId`
    /// resolves as sent (`meta.confirmed_by`), a `404` fails with `maybe_sent` false, anything
    /// else fails with `maybe_sent` and the `message_id` to read later.
    pub async fn send(
        &self,
        request: &SendRequest,
        options: &SendOptions,
    ) -> Result<SendResult, Error> {
        let job = self.v2_job(request, options)?;
        let delivered = self.run(job, options).await?;
        let body: SentBody = decoded(&delivered, true)?;
        Ok(SendResult {
            message: body.message,
            thread: body.thread,
            replayed: delivered.meta.status == 200 && delivered.meta.confirmed_by.is_none(),
            meta: delivered.meta,
        })
    }

    /// Finds out whether a v1 DM that failed with `maybe_sent` landed: the message, or `None`.
    /// `since_ms` is when that send started (Unix ms). Reads the thread newest first, page by
    /// page, down to `since_ms` less a 2-minute clock-skew allowance, and returns the newest
    /// message not written by the prospect whose content equals the request's byte for byte.
    /// `None` only from a thread that was not syncing: while it syncs, the thread is read again
    /// after a wait, at most `max_retries` more times, then [`ErrorKind::Unsettled`](crate::ErrorKind).
    pub async fn find_sent(
        &self,
        request: &SendMessageRequest,
        since_ms: f64,
    ) -> Result<Option<Message>, Error> {
        self.find_sent_with(request, since_ms, &SendOptions::default())
            .await
    }

    /// [`Client::find_sent`] with per-call options (each read's timeout, a signal).
    pub async fn find_sent_with(
        &self,
        request: &SendMessageRequest,
        since_ms: f64,
        options: &SendOptions,
    ) -> Result<Option<Message>, Error> {
        let Some((delivered, index)) = self.find(request, since_ms, options).await? else {
            return Ok(None);
        };
        let page: serde_json::Value = decoded(&delivered, false)?;
        let found = page["messages"][index].clone();
        serde_json::from_value(found)
            .map(Some)
            .map_err(|e| delivered.undecodable(e.to_string(), false))
    }

    /// Any read of the Inbox API: `GET {base}{path}` with `query` percent-encoded (a key given
    /// twice repeats), retried like `find_sent`'s reads (408, 429, 5xx, timeouts, network),
    /// paced, its errors redacted. `path` must stay under `/api/v1/` or `/api/v2/` (no `..`,
    /// no query of its own), else [`Error::InvalidRequest`] naming `path`. Resolves to the
    /// parsed JSON and what the answer said besides.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<(serde_json::Value, Meta), Error> {
        let job = self.get_job(path, &query::encode_query(query))?;
        let delivered = self.run(job, &SendOptions::default()).await?;
        let data = decoded(&delivered, false)?;
        Ok((data, delivered.meta))
    }

    /// The job of a `get`: its path checked, with its query (percent-encoded) after it.
    pub(crate) fn get_job(&self, path: &str, query: &str) -> Result<Job, Error> {
        let path = query::api_path(path, query)?;
        Ok(Job {
            call: Call::Get,
            url: JsString::from(self.session.url(&path)),
            body: None,
            key: None,
        })
    }

    /// The reads of `find_sent`, validated and ready: a [`Finder`] to drive.
    pub(crate) fn finder(
        &self,
        request: &SendMessageRequest,
        since_ms: f64,
        options: &SendOptions,
        rejection: Option<Rejection>,
    ) -> Result<Finder, Error> {
        validate::request(request)?;
        no_key(options)?;
        if !since_ms.is_finite() || since_ms < 0.0 {
            return Err(invalid_since());
        }
        let timeout_ms = options.timeout_ms.unwrap_or(self.session.timeout_ms);
        options::timeout_ms("timeoutMs", timeout_ms)?;
        Ok(Finder::new(
            Rc::clone(&self.session),
            request.clone(),
            since_ms,
            timeout_ms,
            options.signal.clone(),
            rejection,
        ))
    }

    /// Drives the reads of `find_sent`: the page holding the DM and its index, or `None`.
    async fn find(
        &self,
        request: &SendMessageRequest,
        since_ms: f64,
        options: &SendOptions,
    ) -> Result<Option<(Delivered, usize)>, Error> {
        let mut finder = self.finder(request, since_ms, options, None)?;
        while let Some(read) = finder.next() {
            let _ = JsFuture::from(read).await;
        }
        finder.into_found()
    }

    /// Runs `job` to its end and takes its outcome.
    async fn run(&self, job: Job, options: &SendOptions) -> Result<Delivered, Error> {
        let sends = !job.call.reads();
        let outcome = Rc::new(Cell::new(None));
        let promise = self.start(job, options, Rc::clone(&outcome), None)?;
        // The outcome lands in the cell; the promise only says when (and why, if the fetch
        // loop itself broke).
        let settled = JsFuture::from(promise).await;
        outcome
            .take()
            .unwrap_or_else(|| Err(lost(settled.err(), sends)))
    }

    /// The job of a v1 send: validated and encoded.
    pub(crate) fn v1_job(
        &self,
        request: &SendMessageRequest,
        options: &SendOptions,
    ) -> Result<Job, Error> {
        validate::request(request)?;
        no_key(options)?;
        Ok(Job {
            call: Call::SendV1,
            url: self.session.wire().v1_url.clone(),
            body: Some(body::encode(request)),
            key: None,
        })
    }

    /// The job of a v2 send: validated, encoded, with its key.
    pub(crate) fn v2_job(
        &self,
        request: &SendRequest,
        options: &SendOptions,
    ) -> Result<Job, Error> {
        validate::send_request(request)?;
        let key = match &options.idempotency_key {
            Some(key) => {
                validate::idempotency_key(key)?;
                key.clone()
            }
            None => transport::new_key(),
        };
        Ok(Job {
            call: Call::SendV2,
            url: self.session.wire().v2_url.clone(),
            body: Some(body::encode_send(request)),
            key: Some(key),
        })
    }

    /// Starts `job`; its outcome lands in `outcome`. The promise settles with the JavaScript
    /// answer when `rejection` is given (the JavaScript surface), else with `undefined`.
    pub(crate) fn start(
        &self,
        job: Job,
        options: &SendOptions,
        outcome: Rc<Cell<Option<Outcome>>>,
        rejection: Option<Rejection>,
    ) -> Result<Promise, Error> {
        let timeout_ms = options.timeout_ms.unwrap_or(self.session.timeout_ms);
        options::timeout_ms("timeoutMs", timeout_ms)?;
        let session = Rc::clone(&self.session);
        let wire = self.session.wire();
        let key = job.key.clone();
        let delivery = Delivery::new(session, job.call, job.key, timeout_ms, outcome, rejection);
        Ok(transport::deliver(
            delivery,
            self.session.fetch(),
            &job.url,
            &wire.authorization,
            job.body.as_deref(),
            key.as_deref(),
            timeout_ms,
            options.signal.as_ref(),
        ))
    }
}

/// Refuses an idempotency key where v1 would ignore it.
fn no_key(options: &SendOptions) -> Result<(), Error> {
    match options.idempotency_key {
        Some(_) => Err(crate::input::validate::Invalid::new(
            "idempotencyKey",
            "is only for send (v2): v1 has no idempotency, so a key would be silently ignored",
        )
        .into()),
        None => Ok(()),
    }
}

/// The error for a `since` that is not a time.
pub(crate) fn invalid_since() -> Error {
    crate::input::validate::Invalid::new(
        "since",
        "must be a Unix time in milliseconds (when the uncertain send started)",
    )
    .into()
}

/// A delivered body decoded as `T`; a body that does not fit is a `decode` error (`maybe_sent`
/// for a send).
fn decoded<T: serde::de::DeserializeOwned>(
    delivered: &Delivered,
    maybe_sent: bool,
) -> Result<T, Error> {
    let text = delivered.text.as_string().unwrap_or_default();
    decode::response(&text).map_err(|problem| delivered.undecodable(problem, maybe_sent))
}
