//! Reading an answer in JavaScript (`parse.js`): header values, the parsed success body
//! (strict only on what identifies the result), the vendor's error shapes, a page of
//! messages. The success value reaches JavaScript callers exactly as the server sent it.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::Response;

use crate::decide::answer::{ErrorBody, Header};
use crate::decide::reconcile::{Cursor, Entry, Page};
use crate::input::types::Meta;

#[wasm_bindgen(module = "/src/io/parse.js")]
extern "C" {
    /// Header number `index` (a [`Header`]) of `response`.
    fn header(response: &Response, index: u32) -> Option<String>;
    /// The parsed 2xx body; throws a [`PROBLEMS`] index.
    #[wasm_bindgen(catch)]
    #[allow(clippy::too_many_arguments)]
    fn success(
        text: &JsValue,
        strict: bool,
        status: u16,
        request_id: Option<&str>,
        attempts: u32,
        limit: Option<f64>,
        remaining: f64,
        reset_at: f64,
        replayed: Option<bool>,
        confirmed_by: Option<&str>,
    ) -> Result<JsValue, JsValue>;
    /// A message read with its thread as a send's answer `{ message, thread }` (text), when X
    /// has it (its `platformId` is set).
    pub(crate) fn confirmed(text: &JsValue) -> Option<String>;
    /// `[code, message, requestId, messageId, retryAfterSeconds, text start, cut]`.
    #[wasm_bindgen(js_name = errorBody)]
    fn error_fields(text: &JsValue, units: u32) -> Array;
    /// `[thread id, prospect.platformId, prospect.externalId]`, or `null`; throws a
    /// [`PROBLEMS`] index.
    #[wasm_bindgen(js_name = lookupThread, catch)]
    fn lookup(value: &JsValue) -> Result<Option<Array>, JsValue>;
    /// `[nextCursor.id, nextCursor.timestamp, isSyncing, content, authorId, createdAt, ...]`.
    #[wasm_bindgen(js_name = pageEntries)]
    fn page_entries(value: &JsValue) -> Array;
    /// `value.messages[index]`.
    #[wasm_bindgen(js_name = pageItem)]
    pub(crate) fn page_item(value: &JsValue, index: u32) -> JsValue;
}

/// What can be wrong with a body, by the number `parse.js` throws.
const PROBLEMS: [&str; 8] = [
    "the body is empty",
    "the body is not JSON",
    "message is missing or not an object",
    "message.id is missing or not a string",
    "message.content is missing or not a string",
    "thread is missing or not an object",
    "thread.id is missing or not a string",
    "the lookup answer is neither null nor a thread",
];

/// The problem `parse.js` threw.
fn problem(thrown: JsValue) -> &'static str {
    let index = thrown.as_f64().unwrap_or_default() as usize;
    PROBLEMS.get(index).copied().unwrap_or_default()
}

/// A response header's value.
pub(crate) fn header_value(response: &Response, name: Header) -> Option<String> {
    header(response, name as u32)
}

/// Parses a 2xx body (`response.text()`) as JSON. For a send (`send` given) checks that
/// `message.id`, `message.content` and `thread.id` are strings, sets `replayed` when given
/// and `meta`; on failure, says what is wrong.
pub(crate) fn body(
    text: &JsValue,
    send: Option<&Meta>,
    replayed: Option<bool>,
) -> Result<JsValue, &'static str> {
    let (status, request_id, attempts, budget) = match send {
        Some(meta) => (
            meta.status,
            meta.request_id.as_deref(),
            meta.attempts,
            meta.rate_limit,
        ),
        None => (0, None, 0, None),
    };
    success(
        text,
        send.is_some(),
        status,
        request_id,
        attempts,
        budget.map(|b| b.limit as f64),
        budget.map_or(0.0, |b| b.remaining as f64),
        budget.map_or(0.0, |b| b.reset_at_ms as f64),
        replayed,
        send.and_then(|meta| meta.confirmed_by).map(|_| "read"),
    )
    .map_err(problem)
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
pub(crate) fn lookup_thread(value: &JsValue) -> Result<Option<Looked>, &'static str> {
    let found = lookup(value).map_err(problem)?;
    Ok(found.map(|fields| Looked {
        thread_id: fields.get(0).as_string().unwrap_or_default(),
        prospect: [fields.get(1).as_string(), fields.get(2).as_string()],
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
/// `{"code", "message", "requestId"}` (v2), or anything else kept as raw text.
pub(crate) fn error_body(text: &JsValue, units: u32) -> ErrorBody {
    let fields = error_fields(text, units);
    let text = |index: u32| fields.get(index).as_string();
    ErrorBody {
        code: text(0),
        message: text(1),
        request_id: text(2),
        message_id: text(3),
        retry_after_seconds: fields
            .get(4)
            .as_f64()
            .filter(|s| *s >= 0.0)
            .map(|s| s.ceil() as u64),
        text: text(5),
        cut: fields.get(6).is_truthy(),
    }
}
