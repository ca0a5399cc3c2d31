//! Reading an answer in JavaScript (`parse.js`): header values, the parsed success body
//! (strict only on what identifies the result), the vendor's error shapes, a page of
//! messages. The success value reaches JavaScript callers exactly as the server sent it.

use alloc::string::String;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Response;

use crate::decide::answer::{ErrorBody, Header};
use crate::decide::reconcile::{Cursor, Entry, Page};
use crate::input::types::{Meta, RateLimit};
use crate::text::ceil;

#[wasm_bindgen(module = "/src/io/parse.js")]
extern "C" {
    /// Header `name` of `response`.
    fn header(response: &Response, name: &str) -> Option<String>;
    /// The parsed 2xx body, checked and given its `meta` when one is given (a send); throws
    /// what is wrong.
    #[wasm_bindgen(catch)]
    fn success(
        text: &JsValue,
        meta: Option<JsMeta>,
        replayed: Option<bool>,
    ) -> Result<JsValue, JsValue>;
    /// `{ data, meta }`: `text` (a 2xx body) parsed as JSON, with `meta`; throws what is wrong.
    #[wasm_bindgen(js_name = data, catch)]
    fn caller_data(text: &JsValue, meta: JsMeta) -> Result<JsValue, JsValue>;
    /// A message read with its thread as a send's answer `{ message, thread }` (text), when X
    /// has it (its `platformId` is set); else `undefined`.
    pub(crate) fn confirmed(text: &JsValue) -> JsValue;
    /// `{ limit, remaining, resetAt }`.
    #[wasm_bindgen(js_name = rateLimit)]
    fn rate_limit_object(limit: f64, remaining: f64, reset_at: f64) -> JsValue;
    /// `{ code, message, requestId, messageId, retryAfterSeconds, resetAt, linkStatus, text,
    /// cut }`.
    #[wasm_bindgen(js_name = errorBody)]
    fn error_fields(text: &JsValue, units: u32) -> JsValue;
    /// `{ id, platformId, externalId }`, or `null`; throws what is wrong.
    #[wasm_bindgen(js_name = lookupThread, catch)]
    fn lookup(value: &JsValue) -> Result<Option<Object>, JsValue>;
    /// `[nextCursor.id, nextCursor.timestamp, isSyncing, content, authorId, createdAt, ...]`.
    #[wasm_bindgen(js_name = pageEntries)]
    fn page_entries(value: &JsValue) -> Array;
    /// `value.messages[index]`.
    #[wasm_bindgen(js_name = pageItem)]
    pub(crate) fn page_item(value: &JsValue, index: u32) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// The `meta` of a delivered send as JavaScript callers read it, set by name.
    #[wasm_bindgen(extends = Object)]
    type JsMeta;
    #[wasm_bindgen(method, setter)]
    fn set_status(this: &JsMeta, status: u16);
    #[wasm_bindgen(method, setter = requestId)]
    fn set_request_id(this: &JsMeta, id: &str);
    #[wasm_bindgen(method, setter)]
    fn set_attempts(this: &JsMeta, attempts: u32);
    #[wasm_bindgen(method, setter = rateLimit)]
    fn set_rate_limit(this: &JsMeta, budget: JsValue);
    #[wasm_bindgen(method, setter = confirmedBy)]
    fn set_confirmed_by(this: &JsMeta, by: &str);
}

/// What `parse.js` threw: what is wrong with the body, in words.
fn problem(thrown: JsValue) -> String {
    thrown.as_string().unwrap_or_default()
}

/// A response header's value.
pub(crate) fn header_value(response: &Response, name: Header) -> Option<String> {
    header(response, name.name())
}

/// A budget as the JavaScript object `{ limit, remaining, resetAt }`.
pub(crate) fn rate_limit_value(budget: &RateLimit) -> JsValue {
    rate_limit_object(
        budget.limit as f64,
        budget.remaining as f64,
        budget.reset_at_ms as f64,
    )
}

/// `meta` as the JavaScript object `{ status, requestId?, attempts, rateLimit?, confirmedBy? }`.
fn meta_value(meta: &Meta) -> JsMeta {
    let js: JsMeta = Object::new().unchecked_into();
    js.set_status(meta.status);
    if let Some(id) = &meta.request_id {
        js.set_request_id(id);
    }
    js.set_attempts(meta.attempts);
    if let Some(budget) = &meta.rate_limit {
        js.set_rate_limit(rate_limit_value(budget));
    }
    if meta.confirmed_by.is_some() {
        js.set_confirmed_by("read");
    }
    js
}

/// Parses a 2xx body (`response.text()`) as JSON. Given a send's `meta`, checks that
/// `message.id`, `message.content` and `thread.id` are strings and sets `meta` and, when given,
/// `replayed`; on failure, says what is wrong.
pub(crate) fn body(
    text: &JsValue,
    send: Option<&Meta>,
    replayed: Option<bool>,
) -> Result<JsValue, String> {
    success(text, send.map(meta_value), replayed).map_err(problem)
}

/// Parses the 2xx body of a caller's read (`get`) as JSON and hands it back as `{ data, meta }`;
/// on failure, says what is wrong.
pub(crate) fn data(text: &JsValue, meta: &Meta) -> Result<JsValue, String> {
    caller_data(text, meta_value(meta)).map_err(problem)
}

/// The thread a `GET /threads/lookup` answer names: its id and its prospect's ids.
#[derive(Debug)]
pub(crate) struct Looked {
    /// The thread id.
    pub(crate) thread_id: String,
    /// The prospect's `platformId` and `externalId`, where given.
    pub(crate) prospect: [Option<String>; 2],
}

/// The thread of a parsed `GET /threads/lookup` answer; `None` for `null` (no thread).
/// `Err` when the answer is neither `null` nor a thread.
pub(crate) fn lookup_thread(value: &JsValue) -> Result<Option<Looked>, String> {
    let found = lookup(value).map_err(problem)?;
    Ok(found.map(|fields| {
        let text = |name| field(&fields, name).as_string();
        Looked {
            thread_id: text("id").unwrap_or_default(),
            prospect: [text("platformId"), text("externalId")],
        }
    }))
}

/// A parsed page of `GET /threads/{id}/messages`, as far as reconciling reads it. Fields of the
/// wrong type read as absent; entry `i` is `messages[i]`.
pub(crate) fn page(value: &JsValue) -> Page {
    let flat = page_entries(value);
    let text = |index: u32| flat.get(index).as_string();
    let next_cursor = match (text(0), text(1)) {
        (Some(id), Some(timestamp)) => Some(Cursor { id, timestamp }),
        _ => None,
    };
    Page {
        messages: (1..flat.length() / 3)
            .map(|i| Entry {
                content: text(3 * i),
                author_id: text(3 * i + 1),
                created_at: text(3 * i + 2),
            })
            .collect(),
        next_cursor,
        syncing: flat.get(2).is_truthy(),
    }
}

/// Reads an error body, keeping the first `units` UTF-16 units of its text:
/// `{"error": {"code", "message"}}` (v1), `{"error": "Unauthorized", "message"}` (v1 auth),
/// `{"code", "message", "requestId", "details"}` (v2), or anything else kept as raw text.
pub(crate) fn error_body(text: &JsValue, units: u32) -> ErrorBody {
    let fields = error_fields(text, units);
    let field = |name| field(&fields, name);
    let text = |name| field(name).as_string();
    ErrorBody {
        code: text("code"),
        message: text("message"),
        request_id: text("requestId"),
        message_id: text("messageId"),
        retry_after_seconds: field("retryAfterSeconds")
            .as_f64()
            .filter(|s| *s >= 0.0)
            .map(|s| ceil(s) as u64),
        reset_at: text("resetAt"),
        link_status: text("linkStatus"),
        text: text("text"),
        cut: field("cut").is_truthy(),
    }
}

/// Field `name` of a plain object (`undefined` when absent).
pub(crate) fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or_default()
}
