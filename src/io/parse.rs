//! Reading response bodies in JavaScript: `JSON.parse` on the body string, then the success
//! shape (strict only on what identifies the result) or the vendor's error shapes. The success
//! value reaches JavaScript callers exactly as the server sent it.

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::decide::answer::ErrorBody;
use crate::decide::reconcile::{Entry, Page};
use crate::io::names::AnswerNames;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` on a JavaScript string, without copying it through Rust.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;
    /// A value `JSON.parse` made (plain data: no getters or proxies, so reading cannot throw).
    type Parsed;
    /// `value[name]`; only called on objects.
    #[wasm_bindgen(method, indexing_getter)]
    fn field(this: &Parsed, name: &JsString) -> JsValue;
    /// `value[name] = item`; only called on objects `JSON.parse` made.
    #[wasm_bindgen(method, indexing_setter)]
    fn set_field(this: &Parsed, name: &JsString, item: &JsValue);
}

/// Sets `replayed` on a v2 send's parsed result (`true` for a `200`, a replay of the key).
pub(crate) fn set_replayed(value: &JsValue, replayed: bool) {
    let name = &AnswerNames::get().replayed;
    value
        .unchecked_ref::<Parsed>()
        .set_field(name, &JsValue::from_bool(replayed));
}

/// The thread id of a parsed `GET /threads/lookup` answer; `None` for `null` (no thread).
/// `Err` when the answer is neither `null` nor a thread.
pub(crate) fn lookup_thread(value: &JsValue) -> Result<Option<String>, &'static str> {
    if value.is_null() {
        return Ok(None);
    }
    if !value.is_object() {
        return Err("the lookup answer is neither null nor a thread");
    }
    match string(value, &AnswerNames::get().id) {
        Some(id) => Ok(Some(id)),
        None => Err("thread.id is missing or not a string"),
    }
}

/// A parsed page of `GET /threads/{id}/messages`, as far as reconciling reads it. Fields of the
/// wrong type read as absent.
pub(crate) fn page(value: &JsValue) -> Page {
    let names = AnswerNames::get();
    let get_key = |object: &JsValue, key: &str| {
        js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or_default()
    };
    let messages = if value.is_object() {
        get_key(value, "messages")
    } else {
        JsValue::UNDEFINED
    };
    let entries = messages
        .dyn_ref::<js_sys::Array>()
        .map(|list| {
            list.iter()
                .filter(JsValue::is_object)
                .map(|m| Entry {
                    content: string(&m, &names.content),
                    author_id: get_key(&m, "authorId").as_string(),
                    created_at: get_key(&m, "createdAt").as_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let next_cursor = if value.is_object() {
        get_key(value, "nextCursor").as_string()
    } else {
        None
    };
    Page {
        messages: entries,
        next_cursor,
    }
}

/// `value.messages[index]` of a parsed page of messages (`undefined` when absent).
pub(crate) fn page_item(value: &JsValue, index: usize) -> JsValue {
    let messages = js_sys::Reflect::get(value, &JsValue::from_str("messages"));
    let item = messages.and_then(|m| js_sys::Reflect::get_u32(&m, index as u32));
    item.unwrap_or_default()
}

/// Parses a 2xx body (a string: `response.text()`) as JSON, whatever its shape.
pub(crate) fn json(body: &JsValue) -> Result<JsValue, &'static str> {
    let text: &JsString = body.unchecked_ref();
    parse_json(text).map_err(|_| match text.length() {
        0 => "the body is empty",
        _ => "the body is not JSON",
    })
}

/// Parses a 2xx send body and checks that `message.id`, `message.content` and `thread.id`
/// are strings. On failure, says what is wrong.
pub(crate) fn success(body: &JsValue) -> Result<JsValue, &'static str> {
    let names = AnswerNames::get();
    let value = json(body)?;
    if !value.is_object() {
        return Err("message is missing or not an object");
    }
    let is_string = |object: &JsValue, name: &JsString| get(object, name).is_string();
    let message = object(&value, &names.message).ok_or("message is missing or not an object")?;
    if !is_string(&message, &names.id) {
        return Err("message.id is missing or not a string");
    }
    if !is_string(&message, &names.content) {
        return Err("message.content is missing or not a string");
    }
    let thread = object(&value, &names.thread).ok_or("thread is missing or not an object")?;
    if !is_string(&thread, &names.id) {
        return Err("thread.id is missing or not a string");
    }
    Ok(value)
}

/// Reads an error body, keeping the first `units` UTF-16 units of its text:
/// `{"error": {"code", "message"}}` (v1), `{"error": "Unauthorized", "message"}` (v1 auth),
/// `{"code", "message", "requestId"}` (v2), or anything else kept as raw text.
pub(crate) fn error_body(body: &JsValue, units: u32) -> ErrorBody {
    let Some(text) = body.dyn_ref::<JsString>() else {
        return ErrorBody::default();
    };
    let start = (text.length() > 0).then(|| String::from(text.slice(0, units)));
    let parsed = parse_json(text).ok().filter(JsValue::is_object);
    let Some(value) = parsed else {
        return ErrorBody {
            text: start,
            ..ErrorBody::default()
        };
    };
    let names = AnswerNames::get();
    let (code, message) = match object(&value, &names.error) {
        Some(inner) => (string(&inner, &names.code), string(&inner, &names.message)),
        None => (
            string(&value, &names.error).or_else(|| string(&value, &names.code)),
            string(&value, &names.message),
        ),
    };
    let details = object(&value, &names.details);
    let detail = |name: &JsString| details.as_ref().map(|d| get(d, name));
    ErrorBody {
        code,
        message,
        request_id: string(&value, &names.request_id),
        message_id: detail(&names.message_id).and_then(|v| v.as_string()),
        retry_after_seconds: detail(&names.retry_after_seconds)
            .and_then(|v| v.as_f64())
            .filter(|s| *s >= 0.0)
            .map(|s| s.ceil() as u64),
        text: start,
    }
}

/// `object[name]`; `object` is a non-null object.
fn get(object: &JsValue, name: &JsString) -> JsValue {
    object.unchecked_ref::<Parsed>().field(name)
}

/// `value[name]` when it is a non-null object.
fn object(value: &JsValue, name: &JsString) -> Option<JsValue> {
    Some(get(value, name)).filter(JsValue::is_object)
}

/// `value[name]` when it is a string.
fn string(value: &JsValue, name: &JsString) -> Option<String> {
    get(value, name).as_string()
}
