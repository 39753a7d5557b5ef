//! The request builder.

use super::response::Response;
use super::url::Target;
use crate::Error;
use serde::Serialize;

/// Default cap on a response body, in bytes. It matches the host's default
/// `limits.max_http_body_bytes`, which the host enforces on its own side.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// An outgoing HTTP request, sent with [`Request::send`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    max_body_bytes: usize,
}

impl Request {
    /// Starts a request. `method` is case-insensitive for the standard
    /// methods; any other token is sent as given.
    pub fn new(method: &str, url: impl Into<String>) -> Request {
        Request {
            method: method.to_owned(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    pub fn get(url: impl Into<String>) -> Request {
        Request::new("GET", url)
    }

    pub fn post(url: impl Into<String>) -> Request {
        Request::new("POST", url)
    }

    /// Appends a header; repeated names are sent as repeated headers.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    /// Sets the body to `value` as JSON and adds `content-type:
    /// application/json`.
    pub fn json(self, value: &impl Serialize) -> Result<Request, Error> {
        let body = crate::json::to_json(value)?;
        Ok(self.header("content-type", "application/json").body(body))
    }

    /// Sets the largest response body [`Request::send`] accepts, in bytes.
    pub fn max_body_bytes(mut self, max_body_bytes: usize) -> Request {
        self.max_body_bytes = max_body_bytes;
        self
    }

    pub fn method(&self) -> &str {
        &self.method
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// Sends the request and reads the whole response body.
    ///
    /// Errors: `invalid` for a malformed URL or header, `denied` when the
    /// host's outbound policy rejects the request, `limit-exceeded` when the
    /// body is larger than [`Request::max_body_bytes`] or the host's
    /// `max_http_body_bytes`, or when the run already has `max_connections`
    /// requests in flight, and `upstream` for
    /// every other transport failure. Any status, 3xx to 5xx included, is a
    /// successful [`Response`].
    pub fn send(&self) -> Result<Response, Error> {
        let target = Target::parse(&self.url)?;
        super::transport::send(self, &target)
    }

    pub(super) fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    pub(super) fn max_body(&self) -> usize {
        self.max_body_bytes
    }
}
