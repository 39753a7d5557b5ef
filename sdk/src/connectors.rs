//! Calls into connector components.
//!
//! The manifest must list each connector under `[grants] connectors`. The
//! connector runs in its own sandbox with its own grants.

use crate::Error;
use crate::bindings::moat::platform::connectors as host;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Runs `action` of `connector` with JSON text `input` and returns the JSON
/// text it produced.
pub fn invoke(connector: &str, action: &str, input: &str) -> Result<String, Error> {
    host::invoke(connector, action, input)
}

/// Runs `action` of `connector`, serializing `input` and parsing the output.
///
/// Errors from the host or the connector pass through unchanged. Output that
/// does not parse as `T` is an `upstream` error, because the connector, not
/// the caller, produced it.
pub fn invoke_json<T: DeserializeOwned>(
    connector: &str,
    action: &str,
    input: &impl Serialize,
) -> Result<T, Error> {
    let input = crate::json::to_json(input)?;
    let output = invoke(connector, action, &input)?;

    serde_json::from_str(&output).map_err(|error| {
        Error::upstream(format!(
            "connector `{connector}` action `{action}` returned unexpected JSON: {error}"
        ))
    })
}
