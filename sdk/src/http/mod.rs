//! A blocking HTTP client on the standard `wasi:http/outgoing-handler`.
//!
//! The host checks every request against the manifest's
//! `allowed_outbound_hosts` and does not follow redirects, so a 3xx status
//! reaches the caller as is. A header value may contain a
//! `{{secret.NAME}}` placeholder (see [`crate::secrets::placeholder`]). The
//! host substitutes it only on requests to the hosts that secret is bound to.
//!
//! ```no_run
//! # fn main() -> Result<(), moat_sdk::Error> {
//! use moat_sdk::http::Request;
//!
//! let response = Request::new("GET", "https://api.example.com/v1/items?id=7")
//!     .header("accept", "application/json")
//!     .send()?;
//! let items: serde_json::Value = response.json()?;
//! # Ok(())
//! # }
//! ```

mod error_code;
mod percent;
mod request;
mod response;
mod transport;
mod url;

pub use error_code::{DENIED_PREFIX, LIMIT_EXCEEDED_PREFIX, error_from_code};
pub use percent::encode_path_segment;
pub use request::{DEFAULT_MAX_BODY_BYTES, Request};
pub use response::Response;

use crate::Error;

/// Checks a request to `url` with `header_values` against the host's
/// outbound policy and secret bindings without sending anything. Returns
/// the `denied` error a request would get, which names the manifest line
/// that would allow it.
pub fn check(url: &str, header_values: &[String]) -> Result<(), Error> {
    crate::bindings::moat::platform::http_policy::check(url, header_values)
}

/// Sends a `GET` request to `url` with no extra headers.
pub fn get(url: &str) -> Result<Response, Error> {
    Request::new("GET", url).send()
}
