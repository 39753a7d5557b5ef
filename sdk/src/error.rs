//! The WIT `error` variant, returned by every host call and by `run` and
//! `invoke`.

pub use crate::bindings::moat::platform::types::Error;

impl Error {
    /// Builds a `denied` error: the manifest does not grant the call.
    pub fn denied(message: impl Into<String>) -> Error {
        Error::Denied(message.into())
    }

    /// Builds a `not-found` error: a case, secret, connector or key does not exist.
    pub fn not_found(message: impl Into<String>) -> Error {
        Error::NotFound(message.into())
    }

    /// Builds an `invalid` error: an argument was malformed.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    /// Builds a `timeout` error: a deadline passed.
    pub fn timeout(message: impl Into<String>) -> Error {
        Error::Timeout(message.into())
    }

    /// Builds a `limit-exceeded` error: a size, count or depth limit was reached.
    pub fn limit_exceeded(message: impl Into<String>) -> Error {
        Error::LimitExceeded(message.into())
    }

    /// Builds an `upstream` error: a remote service or a called connector failed.
    pub fn upstream(message: impl Into<String>) -> Error {
        Error::Upstream(message.into())
    }

    /// Builds an `internal` error: something failed that is not the caller's fault.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::Internal(message.into())
    }

    /// Returns the WIT case name, such as `not-found`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Denied(_) => "denied",
            Error::NotFound(_) => "not-found",
            Error::Invalid(_) => "invalid",
            Error::Timeout(_) => "timeout",
            Error::LimitExceeded(_) => "limit-exceeded",
            Error::Upstream(_) => "upstream",
            Error::Internal(_) => "internal",
        }
    }

    /// Returns the message without the case name.
    pub fn message(&self) -> &str {
        match self {
            Error::Denied(message)
            | Error::NotFound(message)
            | Error::Invalid(message)
            | Error::Timeout(message)
            | Error::LimitExceeded(message)
            | Error::Upstream(message)
            | Error::Internal(message) => message,
        }
    }

    /// Returns the same kind of error with `context` and `: ` put before the
    /// message.
    pub fn context(self, context: impl std::fmt::Display) -> Error {
        let message = format!("{context}: {}", self.message());
        match self {
            Error::Denied(_) => Error::Denied(message),
            Error::NotFound(_) => Error::NotFound(message),
            Error::Invalid(_) => Error::Invalid(message),
            Error::Timeout(_) => Error::Timeout(message),
            Error::LimitExceeded(_) => Error::LimitExceeded(message),
            Error::Upstream(_) => Error::Upstream(message),
            Error::Internal(_) => Error::Internal(message),
        }
    }
}

/// Malformed JSON is the caller's input problem, so it maps to `invalid`.
impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Error {
        Error::Invalid(format!("invalid JSON: {error}"))
    }
}
