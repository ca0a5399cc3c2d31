//! What a caller gives: the request and response types, the rules they must meet, the client
//! options, the token, and the request body the API receives.

pub(crate) mod body;
pub mod options;
pub(crate) mod query;
pub mod token;
pub mod types;
pub mod validate;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
