//! The delivery suite (tests/common) in a headless browser page: Chromium and Firefox
//! (`scripts/test.sh` runs it with each driver).
#![cfg(target_arch = "wasm32")]

mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
delivery_suite!();
