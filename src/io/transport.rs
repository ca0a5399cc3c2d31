//! The binding to `transport.js`, the fetch loop: it runs the attempts a [`Delivery`] asks for
//! with the global `fetch` and reports how each one ended back to it.
//!
//! Only JavaScript functions and promises are involved: no Rust closure crosses the boundary,
//! so nothing leaks when a send is abandoned.

use js_sys::{JsString, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use crate::io::delivery::Delivery;

#[wasm_bindgen(module = "/src/io/transport.js")]
extern "C" {
    /// Runs `delivery` to its end: resolves with `Delivery::finish`'s value, rejects with its
    /// error. The delivery is freed when it settles.
    pub(crate) fn deliver(
        delivery: Delivery,
        url: &JsString,
        authorization: &JsString,
        body: &str,
        timeout_ms: u32,
        signal: Option<&AbortSignal>,
    ) -> Promise;
}

/// A short description of a JavaScript failure: its `name: message`, or its string form.
pub(crate) fn describe(error: &JsValue) -> String {
    if let Some(text) = error.as_string() {
        return text;
    }
    let get = |key: &str| {
        Reflect::get(error, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    match (get("name"), get("message")) {
        (Some(mut name), Some(message)) => {
            name.push_str(": ");
            name.push_str(&message);
            name
        }
        (None, Some(message)) => message,
        _ => "an unknown error".to_owned(),
    }
}
