//! Settings from the `[config]` table of the component's manifest.
//!
//! Config values are not secret. Use [`crate::secrets`] for credentials.

use crate::Error;
use crate::bindings::moat::platform::config as host;

/// Returns the value of `key`, or `None` when the manifest does not set it.
pub fn get(key: &str) -> Option<String> {
    host::get(key)
}

/// Returns the value of `key`, or an `invalid` error naming the missing key.
pub fn require(key: &str) -> Result<String, Error> {
    get(key).ok_or_else(|| {
        Error::invalid(format!(
            "missing config key `{key}`: set `{key}` in the `[config]` table of moat.toml"
        ))
    })
}
