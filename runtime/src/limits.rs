//! Per-run limits and their defaults.
//!
//! A manifest may lower any limit and may raise it up to the matching
//! `MAX_*` ceiling; the ceilings keep one component from starving the
//! others on a shared host.

use serde::{Deserialize, Serialize};

/// Default wall-clock deadline of a run, in milliseconds. Ten seconds covers
/// a few enrichment calls to slow reputation services.
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Largest deadline a manifest may set, in milliseconds.
pub const MAX_TIMEOUT_MS: u64 = 300_000;

/// Default linear-memory cap per instance, in MiB. Rust guests use a few
/// MiB; interpreted guests (Python, JavaScript) need tens.
pub const DEFAULT_MEMORY_MB: u64 = 128;
/// Largest memory cap a manifest may set, in MiB. Also the size of each
/// slot in the pooling allocator.
pub const MAX_MEMORY_MB: u64 = 512;

/// Default cap on the JSON a run or connector action returns, in bytes.
pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 1024 * 1024;
/// Default cap on log text a run may store, in bytes.
pub const DEFAULT_MAX_LOG_BYTES: u64 = 256 * 1024;
/// Longest stored guest log line, in bytes; longer lines are truncated.
pub const MAX_LOG_LINE_BYTES: usize = 4096;
/// Default cap on one HTTP response body, in bytes.
pub const DEFAULT_MAX_HTTP_BODY_BYTES: u64 = 4 * 1024 * 1024;
/// Default number of HTTP requests a run may have in flight at once.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;
/// Default time allowed to connect to an upstream, in milliseconds.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
/// Deepest chain of connector calls: a playbook calling a connector is
/// depth 1. Connectors may call connectors, but not without bound.
pub const MAX_CALL_DEPTH: u32 = 4;

/// Limits of one component, as set in `[limits]` of its manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Wall-clock deadline of one run or connector call, in milliseconds.
    pub timeout_ms: u64,
    /// Linear-memory cap of one instance, in MiB.
    pub memory_mb: u64,
    /// Fuel (roughly, executed instructions) per run; `None` means only the
    /// deadline bounds CPU use.
    pub fuel: Option<u64>,
    /// Cap on the returned JSON, in bytes.
    pub max_output_bytes: u64,
    /// Cap on stored guest log text, in bytes.
    pub max_log_bytes: u64,
    /// Cap on one HTTP response body, in bytes.
    pub max_http_body_bytes: u64,
    /// HTTP requests in flight at once.
    pub max_connections: u32,
    /// Time allowed to connect to an upstream, in milliseconds.
    pub connect_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout_ms: DEFAULT_TIMEOUT_MS,
            memory_mb: DEFAULT_MEMORY_MB,
            fuel: None,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            max_log_bytes: DEFAULT_MAX_LOG_BYTES,
            max_http_body_bytes: DEFAULT_MAX_HTTP_BODY_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            connect_timeout_ms: DEFAULT_CONNECT_TIMEOUT_MS,
        }
    }
}

impl Limits {
    /// Checks every value against its ceiling; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        check_range("limits.timeout_ms", self.timeout_ms, 1, MAX_TIMEOUT_MS)?;
        check_range("limits.memory_mb", self.memory_mb, 1, MAX_MEMORY_MB)?;
        check_range(
            "limits.max_output_bytes",
            self.max_output_bytes,
            1,
            64 << 20,
        )?;
        check_range("limits.max_log_bytes", self.max_log_bytes, 0, 64 << 20)?;
        check_range(
            "limits.max_http_body_bytes",
            self.max_http_body_bytes,
            1,
            256 << 20,
        )?;
        check_range(
            "limits.max_connections",
            u64::from(self.max_connections),
            1,
            256,
        )?;
        check_range(
            "limits.connect_timeout_ms",
            self.connect_timeout_ms,
            1,
            MAX_TIMEOUT_MS,
        )
    }
}

fn check_range(field: &str, value: u64, min: u64, max: u64) -> Result<(), String> {
    if (min..=max).contains(&value) {
        return Ok(());
    }
    Err(format!(
        "`{field} = {value}` is out of range: use a value from {min} to {max}"
    ))
}
