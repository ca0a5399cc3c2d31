//! The decisions, pure and natively tested: what an attempt's answer means ([`answer`]),
//! whether and when to try again ([`retry`]), how a `sendUnconfirmed` is settled by reading
//! the message ([`confirm`]), whether a request may go now ([`pace`]), what the caller is told
//! ([`error`]) and what a failure is about ([`scope`]), with the
//! token redacted from every server text ([`redact`]). Inputs are plain data: a status, header
//! strings, parsed error fields, a [`fault::Fault`], the time, a random number.

pub(crate) mod answer;
pub(crate) mod confirm;
pub(crate) mod decode;
pub mod error;
pub(crate) mod fault;
pub(crate) mod pace;
pub(crate) mod reconcile;
pub(crate) mod redact;
pub(crate) mod retry;
pub(crate) mod scope;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
