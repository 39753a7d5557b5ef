//! A small key-value store private to the component.
//!
//! Needs `state = true` in the manifest's `[grants]`. Keys are at most 256
//! bytes and values at most 64 KiB.

use crate::Error;
use crate::bindings::moat::platform::state as host;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Returns the bytes stored under `key`, or `None`.
pub fn get(key: &str) -> Result<Option<Vec<u8>>, Error> {
    host::get(key)
}

/// Stores `value` under `key`, replacing any earlier value.
pub fn set(key: &str, value: &[u8]) -> Result<(), Error> {
    host::set(key, value)
}

/// Removes `key` and its value.
pub fn delete(key: &str) -> Result<(), Error> {
    host::delete(key)
}

/// Returns the JSON value stored under `key`, or `None`.
pub fn get_json<T: DeserializeOwned>(key: &str) -> Result<Option<T>, Error> {
    let Some(bytes) = get(key)? else {
        return Ok(None);
    };

    serde_json::from_slice(&bytes).map(Some).map_err(|error| {
        Error::invalid(format!("state key `{key}` contains invalid JSON: {error}"))
    })
}

/// Stores `value` as JSON under `key`.
pub fn set_json<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<(), Error> {
    let text = crate::json::to_json(value)?;
    set(key, text.as_bytes())
}
