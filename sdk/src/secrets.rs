//! Secret values.
//!
//! Most components never read a secret. They put [`placeholder`] in an
//! outgoing HTTP header, and the host replaces it with the value only on
//! requests to the hosts the manifest binds the secret to.

use crate::Error;
use crate::bindings::moat::platform::secrets as host;

/// Returns the value of secret `name`.
///
/// Needs `read = true` under `[grants.secrets.<name>]`; otherwise the host
/// returns `denied`. The host masks the value wherever the guest echoes it.
pub fn get(name: &str) -> Result<String, Error> {
    host::get(name)
}

/// Returns the header placeholder for secret `name`: `{{secret.<name>}}`.
pub fn placeholder(name: &str) -> String {
    format!("{{{{secret.{name}}}}}")
}
