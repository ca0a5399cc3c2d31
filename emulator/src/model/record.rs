//! The request record: one entry per API request (and per redirect-target hit), kept until a
//! reset, so tests can prove what arrived and how it was answered.

use std::collections::BTreeMap;

use serde_json::Value;

/// One entry of `GET /__emulator/requests`.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub seq: u64,
    pub request_id: String,
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub processed: bool,
    pub fault: Option<Value>,
    pub status: Option<u16>,
    /// The client closed the connection of a `hang` fault (e.g. an aborted fetch).
    pub client_closed: bool,
}
