//! Elastic Common Schema (ECS) alerts: Kibana detection alerts, Elastic
//! Defend endpoint alerts, and Wazuh 5 findings, which use ECS fields with
//! Wazuh rule data under `wazuh.*`.

use moat_runtime::model::{ObservableKind, Severity};
use serde_json::Value;
use time::OffsetDateTime;

use super::collect::ObservableSet;
use super::fields::{first_text, lookup, text};
use super::timestamp::occurred_at;
use super::{NormalizedAlert, key_part};

/// ECS alerts carry `@timestamp` and an `event` object, and mark themselves
/// as alerts by `event.kind`, Kibana alert fields, or Elastic Defend fields.
pub fn matches(record: &Value) -> bool {
    let has_base =
        record.get("@timestamp").is_some() && record.get("event").is_some_and(Value::is_object);
    if !has_base {
        return false;
    }

    let kind = text(record, "event.kind");
    let is_alert_kind = matches!(kind.as_deref(), Some("alert" | "signal"));
    let is_kibana_alert = lookup(record, "kibana.alert.rule.name").is_some();
    let is_defend = record.get("Endpoint").is_some()
        || text(record, "event.module").as_deref() == Some("endpoint");
    is_alert_kind || is_kibana_alert || is_defend
}

pub fn normalize(record: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    if is_wazuh_finding(record) {
        normalize_wazuh_finding(record, received_at)
    } else {
        normalize_elastic(record, received_at)
    }
}

fn is_wazuh_finding(record: &Value) -> bool {
    lookup(record, "wazuh.rule").is_some() || lookup(record, "wazuh.agent").is_some()
}

fn normalize_elastic(record: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    let observables = collect_observables(record);
    let title = title(record, &["kibana.alert.rule.name", "rule.name", "message"]);
    let rule = first_text(
        record,
        &[
            "kibana.alert.rule.uuid",
            "kibana.alert.rule.rule_id",
            "rule.id",
            "rule.uuid",
            "event.code",
        ],
    )
    .unwrap_or_else(|| title.clone());

    let host = observables
        .any_value_from("host.name")
        .or_else(|| observables.any_value_from("host.hostname"));
    let subject = observables
        .any_value_from("file.hash.sha256")
        .or_else(|| observables.any_value_from("source.ip"));
    let dedup_key = format!("elastic:{rule}:{}:{}", key_part(host), key_part(subject));

    NormalizedAlert {
        source: "elastic".to_string(),
        title,
        severity: severity(record, &["kibana.alert.severity"]),
        occurred_at: occurred_at(record, &["@timestamp"], received_at),
        dedup_key,
        source_ref: first_text(record, &["event.id", "_id", "kibana.alert.uuid"]),
        observables: observables.into_vec(),
        triggerable: true,
        not_triggered_reason: None,
    }
}

/// Normalises a Wazuh 5 finding with the same dedup key layout as a Wazuh 4
/// alert: rule id, then source IP or agent name.
fn normalize_wazuh_finding(record: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    let mut observables = collect_observables(record);
    observables.add_field_as(
        record,
        "wazuh.agent.host.hostname",
        ObservableKind::Hostname,
    );
    for algorithm in ["md5", "sha1", "sha256"] {
        let path = format!("wazuh.threat.enrichments.indicator.file.hash.{algorithm}");
        observables.add_field_as(record, &path, hash_kind(algorithm));
    }

    let rule_id = first_text(record, &["wazuh.rule.id", "rule.id"]);
    let origin = observables
        .any_value_from("source.ip")
        .map(str::to_string)
        .or_else(|| first_text(record, &["wazuh.agent.name", "agent.name"]));
    let dedup_key = format!(
        "wazuh:{}:{}",
        key_part(rule_id.as_deref()),
        key_part(origin.as_deref())
    );

    NormalizedAlert {
        source: "wazuh".to_string(),
        title: title(
            record,
            &[
                "wazuh.rule.title",
                "kibana.alert.rule.name",
                "rule.name",
                "message",
            ],
        ),
        severity: severity(record, &["wazuh.rule.level", "kibana.alert.severity"]),
        occurred_at: occurred_at(record, &["@timestamp"], received_at),
        dedup_key,
        source_ref: first_text(record, &["event.doc_id", "event.id", "_id"]),
        observables: observables.into_vec(),
        triggerable: true,
        not_triggered_reason: None,
    }
}

/// Returns the first text at `paths`, else `event.action` with `file.name`.
fn title(record: &Value, paths: &[&str]) -> String {
    if let Some(title) = first_text(record, paths) {
        return title;
    }

    match (text(record, "event.action"), text(record, "file.name")) {
        (Some(action), Some(file)) => format!("{action} {file}"),
        (Some(action), None) => action,
        _ => "Elastic alert".to_string(),
    }
}

/// Reads a severity word at `text_paths`, else a 0-100 number from
/// `event.severity` or a risk score, else returns medium.
fn severity(record: &Value, text_paths: &[&str]) -> Severity {
    let from_text = text_paths
        .iter()
        .filter_map(|path| text(record, path))
        .find_map(|word| word.trim().to_ascii_lowercase().parse::<Severity>().ok());
    if let Some(severity) = from_text {
        return severity;
    }

    let score_paths = [
        "event.severity",
        "kibana.alert.risk_score",
        "event.risk_score",
    ];
    let score = score_paths
        .iter()
        .find_map(|path| lookup(record, path).and_then(Value::as_f64));
    score.map(severity_from_score).unwrap_or(Severity::Medium)
}

/// Maps a 0-100 score to a severity: up to 21 low, up to 47 medium, up to
/// 73 high, above that critical.
///
/// NOTE: these band edges are Moat's choice, not taken from an Elastic
/// specification, so a rule with a custom risk score may land one band off.
fn severity_from_score(score: f64) -> Severity {
    match score {
        s if s <= 21.0 => Severity::Low,
        s if s <= 47.0 => Severity::Medium,
        s if s <= 73.0 => Severity::High,
        _ => Severity::Critical,
    }
}

fn hash_kind(algorithm: &str) -> ObservableKind {
    match algorithm {
        "md5" => ObservableKind::Md5,
        "sha1" => ObservableKind::Sha1,
        _ => ObservableKind::Sha256,
    }
}

fn collect_observables(record: &Value) -> ObservableSet {
    let mut set = ObservableSet::default();
    set.add_field(record, "source.ip", ObservableSet::add_ip);
    set.add_field(record, "destination.ip", ObservableSet::add_ip);
    set.add_field_as(record, "host.name", ObservableKind::Hostname);
    set.add_field_as(record, "host.hostname", ObservableKind::Hostname);
    set.add_field_as(record, "user.name", ObservableKind::User);
    set.add_field_as(record, "url.full", ObservableKind::Url);
    set.add_field_as(record, "dns.question.name", ObservableKind::Domain);

    set.add_field_as(record, "file.name", ObservableKind::FileName);
    set.add_field(record, "process.executable", ObservableSet::add_file_path);
    for prefix in ["file.hash", "process.hash"] {
        for algorithm in ["md5", "sha1", "sha256"] {
            set.add_field_as(
                record,
                &format!("{prefix}.{algorithm}"),
                hash_kind(algorithm),
            );
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn score_bands() {
        let cases = [
            (0.0, Severity::Low),
            (21.0, Severity::Low),
            (22.0, Severity::Medium),
            (47.0, Severity::Medium),
            (73.0, Severity::High),
            (74.0, Severity::Critical),
            (99.0, Severity::Critical),
        ];
        for (score, expected) in cases {
            assert_eq!(severity_from_score(score), expected, "score {score}");
        }
    }

    #[test]
    fn kibana_alert_flattened_fields() {
        let record = json!({
            "@timestamp": "2024-03-01T08:00:00.000Z",
            "event": {"kind": "signal"},
            "kibana.alert.rule.name": "Suspicious PowerShell",
            "kibana.alert.rule.uuid": "5f0e7a9c-0000-4000-8000-000000000001",
            "kibana.alert.severity": "high",
            "host": {"name": "ws-07"},
            "source": {"ip": "192.0.2.44"},
            "url": {"full": "https://downloads.example.net/a.ps1"},
            "_id": "abc123"
        });
        assert!(matches(&record));
        let alert = normalize(&record, OffsetDateTime::UNIX_EPOCH);
        assert_eq!(alert.source, "elastic");
        assert_eq!(alert.title, "Suspicious PowerShell");
        assert_eq!(alert.severity, Severity::High);
        assert_eq!(
            alert.dedup_key,
            "elastic:5f0e7a9c-0000-4000-8000-000000000001:ws-07:192.0.2.44"
        );
        assert_eq!(alert.source_ref.as_deref(), Some("abc123"));
        assert_eq!(alert.occurred_at, "2024-03-01T08:00:00Z");
    }

    #[test]
    fn title_from_action_and_file() {
        let record = json!({"@timestamp": "x", "event": {"kind": "alert", "action": "creation"}, "file": {"name": "a.exe"}});
        let alert = normalize(&record, OffsetDateTime::UNIX_EPOCH);
        assert_eq!(alert.title, "creation a.exe");
        assert_eq!(alert.severity, Severity::Medium);
        assert_eq!(alert.occurred_at, "1970-01-01T00:00:00Z");
    }

    #[test]
    fn plain_event_not_matched() {
        let record = json!({"@timestamp": "2024-03-01T08:00:00Z", "event": {"kind": "event"}});
        assert!(!matches(&record));
    }
}
