//! `InboxError`, the error every JavaScript caller receives: a real `Error` (made by
//! `error.js`) with the kind, the scope, whether it is retryable and every detail set on it
//! by name, and the runtime's own error as its `cause`.

use wasm_bindgen::prelude::*;

use crate::decide::error::Error;
use crate::io::parse::rate_limit_value;

#[wasm_bindgen(module = "/src/js/error.js")]
extern "C" {
    /// An `InboxError` with its message and name; its other properties are set below, each
    /// only when it has a value.
    type InboxError;
    #[wasm_bindgen(js_name = inboxError)]
    fn new_error(message: &str) -> InboxError;
    #[wasm_bindgen(method, setter)]
    fn set_kind(this: &InboxError, kind: &str);
    #[wasm_bindgen(method, setter)]
    fn set_scope(this: &InboxError, scope: &str);
    #[wasm_bindgen(method, setter)]
    fn set_retryable(this: &InboxError, retryable: bool);
    #[wasm_bindgen(method, setter)]
    fn set_field(this: &InboxError, field: &str);
    #[wasm_bindgen(method, setter)]
    fn set_rule(this: &InboxError, rule: &str);
    #[wasm_bindgen(method, setter)]
    fn set_status(this: &InboxError, status: u16);
    #[wasm_bindgen(method, setter = apiCode)]
    fn set_api_code(this: &InboxError, code: &str);
    #[wasm_bindgen(method, setter = requestId)]
    fn set_request_id(this: &InboxError, id: &str);
    #[wasm_bindgen(method, setter = retryAfterMs)]
    fn set_retry_after_ms(this: &InboxError, ms: f64);
    #[wasm_bindgen(method, setter = maybeSent)]
    fn set_maybe_sent(this: &InboxError, maybe_sent: bool);
    #[wasm_bindgen(method, setter)]
    fn set_attempts(this: &InboxError, attempts: u32);
    #[wasm_bindgen(method, setter)]
    fn set_body(this: &InboxError, body: &str);
    #[wasm_bindgen(method, setter = idempotencyKey)]
    fn set_idempotency_key(this: &InboxError, key: &str);
    #[wasm_bindgen(method, setter = messageId)]
    fn set_message_id(this: &InboxError, id: &str);
    #[wasm_bindgen(method, setter = rateLimit)]
    fn set_rate_limit(this: &InboxError, budget: JsValue);
    #[wasm_bindgen(method, setter)]
    fn set_cause(this: &InboxError, cause: &JsValue);

    /// `{ field, rule, message }` of an `invalid_request` error: what `validate` finds wrong.
    pub(crate) fn problem(error: &JsValue) -> JsValue;
}

/// Builds the `InboxError` a JavaScript caller receives.
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    let js = new_error(&error.message());
    js.set_kind(error.kind().as_str());
    js.set_scope(error.scope().as_str());
    js.set_retryable(error.is_retryable());
    let Some(details) = error.details() else {
        // An invalid request: nothing was sent, no attempt made.
        if let Error::InvalidRequest(invalid) = error {
            js.set_field(&invalid.field);
            js.set_rule(invalid.rule);
        }
        js.set_maybe_sent(false);
        js.set_attempts(0);
        return js.into();
    };
    if let Some(status) = details.status {
        js.set_status(status);
    }
    if let Some(code) = &details.api_code {
        js.set_api_code(code);
    }
    if let Some(id) = &details.request_id {
        js.set_request_id(id);
    }
    if let Some(ms) = details.retry_after_ms {
        js.set_retry_after_ms(ms as f64);
    }
    js.set_maybe_sent(details.maybe_sent);
    js.set_attempts(details.attempts);
    if let Some(body) = &details.body {
        js.set_body(body);
    }
    if let Some(key) = &details.idempotency_key {
        js.set_idempotency_key(key);
    }
    if let Some(id) = &details.message_id {
        js.set_message_id(id);
    }
    if let Some(budget) = &details.rate_limit {
        js.set_rate_limit(rate_limit_value(budget));
    }
    if let Some(cause) = details.cause.as_ref().and_then(|cause| cause.value()) {
        js.set_cause(cause);
    }
    js.into()
}
