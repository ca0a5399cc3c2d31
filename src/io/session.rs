//! What a client and its sends in flight share: the validated options, the budget learnt from
//! the last answer, and the JavaScript strings every send hands to `fetch`.

use alloc::string::String;
use core::cell::{Cell, OnceCell};
use core::fmt;

use js_sys::{Function, JsString};
use wasm_bindgen::JsValue;

/// `undefined`: what `transport.js` takes for "the global `fetch`".
const GLOBAL_FETCH: &JsValue = &JsValue::UNDEFINED;

use crate::decide::retry::Limits;
use crate::input::token::Token;
use crate::input::types::RateLimit;

/// The v1 send path, after the base URL.
pub(crate) const V1_SEND_PATH: &str = "/api/v1/threads/messages";
/// The v2 send path, after the base URL.
pub(crate) const V2_SEND_PATH: &str = "/api/v2/messages";

/// One client's settings and state, shared with each of its deliveries.
#[derive(Debug)]
pub(crate) struct Session {
    /// The API token.
    pub(crate) token: Token,
    /// The API origin with any path prefix, without a trailing slash (`https://inboxapp.com`).
    pub(crate) base: String,
    /// The URL every v1 send posts to.
    pub(crate) endpoint: String,
    /// The per-attempt timeout unless a send overrides it.
    pub(crate) timeout_ms: u32,
    /// How far retries go.
    pub(crate) limits: Limits,
    /// Whether requests are held back when the budget says they would be refused.
    pub(crate) pace: bool,
    /// The budget the last answer that reported one said (`client.rateLimit`).
    pub(crate) rate_limit: Cell<Option<RateLimit>>,
    /// The budget pacing goes by: the lowest remaining count of the latest window reported.
    pub(crate) budget: Cell<Option<RateLimit>>,
    /// This client's requests sent and not answered yet.
    pub(crate) in_flight: Cell<u32>,
    /// Whether any answer (with headers) has arrived yet.
    pub(crate) answered: Cell<bool>,
    /// The function every request goes through instead of the global `fetch`.
    fetch: Option<Function>,
    /// The JavaScript strings of every send, from the first send on.
    wire: OnceCell<Wire>,
}

impl Session {
    /// A session for validated options.
    pub(crate) fn new(
        token: Token,
        base: String,
        timeout_ms: u32,
        limits: Limits,
        pace: bool,
        fetch: Option<Function>,
    ) -> Self {
        let mut endpoint = base.clone();
        endpoint.push_str(V1_SEND_PATH);
        Session {
            token,
            base,
            endpoint,
            timeout_ms,
            limits,
            pace,
            rate_limit: Cell::new(None),
            budget: Cell::new(None),
            in_flight: Cell::new(0),
            answered: Cell::new(false),
            fetch,
            wire: OnceCell::new(),
        }
    }

    /// The `fetch` every request goes through: the option's, or `undefined` for the global one.
    pub(crate) fn fetch(&self) -> &JsValue {
        self.fetch.as_deref().map_or(GLOBAL_FETCH, |f| f)
    }

    /// `{base}{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        url
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
                v1_url: JsString::from(self.endpoint.as_str()),
                v2_url: JsString::from(self.url(V2_SEND_PATH)),
                authorization: JsString::from(authorization),
            }
        })
    }
}

/// What a client hands to JavaScript on every send, converted once.
pub(crate) struct Wire {
    /// The URL every v1 send posts to.
    pub(crate) v1_url: JsString,
    /// The URL every v2 send posts to.
    pub(crate) v2_url: JsString,
    /// `Bearer <token>`: a secret, so `Debug` leaves it out.
    pub(crate) authorization: JsString,
}

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wire")
            .field("v1_url", &self.v1_url)
            .field("v2_url", &self.v2_url)
            .finish_non_exhaustive()
    }
}
