//! Domain types shared by the runtime, storage and API.
//!
//! The WIT bindings have their own generated copies of these types; the
//! conversions live in `host::convert` so that the rest of the host works
//! with these plain Rust types.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Severity of an alert or a case, ordered from `Info` to `Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Kind of an observable value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObservableKind {
    Ipv4,
    Ipv6,
    Domain,
    Url,
    Md5,
    Sha1,
    Sha256,
    Email,
    Hostname,
    User,
    FileName,
}

impl ObservableKind {
    pub const ALL: [ObservableKind; 11] = [
        ObservableKind::Ipv4,
        ObservableKind::Ipv6,
        ObservableKind::Domain,
        ObservableKind::Url,
        ObservableKind::Md5,
        ObservableKind::Sha1,
        ObservableKind::Sha256,
        ObservableKind::Email,
        ObservableKind::Hostname,
        ObservableKind::User,
        ObservableKind::FileName,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObservableKind::Ipv4 => "ipv4",
            ObservableKind::Ipv6 => "ipv6",
            ObservableKind::Domain => "domain",
            ObservableKind::Url => "url",
            ObservableKind::Md5 => "md5",
            ObservableKind::Sha1 => "sha1",
            ObservableKind::Sha256 => "sha256",
            ObservableKind::Email => "email",
            ObservableKind::Hostname => "hostname",
            ObservableKind::User => "user",
            ObservableKind::FileName => "file-name",
        }
    }
}

/// A typed value seen in an alert or attached to a case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Observable {
    pub kind: ObservableKind,
    pub value: String,
}

/// Verdict of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Unknown,
    Benign,
    Suspicious,
    Malicious,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::Unknown,
        Verdict::Benign,
        Verdict::Suspicious,
        Verdict::Malicious,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unknown => "unknown",
            Verdict::Benign => "benign",
            Verdict::Suspicious => "suspicious",
            Verdict::Malicious => "malicious",
        }
    }
}

/// Workflow status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaseStatus {
    Open,
    InProgress,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 3] = [CaseStatus::Open, CaseStatus::InProgress, CaseStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::InProgress => "in-progress",
            CaseStatus::Closed => "closed",
        }
    }
}

/// Error returned when a string names no variant of an enum above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} `{value}`: expected one of {expected}")]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
    pub expected: String,
}

macro_rules! impl_str_enum {
    ($ty:ty, $what:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = ParseEnumError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                let wanted = value.trim().to_ascii_lowercase();
                <$ty>::ALL
                    .into_iter()
                    .find(|candidate| candidate.as_str() == wanted)
                    .ok_or_else(|| ParseEnumError {
                        what: $what,
                        value: value.to_owned(),
                        expected: <$ty>::ALL.map(|v| v.as_str()).join(", "),
                    })
            }
        }
    };
}

impl_str_enum!(Severity, "severity");
impl_str_enum!(ObservableKind, "observable kind");
impl_str_enum!(Verdict, "verdict");
impl_str_enum!(CaseStatus, "case status");

/// A normalised alert as a playbook receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertView {
    pub id: String,
    pub source: String,
    pub title: String,
    pub severity: Severity,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub dedup_key: String,
    /// Valid observables only.
    pub observables: Vec<Observable>,
    /// The record exactly as received.
    pub raw: String,
}

/// Cause of a run: an alert or a manual start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Trigger {
    Alert(AlertView),
    /// JSON text given by a person or a script.
    Manual(String),
}

/// A case as the host interfaces and the API return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseInfo {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: CaseStatus,
    pub dedup_key: String,
    pub observables: Vec<Observable>,
    pub alert_count: u32,
    /// True when the call that returned this record created the case.
    pub created: bool,
}

/// Request to open a case or update the open case with the same dedup key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRequest {
    pub dedup_key: String,
    pub title: String,
    pub severity: Severity,
    pub observables: Vec<Observable>,
    pub alert_id: Option<String>,
}

/// A stored threat indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub value: Observable,
    pub verdict: Verdict,
    pub source: String,
    pub description: String,
}

/// Author of a change: a run of a component, or an API token's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Actor {
    Run { run_id: String, component: String },
    User { name: String },
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Run { run_id, component } => write!(f, "run {run_id} ({component})"),
            Actor::User { name } => write!(f, "user {name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_strings() {
        for severity in Severity::ALL {
            assert_eq!(severity.as_str().parse::<Severity>(), Ok(severity));
        }
        for kind in ObservableKind::ALL {
            assert_eq!(kind.as_str().parse::<ObservableKind>(), Ok(kind));
        }
        assert_eq!(
            "In-Progress".parse::<CaseStatus>(),
            Ok(CaseStatus::InProgress)
        );
    }

    #[test]
    fn unknown_enum_value_names_choices() {
        let error = "urgent".parse::<Severity>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid severity `urgent`: expected one of info, low, medium, high, critical"
        );
    }
}
