//! One HTTP attempt through the global `fetch`, with a per-attempt timeout and the
//! caller's abort signal wired to the fetch itself, and an abortable wait between attempts.
//!
//! Only JavaScript functions are handed to JavaScript (promise resolvers): no Rust closures
//! cross the boundary, so nothing leaks when a call is abandoned.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, RequestRedirect, Response};

use crate::token::Token;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    /// The global `fetch`: present in pages, workers, MV3 service workers, workerd and Node.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
}

/// How an attempt ended without a response.
#[derive(Debug)]
pub(crate) enum Interrupted {
    /// The attempt's timeout fired.
    Timeout,
    /// The caller's signal fired.
    Aborted,
    /// `fetch` rejected for another reason; the text describes it.
    Network(String),
}

/// One in-flight attempt's cancellation: a timeout signal, combined with the caller's signal
/// when there is one. Any rejection value is handled (the fetch call is ours), so the caller's
/// abort reason can be anything.
struct Cancel<'a> {
    timeout: AbortSignal,
    caller: Option<&'a AbortSignal>,
}

impl<'a> Cancel<'a> {
    fn new(timeout_ms: u32, caller: Option<&'a AbortSignal>) -> Self {
        Cancel {
            timeout: AbortSignal::timeout_with_u32(timeout_ms),
            caller,
        }
    }

    /// The signal the fetch listens to. `AbortSignal.any` only when the caller gave a signal:
    /// it costs more per send than the fetch itself saves.
    fn signal(&self) -> AbortSignal {
        match self.caller {
            Some(caller) => AbortSignal::any(&js_sys::Array::of2(caller, &self.timeout)),
            None => self.timeout.clone(),
        }
    }

    /// Why the attempt stopped, given that it did.
    fn reason(&self, error: &JsValue) -> Interrupted {
        if self.caller.is_some_and(AbortSignal::aborted) {
            Interrupted::Aborted
        } else if self.timeout.aborted() {
            Interrupted::Timeout
        } else {
            Interrupted::Network(describe(error))
        }
    }
}

/// A response whose status line and headers have arrived.
pub(crate) struct Reply {
    raw: Response,
    headers: web_sys::Headers,
}

impl Reply {
    /// The HTTP status; a redirect the browser withheld (`opaqueredirect`) reads as 0.
    pub(crate) fn status(&self) -> u16 {
        self.raw.status()
    }

    /// A response header, by case-insensitive name.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }
}

/// A finished attempt: the reply and its whole body as a JavaScript string, or why it stopped.
pub(crate) struct Exchange {
    /// The reply, when one arrived.
    pub(crate) reply: Option<Reply>,
    /// The body text, when it was read completely.
    pub(crate) body: Result<JsValue, Interrupted>,
}

/// Posts `body` to `url` once, reading the whole answer under the same timeout and signal.
pub(crate) async fn post(
    url: &str,
    token: &Token,
    body: &str,
    timeout_ms: u32,
    caller: Option<&AbortSignal>,
) -> Exchange {
    let cancel = Cancel::new(timeout_ms, caller);
    let signal = cancel.signal();
    let mut authorization = String::with_capacity(token.expose().len() + 7);
    authorization.push_str("Bearer ");
    authorization.push_str(token.expose());
    // `fetch(url, init)` with a plain headers object: building a `Request` first (as gloo-net
    // does) doubles the work per send. Any rejection value is handled here, so an abort reason
    // of any type cannot trip the client.
    let headers = js_sys::Object::new();
    let _ = Reflect::set(
        &headers,
        &JsValue::from_str("authorization"),
        &JsValue::from_str(&authorization),
    );
    let _ = Reflect::set(
        &headers,
        &JsValue::from_str("content-type"),
        &JsValue::from_str("application/json"),
    );
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&signal));
    let sent = match global_fetch(url, &init) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    let raw: Response = match sent.map(JsCast::dyn_into::<Response>) {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => {
            let stopped = Interrupted::Network(
                "fetch resolved to something other than a Response".to_owned(),
            );
            return Exchange {
                reply: None,
                body: Err(stopped),
            };
        }
        Err(error) => {
            return Exchange {
                reply: None,
                body: Err(cancel.reason(&error)),
            };
        }
    };
    let text = match raw.text() {
        Ok(promise) => JsFuture::from(promise).await.map_err(|e| cancel.reason(&e)),
        Err(error) => Err(cancel.reason(&error)),
    };
    Exchange {
        reply: Some(Reply {
            headers: raw.headers(),
            raw,
        }),
        body: text,
    }
}

/// Waits `ms` milliseconds, or until the caller's signal fires (`Err(Interrupted::Aborted)`).
pub(crate) async fn sleep(ms: u32, caller: Option<&AbortSignal>) -> Result<(), Interrupted> {
    if caller.is_some_and(AbortSignal::aborted) {
        return Err(Interrupted::Aborted);
    }
    let mut handle = JsValue::UNDEFINED;
    let mut on_abort: Option<Function> = None;
    let promise = Promise::new(&mut |resolve, reject| {
        handle = set_timeout(&resolve, ms);
        if let Some(signal) = caller {
            let _ = signal.add_event_listener_with_callback("abort", &reject);
            on_abort = Some(reject);
        }
    });
    let waited = JsFuture::from(promise).await;
    clear_timeout(&handle);
    if let (Some(signal), Some(reject)) = (caller, &on_abort) {
        let _ = signal.remove_event_listener_with_callback("abort", reject);
    }
    waited.map(drop).map_err(|_| Interrupted::Aborted)
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
        (Some(name), Some(message)) => [name.as_str(), ": ", message.as_str()].concat(),
        (None, Some(message)) => message,
        _ => "an unknown error".to_owned(),
    }
}
