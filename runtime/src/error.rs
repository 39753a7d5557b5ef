//! Guest errors and traps, kept apart in one place.
//!
//! A host import returns [`HostError`]. `Guest` carries the WIT `error`
//! variant back to the component as an ordinary return value; `Trap` ends
//! the guest at once. Capability denials, bad arguments and upstream
//! failures are guest errors; a fault in the host itself, a passed deadline
//! and a storage failure the guest cannot act on are traps.

use crate::bindings::GuestError;
use std::fmt;

/// Failure of a host import.
#[derive(Debug)]
pub enum HostError {
    Guest(GuestError),
    Trap(wasmtime::Error),
}

/// Result of a host import.
pub type HostResult<T> = Result<T, HostError>;

impl HostError {
    pub fn denied(message: impl Into<String>) -> HostError {
        HostError::Guest(GuestError::Denied(message.into()))
    }

    pub fn not_found(message: impl Into<String>) -> HostError {
        HostError::Guest(GuestError::NotFound(message.into()))
    }

    pub fn invalid(message: impl Into<String>) -> HostError {
        HostError::Guest(GuestError::Invalid(message.into()))
    }

    pub fn limit_exceeded(message: impl Into<String>) -> HostError {
        HostError::Guest(GuestError::LimitExceeded(message.into()))
    }

    pub fn timeout(message: impl Into<String>) -> HostError {
        HostError::Guest(GuestError::Timeout(message.into()))
    }

    pub fn upstream(message: impl Into<String>) -> HostError {
        HostError::Guest(GuestError::Upstream(message.into()))
    }

    pub fn internal(message: impl Into<String>) -> HostError {
        HostError::Guest(GuestError::Internal(message.into()))
    }

    pub fn trap(error: impl Into<wasmtime::Error>) -> HostError {
        HostError::Trap(error.into())
    }
}

impl From<wasmtime::Error> for HostError {
    fn from(error: wasmtime::Error) -> HostError {
        HostError::Trap(error)
    }
}

impl From<wasmtime::component::ResourceTableError> for HostError {
    fn from(error: wasmtime::component::ResourceTableError) -> HostError {
        HostError::Trap(wasmtime::Error::new(error))
    }
}

/// Returns the kind name of a guest error, as used in run results and docs.
pub fn guest_error_kind(error: &GuestError) -> &'static str {
    match error {
        GuestError::Denied(_) => "denied",
        GuestError::NotFound(_) => "not-found",
        GuestError::Invalid(_) => "invalid",
        GuestError::Timeout(_) => "timeout",
        GuestError::LimitExceeded(_) => "limit-exceeded",
        GuestError::Upstream(_) => "upstream",
        GuestError::Internal(_) => "internal",
    }
}

/// Returns the message of a guest error.
pub fn guest_error_message(error: &GuestError) -> &str {
    match error {
        GuestError::Denied(message)
        | GuestError::NotFound(message)
        | GuestError::Invalid(message)
        | GuestError::Timeout(message)
        | GuestError::LimitExceeded(message)
        | GuestError::Upstream(message)
        | GuestError::Internal(message) => message,
    }
}

/// Failure of a run or a connector call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunFailure {
    /// One of `denied`, `not-found`, `invalid`, `timeout`, `limit-exceeded`,
    /// `upstream`, `internal` (the WIT error kinds), or `trap` when the
    /// guest faulted.
    pub kind: String,
    pub message: String,
}

impl RunFailure {
    pub fn new(kind: &str, message: impl Into<String>) -> RunFailure {
        RunFailure {
            kind: kind.to_owned(),
            message: message.into(),
        }
    }

    pub fn from_guest(error: &GuestError) -> RunFailure {
        RunFailure::new(guest_error_kind(error), guest_error_message(error))
    }

    /// Converts the failure back into the WIT error returned to a calling guest.
    pub fn to_guest(&self) -> GuestError {
        let message = self.message.clone();
        match self.kind.as_str() {
            "denied" => GuestError::Denied(message),
            "not-found" => GuestError::NotFound(message),
            "invalid" => GuestError::Invalid(message),
            "timeout" => GuestError::Timeout(message),
            "limit-exceeded" => GuestError::LimitExceeded(message),
            "upstream" => GuestError::Upstream(message),
            _ => GuestError::Internal(message),
        }
    }
}

impl fmt::Display for RunFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for RunFailure {}
