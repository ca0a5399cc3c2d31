//! Send X direct messages through the Inbox API (v1 `POST /api/v1/threads/messages`, v2
//! `POST /api/v2/messages` exactly once by idempotency key) from any
//! JavaScript runtime (pages, MV3 service workers, Cloudflare Workers, Node, Deno, Bun) or Rust
//! wasm app.
//!
//! The folders follow the data path, one way; a module only names those before it:
//!
//! ```text
//! input/    what a caller gives: types, validation, options, token, the request body
//!   ↓
//! decide/   pure decisions: what an answer means, retry, redaction, the error model and its scope
//!   ↓
//! io/       the fetch loop (transport.js), answers read (parse.js), and the delivery each
//!           attempt is reported to
//!   ↓
//! client.rs the Rust surface: Client
//!   ↓
//! js/       the JavaScript surface: InboxClient, InboxError (a thin adapter)
//! ```
//!
//! `text.rs` holds byte-level helpers every layer may use; `allocator.rs` is the npm
//! package's allocator.
// The npm package's wasm links no std (see `panic` below); every other build links it as usual.
#![cfg_attr(all(target_arch = "wasm32", feature = "pkg"), no_std)]
#![deny(missing_docs, missing_debug_implementations)]

extern crate alloc;

mod text;

mod input;

mod decide;

mod io;

mod client;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod js;

#[cfg(all(target_arch = "wasm32", feature = "allocator"))]
mod allocator;

/// The npm package's allocator: a size-class allocator much smaller than dlmalloc.
#[cfg(all(target_arch = "wasm32", feature = "allocator"))]
#[global_allocator]
static ALLOCATOR: allocator::Buckets = allocator::Buckets::new();

/// The npm package's panic handler. Its wasm links no std, so it brings its own: a panic traps
/// at once (the call into wasm throws a `RuntimeError`), as std's would after printing to a
/// standard error that wasm32-unknown-unknown does not have. What it saves is the formatting
/// std would do for that print (the message, the file and line), and `core::fmt` with it.
#[cfg(all(target_arch = "wasm32", feature = "pkg"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

pub use client::{Client, SendOptions};
pub use decide::error::{Cause, Details, Error, ErrorKind};
pub use decide::scope::Scope;
pub use input::options::{ClientOptions, DEFAULT_BASE_URL};
pub use input::token::Token;
pub use input::types::{
    ConfirmedBy, Message, MessageV2, Meta, RateLimit, Recipient, SendMessageRequest,
    SendMessageResponse, SendRequest, SendResult, Target, Thread, ThreadV2, WebhookEvent,
};
pub use input::validate::Invalid;
pub use input::{types, validate};
