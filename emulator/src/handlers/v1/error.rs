//! v1's error: the vendor's `{"error":{code,message,status}}` shape.

use crate::handlers::gate::with_retry_after;
use crate::http::Response;

/// An error answer of the v1 API.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// For 429s: `Retry-After` / `retry-after-ms`.
    pub retry_after_ms: Option<u64>,
}

impl ApiError {
    /// A 400 `BAD_REQUEST`; the message starts with the field.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            code: "BAD_REQUEST",
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// A 404 with the given code.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: 404,
            code,
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// 404 `ACCOUNT_LINK_NOT_FOUND`.
    pub fn account_link_not_found(id: &str) -> Self {
        ApiError::not_found(
            "ACCOUNT_LINK_NOT_FOUND",
            format!("No account link with id {id}"),
        )
    }

    /// The response.
    pub fn into_response(self) -> Response {
        let r = Response::error(self.status, self.code, &self.message);
        match self.retry_after_ms {
            Some(ms) => with_retry_after(r, ms),
            None => r,
        }
    }
}
