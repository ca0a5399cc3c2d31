//! v2 idempotency keys: what the first request with a key stored and answered.

use serde_json::Value;

/// How long idempotency keys are kept by default (24 hours).
pub const DEFAULT_KEY_TTL_MS: u64 = 86_400_000;

/// A v2 `Idempotency-Key` seen before.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// The request body it came with (compared as JSON).
    pub body: Value,
    /// The `SendResult` of the first request (answered again, with 200, on a replay).
    pub result: Value,
    pub message_id: String,
    /// Unix ms of the first request.
    pub created_at: u64,
    /// The first request has not been answered yet (a scripted delay is running).
    pub in_progress: bool,
}
