//! Reading response bodies: the success shape (strict only on what identifies the result) and
//! the vendor's error shapes. Bodies stay JavaScript strings and are parsed by `JSON.parse`, so
//! the success value reaches JavaScript callers exactly as the server sent it.

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::names::{AnswerNames, Name};

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
}

/// How much of an error body is kept for diagnosis, in UTF-16 units.
const BODY_EXCERPT: u32 = 2048;

/// Parses a 2xx body and checks `message.id`, `message.content` and `thread.id` are strings.
/// On failure, says what is wrong.
pub(crate) fn success(body: &JsValue, names: &AnswerNames) -> Result<JsValue, &'static str> {
    // A complete answer's body is always a string (`response.text()`).
    let text: &JsString = body.unchecked_ref();
    let value = parse_json(text).map_err(|_| match text.length() {
        0 => "the body is empty",
        _ => "the body is not JSON",
    })?;
    if !value.is_object() {
        return Err("message is missing or not an object");
    }
    let is_string = |object: &JsValue, name: &Name| get(object, name).is_string();
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

/// What an error body says, in any of the vendor's shapes.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ApiErrorBody {
    /// The server's error code.
    pub(crate) code: Option<String>,
    /// The server's message.
    pub(crate) message: Option<String>,
    /// The request id, when the body carries one.
    pub(crate) request_id: Option<String>,
    /// The start of the raw body.
    pub(crate) excerpt: Option<String>,
}

/// Reads an error body:
/// `{"error": {"code", "message"}}` (v1), `{"error": "Unauthorized", "message"}` (v1 auth),
/// `{"code", "message", "requestId"}` (v2), or anything else kept as raw text.
pub(crate) fn api_error(body: &JsValue, names: &AnswerNames) -> ApiErrorBody {
    let Some(text) = body.dyn_ref::<JsString>() else {
        return ApiErrorBody::default();
    };
    let excerpt = excerpt(text);
    let parsed = parse_json(text).ok().filter(JsValue::is_object);
    let Some(value) = parsed else {
        return ApiErrorBody {
            excerpt,
            ..ApiErrorBody::default()
        };
    };
    let (code, message) = match object(&value, &names.error) {
        Some(inner) => (string(&inner, &names.code), string(&inner, &names.message)),
        None => (
            string(&value, &names.error).or_else(|| string(&value, &names.code)),
            string(&value, &names.message),
        ),
    };
    ApiErrorBody {
        code,
        message,
        request_id: string(&value, &names.request_id),
        excerpt,
    }
}

/// The first [`BODY_EXCERPT`] units of a body, without splitting a surrogate pair.
fn excerpt(text: &JsString) -> Option<String> {
    if text.length() == 0 {
        return None;
    }
    let mut end = text.length().min(BODY_EXCERPT);
    // A high surrogate at the cut would be cut from its pair.
    if end < text.length() && (55296.0..56320.0).contains(&text.char_code_at(end - 1)) {
        end -= 1;
    }
    Some(String::from(text.slice(0, end)))
}

/// `object[name]`; `object` is a non-null object.
fn get(object: &JsValue, name: &Name) -> JsValue {
    object.unchecked_ref::<Parsed>().field(&name.js)
}

/// `value[name]` when it is a non-null object.
fn object(value: &JsValue, name: &Name) -> Option<JsValue> {
    Some(get(value, name)).filter(JsValue::is_object)
}

/// `value[name]` when it is a string.
fn string(value: &JsValue, name: &Name) -> Option<String> {
    get(value, name).as_string()
}
