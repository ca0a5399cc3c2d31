//! The client: validate → encode → send (with the retry policy) → decode.

use std::cell::Cell;

use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

use crate::decode;
use crate::error::{Details, Error, ErrorKind};
use crate::options::{self, ClientOptions};
use crate::rate_limit::RateLimit;
use crate::retry::{self, Verdict};
use crate::text::push_decimal;
use crate::token::Token;
use crate::transport::{self, Exchange, Interrupted};
use crate::types::{SendMessageRequest, SendMessageResponse};
use crate::{body, validate};

/// Sends DMs through one Inbox API token. Cheap to keep for the life of the app.
#[derive(Debug)]
pub struct Client {
    token: Token,
    endpoint: String,
    timeout_ms: u32,
    max_retries: u32,
    max_retry_delay_ms: u32,
    rate_limit: Cell<Option<RateLimit>>,
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
        Ok(Client {
            token: options.token,
            endpoint,
            timeout_ms: options.timeout_ms,
            max_retries: options.max_retries,
            max_retry_delay_ms: options.max_retry_delay_ms,
            rate_limit: Cell::new(None),
        })
    }

    /// The URL this client posts to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The rate-limit budget from the last response that reported one.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit.get()
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
        let (value, attempts) = self.send_json(request, options).await?;
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

    /// Validates, sends and checks the response shape; returns the parsed JSON as the server
    /// sent it, and the number of attempts made.
    pub(crate) async fn send_json(
        &self,
        request: &SendMessageRequest,
        options: &SendOptions,
    ) -> Result<(JsValue, u32), Error> {
        validate::request(request)?;
        let timeout_ms = options.timeout_ms.unwrap_or(self.timeout_ms);
        options::timeout_ms("timeoutMs", timeout_ms)?;
        let body = body::encode(request);
        let signal = options.signal.as_ref();
        let mut attempts = 0;
        loop {
            if signal.is_some_and(AbortSignal::aborted) {
                return Err(aborted_unsent(attempts));
            }
            attempts += 1;
            let exchange =
                transport::post(&self.endpoint, &self.token, &body, timeout_ms, signal).await;
            let verdict = self.judge(exchange, attempts, timeout_ms);
            match verdict {
                Verdict::Sent(value) => return Ok((value, attempts)),
                Verdict::Failed(error) => return Err(error),
                Verdict::Retry(error) => {
                    let wait = retry::wait(&error, attempts, self.max_retry_delay_ms);
                    let Some(wait) = wait.filter(|_| attempts <= self.max_retries) else {
                        return Err(error);
                    };
                    if transport::sleep(wait, signal).await.is_err() {
                        return Err(aborted_unsent(attempts));
                    }
                }
            }
        }
    }

    /// Turns one attempt's outcome into a verdict, remembering the rate-limit headers.
    fn judge(&self, exchange: Exchange, attempts: u32, timeout_ms: u32) -> Verdict {
        let Some(reply) = exchange.reply else {
            let stopped = exchange.body.err().unwrap_or(Interrupted::Aborted);
            return Verdict::Failed(interrupted(stopped, None, attempts, timeout_ms));
        };
        let limits = RateLimit::from_headers(
            reply.header("x-ratelimit-limit").as_deref(),
            reply.header("x-ratelimit-remaining").as_deref(),
            reply.header("x-ratelimit-reset").as_deref(),
        );
        if limits.is_some() {
            self.rate_limit.set(limits);
        }
        let status = reply.status();
        let body = match exchange.body {
            Ok(body) => body,
            // The status arrived but the body did not: for a 2xx the DM went out.
            Err(stopped) if (200..300).contains(&status) => {
                return Verdict::Failed(interrupted(stopped, Some(status), attempts, timeout_ms));
            }
            Err(_) => JsValue::UNDEFINED,
        };
        if (200..300).contains(&status) {
            return match decode::success(&body) {
                Ok(value) => Verdict::Sent(value),
                Err(problem) => Verdict::Failed(Error::failed(
                    ErrorKind::Decode,
                    Details {
                        status: Some(status),
                        message: Some(problem.to_owned()),
                        maybe_sent: true,
                        attempts,
                        ..Details::default()
                    },
                )),
            };
        }
        let parsed = decode::api_error(&body);
        let details = Details {
            status: Some(status),
            api_code: parsed.code.map(|c| self.token.redact(&c)),
            message: parsed.message.map(|m| self.token.redact(&m)),
            request_id: parsed.request_id.or_else(|| reply.header("x-request-id")),
            retry_after_ms: retry::retry_after_ms(
                reply.header("retry-after-ms").as_deref(),
                reply.header("retry-after").as_deref(),
            ),
            maybe_sent: false,
            attempts,
            body: parsed.excerpt.map(|b| self.token.redact(&b)),
        };
        retry::classify(status, details)
    }
}

/// The error for a signal that fired before an attempt or during a retry wait: every earlier
/// attempt was refused unprocessed, so nothing was sent.
fn aborted_unsent(attempts: u32) -> Error {
    Error::failed(
        ErrorKind::Aborted,
        Details {
            message: Some("the caller's abort signal fired before the DM was sent".to_owned()),
            attempts,
            ..Details::default()
        },
    )
}

/// The error for an attempt that stopped without a complete answer.
fn interrupted(stopped: Interrupted, status: Option<u16>, attempts: u32, timeout_ms: u32) -> Error {
    let (kind, message) = match stopped {
        Interrupted::Timeout => (ErrorKind::Timeout, {
            let mut text = "no complete answer within ".to_owned();
            push_decimal(&mut text, u64::from(timeout_ms));
            text.push_str(" ms");
            text
        }),
        Interrupted::Aborted => (
            ErrorKind::Aborted,
            "the caller's abort signal fired".to_owned(),
        ),
        Interrupted::Network(cause) => (ErrorKind::Network, cause),
    };
    Error::failed(
        kind,
        Details {
            status,
            message: Some(message),
            // The attempt started, so the request may have reached the server.
            maybe_sent: true,
            attempts,
            ..Details::default()
        },
    )
}
