//! One send between its attempts, as the object the fetch loop (`transport.js`) reports to.
//! It reads what arrived into plain data and lets `decide` judge it: it makes no decision of
//! its own.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Response;

use crate::decide::answer::{self, Context, ErrorBody, Header, Reply, Verdict};
use crate::decide::error::{Cause, Error};
use crate::decide::fault::Fault;
use crate::decide::rate_limit::RateLimit;
use crate::decide::retry::{self, Next};
use crate::io::names::{AnswerNames, Name};
use crate::io::parse;
use crate::io::session::Session;
use crate::io::transport::describe;

#[wasm_bindgen]
extern "C" {
    /// A response's `Headers`, read with names that are already JavaScript strings.
    type HeaderList;
    /// `Headers.get`: the value, or `None` when absent (`null`).
    #[wasm_bindgen(method, js_name = get)]
    fn get(this: &HeaderList, name: &JsString) -> Option<String>;
}

/// A delivered DM: the parsed body (for JavaScript callers), its text (for Rust callers) and
/// the attempts it took.
#[derive(Debug)]
pub(crate) struct Delivered {
    /// The body as `JSON.parse` made it.
    pub(crate) value: JsValue,
    /// The body text.
    pub(crate) text: JsValue,
    /// HTTP attempts made.
    pub(crate) attempts: u32,
}

/// What a send ended with.
pub(crate) type Outcome = Result<Delivered, Error>;

/// Turns the caller's error into the value a JavaScript caller is rejected with; given by the
/// surface that started the send (the JavaScript layer), so this layer never names it.
pub(crate) type Rejection = fn(&Error) -> JsValue;

/// The state of one send between attempts. Created by the client, owned by `transport.js`
/// while the send runs; the outcome lands in a cell the client also holds.
#[wasm_bindgen(js_name = InboxDelivery, skip_typescript)]
#[doc(hidden)]
pub struct Delivery {
    session: Rc<Session>,
    timeout_ms: u32,
    attempts: u32,
    outcome: Rc<Cell<Option<Outcome>>>,
    rejection: Option<Rejection>,
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
    /// A send that has made no attempt yet. `rejection` makes the JavaScript error for
    /// [`Delivery::finish`]; without it, the promise resolves `undefined` and the caller reads
    /// the outcome cell.
    pub(crate) fn new(
        session: Rc<Session>,
        timeout_ms: u32,
        outcome: Rc<Cell<Option<Outcome>>>,
        rejection: Option<Rejection>,
    ) -> Self {
        Delivery {
            session,
            timeout_ms,
            attempts: 0,
            outcome,
            rejection,
        }
    }

    /// Ends the send with `outcome`.
    fn end(&self, outcome: Outcome) -> i32 {
        self.outcome.set(Some(outcome));
        -1
    }
}

#[wasm_bindgen(js_class = InboxDelivery)]
impl Delivery {
    /// Records how an attempt ended: the response if its headers arrived, its whole `text` if
    /// the body did, what was thrown, and whether the caller's signal or the timeout had fired
    /// or the runtime refused to build the request. Returns how many milliseconds to wait
    /// before the next attempt, or -1 when the send is over.
    pub fn settle(
        &mut self,
        response: Option<Response>,
        text: JsValue,
        cause: JsValue,
        aborted: bool,
        timed_out: bool,
        refused: bool,
    ) -> i32 {
        let fault = Fault::observed(text.is_string(), aborted, timed_out, refused);
        if fault != Fault::Refused {
            self.attempts += 1;
        }
        let headers: Option<HeaderList> = response.as_ref().map(|r| r.headers().unchecked_into());
        if let Some(headers) = &headers {
            self.remember_budget(headers);
        }
        let mut reply = JsReply {
            status: response.as_ref().map(Response::status),
            headers,
            text: &text,
            cause: &cause,
            value: None,
        };
        let context = Context {
            token: self.session.token.expose(),
            attempts: self.attempts,
            timeout_ms: self.timeout_ms,
            now_ms: js_sys::Date::now(),
        };
        match answer::judge(&mut reply, fault, &context) {
            Verdict::Sent => self.end(Ok(Delivered {
                value: reply.value.unwrap_or_default(),
                text,
                attempts: self.attempts,
            })),
            Verdict::Failed(error) => self.end(Err(error)),
            Verdict::Retry(error) => {
                let random = js_sys::Math::random();
                match retry::next(error, self.attempts, self.session.limits, random) {
                    Next::Wait(ms) => i32::try_from(ms).unwrap_or(i32::MAX),
                    Next::Stop(error) => self.end(Err(error)),
                }
            }
        }
    }

    /// The caller's signal fired with no attempt in flight (before the first, or during a
    /// wait): the send is over. Returns -1.
    pub fn skip(&mut self) -> i32 {
        self.end(Err(answer::aborted_before_sending(self.attempts)))
    }

    /// The answer for a JavaScript caller once the send is over: the parsed response, or the
    /// error to reject with. For Rust callers (no rejection given) this is `undefined`.
    pub fn finish(&self) -> Result<JsValue, JsValue> {
        let Some(rejection) = self.rejection else {
            return Ok(JsValue::UNDEFINED);
        };
        let outcome = self.outcome.take();
        let answer = match &outcome {
            Some(Ok(delivered)) => Ok(delivered.value.clone()),
            Some(Err(error)) => Err(rejection(error)),
            None => Ok(JsValue::UNDEFINED),
        };
        self.outcome.set(outcome);
        answer
    }
}

impl Delivery {
    /// Keeps the budget the answer's `X-RateLimit-*` headers report.
    fn remember_budget(&self, headers: &HeaderList) {
        let names = AnswerNames::get();
        let header = |name: &Name| headers.get(&name.js);
        let limits = RateLimit::from_headers(
            header(&names.rate_limit).as_deref(),
            header(&names.rate_remaining).as_deref(),
            header(&names.rate_reset).as_deref(),
        );
        if limits.is_some() {
            self.session.rate_limit.set(limits);
        }
    }
}

/// One attempt's answer, read from JavaScript only as far as the verdict asks.
struct JsReply<'a> {
    status: Option<u16>,
    headers: Option<HeaderList>,
    text: &'a JsValue,
    cause: &'a JsValue,
    /// The parsed success body, once checked.
    value: Option<JsValue>,
}

impl Reply for JsReply<'_> {
    fn status(&self) -> Option<u16> {
        self.status
    }

    fn header(&self, name: Header) -> Option<String> {
        let names = AnswerNames::get();
        let name = match name {
            Header::RetryAfterMs => &names.retry_after_ms,
            Header::RetryAfter => &names.retry_after,
            Header::RequestId => &names.request_id_header,
        };
        self.headers.as_ref()?.get(&name.js)
    }

    fn check_success(&mut self) -> Result<(), &'static str> {
        self.value = Some(parse::success(self.text)?);
        Ok(())
    }

    fn error_body(&self, units: u32) -> ErrorBody {
        parse::error_body(self.text, units)
    }

    fn thrown(&self) -> Cause {
        Cause::new(describe(self.cause), Some(self.cause.clone()))
    }

    fn date_ms(&self, text: &str) -> Option<f64> {
        Some(js_sys::Date::parse(text)).filter(|ms| !ms.is_nan())
    }
}
