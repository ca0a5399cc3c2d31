//! What a handler answers: the response, and what the server needs to know about it.

use crate::http::Response;

/// Result of an API request.
#[derive(Debug, Default)]
pub struct Outcome {
    pub response: Response,
    /// A message was stored.
    pub processed: bool,
    /// The stored message's id.
    pub message_id: Option<String>,
    /// A v2 idempotency key left "in progress" (the caller completes it when it answers).
    pub held_key: Option<(String, String)>,
}

impl Outcome {
    /// An outcome that stored nothing.
    pub fn plain(response: Response) -> Self {
        Outcome {
            response,
            ..Outcome::default()
        }
    }
}
