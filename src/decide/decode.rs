//! A delivered DM's body read into Rust types, as forgivingly as JavaScript callers get it:
//! strict only on what identifies the result (`message.id`, `message.content`, `thread.id`);
//! every other field that is missing, `null` or of another type decodes as absent (see
//! `input::types::lenient`).

use alloc::{string::String, string::ToString};
use serde::de::DeserializeOwned;

/// Parses `text` as `T`; on failure, says what is wrong.
pub(crate) fn response<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::types::{SendMessageResponse, ThreadStatus};

    const SEED: &str = include_str!("../../tests/fixtures/seed-response.json");

    #[test]
    fn the_seed_response_decodes() {
        let response: SendMessageResponse = response(SEED).unwrap();
        assert!(!response.message.id.is_empty());
        assert!(!response.thread.id.is_empty());
    }

    #[test]
    fn mistyped_optional_fields_decode_as_absent() {
        let mut value: serde_json::Value = serde_json::from_str(SEED).unwrap();
        // A number where a string belongs, a string where a boolean belongs, an object where
        // an enum belongs, a string where an array belongs, deep in the prospect too.
        value["message"]["createdAt"] = 1_700_000_000.into();
        value["message"]["isEdited"] = "no".into();
        value["message"]["origin"] = serde_json::json!({ "kind": "api" });
        value["message"]["reactions"] = "none".into();
        value["thread"]["done"] = 0.into();
        value["thread"]["status"] = 7.into();
        value["thread"]["lastMessage"] = "gone".into();
        if value["thread"]["prospect"].is_object() {
            value["thread"]["prospect"]["platformData"] = 5.into();
        }
        let text = value.to_string();
        let decoded: SendMessageResponse = response(&text).expect("a delivered DM decodes");
        assert_eq!(decoded.message.created_at, None);
        assert_eq!(decoded.message.is_edited, None);
        assert_eq!(decoded.message.origin, None);
        assert_eq!(decoded.message.reactions, None);
        assert_eq!(decoded.thread.done, None);
        assert_eq!(decoded.thread.status, None);
        assert_eq!(decoded.thread.last_message, None);
        assert_eq!(decoded.message.id, value["message"]["id"].as_str().unwrap());
    }

    #[test]
    fn unknown_enum_values_and_fields_still_decode() {
        let mut value: serde_json::Value = serde_json::from_str(SEED).unwrap();
        value["thread"]["status"] = "snoozed".into();
        value["thread"]["somethingNew"] = true.into();
        let decoded: SendMessageResponse = response(&value.to_string()).unwrap();
        assert_eq!(
            decoded.thread.status,
            Some(ThreadStatus::Other("snoozed".into()))
        );
    }

    #[test]
    fn the_identifying_fields_stay_strict() {
        for (path, bad) in [
            (("message", "id"), serde_json::Value::from(5)),
            (("message", "content"), serde_json::Value::Null),
            (("thread", "id"), serde_json::Value::from(false)),
        ] {
            let mut value: serde_json::Value = serde_json::from_str(SEED).unwrap();
            value[path.0][path.1] = bad;
            let error = response::<SendMessageResponse>(&value.to_string()).unwrap_err();
            assert!(error.contains("invalid type"), "{path:?}: {error}");
        }
        assert!(response::<SendMessageResponse>("not json").is_err());
    }
}
