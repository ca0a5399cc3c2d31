//! `InboxError`, the error every JavaScript caller receives: a real `Error` with the kind and
//! details as properties, and the runtime's own error as its `cause`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::decide::error::Error;

#[wasm_bindgen]
extern "C" {
    /// An object this module created (an `InboxError`, a `RateLimit`).
    type Own;
    /// `own[key] = value`.
    #[wasm_bindgen(method, indexing_setter)]
    fn set_field(this: &Own, key: &JsValue, value: &JsValue);
}

/// Builds the `InboxError` a JavaScript caller receives.
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.message());
    set(&js, "name", "InboxError");
    set(&js, "kind", error.kind().as_str());
    match error {
        Error::InvalidRequest(invalid) => {
            set(&js, "field", invalid.field.as_str());
            set(&js, "rule", invalid.rule);
            set(&js, "maybeSent", false);
            set(&js, "attempts", 0.0);
        }
        Error::Failed(_, details) => {
            if let Some(status) = details.status {
                set(&js, "status", f64::from(status));
            }
            if let Some(code) = &details.api_code {
                set(&js, "apiCode", code.as_str());
            }
            if let Some(id) = &details.request_id {
                set(&js, "requestId", id.as_str());
            }
            if let Some(ms) = details.retry_after_ms {
                set(&js, "retryAfterMs", ms as f64);
            }
            set(&js, "maybeSent", details.maybe_sent);
            set(&js, "attempts", f64::from(details.attempts));
            if let Some(body) = &details.body {
                set(&js, "body", body.as_str());
            }
            if let Some(key) = &details.idempotency_key {
                set(&js, "idempotencyKey", key.as_str());
            }
            if let Some(id) = &details.message_id {
                set(&js, "messageId", id.as_str());
            }
            if let Some(value) = details.cause.as_ref().and_then(|c| c.value()) {
                set(&js, "cause", value.clone());
            }
        }
    }
    js.into()
}

/// `target[key] = value` on an object this module created (a plain data property: the
/// assignment cannot throw).
pub(crate) fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    target
        .unchecked_ref::<Own>()
        .set_field(&JsValue::from_str(key), &value.into());
}
