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

/// Declares a response record: serde camelCase, exported to TypeScript, `#[non_exhaustive]`.
///
/// A field written `pub name: Option<T> => "TS type",` is lenient: it may be missing, `null` or
/// of another type (it then decodes as absent, through [`field`]), is left out when serialized
/// as `None`, and is `name?: TS type` in the `.d.ts`. A field without `=> "…"` is strict.
macro_rules! lenient_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident: $ty:ty $(=> $ts:literal)?,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "types", derive(tsify::Tsify))]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            $(
                $(#[$field_meta])*
                $(
                    #[serde(
                        default,
                        skip_serializing_if = "Option::is_none",
                        deserialize_with = "crate::input::types::lenient::field"
                    )]
                    #[cfg_attr(feature = "types", tsify(optional, type = $ts))]
                )?
                pub $field: $ty,
            )+
        }
    };
}
pub(super) use lenient_struct;
