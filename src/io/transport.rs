//! The binding to `transport.js`, the fetch loop: it runs the attempts a [`Delivery`] asks for
//! with the client's `fetch` option or the global `fetch`, and reports how each one ended back
//! to it.
//!
//! Only JavaScript functions and promises are involved: no Rust closure crosses the boundary,
//! so nothing leaks when a send is abandoned.

use alloc::string::String;
use js_sys::{JsString, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::io::delivery::Delivery;

#[wasm_bindgen(module = "/src/io/transport.js")]
extern "C" {
    /// Runs `delivery` to its end: resolves with `Delivery::finish`'s value, rejects with its
    /// error. POSTs `body` (a GET without one), with `key` as the `Idempotency-Key`, through
    /// `fetcher` (the global `fetch`, looked up at each attempt, when `undefined`). The delivery is
    /// freed when it settles.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn deliver(
        delivery: Delivery,
        fetcher: &JsValue,
        url: &JsString,
        authorization: &JsString,
        body: Option<&str>,
        key: Option<&str>,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
    ) -> Promise;

    /// A fresh idempotency key: `crypto.randomUUID()` (122 random bits), or 128 random bits in
    /// hex where that is missing.
    #[wasm_bindgen(js_name = newKey)]
    pub(crate) fn new_key() -> String;
}
