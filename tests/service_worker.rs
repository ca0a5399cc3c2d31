//! The delivery suite (tests/common) in a Chromium service worker.
#![cfg(target_arch = "wasm32")]

mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_service_worker);
delivery_suite!();
