//! One HTTP attempt through the global `fetch` (gloo-net), with a per-attempt timeout and the
//! caller's abort signal wired to the fetch itself, and an abortable wait between attempts.
//!
//! Only JavaScript functions are handed to JavaScript (bound methods, promise resolvers): no
//! Rust closures cross the boundary, so nothing leaks when a call is abandoned.

use gloo_net::http::Request;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestRedirect, Response};

use crate::token::Token;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    /// The global `fetch`: present in pages, workers, MV3 service workers, workerd and Node.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(request: &web_sys::Request) -> Result<Promise, JsValue>;
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

/// One in-flight attempt's cancellation: its own controller (so the rejection reason is always
/// an `AbortError`), fed by the caller's signal and by a timeout signal.
struct Cancel<'a> {
    controller: AbortController,
    timeout: AbortSignal,
    caller: Option<&'a AbortSignal>,
    forward: Option<Function>,
}

impl<'a> Cancel<'a> {
    fn new(timeout_ms: u32, caller: Option<&'a AbortSignal>) -> Result<Self, Interrupted> {
        let controller = AbortController::new().map_err(|e| Interrupted::Network(describe(&e)))?;
        let timeout = AbortSignal::timeout_with_u32(timeout_ms);
        let forward = caller.and_then(|signal| {
            // controller.abort.bind(controller, undefined): the event is not taken as a reason.
            let abort = bound_method(controller.as_ref(), "abort")?;
            let _ = signal.add_event_listener_with_callback("abort", &abort);
            Some(abort)
        });
        Ok(Cancel {
            controller,
            timeout,
            caller,
            forward,
        })
    }

    /// The signal the fetch listens to: ours or the timeout, whichever fires first.
    fn signal(&self) -> AbortSignal {
        let both = js_sys::Array::of2(self.controller.signal().as_ref(), self.timeout.as_ref());
        AbortSignal::any(&both)
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

impl Drop for Cancel<'_> {
    fn drop(&mut self) {
        if let (Some(signal), Some(forward)) = (self.caller, &self.forward) {
            let _ = signal.remove_event_listener_with_callback("abort", forward);
        }
    }
}

/// A response whose status line and headers have arrived.
pub(crate) struct Reply {
    raw: Response,
}

impl Reply {
    /// The HTTP status; a redirect the browser withheld (`opaqueredirect`) reads as 0.
    pub(crate) fn status(&self) -> u16 {
        self.raw.status()
    }

    /// A response header, by case-insensitive name.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.raw.headers().get(name).ok().flatten()
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
    let cancel = match Cancel::new(timeout_ms, caller) {
        Ok(cancel) => cancel,
        Err(stopped) => {
            return Exchange {
                reply: None,
                body: Err(stopped),
            }
        }
    };
    let signal = cancel.signal();
    let mut authorization = String::with_capacity(token.expose().len() + 7);
    authorization.push_str("Bearer ");
    authorization.push_str(token.expose());
    let request = Request::post(url)
        .header("Authorization", &authorization)
        .header("Content-Type", "application/json")
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(&signal))
        .body(body);
    // gloo-net builds the request; the fetch is ours, so any rejection value (whatever the
    // runtime or an abort reason throws) is handled here rather than assumed to be an Error.
    let fetched = match request {
        Ok(request) => global_fetch(&request.into()),
        Err(_) => Err(JsValue::from_str("the runtime could not build the request")),
    };
    let sent = match fetched {
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
        reply: Some(Reply { raw }),
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

/// `target[name].bind(target, undefined)`, when `target[name]` is a function.
fn bound_method(target: &JsValue, name: &str) -> Option<Function> {
    let method = Reflect::get(target, &JsValue::from_str(name)).ok()?;
    let bind: Function = Reflect::get(&method, &JsValue::from_str("bind"))
        .ok()?
        .dyn_into()
        .ok()?;
    let args = js_sys::Array::of2(target, &JsValue::UNDEFINED);
    Reflect::apply(&bind, &method, &args).ok()?.dyn_into().ok()
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
