//! The delivery suite (tests/common) in Node, wasm-bindgen-test's default host.
#![cfg(target_arch = "wasm32")]

mod common;

delivery_suite!();
