//! Wazuh 4 manager alerts, as written to `alerts.json`.

use moat_runtime::model::{ObservableKind, Severity};
use serde_json::Value;
use time::OffsetDateTime;

use super::collect::ObservableSet;
use super::fields::{lookup, text};
use super::timestamp::occurred_at;
use super::{NormalizedAlert, key_part};

/// Wazuh 4 alerts carry `rule.id`, `rule.level` and one of `agent`,
/// `manager` or `decoder`.
pub fn matches(record: &Value) -> bool {
    let has_rule = lookup(record, "rule.id").is_some() && lookup(record, "rule.level").is_some();
    let has_origin = ["agent", "manager", "decoder"]
        .iter()
        .any(|key| record.get(key).is_some());
    has_rule && has_origin
}

pub fn normalize(record: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    let observables = collect_observables(record);
    let rule_id = text(record, "rule.id");
    let origin = observables
        .any_value_from("data.srcip")
        .or_else(|| observables.any_value_from("agent.name"));
    let dedup_key = format!(
        "wazuh:{}:{}",
        key_part(rule_id.as_deref()),
        key_part(origin)
    );

    NormalizedAlert {
        source: "wazuh".to_string(),
        title: text(record, "rule.description")
            .unwrap_or_else(|| format!("Wazuh rule {}", key_part(rule_id.as_deref()))),
        severity: severity(record),
        occurred_at: occurred_at(record, &["timestamp", "@timestamp"], received_at),
        dedup_key,
        source_ref: text(record, "id"),
        observables: observables.into_vec(),
        triggerable: true,
        not_triggered_reason: None,
    }
}

/// Maps the Wazuh rule level, 0 to 15, to a severity.
fn severity(record: &Value) -> Severity {
    let level = lookup(record, "rule.level")
        .and_then(level_number)
        .unwrap_or(0);
    match level {
        0..=3 => Severity::Info,
        4..=6 => Severity::Low,
        7..=9 => Severity::Medium,
        10..=12 => Severity::High,
        _ => Severity::Critical,
    }
}

fn level_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn collect_observables(record: &Value) -> ObservableSet {
    let mut set = ObservableSet::default();
    set.add_field(record, "data.srcip", ObservableSet::add_ip);
    set.add_field(record, "data.dstip", ObservableSet::add_ip);
    set.add_field_as(record, "data.srcuser", ObservableKind::User);
    set.add_field_as(record, "data.dstuser", ObservableKind::User);
    set.add_field_as(record, "agent.name", ObservableKind::Hostname);

    set.add_field(record, "syscheck.path", ObservableSet::add_file_path);
    set.add_field_as(record, "syscheck.md5_after", ObservableKind::Md5);
    set.add_field_as(record, "syscheck.sha1_after", ObservableKind::Sha1);
    set.add_field_as(record, "syscheck.sha256_after", ObservableKind::Sha256);
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn level_mapping() {
        let cases = [
            (0, Severity::Info),
            (3, Severity::Info),
            (4, Severity::Low),
            (6, Severity::Low),
            (7, Severity::Medium),
            (9, Severity::Medium),
            (10, Severity::High),
            (12, Severity::High),
            (13, Severity::Critical),
            (15, Severity::Critical),
        ];
        for (level, expected) in cases {
            let record = json!({"rule": {"id": "1", "level": level}, "agent": {"name": "a"}});
            assert_eq!(severity(&record), expected, "level {level}");
        }
    }

    #[test]
    fn syscheck_fields_collected() {
        let record = json!({
            "rule": {"id": "550", "level": 7, "description": "Integrity checksum changed."},
            "agent": {"id": "000", "name": "manager-01"},
            "syscheck": {
                "path": "/etc/hosts",
                "md5_after": "D41D8CD98F00B204E9800998ECF8427E",
                "sha1_after": "da39a3ee5e6b4b0d3255bfef95601890afd80709"
            }
        });
        let alert = normalize(&record, OffsetDateTime::UNIX_EPOCH);
        let pairs: Vec<(ObservableKind, &str)> = alert
            .observables
            .iter()
            .map(|o| (o.kind, o.value.as_str()))
            .collect();
        assert!(pairs.contains(&(ObservableKind::FileName, "hosts")));
        assert!(pairs.contains(&(ObservableKind::Md5, "d41d8cd98f00b204e9800998ecf8427e")));
        assert!(pairs.contains(&(
            ObservableKind::Sha1,
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        )));
        assert_eq!(alert.dedup_key, "wazuh:550:manager-01");
        assert_eq!(alert.occurred_at, "1970-01-01T00:00:00Z");
    }
}
