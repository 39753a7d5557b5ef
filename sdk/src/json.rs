//! JSON conversions shared by the host-call helpers.

use crate::Error;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Serializes `value` to JSON text. Failure means a `Serialize` impl
/// rejected the value, such as a map with non-string keys.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|error| Error::internal(format!("failed to serialize JSON: {error}")))
}

/// Parses JSON text. The `invalid` error names `source`, such as "the raw
/// alert".
pub fn from_json<T: DeserializeOwned>(source: &str, text: &str) -> Result<T, Error> {
    serde_json::from_str(text)
        .map_err(|error| Error::invalid(format!("invalid JSON in {source}: {error}")))
}
