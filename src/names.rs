//! JavaScript strings used on every send (property names, header names), created once per
//! client so that reading an input or an answer converts no key text from Rust to JavaScript.

use js_sys::JsString;

/// One property or header name: the JavaScript string, and the text for error messages.
#[derive(Debug)]
pub(crate) struct Name {
    /// The name as a JavaScript string, for `Reflect.get` and `Headers.get`.
    pub(crate) js: JsString,
    /// The same name as Rust text, for the JavaScript surface's error messages.
    #[cfg_attr(not(all(target_arch = "wasm32", feature = "js")), allow(dead_code))]
    pub(crate) text: &'static str,
}

impl Name {
    /// Creates the JavaScript string for `text` (a wasm-only call). Not inlined: one call per
    /// name is smaller than the string conversion repeated at every name.
    #[inline(never)]
    pub(crate) fn new(text: &'static str) -> Self {
        Name {
            js: JsString::from(text),
            text,
        }
    }
}

/// Declares a struct of [`Name`]s whose `new()` creates each JavaScript string once.
macro_rules! names {
    ($(#[$meta:meta])* $vis:vis struct $ty:ident { $($field:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug)]
        $vis struct $ty {
            $(pub(crate) $field: $crate::names::Name,)*
        }

        impl $ty {
            /// Creates every name's JavaScript string.
            pub(crate) fn new() -> Self {
                $ty { $($field: $crate::names::Name::new($text),)* }
            }
        }
    };
}
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub(crate) use names;

names! {
    /// The names read from an answer: body fields (`decode`) and headers (`delivery`).
    pub(crate) struct AnswerNames {
        message = "message",
        id = "id",
        content = "content",
        thread = "thread",
        error = "error",
        code = "code",
        request_id = "requestId",
        rate_limit = "x-ratelimit-limit",
        rate_remaining = "x-ratelimit-remaining",
        rate_reset = "x-ratelimit-reset",
        retry_after_ms = "retry-after-ms",
        retry_after = "retry-after",
        request_id_header = "x-request-id",
    }
}
