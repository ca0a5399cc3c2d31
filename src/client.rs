//! The Rust surface: a [`Client`] validates and encodes a send, hands it to the fetch loop, and
//! reads the delivered DM into Rust types.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::decide::decode;
use crate::decide::error::{Cause, Details, Error, ErrorKind};
use crate::decide::rate_limit::RateLimit;
use crate::decide::retry::Limits;
use crate::input::options::{self, ClientOptions};
use crate::input::types::{SendMessageRequest, SendMessageResponse};
use crate::input::{body, validate};
use crate::io::delivery::{Delivery, Outcome, Rejection};
use crate::io::session::Session;
use crate::io::transport::{self, describe};

/// Sends DMs through one Inbox API token. Cheap to keep for the life of the app.
#[derive(Debug)]
pub struct Client {
    session: Rc<Session>,
}

/// Options for one send.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SendOptions {
    /// Overrides the client's per-attempt timeout, in milliseconds.
    pub timeout_ms: Option<u32>,
    /// Cancels the send (the fetch in flight, or the wait before a retry).
    pub signal: Option<AbortSignal>,
}

impl SendOptions {
    /// Sets the per-attempt timeout for this send.
    pub fn timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = Some(timeout_ms);
        self
    }

    /// Sets the abort signal for this send.
    pub fn signal(mut self, signal: AbortSignal) -> Self {
        self.signal = Some(signal);
        self
    }
}

impl Client {
    /// Builds a client; fails with [`Error::InvalidRequest`] naming the bad option.
    pub fn new(options: ClientOptions) -> Result<Self, Error> {
        let endpoint = options.validate()?;
        let limits = Limits {
            max_retries: options.max_retries,
            max_delay_ms: options.max_retry_delay_ms,
        };
        let session = Session::new(options.token, endpoint, options.timeout_ms, limits);
        Ok(Client {
            session: Rc::new(session),
        })
    }

    /// The URL this client posts to.
    pub fn endpoint(&self) -> &str {
        &self.session.endpoint
    }

    /// The rate-limit budget from the last response that reported one.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.session.rate_limit.get()
    }

    /// Sends a DM with the client's defaults.
    pub async fn send_message(
        &self,
        request: &SendMessageRequest,
    ) -> Result<SendMessageResponse, Error> {
        self.send_message_with(request, &SendOptions::default())
            .await
    }

    /// Sends a DM with per-call options.
    pub async fn send_message_with(
        &self,
        request: &SendMessageRequest,
        options: &SendOptions,
    ) -> Result<SendMessageResponse, Error> {
        let outcome = Rc::new(Cell::new(None));
        let promise = self.start(request, options, Rc::clone(&outcome), None)?;
        // The outcome lands in the cell; the promise only says when (and why, if the fetch
        // loop itself broke).
        let settled = JsFuture::from(promise).await;
        let delivered = outcome.take().unwrap_or_else(|| Err(lost(settled.err())))?;
        let text = delivered.text.as_string().unwrap_or_default();
        decode::response(&text).map_err(|problem| {
            let details = Details {
                status: Some(200),
                message: Some(problem),
                maybe_sent: true,
                attempts: delivered.attempts,
                ..Details::default()
            };
            Error::failed(ErrorKind::Decode, details)
        })
    }

    /// Validates, encodes and starts a send; its outcome lands in `outcome`. The promise
    /// settles with the JavaScript answer when `rejection` is given (the JavaScript surface),
    /// else with `undefined`.
    pub(crate) fn start(
        &self,
        request: &SendMessageRequest,
        options: &SendOptions,
        outcome: Rc<Cell<Option<Outcome>>>,
        rejection: Option<Rejection>,
    ) -> Result<Promise, Error> {
        validate::request(request)?;
        let timeout_ms = options.timeout_ms.unwrap_or(self.session.timeout_ms);
        options::timeout_ms("timeoutMs", timeout_ms)?;
        let body = body::encode(request);
        let wire = self.session.wire();
        let delivery = Delivery::new(Rc::clone(&self.session), timeout_ms, outcome, rejection);
        Ok(transport::deliver(
            delivery,
            &wire.url,
            &wire.authorization,
            &body,
            timeout_ms,
            options.signal.as_ref(),
        ))
    }
}

/// The error when the fetch loop stopped without an outcome (it threw): says what it threw.
fn lost(thrown: Option<JsValue>) -> Error {
    let cause = thrown.map(|e| Cause::new(describe(&e), Some(e)));
    let mut message = "the transport stopped without an answer: ".to_owned();
    message.push_str(cause.as_ref().map_or("no outcome", Cause::description));
    Error::failed(
        ErrorKind::Network,
        Details {
            message: Some(message),
            maybe_sent: true,
            cause,
            ..Details::default()
        },
    )
}
