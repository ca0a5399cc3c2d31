//! What a client and its sends in flight share: the validated options, the budget learnt from
//! the last answer, and the JavaScript strings every send hands to `fetch`.

use std::cell::{Cell, OnceCell};
use std::fmt;

use js_sys::JsString;

use crate::decide::rate_limit::RateLimit;
use crate::decide::retry::Limits;
use crate::input::token::Token;

/// One client's settings and state, shared with each of its deliveries.
#[derive(Debug)]
pub(crate) struct Session {
    /// The API token.
    pub(crate) token: Token,
    /// The URL every send posts to.
    pub(crate) endpoint: String,
    /// The per-attempt timeout unless a send overrides it.
    pub(crate) timeout_ms: u32,
    /// How far retries go.
    pub(crate) limits: Limits,
    /// The budget from the last response that reported one.
    pub(crate) rate_limit: Cell<Option<RateLimit>>,
    /// The JavaScript strings of every send, from the first send on.
    wire: OnceCell<Wire>,
}

impl Session {
    /// A session for validated options.
    pub(crate) fn new(token: Token, endpoint: String, timeout_ms: u32, limits: Limits) -> Self {
        Session {
            token,
            endpoint,
            timeout_ms,
            limits,
            rate_limit: Cell::new(None),
            wire: OnceCell::new(),
        }
    }

    /// The JavaScript strings of every send, created at the first one. (Not when the session
    /// is made: a client can be built outside wasm, as the native tests do.)
    pub(crate) fn wire(&self) -> &Wire {
        self.wire.get_or_init(|| {
            let token = self.token.expose();
            let mut authorization = String::with_capacity(token.len() + 7);
            authorization.push_str("Bearer ");
            authorization.push_str(token);
            Wire {
                url: JsString::from(self.endpoint.as_str()),
                authorization: JsString::from(authorization),
            }
        })
    }
}

/// What a client hands to JavaScript on every send, converted once.
pub(crate) struct Wire {
    /// The endpoint URL.
    pub(crate) url: JsString,
    /// `Bearer <token>`: a secret, so `Debug` leaves it out.
    pub(crate) authorization: JsString,
}

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wire")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}
