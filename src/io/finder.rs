//! Finding out whether an uncertain v1 send landed, as a state machine that makes no decision
//! of its own: each step starts one read (the thread lookup, then pages of its messages) and
//! hands what came back to `decide::reconcile`. JavaScript drives it with a plain loop
//! (`reconcile` in `transport.js`), Rust with `JsFuture`: no Rust future crosses to JavaScript.

use alloc::rc::Rc;
use alloc::string::String;
use core::cell::Cell;

use js_sys::{JsString, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::decide::answer::Call;
use crate::decide::error::Error;
use crate::decide::reconcile::{self, Absent, Cursor, Scan};
use crate::input::query;
use crate::input::types::SendMessageRequest;
use crate::io::delivery::{lost, Delivered, Delivery, Outcome, Rejection};
use crate::io::parse;
use crate::io::session::Session;
use crate::io::transport;

#[wasm_bindgen(module = "/src/io/transport.js")]
extern "C" {
    /// Drives `finder` to its end (the loop in `transport.js`): resolves with
    /// `Finder::result`'s value (the message or `null`), rejects with its error. The finder is
    /// freed when it settles.
    pub(crate) fn reconcile(finder: Finder) -> Promise;
}

/// Where the search stands.
#[derive(Debug)]
enum Step {
    /// The thread is looked up next.
    Lookup,
    /// A page of the thread's messages is read next; messages by `prospect` (the thread's
    /// prospect ids, beside the request's) never count.
    Page {
        thread_id: String,
        prospect: [Option<String>; 2],
        cursor: Option<Cursor>,
    },
    /// Over: the page holding the DM and its index, nothing, or the error.
    Done(Result<Option<(Delivered, usize)>, Error>),
}

/// One `findSent` between its reads. Created by the client; driven by `transport.js` (for
/// JavaScript callers) or by `Client::find_sent`.
#[wasm_bindgen(js_name = InboxFinder, skip_typescript, private)]
#[doc(hidden)]
pub struct Finder {
    session: Rc<Session>,
    request: SendMessageRequest,
    /// Messages older than this (Unix ms) end the search.
    bound_ms: f64,
    timeout_ms: u32,
    signal: Option<AbortSignal>,
    step: Step,
    /// How many times the thread was read again because it was syncing.
    rereads: u32,
    /// How long the next read waits first (the thread was syncing).
    hold_ms: u32,
    /// Whether a read was started and its outcome is still to be judged.
    reading: bool,
    /// Where the read in flight leaves its outcome.
    outcome: Rc<Cell<Option<Outcome>>>,
    rejection: Option<Rejection>,
}

impl core::fmt::Debug for Finder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Finder")
            .field("bound_ms", &self.bound_ms)
            .field("step", &self.step)
            .finish_non_exhaustive()
    }
}

impl Finder {
    /// A search for `request`, sent at or after `since_ms` (Unix ms; the clock-skew allowance
    /// is applied here). `rejection` makes the JavaScript error of [`Finder::result`].
    pub(crate) fn new(
        session: Rc<Session>,
        request: SendMessageRequest,
        since_ms: f64,
        timeout_ms: u32,
        signal: Option<AbortSignal>,
        rejection: Option<Rejection>,
    ) -> Self {
        Finder {
            session,
            request,
            bound_ms: since_ms - reconcile::SKEW_MS,
            timeout_ms,
            signal,
            step: Step::Lookup,
            rereads: 0,
            hold_ms: 0,
            reading: false,
            outcome: Rc::new(Cell::new(None)),
            rejection,
        }
    }

    /// Reads the outcome of the read that just settled and decides the next step.
    fn take(&mut self) {
        let outcome = self
            .outcome
            .take()
            .unwrap_or_else(|| Err(lost(None, false)));
        self.step = match (core::mem::replace(&mut self.step, Step::Lookup), outcome) {
            (_, Err(error)) => Step::Done(Err(error)),
            (Step::Lookup, Ok(lookup)) => match parse::lookup_thread(&lookup.value) {
                Ok(Some(looked)) => Step::Page {
                    thread_id: looked.thread_id,
                    prospect: looked.prospect,
                    cursor: None,
                },
                Ok(None) => Step::Done(Ok(None)),
                Err(problem) => Step::Done(Err(lookup.undecodable(problem, false))),
            },
            (
                Step::Page {
                    thread_id,
                    prospect,
                    ..
                },
                Ok(page),
            ) => {
                let date_ms =
                    |text: &str| Some(js_sys::Date::parse(text)).filter(|ms| !ms.is_nan());
                // The prospect's ids: the request's and the thread's.
                let recipient = &self.request.recipient;
                let [thread_platform_id, thread_external_id] = &prospect;
                let theirs = |author: &str| {
                    recipient.platform_id() == Some(author)
                        || recipient.external_id() == Some(author)
                        || thread_platform_id.as_deref() == Some(author)
                        || thread_external_id.as_deref() == Some(author)
                };
                let found = parse::page(&page.value);
                let scan = reconcile::scan(
                    &found,
                    &self.request.content,
                    theirs,
                    self.bound_ms,
                    date_ms,
                );
                match scan {
                    Scan::Found(index) => Step::Done(Ok(Some((page, index)))),
                    Scan::Next => Step::Page {
                        thread_id,
                        prospect,
                        cursor: found.next_cursor,
                    },
                    Scan::Absent => {
                        let random = js_sys::Math::random();
                        let limits = self.session.limits;
                        match reconcile::when_absent(found.syncing, self.rereads, limits, random) {
                            Absent::Null => Step::Done(Ok(None)),
                            // From the newest page again, once the wait is over.
                            Absent::Again(ms) => {
                                self.rereads += 1;
                                self.hold_ms = ms;
                                Step::Page {
                                    thread_id,
                                    prospect,
                                    cursor: None,
                                }
                            }
                            Absent::Unsettled(error) => Step::Done(Err(error)),
                        }
                    }
                }
            }
            (done @ Step::Done(_), Ok(_)) => done,
        };
    }

    /// The search's end, once [`Finder::next`] returned `None`.
    pub(crate) fn into_found(self) -> Result<Option<(Delivered, usize)>, Error> {
        match self.step {
            Step::Done(found) => found,
            _ => Ok(None),
        }
    }
}

#[wasm_bindgen(js_class = InboxFinder)]
impl Finder {
    /// Judges the read that just settled (if any), then starts the next one and returns its
    /// promise (it resolves `undefined`; the outcome is kept here), or `undefined` when the
    /// search is over.
    pub fn next(&mut self) -> Option<Promise> {
        if core::mem::take(&mut self.reading) {
            self.take();
        }
        let path = match &self.step {
            Step::Lookup => query::lookup_path(&self.request),
            Step::Page {
                thread_id, cursor, ..
            } => query::messages_path(
                thread_id,
                cursor
                    .as_ref()
                    .map(|c| (c.id.as_str(), c.timestamp.as_str())),
            ),
            Step::Done(_) => return None,
        };
        let mut delivery = Delivery::new(
            Rc::clone(&self.session),
            Call::Read,
            None,
            self.timeout_ms,
            Rc::clone(&self.outcome),
            None,
        );
        delivery.hold(core::mem::take(&mut self.hold_ms));
        self.reading = true;
        let url = JsString::from(self.session.url(&path));
        let authorization = &self.session.wire().authorization;
        Some(transport::deliver(
            delivery,
            self.session.fetch(),
            &url,
            authorization,
            None,
            None,
            self.timeout_ms,
            self.signal.as_ref(),
        ))
    }

    /// For JavaScript callers, once the search is over: the message found, `null`, or the error
    /// to reject with (an `Error`, which no message is; `transport.js` throws it).
    pub fn result(&mut self) -> JsValue {
        let step = core::mem::replace(&mut self.step, Step::Done(Ok(None)));
        match step {
            Step::Done(Ok(Some((page, index)))) => parse::page_item(&page.value, index as u32),
            Step::Done(Err(error)) => match self.rejection {
                Some(rejection) => rejection(&error),
                None => JsValue::UNDEFINED,
            },
            _ => JsValue::NULL,
        }
    }
}
