//! Fallback for JSON alerts of any other shape.

use moat_runtime::model::{ObservableKind, Severity};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::collect::ObservableSet;
use super::depth::MAX_DEPTH;
use super::fields::{first_text, lookup};
use super::observable::{hash_kind_by_length, looks_like_url};
use super::sigma::scan_urls;
use super::timestamp::occurred_at;
use super::{ExtractedObservable, NormalizedAlert};

/// Maximum number of string values read from one record.
const MAX_WALKED_VALUES: usize = 10_000;

const TITLE_PATHS: [&str; 7] = [
    "title",
    "name",
    "message",
    "rule",
    "rule.name",
    "rule.title",
    "description",
];
const SEVERITY_KEYS: [&str; 3] = ["severity", "level", "priority"];
const TIME_PATHS: [&str; 4] = ["timestamp", "time", "@timestamp", "created_at"];
const ID_PATHS: [&str; 4] = ["id", "alert_id", "uuid", "_id"];
const HOST_KEY_SUFFIXES: [&str; 4] = ["domain", "hostname", "host", "fqdn"];

pub fn normalize(record: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    let title = first_text(record, &TITLE_PATHS).unwrap_or_else(|| "Generic alert".to_string());
    let mut walker = Walker::default();
    walker.walk(record, "", 0);
    let observables = walker.set.into_vec();

    NormalizedAlert {
        source: "generic".to_string(),
        dedup_key: dedup_key(&title, &observables),
        title,
        severity: severity(record),
        occurred_at: occurred_at(record, &TIME_PATHS, received_at),
        source_ref: first_text(record, &ID_PATHS),
        observables,
        triggerable: true,
        not_triggered_reason: None,
    }
}

/// Returns `generic:` and the first 16 bytes, in hex, of the SHA-256 of the
/// title and the sorted `kind=value` observables, one per line.
fn dedup_key(title: &str, observables: &[ExtractedObservable]) -> String {
    let mut lines: Vec<String> = observables
        .iter()
        .map(|observable| format!("{}={}", observable.kind.as_str(), observable.value))
        .collect();
    lines.sort();

    let mut hasher = Sha256::new();
    hasher.update(title.as_bytes());
    for line in &lines {
        hasher.update(b"\n");
        hasher.update(line.as_bytes());
    }
    let digest = hasher.finalize();
    format!("generic:{}", hex::encode(&digest[..16]))
}

/// Reads the first of `severity`, `level` or `priority` that parses, else
/// returns medium.
fn severity(record: &Value) -> Severity {
    SEVERITY_KEYS
        .iter()
        .find_map(|key| severity_of(key, lookup(record, key)?))
        .unwrap_or(Severity::Medium)
}

/// Parses a severity word or number.
///
/// Numbers 1 to 5 are a five-step scale and 6 to 10 the top of a 0-10 scale,
/// both with higher meaning more severe, except under `priority`, where 1 is
/// the most urgent as in most ticketing tools.
fn severity_of(key: &str, value: &Value) -> Option<Severity> {
    if let Some(word) = value.as_str() {
        return severity_word(word)
            .or_else(|| severity_of(key, &Value::from(word.trim().parse::<f64>().ok()?)));
    }

    let number = value.as_f64()?;
    if key == "priority" {
        return priority_number(number);
    }
    severity_number(number)
}

fn severity_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "informational" | "information" | "info" => Some(Severity::Info),
        "low" => Some(Severity::Low),
        "medium" | "moderate" | "warning" => Some(Severity::Medium),
        "high" | "error" => Some(Severity::High),
        "critical" | "crit" | "severe" => Some(Severity::Critical),
        _ => None,
    }
}

fn severity_number(number: f64) -> Option<Severity> {
    match number {
        n if (0.0..=1.0).contains(&n) => Some(Severity::Info),
        n if n <= 2.0 => Some(Severity::Low),
        n if n <= 3.0 => Some(Severity::Medium),
        n if n <= 4.0 => Some(Severity::High),
        n if n <= 5.0 => Some(Severity::Critical),
        n if n <= 6.0 => Some(Severity::Medium),
        n if n <= 8.0 => Some(Severity::High),
        n if n <= 10.0 => Some(Severity::Critical),
        _ => None,
    }
}

fn priority_number(number: f64) -> Option<Severity> {
    match number {
        n if (0.0..=1.0).contains(&n) => Some(Severity::Critical),
        n if n <= 2.0 => Some(Severity::High),
        n if n <= 3.0 => Some(Severity::Medium),
        n if n <= 4.0 => Some(Severity::Low),
        n if n <= 5.0 => Some(Severity::Info),
        _ => None,
    }
}

/// Walks string values of a record and picks up values that look like
/// observables, within [`MAX_WALKED_VALUES`] values and [`MAX_DEPTH`] levels.
#[derive(Default)]
struct Walker {
    set: ObservableSet,
    visited: usize,
}

impl Walker {
    fn walk(&mut self, value: &Value, path: &str, depth: usize) {
        if depth > MAX_DEPTH || self.visited >= MAX_WALKED_VALUES {
            return;
        }

        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    let child_path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    self.walk(child, &child_path, depth + 1);
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.walk(item, path, depth + 1);
                }
            }
            Value::String(text) => {
                self.visited += 1;
                self.inspect(path, text);
            }
            _ => {}
        }
    }

    fn inspect(&mut self, path: &str, text: &str) {
        let key = path.rsplit('.').next().unwrap_or(path).to_ascii_lowercase();
        let trimmed = text.trim();

        if let Some(kind) = hash_kind_for_key(&key, trimmed) {
            return self.set.add(kind, path, trimmed);
        }
        if trimmed.parse::<std::net::IpAddr>().is_ok() {
            return self.set.add_ip(path, trimmed);
        }
        if HOST_KEY_SUFFIXES.iter().any(|suffix| key.ends_with(suffix)) {
            return self.set.add_domain_or_ip(path, trimmed);
        }
        if is_email_like(trimmed) {
            return self.set.add(ObservableKind::Email, path, trimmed);
        }
        if looks_like_url(trimmed) && !trimmed.contains(char::is_whitespace) {
            return self.set.add(ObservableKind::Url, path, trimmed);
        }
        for url in scan_urls(text) {
            self.set.add(ObservableKind::Url, path, url);
        }
    }
}

/// Picks the hash kind a key names, so that a 40-character value under an
/// `md5` key is kept as an invalid MD5. A key that contains `hash` but no
/// algorithm name gets the kind by length. `imphash` keys are skipped because an import hash
/// does not identify a file.
fn hash_kind_for_key(key: &str, value: &str) -> Option<ObservableKind> {
    if key.contains("imphash") {
        return None;
    }
    if key.contains("sha256") {
        return Some(ObservableKind::Sha256);
    }
    if key.contains("sha1") {
        return Some(ObservableKind::Sha1);
    }
    if key.contains("md5") {
        return Some(ObservableKind::Md5);
    }
    if key.contains("hash") {
        return hash_kind_by_length(value);
    }
    None
}

fn is_email_like(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !text.contains(char::is_whitespace)
        && !text.contains("://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn received() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH
    }

    fn pairs(alert: &NormalizedAlert) -> Vec<(ObservableKind, String, bool)> {
        alert
            .observables
            .iter()
            .map(|o| (o.kind, o.value.clone(), o.valid))
            .collect()
    }

    #[test]
    fn walks_nested_values() {
        let record = json!({
            "title": "Phishing report",
            "severity": "High",
            "created_at": "2024-02-02T02:02:02Z",
            "reporter": "SOC@Example.org",
            "details": {
                "sender_domain": "Mail.Example.net",
                "links": ["https://login.example.net/reset", "see http://198.51.100.9/x now"],
                "attachment": {"md5": "9c0e42a47d34240a9a4101cc5d3bc5787dc5ad73", "hash": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"},
                "peer": "2001:db8::7"
            }
        });
        let alert = normalize(&record, received());
        let found = pairs(&alert);

        assert_eq!(alert.title, "Phishing report");
        assert_eq!(alert.severity, Severity::High);
        assert_eq!(alert.occurred_at, "2024-02-02T02:02:02Z");

        assert!(found.contains(&(ObservableKind::Email, "SOC@example.org".into(), true)));
        assert!(found.contains(&(ObservableKind::Domain, "mail.example.net".into(), true)));
        assert!(found.contains(&(
            ObservableKind::Url,
            "https://login.example.net/reset".into(),
            true
        )));
        assert!(found.contains(&(ObservableKind::Url, "http://198.51.100.9/x".into(), true)));
        assert!(found.contains(&(
            ObservableKind::Md5,
            "9c0e42a47d34240a9a4101cc5d3bc5787dc5ad73".into(),
            false
        )));
        let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(found.contains(&(ObservableKind::Sha256, sha256.into(), true)));
        assert!(found.contains(&(ObservableKind::Ipv6, "2001:db8::7".into(), true)));
    }

    #[test]
    fn defaults_without_known_keys() {
        let alert = normalize(&json!({"foo": 1}), received());
        assert_eq!(alert.title, "Generic alert");
        assert_eq!(alert.severity, Severity::Medium);
        assert_eq!(alert.occurred_at, "1970-01-01T00:00:00Z");
        assert_eq!(alert.dedup_key.len(), "generic:".len() + 32);
    }

    #[test]
    fn dedup_key_ignores_observable_order() {
        let first = normalize(
            &json!({"name": "x", "a": "192.0.2.1", "b": "192.0.2.2"}),
            received(),
        );
        let second = normalize(
            &json!({"name": "x", "b": "192.0.2.1", "a": "192.0.2.2"}),
            received(),
        );
        let other = normalize(
            &json!({"name": "y", "a": "192.0.2.1", "b": "192.0.2.2"}),
            received(),
        );
        assert_eq!(first.dedup_key, second.dedup_key);
        assert_ne!(first.dedup_key, other.dedup_key);
    }

    #[test]
    fn severity_numbers_and_priority() {
        assert_eq!(severity(&json!({"severity": 5})), Severity::Critical);
        assert_eq!(severity(&json!({"severity": "2"})), Severity::Low);
        assert_eq!(severity(&json!({"level": 8})), Severity::High);
        assert_eq!(severity(&json!({"priority": 1})), Severity::Critical);
        assert_eq!(severity(&json!({"priority": 4})), Severity::Low);
        assert_eq!(severity(&json!({"severity": 99})), Severity::Medium);
        assert_eq!(severity(&json!({"severity": "whatever"})), Severity::Medium);
    }

    #[test]
    fn walk_bounded_by_value_count() {
        let many: Vec<String> = (0..MAX_WALKED_VALUES + 50)
            .map(|i| format!("10.0.{}.{}", i / 256, i % 256))
            .collect();
        let alert = normalize(&json!({"ips": many}), received());
        assert_eq!(alert.observables.len(), MAX_WALKED_VALUES);
    }
}
