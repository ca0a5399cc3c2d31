//! The emulated API's paths: the prefixes routing goes by and the two send endpoints a fault
//! names by `api`.

/// v1's send endpoint.
pub const V1_SEND: &str = "/api/v1/threads/messages";
/// v2's send endpoint.
pub const V2_SEND: &str = "/api/v2/messages";
/// v2's contacts, found by platform identity.
pub const V2_CONTACTS: &str = "/api/v2/contacts";
/// v2's thread list.
pub const V2_THREADS: &str = "/api/v2/threads";
/// v2's event feed.
pub const V2_EVENTS: &str = "/api/v2/events";

/// Whether a path belongs to the v1 API.
pub fn is_v1(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

/// Whether a path belongs to the v2 API.
pub fn is_v2(path: &str) -> bool {
    path == "/api/v2" || path.starts_with("/api/v2/")
}

/// Whether a path belongs to the control API (`/__emulator/…`).
pub fn is_control(path: &str) -> bool {
    path == "/__emulator" || path.starts_with("/__emulator/")
}

/// The control API's one recorded path (a redirect a client must not follow lands here).
pub const REDIRECT_TARGET: &str = "/__emulator/redirect-target";
