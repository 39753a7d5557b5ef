//! Typed execution-log events.
//!
//! Every event is stored as the run goes, as JSON with a `type` field, so
//! that a reader can follow a run that is still executing. No event carries
//! a secret value: the host masks values before an event is built.

use serde::{Deserialize, Serialize};

/// One step of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    RunStarted {
        component: String,
        version: String,
        trigger: String,
    },
    /// A line the guest wrote through the `log` interface.
    GuestLog {
        level: String,
        message: String,
    },
    /// An outbound HTTP request that the policy allowed.
    HttpRequest {
        method: String,
        scheme: String,
        host: String,
        port: u16,
        path: String,
        /// `None` when the request failed before a response arrived.
        status: Option<u16>,
        response_bytes: u64,
        duration_ms: u64,
        /// Failure reason, when the request failed.
        error: Option<String>,
    },
    /// A capability call that the manifest does not grant.
    Denied {
        capability: String,
        reason: String,
    },
    /// A secret was used, by placeholder substitution or a direct read.
    SecretUsed {
        name: String,
        /// `header` for a placeholder substitution, `read` for `secrets.get`.
        how: String,
        /// Host the secret was sent to, for a substitution.
        host: Option<String>,
    },
    ConnectorCall {
        connector: String,
        action: String,
        duration_ms: u64,
        ok: bool,
        error: Option<String>,
    },
    CaseChange {
        case_id: String,
        change: String,
        detail: String,
    },
    IntelLookup {
        kind: String,
        value: String,
        matches: u32,
    },
    LimitHit {
        limit: String,
        detail: String,
    },
    RunFinished {
        ok: bool,
        duration_ms: u64,
        summary: Option<String>,
        error: Option<String>,
        fuel_consumed: Option<u64>,
        peak_memory_bytes: u64,
    },
}

impl RunEvent {
    /// Returns the value of the `type` field.
    pub fn kind(&self) -> &'static str {
        match self {
            RunEvent::RunStarted { .. } => "run_started",
            RunEvent::GuestLog { .. } => "guest_log",
            RunEvent::HttpRequest { .. } => "http_request",
            RunEvent::Denied { .. } => "denied",
            RunEvent::SecretUsed { .. } => "secret_used",
            RunEvent::ConnectorCall { .. } => "connector_call",
            RunEvent::CaseChange { .. } => "case_change",
            RunEvent::IntelLookup { .. } => "intel_lookup",
            RunEvent::LimitHit { .. } => "limit_hit",
            RunEvent::RunFinished { .. } => "run_finished",
        }
    }
}
