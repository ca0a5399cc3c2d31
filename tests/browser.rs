//! The delivery suite (tests/common) in a headless Chromium page.
#![cfg(target_arch = "wasm32")]

mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
delivery_suite!();
