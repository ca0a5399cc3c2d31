//! What JavaScript threw, in words: for error messages and causes.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

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
        (Some(mut name), Some(message)) => {
            name.push_str(": ");
            name.push_str(&message);
            name
        }
        (None, Some(message)) => message,
        _ => "an unknown error".to_owned(),
    }
}
