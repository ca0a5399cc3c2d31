//! What JavaScript threw, in words: for error messages and causes (read by `parse.js`).

use alloc::string::String;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/io/parse.js")]
extern "C" {
    /// A short description of a JavaScript failure: a string as it is, an error as
    /// `name: message`, else "an unknown error".
    pub(crate) fn describe(thrown: &JsValue) -> String;
}
