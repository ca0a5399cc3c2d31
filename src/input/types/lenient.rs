//! The forgiving reader for optional response fields: a value of the wrong type decodes as
//! absent instead of failing the whole response (a delivered DM is never reported as an
//! error because a field the caller did not ask for changed type).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads an optional field: `T` when the value fits, `None` when it is `null` or does not.
pub(super) fn field<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        value => Ok(T::deserialize(value).ok()),
    }
}
