//! Observables: typed values such as addresses, hashes and user names.

use serde::{Deserialize, Serialize};

pub use crate::bindings::moat::platform::types::{Observable, ObservableKind};

crate::text_enum::text_enum!(ObservableKind, "observable kind", [
    Ipv4 => "ipv4",
    Ipv6 => "ipv6",
    Domain => "domain",
    Url => "url",
    Md5 => "md5",
    Sha1 => "sha1",
    Sha256 => "sha256",
    Email => "email",
    Hostname => "hostname",
    User => "user",
    FileName => "file-name",
]);

impl ObservableKind {
    /// Returns whether the kind is an IPv4 or IPv6 address.
    pub fn is_address(self) -> bool {
        matches!(self, ObservableKind::Ipv4 | ObservableKind::Ipv6)
    }

    /// Returns whether the kind is a file hash.
    pub fn is_hash(self) -> bool {
        matches!(
            self,
            ObservableKind::Md5 | ObservableKind::Sha1 | ObservableKind::Sha256
        )
    }
}

impl Observable {
    pub fn new(kind: ObservableKind, value: impl Into<String>) -> Observable {
        Observable {
            kind,
            value: value.into(),
        }
    }
}

impl std::fmt::Display for Observable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.value)
    }
}

/// JSON form of an observable: `{"kind": "ipv4", "value": "203.0.113.5"}`.
#[derive(Serialize, Deserialize)]
struct ObservableJson<'a> {
    kind: ObservableKind,
    #[serde(borrow)]
    value: std::borrow::Cow<'a, str>,
}

impl Serialize for Observable {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let json = ObservableJson {
            kind: self.kind,
            value: self.value.as_str().into(),
        };
        json.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Observable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = ObservableJson::deserialize(deserializer)?;
        Ok(Observable::new(json.kind, json.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Severity, Verdict};

    #[test]
    fn observable_json_uses_wit_names() {
        let observable = Observable::new(ObservableKind::FileName, "invoice.pdf.exe");
        let text = serde_json::to_string(&observable).expect("serializes");
        assert_eq!(text, r#"{"kind":"file-name","value":"invoice.pdf.exe"}"#);

        let parsed: Observable = serde_json::from_str(&text).expect("parses");
        assert_eq!(parsed, observable);
    }

    #[test]
    fn unknown_kind_lists_valid_kinds() {
        let error = "ip".parse::<ObservableKind>().expect_err("unknown kind");
        assert_eq!(error.kind(), "invalid");
        assert!(
            error.message().contains("ipv4, ipv6"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn text_forms_round_trip() {
        for kind in ObservableKind::ALL {
            assert_eq!(kind.as_str().parse::<ObservableKind>().ok(), Some(*kind));
        }
        for severity in Severity::ALL {
            assert_eq!(severity.as_str().parse::<Severity>().ok(), Some(*severity));
        }
        for verdict in Verdict::ALL {
            assert_eq!(verdict.as_str().parse::<Verdict>().ok(), Some(*verdict));
        }
    }

    #[test]
    fn severity_and_verdict_order() {
        assert!(Severity::Info < Severity::Critical);
        assert_eq!(Severity::Low.at_least(Severity::High), Severity::High);
        assert_eq!(
            Severity::Critical.at_least(Severity::High),
            Severity::Critical
        );
        assert_eq!(
            Verdict::worst([Verdict::Benign, Verdict::Malicious, Verdict::Suspicious]),
            Verdict::Malicious
        );
        assert_eq!(Verdict::worst([]), Verdict::Unknown);
    }
}
