//! The client: validate → encode → hand the send to the transport, whose attempts a
//! [`Delivery`] judges (retry policy, errors) → the parsed response.

use std::cell::{Cell, OnceCell};
use std::fmt;
use std::rc::Rc;

use js_sys::{JsString, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::delivery::{Delivery, Outcome};
use crate::error::{Details, Error, ErrorKind};
use crate::names::AnswerNames;
use crate::options::{self, ClientOptions};
use crate::rate_limit::RateLimit;
use crate::token::Token;
use crate::transport::{self, describe};
use crate::types::{SendMessageRequest, SendMessageResponse};
use crate::{body, validate};

/// Sends DMs through one Inbox API token. Cheap to keep for the life of the app.
#[derive(Debug)]
pub struct Client {
    shared: Rc<Shared>,
}

/// What a client and its sends in flight share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) token: Token,
    endpoint: String,
    timeout_ms: u32,
    pub(crate) max_retries: u32,
    pub(crate) max_retry_delay_ms: u32,
    /// The budget from the last response that reported one.
    pub(crate) rate_limit: Cell<Option<RateLimit>>,
    /// The JavaScript strings of every send, from the first send on.
    wire: OnceCell<Wire>,
}

impl Shared {
    /// The JavaScript strings of every send, created at the first one. (Not in `Client::new`:
    /// a client can be built outside wasm, as the native tests do.)
    pub(crate) fn wire(&self) -> &Wire {
        self.wire.get_or_init(|| {
            let token = self.token.expose();
            let mut authorization = String::with_capacity(token.len() + 7);
            authorization.push_str("Bearer ");
            authorization.push_str(token);
            Wire {
                url: JsString::from(self.endpoint.as_str()),
                authorization: JsString::from(authorization),
                names: AnswerNames::new(),
            }
        })
    }
}

/// What a client hands to JavaScript on every send, converted once.
pub(crate) struct Wire {
    url: JsString,
    /// `Bearer <token>`: a secret, so `Debug` leaves it out.
    authorization: JsString,
    /// The property and header names read from answers.
    pub(crate) names: AnswerNames,
}

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wire")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
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
        let shared = Shared {
            token: options.token,
            endpoint,
            timeout_ms: options.timeout_ms,
            max_retries: options.max_retries,
            max_retry_delay_ms: options.max_retry_delay_ms,
            rate_limit: Cell::new(None),
            wire: OnceCell::new(),
        };
        Ok(Client {
            shared: Rc::new(shared),
        })
    }

    /// The URL this client posts to.
    pub fn endpoint(&self) -> &str {
        &self.shared.endpoint
    }

    /// The rate-limit budget from the last response that reported one.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.shared.rate_limit.get()
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
        let promise = self.start(request, options, Rc::clone(&outcome))?;
        // The outcome lands in the cell; the promise only says when (and why, if the
        // transport itself broke).
        let settled = JsFuture::from(promise).await;
        let (value, attempts) = outcome.take().unwrap_or_else(|| Err(lost(settled.err())))?;
        serde_wasm_bindgen::from_value(value).map_err(|error| {
            let details = Details {
                status: Some(200),
                message: Some(error.to_string()),
                maybe_sent: true,
                attempts,
                ..Details::default()
            };
            Error::failed(ErrorKind::Decode, details)
        })
    }

    /// Validates, encodes and starts a send; its outcome lands in `outcome`, and the promise
    /// settles with the JavaScript answer (see [`Delivery::finish`]).
    pub(crate) fn start(
        &self,
        request: &SendMessageRequest,
        options: &SendOptions,
        outcome: Rc<Cell<Option<Outcome>>>,
    ) -> Result<Promise, Error> {
        validate::request(request)?;
        let timeout_ms = options.timeout_ms.unwrap_or(self.shared.timeout_ms);
        options::timeout_ms("timeoutMs", timeout_ms)?;
        let body = body::encode(request);
        let wire = self.shared.wire();
        let delivery = Delivery::new(Rc::clone(&self.shared), timeout_ms, outcome);
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

/// The error when the transport stopped without an outcome (it threw): says what it threw.
fn lost(thrown: Option<JsValue>) -> Error {
    let cause = thrown.map_or_else(|| "no outcome".to_owned(), |e| describe(&e));
    let mut message = "the transport stopped without an answer: ".to_owned();
    message.push_str(&cause);
    Error::failed(
        ErrorKind::Network,
        Details {
            message: Some(message),
            maybe_sent: true,
            ..Details::default()
        },
    )
}
