//! JavaScript strings used on every answer (property and header names), created once per
//! wasm module instance, so reading an answer converts no key text from Rust, and a client
//! made per request (as in a Worker) costs no string conversions.

use js_sys::JsString;

/// Creates the JavaScript string for `text` (a wasm-only call). Not inlined: one call per
/// name is smaller than the string conversion repeated at every name.
#[inline(never)]
pub(crate) fn name(text: &'static str) -> JsString {
    JsString::from(text)
}

/// A value made at its first use and kept for the life of the wasm instance.
#[derive(Debug)]
pub(crate) struct PerInstance<T>(std::cell::OnceCell<T>);

// SAFETY: wasm32 without the atomics feature runs one thread (the allocator refuses to build
// with it), so the cell is never shared across threads. Natively no JavaScript string can be
// made (every wasm-bindgen import panics there), so `make` never returns and the cell is never
// written: concurrent reads of an empty cell do not race.
unsafe impl<T> Sync for PerInstance<T> {}

impl<T> PerInstance<T> {
    /// An empty cell.
    pub(crate) const fn new() -> Self {
        PerInstance(std::cell::OnceCell::new())
    }

    /// The value, made by `make` at the first call. (A `thread_local!` costs 0.9 KB more of
    /// wasm: lazy-storage code and a panic path formatting its access error.)
    pub(crate) fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(make)
    }
}

/// Declares a struct of JavaScript strings and `get()`, which creates each JavaScript string at its
/// first use in this module instance and returns the same strings ever after.
macro_rules! names {
    ($(#[$meta:meta])* $vis:vis struct $ty:ident { $($field:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug)]
        $vis struct $ty {
            $(pub(crate) $field: js_sys::JsString,)*
        }

        impl $ty {
            /// The names of this module instance, created at the first call.
            pub(crate) fn get() -> &'static Self {
                static NAMES: PerInstance<$ty> = PerInstance::new();
                NAMES.get_or_init(|| $ty { $($field: name($text),)* })
            }
        }
    };
}

names! {
    /// The names read from an answer: body fields (`parse`) and headers (`delivery`).
    pub(crate) struct AnswerNames {
        message = "message",
        id = "id",
        content = "content",
        thread = "thread",
        error = "error",
        code = "code",
        request_id = "requestId",
        details = "details",
        replayed = "replayed",
        message_id = "messageId",
        retry_after_seconds = "retryAfterSeconds",
        rate_limit = "x-ratelimit-limit",
        rate_remaining = "x-ratelimit-remaining",
        rate_reset = "x-ratelimit-reset",
        retry_after_ms = "retry-after-ms",
        retry_after = "retry-after",
        request_id_header = "x-request-id",
    }
}
