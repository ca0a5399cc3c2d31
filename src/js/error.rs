//! `InboxError`, the error every JavaScript caller receives: a real `Error` with the kind and
//! details as properties, and the runtime's own error as its `cause` (built by `error.js`).

use wasm_bindgen::prelude::*;

use super::rate_limit_value;
use crate::decide::error::{Details, Error};

#[wasm_bindgen(module = "/src/js/error.js")]
extern "C" {
    /// The `InboxError` with these properties; `None` / `undefined` ones are left out.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = inboxError)]
    fn inbox_error(
        message: &str,
        kind: &str,
        field: Option<&str>,
        rule: Option<&str>,
        status: Option<u16>,
        api_code: Option<&str>,
        request_id: Option<&str>,
        retry_after_ms: Option<f64>,
        maybe_sent: bool,
        attempts: u32,
        body: Option<&str>,
        idempotency_key: Option<&str>,
        message_id: Option<&str>,
        rate_limit: &JsValue,
        cause: &JsValue,
    ) -> JsValue;

    /// `{ field, rule, message }` of an `invalid_request` error: what `validate` finds wrong.
    pub(crate) fn problem(error: &JsValue) -> JsValue;

}

/// Builds the `InboxError` a JavaScript caller receives.
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    // An invalid request: nothing was sent, no attempt made (the default details).
    let none = Details::default();
    let (invalid, details) = match error {
        Error::InvalidRequest(invalid) => (Some(invalid), &none),
        Error::Failed(_, details) => (None, &**details),
    };
    inbox_error(
        &error.message(),
        error.kind().as_str(),
        invalid.map(|invalid| &*invalid.field),
        invalid.map(|invalid| invalid.rule),
        details.status,
        details.api_code.as_deref(),
        details.request_id.as_deref(),
        details.retry_after_ms.map(|ms| ms as f64),
        details.maybe_sent,
        details.attempts,
        details.body.as_deref(),
        details.idempotency_key.as_deref(),
        details.message_id.as_deref(),
        &details
            .rate_limit
            .as_deref()
            .map_or(JsValue::UNDEFINED, rate_limit_value),
        details
            .cause
            .as_ref()
            .and_then(|cause| cause.value())
            .unwrap_or(&JsValue::UNDEFINED),
    )
}
