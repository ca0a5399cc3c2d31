//! The JavaScript surface: `InboxClient` and `InboxError`, a thin adapter over the Rust
//! [`Client`]. Inputs are read field by field ([`read`]); results are the parsed JSON the
//! server sent, so new API fields reach callers as they are.

mod error;
mod read;
mod types;

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Object, Promise};
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::Client;
use crate::decide::error::Error;
use crate::input::types::SendMessageRequest;
use error::{set, to_js_error};
use types::{JsClientOptions, JsRateLimit, JsSendOptions};

/// Sends X direct messages through the Inbox API.
#[wasm_bindgen]
#[derive(Debug)]
pub struct InboxClient {
    client: Client,
}

#[wasm_bindgen]
impl InboxClient {
    /// Creates a client. Throws an `InboxError` (`kind: "invalid_request"`, `field`) when an
    /// option is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsClientOptions) -> Result<InboxClient, JsValue> {
        read::client_options(options)
            .map_err(Error::from)
            .and_then(Client::new)
            .map(|client| InboxClient { client })
            .map_err(|error| to_js_error(&error))
    }

    /// Sends a DM; creates the thread if needed. Resolves to the stored message and its
    /// thread. Rejects with an `InboxError`; invalid input rejects before any network I/O.
    #[wasm_bindgen(
        js_name = sendMessage,
        unchecked_return_type = "Promise<SendMessageResponse>"
    )]
    pub fn send_message(
        &self,
        request: Ts<SendMessageRequest>,
        options: Option<JsSendOptions>,
    ) -> Promise {
        let started = match (
            read::request(&request.js_value()),
            read::send_options(options.as_deref()),
        ) {
            (Ok(request), Ok(options)) => self.client.start(
                &request,
                &options,
                Rc::new(Cell::new(None)),
                Some(to_js_error),
            ),
            (Err(invalid), _) | (_, Err(invalid)) => Err(Error::from(invalid)),
        };
        started.unwrap_or_else(|error| Promise::reject(&to_js_error(&error)))
    }

    /// The rate-limit budget from the last response that reported one, or `undefined`.
    #[wasm_bindgen(getter, js_name = rateLimit)]
    pub fn rate_limit(&self) -> Option<JsRateLimit> {
        let limits = self.client.rate_limit()?;
        let object = Object::new();
        set(&object, "limit", limits.limit as f64);
        set(&object, "remaining", limits.remaining as f64);
        set(&object, "resetAt", limits.reset_at_ms as f64);
        Some(object.unchecked_into())
    }
}
