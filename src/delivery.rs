//! One send as a state machine that does no I/O: `transport.js` runs each attempt and reports
//! how it ended to [`Delivery::settle`], which decides what the answer means, whether and when
//! to retry, and which error the caller gets.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Response;

use crate::client::Shared;
use crate::decode;
use crate::error::{Details, Error, ErrorKind};
use crate::names::Name;
use crate::rate_limit::RateLimit;
use crate::retry::{self, Verdict};
use crate::text::push_decimal;
use crate::transport::describe;

/// How an attempt ended without a complete answer: the constants of `transport.js`. 0 is a
/// complete answer; any other value not listed (3 there) is a network failure.
mod fault {
    /// The caller's signal fired during the attempt.
    pub(super) const ABORTED: u8 = 1;
    /// The attempt's timeout fired.
    pub(super) const TIMED_OUT: u8 = 2;
    /// The caller's signal fired with no attempt in flight (before one, or during a wait).
    pub(super) const ABORTED_IDLE: u8 = 4;
}

#[wasm_bindgen]
extern "C" {
    /// A response's `Headers`, read with names that are already JavaScript strings.
    type HeaderList;
    /// `Headers.get`: the value, or `None` when absent (`null`).
    #[wasm_bindgen(method, js_name = get)]
    fn get(this: &HeaderList, name: &JsString) -> Option<String>;
}

/// What a send ended with: the parsed response and the attempts it took, or the error.
pub(crate) type Outcome = Result<(JsValue, u32), Error>;

/// The state of one send between attempts. Created by [`crate::Client`], owned by
/// `transport.js` while the send runs; the outcome lands in a cell the client also holds.
#[wasm_bindgen(js_name = InboxDelivery, skip_typescript)]
#[doc(hidden)]
pub struct Delivery {
    client: Rc<Shared>,
    timeout_ms: u32,
    attempts: u32,
    outcome: Rc<Cell<Option<Outcome>>>,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("timeout_ms", &self.timeout_ms)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl Delivery {
    /// A send that has made no attempt yet.
    pub(crate) fn new(
        client: Rc<Shared>,
        timeout_ms: u32,
        outcome: Rc<Cell<Option<Outcome>>>,
    ) -> Self {
        Delivery {
            client,
            timeout_ms,
            attempts: 0,
            outcome,
        }
    }
}

#[wasm_bindgen(js_class = InboxDelivery)]
impl Delivery {
    /// Records how an attempt ended: `response` and its whole `text` when `fault` is 0,
    /// otherwise the fault and its `cause`, with the response if its headers arrived. Returns
    /// how many milliseconds to wait before the next attempt, or -1 when the send is over.
    pub fn settle(
        &mut self,
        response: Option<Response>,
        text: JsValue,
        fault: u8,
        cause: JsValue,
    ) -> i32 {
        let verdict = if fault == fault::ABORTED_IDLE {
            Verdict::Failed(aborted_unsent(self.attempts))
        } else {
            self.attempts += 1;
            self.judge(response, text, fault, &cause)
        };
        let error = match verdict {
            Verdict::Sent(value) => {
                self.outcome.set(Some(Ok((value, self.attempts))));
                return -1;
            }
            Verdict::Failed(error) => error,
            Verdict::Retry(error) => {
                let wait = retry::wait(&error, self.attempts, self.client.max_retry_delay_ms)
                    .filter(|_| self.attempts <= self.client.max_retries);
                match wait.and_then(|ms| i32::try_from(ms).ok()) {
                    Some(ms) => return ms,
                    None => error,
                }
            }
        };
        self.outcome.set(Some(Err(error)));
        -1
    }

    /// The answer for a JavaScript caller once the send is over: the parsed response, or the
    /// `InboxError` to reject with. Rust callers read the outcome cell instead; for them (and
    /// in builds without the JavaScript surface) this is `undefined`.
    pub fn finish(&self) -> Result<JsValue, JsValue> {
        let outcome = self.outcome.take();
        #[cfg(all(target_arch = "wasm32", feature = "js"))]
        let answer = match &outcome {
            Some(Ok((value, _))) => Ok(value.clone()),
            Some(Err(error)) => Err(crate::js::to_js_error(error)),
            None => Ok(JsValue::UNDEFINED),
        };
        #[cfg(not(all(target_arch = "wasm32", feature = "js")))]
        let answer = Ok(JsValue::UNDEFINED);
        self.outcome.set(outcome);
        answer
    }
}

impl Delivery {
    /// Turns one attempt's outcome into a verdict, remembering the rate-limit headers.
    fn judge(
        &self,
        response: Option<Response>,
        text: JsValue,
        fault: u8,
        cause: &JsValue,
    ) -> Verdict {
        let Some(response) = response else {
            return Verdict::Failed(self.interrupted(fault, cause, None));
        };
        let names = &self.client.wire().names;
        let headers: HeaderList = response.headers().unchecked_into();
        let header = |name: &Name| headers.get(&name.js);
        let limits = RateLimit::from_headers(
            header(&names.rate_limit).as_deref(),
            header(&names.rate_remaining).as_deref(),
            header(&names.rate_reset).as_deref(),
        );
        if limits.is_some() {
            self.client.rate_limit.set(limits);
        }
        // A redirect the runtime withheld (`opaqueredirect`) reads as 0.
        let status = response.status();
        let success = (200..300).contains(&status);
        if fault != 0 && success {
            // The status arrived but the body did not: the DM went out.
            return Verdict::Failed(self.interrupted(fault, cause, Some(status)));
        }
        if success {
            return match decode::success(&text, names) {
                Ok(value) => Verdict::Sent(value),
                Err(problem) => Verdict::Failed(Error::failed(
                    ErrorKind::Decode,
                    Details {
                        status: Some(status),
                        message: Some(problem.to_owned()),
                        maybe_sent: true,
                        attempts: self.attempts,
                        ..Details::default()
                    },
                )),
            };
        }
        let token = &self.client.token;
        let parsed = decode::api_error(&text, names);
        let details = Details {
            status: Some(status),
            api_code: parsed.code.map(|c| token.redact(&c)),
            message: parsed.message.map(|m| token.redact(&m)),
            request_id: parsed
                .request_id
                .or_else(|| header(&names.request_id_header)),
            retry_after_ms: retry::retry_after_ms(
                header(&names.retry_after_ms).as_deref(),
                header(&names.retry_after).as_deref(),
            ),
            maybe_sent: false,
            attempts: self.attempts,
            body: parsed.excerpt.map(|b| token.redact(&b)),
        };
        retry::classify(status, details)
    }

    /// The error for an attempt that stopped without a complete answer.
    fn interrupted(&self, fault: u8, cause: &JsValue, status: Option<u16>) -> Error {
        let (kind, message) = match fault {
            fault::TIMED_OUT => (ErrorKind::Timeout, {
                let mut text = "no complete answer within ".to_owned();
                push_decimal(&mut text, u64::from(self.timeout_ms));
                text.push_str(" ms");
                text
            }),
            fault::ABORTED => (
                ErrorKind::Aborted,
                "the caller's abort signal fired".to_owned(),
            ),
            _ => (ErrorKind::Network, describe(cause)),
        };
        Error::failed(
            kind,
            Details {
                status,
                message: Some(message),
                // The attempt started, so the request may have reached the server.
                maybe_sent: true,
                attempts: self.attempts,
                ..Details::default()
            },
        )
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
