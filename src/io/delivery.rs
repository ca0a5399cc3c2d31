//! One send between its attempts, as the object the fetch loop (`transport.js`) reports to.
//! It reads what arrived into plain data and lets `decide` judge it: it makes no decision of
//! its own.

use alloc::rc::Rc;
use alloc::{borrow::ToOwned, boxed::Box, string::String};
use core::cell::Cell;

use js_sys::JsString;

use wasm_bindgen::prelude::*;
use web_sys::Response;

use crate::decide::answer::{self, Call, Context, ErrorBody, Header, Reply, Verdict};
use crate::decide::confirm::{self, Settled};
use crate::decide::error::{Cause, Details, Error, ErrorKind};
use crate::decide::fault::Fault;
use crate::decide::pace;
use crate::decide::redact;
use crate::decide::retry::{self, Next};
use crate::input::query;
use crate::input::types::{ConfirmedBy, Meta, RateLimit};
use crate::io::parse;
use crate::io::session::Session;
use crate::io::thrown::describe;

/// A delivered DM (or a read's answer): the parsed body (for JavaScript callers), its text (for
/// Rust callers), and what the answer said besides (status, request id, attempts, budget).
#[derive(Debug)]
pub(crate) struct Delivered {
    /// The body as `JSON.parse` made it; for a JavaScript caller's send, with `meta` set (and
    /// `replayed` for v2).
    pub(crate) value: JsValue,
    /// The body text.
    pub(crate) text: JsValue,
    /// The answer's status (`200` for a v2 replay, `201` for a new v2 send), request id and
    /// budget, and the attempts made.
    pub(crate) meta: Meta,
}

impl Delivered {
    /// The `decode` error for this body: `problem` says what does not fit. `maybe_sent` for a
    /// send (the request went through), not for a read.
    pub(crate) fn undecodable(&self, problem: String, maybe_sent: bool) -> Error {
        let meta = &self.meta;
        let details = Details {
            status: Some(meta.status),
            message: Some(problem),
            maybe_sent,
            attempts: meta.attempts,
            request_id: meta.request_id.clone(),
            rate_limit: meta.rate_limit.map(Box::new),
            ..Details::default()
        };
        Error::failed(ErrorKind::Decode, details)
    }
}

/// The error when the fetch loop stopped without an outcome (it threw `thrown`, or nothing is
/// known): says what it threw. `maybe_sent` for a send, not for a read.
pub(crate) fn lost(thrown: Option<JsValue>, maybe_sent: bool) -> Error {
    let cause = thrown.map(|e| Cause::new(describe(&e), Some(e)));
    let mut message = "the transport stopped without an answer: ".to_owned();
    message.push_str(cause.as_ref().map_or("no outcome", Cause::description));
    Error::failed(
        ErrorKind::Network,
        Details {
            message: Some(message),
            maybe_sent,
            cause,
            ..Details::default()
        },
    )
}

/// What a send ended with.
pub(crate) type Outcome = Result<Delivered, Error>;

/// Turns the caller's error into the value a JavaScript caller is rejected with; given by the
/// surface that started the send (the JavaScript layer), so this layer never names it.
pub(crate) type Rejection = fn(&Error) -> JsValue;

/// The state of one send between attempts. Created by the client, owned by `transport.js`
/// while the send runs; the outcome lands in a cell the client also holds.
#[wasm_bindgen(js_name = InboxDelivery, skip_typescript, private)]
#[doc(hidden)]
pub struct Delivery {
    session: Rc<Session>,
    call: Call,
    /// The v2 idempotency key every attempt carries.
    key: Option<String>,
    timeout_ms: u32,
    attempts: u32,
    /// Whether an earlier attempt may have been processed (v2 retries after uncertain ones).
    uncertain: bool,
    /// The message id an earlier answer named (v2 `sendUnconfirmed` / `sendInProgress`).
    message_id: Option<String>,
    /// The budget the last answer that reported one said, for the caller's error.
    reported: Option<RateLimit>,
    /// A v2 send X did not confirm (`sendUnconfirmed`), settled by reading the message it
    /// named: that answer, while the reads run.
    unconfirmed: Option<Error>,
    /// The reads of that message so far.
    reads: u32,
    /// The URL the next attempt reads instead, once (the message to settle).
    reroute: Option<JsString>,
    /// How long the first attempt waits before it goes (a read of a thread that was syncing).
    hold_ms: u32,
    outcome: Rc<Cell<Option<Outcome>>>,
    rejection: Option<Rejection>,
}

impl core::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
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
        call: Call,
        key: Option<String>,
        timeout_ms: u32,
        outcome: Rc<Cell<Option<Outcome>>>,
        rejection: Option<Rejection>,
    ) -> Self {
        Delivery {
            session,
            call,
            key,
            timeout_ms,
            attempts: 0,
            uncertain: false,
            message_id: None,
            reported: None,
            unconfirmed: None,
            reads: 0,
            reroute: None,
            hold_ms: 0,
            outcome,
            rejection,
        }
    }

    /// Ends the send with `outcome`. An error carries what earlier attempts left uncertain,
    /// and the last budget an answer reported.
    fn end(&self, mut outcome: Outcome) -> i32 {
        if let Err(Error::Failed(_, details)) = &mut outcome {
            details.maybe_sent |= self.uncertain;
            if details.message_id.is_none() {
                details.message_id = self.message_id.clone();
            }
            details.rate_limit = self.reported.map(Box::new);
        }
        self.outcome.set(Some(outcome));
        -1
    }

    /// Makes the first attempt wait `ms` milliseconds first (honouring the caller's signal).
    pub(crate) fn hold(&mut self, ms: u32) {
        self.hold_ms = ms;
    }

    /// Remembers what a failed attempt left uncertain, for the error the caller may get later.
    fn note(&mut self, error: &Error) {
        if let Some(details) = error.details() {
            self.uncertain |= details.maybe_sent;
            if details.message_id.is_some() {
                self.message_id = details.message_id.clone();
            }
        }
    }
}

#[wasm_bindgen(js_class = InboxDelivery)]
impl Delivery {
    /// Records how an attempt ended: the response if its headers arrived, its whole `text` if
    /// the body did, what was thrown, and whether the caller's signal or the timeout had fired
    /// or the runtime refused to build the request. Called with nothing at all when the
    /// caller's signal fired with no attempt in flight. Returns how many milliseconds to wait
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
        // An attempt always leaves a response, a text or a thrown value (fetch rejects with an
        // error, or with the abort reason, which is never `undefined`).
        let started = response.is_some() || !text.is_undefined() || !cause.is_undefined();
        let fault = Fault::observed(started, text.is_string(), aborted, timed_out, refused);
        if fault != Fault::Idle {
            // Sent or refused by the runtime, the request is no longer in flight.
            let in_flight = &self.session.in_flight;
            in_flight.set(in_flight.get().saturating_sub(1));
        }
        if !matches!(fault, Fault::Refused | Fault::Idle) {
            self.attempts += 1;
        }
        // The budget this answer reported (for its `meta`), remembered for an error.
        let mut reported = None;
        if let Some(response) = &response {
            self.session.answered.set(true);
            reported = self.remember_budget(response);
            self.reported = reported.or(self.reported);
        }
        let status = response.as_ref().map(Response::status);
        let confirming = self.unconfirmed.is_some();
        let call = if confirming { Call::Confirm } else { self.call };
        // A read of the message to settle: its answer is a send's once X has it.
        let mut text = text;
        let mut pending = false;
        if confirming && fault == Fault::None && status == Some(200) {
            text = parse::confirmed(&text);
            pending = text.is_undefined();
        }
        let mut reply = JsReply {
            status,
            response: response.as_ref(),
            text: &text,
            cause: &cause,
            value: None,
            call,
            token: self.session.token.expose(),
            meta: Meta {
                status: status.unwrap_or_default(),
                request_id: None,
                attempts: self.attempts,
                rate_limit: reported,
                confirmed_by: confirming.then_some(ConfirmedBy::Read),
            },
        };
        let context = Context {
            call,
            key: self.key.as_deref(),
            token: self.session.token.expose(),
            attempts: self.attempts,
            timeout_ms: self.timeout_ms,
        };
        let judged = (!pending).then(|| answer::judge(&mut reply, fault, &context));
        let random = || js_sys::Math::random();
        let limits = self.session.limits;
        let verdict = match self.unconfirmed.take() {
            // A read of the message to settle.
            Some(unconfirmed) => {
                self.reads += 1;
                let read = confirm::read(judged.as_ref());
                match confirm::after_read(read, self.reads, limits, random()) {
                    Settled::Sent => Verdict::Sent,
                    Settled::Wait(ms) => {
                        self.unconfirmed = Some(unconfirmed);
                        return wait(ms);
                    }
                    Settled::Stop { maybe_sent } => {
                        let attempts = self.attempts;
                        Verdict::Failed(confirm::settled(unconfirmed, maybe_sent, attempts))
                    }
                }
            }
            None => judged.unwrap_or(Verdict::Sent),
        };
        match verdict {
            Verdict::Sent => {
                // The parsed value carries the same meta for a JavaScript caller.
                let meta = reply.meta;
                let value = reply.value.unwrap_or_default();
                self.end(Ok(Delivered { value, text, meta }))
            }
            Verdict::Failed(error) => match confirm::to_read(&error).filter(|_| self.reads == 0) {
                // Never sent again: the message it names is read instead, after a moment.
                Some(id) => {
                    self.reroute = Some(JsString::from(self.session.url(&query::message_path(id))));
                    self.uncertain = false;
                    self.unconfirmed = Some(error);
                    wait(confirm::wait_ms(0, limits, random()))
                }
                None => self.end(Err(error)),
            },
            Verdict::Retry(error) => {
                self.note(&error);
                match retry::next(error, self.attempts, limits, random()) {
                    Next::Wait(ms) => wait(ms),
                    Next::Stop(error) => self.end(Err(error)),
                }
            }
        }
    }

    /// Asked after a wait: the URL the next attempt GETs instead of the request so far (the
    /// message of a send X did not confirm), once; `undefined` to go on as before.
    pub fn reroute(&mut self) -> Option<JsString> {
        self.reroute.take()
    }

    /// Asked before each attempt: 0 when it may go now (it is then counted in flight), the
    /// milliseconds to hold it when the team budget says it would be refused, or -1 when that
    /// hold is longer than the caller allows (the send is then over: `rate_limited`).
    pub fn admit(&mut self) -> i32 {
        if self.hold_ms > 0 {
            return wait(core::mem::take(&mut self.hold_ms));
        }
        let session = &self.session;
        let hold = if session.pace {
            let budget = session.budget.get();
            // The clock matters only against a known budget's reset.
            let now_ms = budget.map_or(0.0, |_| js_sys::Date::now());
            pace::hold_ms(
                budget,
                session.answered.get(),
                session.in_flight.get(),
                now_ms,
            )
        } else {
            0
        };
        if hold == 0 {
            session.in_flight.set(session.in_flight.get() + 1);
            return 0;
        }
        if hold > session.limits.max_delay_ms {
            let error = Error::failed(
                ErrorKind::RateLimited,
                Details {
                    message: Some(
                        "held back: the team's rate-limit budget is spent until the window resets, longer than maxRetryDelayMs allows"
                            .to_owned(),
                    ),
                    retry_after_ms: Some(u64::from(hold)),
                    attempts: self.attempts,
                    idempotency_key: self.key.clone(),
                    ..Details::default()
                },
            );
            return self.end(Err(error));
        }
        wait(hold)
    }

    /// The answer for a JavaScript caller once the send is over: the parsed response, or the
    /// error to reject with (an `Error`, which no parsed response is; `transport.js` throws
    /// it). For Rust callers (no rejection given) this is `undefined`.
    pub fn finish(&self) -> JsValue {
        let Some(rejection) = self.rejection else {
            return JsValue::UNDEFINED;
        };
        let outcome = self.outcome.take();
        let answer = match &outcome {
            Some(Ok(delivered)) => delivered.value.clone(),
            Some(Err(error)) => rejection(error),
            None => JsValue::UNDEFINED,
        };
        self.outcome.set(outcome);
        answer
    }
}

impl Delivery {
    /// Keeps the budget the answer's `X-RateLimit-*` headers report, and returns it.
    fn remember_budget(&self, response: &Response) -> Option<RateLimit> {
        let header = |name| parse::header_value(response, name);
        // Without a limit there is no budget: the other two are not read.
        let limit = header(Header::RateLimit)?;
        let limits = RateLimit::from_headers(
            Some(&limit),
            header(Header::RateRemaining).as_deref(),
            header(Header::RateReset).as_deref(),
        )?;
        self.session.rate_limit.set(Some(limits));
        let budget = &self.session.budget;
        budget.set(Some(pace::merge(budget.get(), limits)));
        Some(limits)
    }
}

/// A wait in milliseconds as the fetch loop takes it.
fn wait(ms: u32) -> i32 {
    i32::try_from(ms).unwrap_or(i32::MAX)
}

/// One attempt's answer, read from JavaScript only as far as the verdict asks.
struct JsReply<'a> {
    status: Option<u16>,
    response: Option<&'a Response>,
    text: &'a JsValue,
    cause: &'a JsValue,
    /// The parsed success body, once checked.
    value: Option<JsValue>,
    /// What was asked: for a read any JSON body is a success (its shape is the caller's to
    /// check).
    call: Call,
    /// The token, redacted from the request id.
    token: &'a str,
    /// What a delivered answer says besides its body.
    meta: Meta,
}

impl Reply for JsReply<'_> {
    fn status(&self) -> Option<u16> {
        self.status
    }

    fn header(&self, name: Header) -> Option<String> {
        parse::header_value(self.response.as_ref()?, name)
    }

    fn check_success(&mut self) -> Result<(), String> {
        // A send's answer (and a settled one's) is checked and gets its meta, a caller's read is
        // any JSON with its meta, and the finder's read any JSON.
        let with_meta = self.call != Call::Read;
        if with_meta {
            // The request id is the server's text: redacted like every other.
            let request_id = self.header(Header::RequestId);
            self.meta.request_id = request_id.map(|id| redact::redact(&id, self.token));
        }
        // A v2 `200` is a replay of the key (`201`: sent now); a settled send is not.
        let replayed = match self.call {
            Call::SendV2 => Some(self.status == Some(200)),
            Call::Confirm => Some(false),
            _ => None,
        };
        let meta = with_meta.then_some(&self.meta);
        self.value = Some(match self.call {
            Call::Get => parse::data(self.text, &self.meta)?,
            _ => parse::body(self.text, meta, replayed)?,
        });
        Ok(())
    }

    fn error_body(&self, units: u32) -> ErrorBody {
        parse::error_body(self.text, units)
    }

    fn thrown(&self) -> Cause {
        Cause::new(describe(self.cause), Some(self.cause.clone()))
    }

    fn ms_until(&self, date: &str) -> Option<f64> {
        let at = Some(js_sys::Date::parse(date)).filter(|ms| !ms.is_nan())?;
        Some(at - js_sys::Date::now())
    }
}
