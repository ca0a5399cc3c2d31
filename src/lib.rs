//! Send X direct messages through the Inbox API (`POST /api/v1/threads/messages`) from any
//! JavaScript runtime (pages, MV3 service workers, Cloudflare Workers, Node) or Rust wasm app.
//!
//! The flow runs one way: caller → [`validate`] → [`body`] → `transport` (fetch, in
//! `transport.js`) → `delivery` (judges each answer: retry, error or result, with `decode`) →
//! result or [`Error`]. The Rust API is [`Client`]; the JavaScript API is the `InboxClient`
//! class in `js.rs`, a thin layer over the same client.
#![deny(missing_docs, missing_debug_implementations)]

pub mod body;
mod client;
mod decode;
mod delivery;
mod error;
mod names;
mod options;
mod rate_limit;
mod retry;
mod text;
mod token;
mod transport;
pub mod types;
pub mod validate;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js;

#[cfg(all(target_arch = "wasm32", feature = "pkg"))]
mod allocator;

/// The npm package's allocator: a size-class allocator much smaller than dlmalloc.
#[cfg(all(target_arch = "wasm32", feature = "pkg"))]
#[global_allocator]
static ALLOCATOR: allocator::Buckets = allocator::Buckets::new();

pub use client::{Client, SendOptions};
pub use error::{Details, Error, ErrorKind};
pub use options::{ClientOptions, DEFAULT_BASE_URL};
pub use rate_limit::RateLimit;
pub use token::Token;
pub use types::{Message, Recipient, SendMessageRequest, SendMessageResponse, Thread};
pub use validate::Invalid;
