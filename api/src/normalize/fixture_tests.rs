//! Runs every alert fixture under `tests/fixtures/alerts` through
//! [`split_records`] and [`normalize`].

use std::path::PathBuf;

use moat_runtime::model::{ObservableKind, Severity};
use time::OffsetDateTime;
use time::macros::datetime;

use super::{ExtractedObservable, NormalizedAlert, normalize, split_records};

const RECEIVED_AT: OffsetDateTime = datetime!(2030-01-01 00:00:00 UTC);

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/alerts")
}

fn load(relative: &str) -> Vec<NormalizedAlert> {
    let path = fixture_dir().join(relative);
    let body =
        std::fs::read(&path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    split_records(&body)
        .into_iter()
        .map(|result| {
            let record = result.unwrap_or_else(|error| panic!("{relative}: {error:?}"));
            normalize(&record.value, RECEIVED_AT)
        })
        .collect()
}

fn load_one(relative: &str) -> NormalizedAlert {
    let mut alerts = load(relative);
    assert_eq!(alerts.len(), 1, "{relative} should hold one record");
    alerts.remove(0)
}

fn find<'a>(
    alert: &'a NormalizedAlert,
    kind: ObservableKind,
    value: &str,
) -> Option<&'a ExtractedObservable> {
    alert
        .observables
        .iter()
        .find(|o| o.kind == kind && o.value == value)
}

fn assert_has(alert: &NormalizedAlert, kind: ObservableKind, value: &str, field: &str) {
    let found = find(alert, kind, value)
        .unwrap_or_else(|| panic!("missing {kind} {value} in {:?}", alert.observables));
    assert_eq!(found.field, field, "field of {kind} {value}");
    assert!(
        found.valid,
        "{kind} {value} should be valid: {:?}",
        found.error
    );
}

#[test]
fn every_fixture_parses_and_normalises() {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(fixture_dir()).expect("fixture dir") {
        let folder = entry.expect("fixture folder").path();
        for file in std::fs::read_dir(&folder).expect("fixture folder listing") {
            let path = file.expect("fixture file").path();
            let is_json = path
                .extension()
                .is_some_and(|e| e == "json" || e == "ndjson");
            if is_json {
                files.push(path);
            }
        }
    }
    assert!(
        files.len() >= 13,
        "found only {} fixture files",
        files.len()
    );

    for path in files {
        let body = std::fs::read(&path).expect("fixture read");
        for result in split_records(&body) {
            let record = result.unwrap_or_else(|error| panic!("{}: {error:?}", path.display()));
            let alert = normalize(&record.value, RECEIVED_AT);
            assert!(!alert.title.is_empty(), "{}", path.display());
            assert!(alert.occurred_at.ends_with('Z'), "{}", path.display());
            assert_ne!(
                alert.source,
                "generic",
                "{} fell through to generic",
                path.display()
            );
        }
    }
}

#[test]
fn suricata_http_alert() {
    let alert = load_one("suricata/alert-testmyids.eve.json");
    assert_eq!(alert.source, "suricata");
    assert_eq!(alert.title, "GPL ATTACK_RESPONSE id check returned root");
    assert_eq!(alert.severity, Severity::Medium);
    assert_eq!(alert.occurred_at, "2016-07-13T22:42:07.573103Z");
    assert_eq!(
        alert.dedup_key,
        "suricata:2100498:82.165.177.154:10.16.1.11"
    );
    assert_eq!(
        alert.source_ref.as_deref(),
        Some("1842518484266121:2100498")
    );
    assert!(alert.triggerable);
    assert_eq!(alert.not_triggered_reason, None);
    assert_has(&alert, ObservableKind::Ipv4, "82.165.177.154", "src_ip");
    assert_has(&alert, ObservableKind::Ipv4, "10.16.1.11", "dest_ip");
    assert_has(
        &alert,
        ObservableKind::Domain,
        "www.testmyids.com",
        "http.hostname",
    );
    assert_has(
        &alert,
        ObservableKind::Url,
        "http://www.testmyids.com/",
        "http.url",
    );
    assert_eq!(alert.observables.len(), 4);
}

#[test]
fn suricata_tls_alert_and_tls_event() {
    let alerts = load("suricata/tls-fingerprint-alert.eve.json");
    assert_eq!(alerts.len(), 2);

    let alert = &alerts[0];
    assert_eq!(alert.title, "TLS FINGERPRINT TEST");
    assert_eq!(alert.severity, Severity::Low);
    assert_eq!(alert.dedup_key, "suricata:1:24.244.4.23:10.16.1.11");
    assert_has(alert, ObservableKind::Domain, "www.google.com", "tls.sni");

    let tls = &alerts[1];
    assert!(!tls.triggerable);
    assert_eq!(
        tls.not_triggered_reason.as_deref(),
        Some("suricata event_type `tls` is not an alert")
    );
    assert_eq!(tls.severity, Severity::Info);
    assert_eq!(tls.title, "Suricata tls event");
}

#[test]
fn suricata_dns_events_not_triggered() {
    let alerts = load("suricata/dns-tcp-www-google-com.eve.json");
    assert_eq!(alerts.len(), 14);
    assert!(alerts.iter().all(|alert| !alert.triggerable));

    let first = &alerts[0];
    assert_eq!(
        first.not_triggered_reason.as_deref(),
        Some("suricata event_type `dns` is not an alert")
    );
    assert_eq!(first.dedup_key, "suricata:-:10.16.1.11:8.8.4.4");
    assert_eq!(first.source_ref.as_deref(), Some("358186737135978"));
    assert_has(
        first,
        ObservableKind::Domain,
        "www.google.com",
        "dns.rrname",
    );

    let flow = alerts.last().expect("flow event");
    assert_eq!(
        flow.not_triggered_reason.as_deref(),
        Some("suricata event_type `flow` is not an alert")
    );
}

#[test]
fn suricata_fileinfo_event() {
    let alert = load_one("suricata/fileinfo-eicar.eve.json");
    assert!(!alert.triggerable);
    assert_eq!(
        alert.not_triggered_reason.as_deref(),
        Some("suricata event_type `fileinfo` is not an alert")
    );
    assert_has(
        &alert,
        ObservableKind::FileName,
        "eicar.com",
        "fileinfo.filename",
    );
    assert_has(
        &alert,
        ObservableKind::Url,
        "http://www.eicar.org/download/eicar.com",
        "http.url",
    );
    assert_has(
        &alert,
        ObservableKind::Domain,
        "www.eicar.org",
        "http.hostname",
    );
}

#[test]
fn suricata_ldap_mixed_events() {
    let alerts = load("suricata/detect-ldap-operation.eve.json");
    let triggerable = alerts.iter().filter(|alert| alert.triggerable).count();
    assert_eq!(alerts.len(), 7);
    assert_eq!(triggerable, 4);
    assert_eq!(alerts[0].title, "Test LDAP search request number argument");
    assert_eq!(alerts[0].dedup_key, "suricata:1:1.1.1.1:2.2.2.2");
    assert_eq!(alerts[2].dedup_key, "suricata:3:2.2.2.2:1.1.1.1");
}

#[test]
fn wazuh_sshd_bruteforce() {
    let alerts = load("wazuh/sshd-bruteforce.ndjson");
    assert_eq!(alerts.len(), 3);
    for alert in &alerts {
        assert_eq!(alert.source, "wazuh");
        assert_eq!(alert.title, "sshd: authentication failed.");
        assert_eq!(alert.severity, Severity::Low);
        assert!(alert.triggerable);
        assert_has(alert, ObservableKind::Hostname, "bastion-01", "agent.name");
    }

    let keys: Vec<&str> = alerts
        .iter()
        .map(|alert| alert.dedup_key.as_str())
        .collect();
    assert_eq!(
        keys,
        vec![
            "wazuh:5760:203.0.113.45",
            "wazuh:5760:203.0.113.45",
            "wazuh:5760:198.51.100.23"
        ]
    );
    assert_eq!(alerts[0].occurred_at, "2024-01-10T08:15:02.317Z");
    assert_eq!(alerts[0].source_ref.as_deref(), Some("1704874502.1187342"));
    assert_has(
        &alerts[0],
        ObservableKind::Ipv4,
        "203.0.113.45",
        "data.srcip",
    );
    assert_has(&alerts[0], ObservableKind::User, "root", "data.dstuser");
    assert_has(&alerts[1], ObservableKind::User, "admin", "data.dstuser");
    assert_has(&alerts[2], ObservableKind::User, "oracle", "data.dstuser");
    assert_has(
        &alerts[2],
        ObservableKind::Ipv4,
        "198.51.100.23",
        "data.srcip",
    );
}

#[test]
fn elastic_defend_malware_alert() {
    let alert = load_one("elastic/malware-prevention.json");
    let sha256 = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    assert_eq!(alert.source, "elastic");
    assert_eq!(alert.title, "Malware Prevention Alert");
    assert_eq!(alert.severity, Severity::High);
    assert_eq!(alert.occurred_at, "2024-01-10T09:02:11.482Z");
    assert_eq!(
        alert.dedup_key,
        format!("elastic:malicious_file:fin-ws-042:{sha256}")
    );
    assert_eq!(
        alert.source_ref.as_deref(),
        Some("NGxQ0vZqL6mYq3Xb++++1a7K")
    );
    assert_has(&alert, ObservableKind::Hostname, "fin-ws-042", "host.name");
    assert_has(&alert, ObservableKind::User, "j.doe", "user.name");
    assert_has(
        &alert,
        ObservableKind::FileName,
        "invoice_2024-01.pdf.exe",
        "file.name",
    );
    assert_has(
        &alert,
        ObservableKind::FileName,
        "msedge.exe",
        "process.executable",
    );
    assert_has(
        &alert,
        ObservableKind::Md5,
        "0cc175b9c0f1b6a831c399e269772661",
        "file.hash.md5",
    );
    assert_has(&alert, ObservableKind::Sha256, sha256, "file.hash.sha256");
    let url = "https://files.example.net/download/invoice_2024-01.pdf.exe";
    assert_has(&alert, ObservableKind::Url, url, "url.full");
}

#[test]
fn sigma_process_creation_event() {
    let alert = load_one("sigma/proc_creation_win_malware_grixba_recon.event.json");
    assert_eq!(alert.source, "sigma");
    assert_eq!(alert.title, "Windows event 1 on WORKSTATION01");
    assert_eq!(alert.severity, Severity::Medium);
    assert_eq!(alert.dedup_key, "sigma:1:workstation01");
    assert_eq!(alert.occurred_at, "2025-11-26T05:11:27.927693Z");
    let source_ref = "WORKSTATION01:Microsoft-Windows-Sysmon/Operational:142649";
    assert_eq!(alert.source_ref.as_deref(), Some(source_ref));
    assert_has(
        &alert,
        ObservableKind::Hostname,
        "workstation01",
        "Event.System.Computer",
    );
    assert_has(
        &alert,
        ObservableKind::User,
        "WORKSTATION01\\user01",
        "Event.EventData.User",
    );
    assert_has(
        &alert,
        ObservableKind::FileName,
        "GRB_NET.exe",
        "Event.EventData.Image",
    );
    assert_has(
        &alert,
        ObservableKind::FileName,
        "cmd.exe",
        "Event.EventData.ParentImage",
    );
    let md5 = "88df27b6e794e3fd5f93f28b1ca1d3d0";
    let sha256 = "f8810179ab033a9b79cd7006c1a74fbcde6ed0451c92fbb8c7ce15b52499353a";
    assert_has(&alert, ObservableKind::Md5, md5, "Event.EventData.Hashes");
    assert_has(
        &alert,
        ObservableKind::Sha256,
        sha256,
        "Event.EventData.Hashes",
    );
    let imphash = "f34d5f2d4577ed6d9ceec516c1f5a744";
    assert!(
        find(&alert, ObservableKind::Md5, imphash).is_none(),
        "IMPHASH must not become an MD5"
    );
}

#[test]
fn sigma_defender_and_task_scheduler_events() {
    let defender =
        load_one("sigma/win_defender_exploit_redsun_tiering_engine_detected_as_eicar.event.json");
    assert_eq!(defender.title, "Windows event 1119 on WORKSTATION01");
    assert_has(
        &defender,
        ObservableKind::FileName,
        "RedSun.exe",
        "Event.EventData.Process Name",
    );
    let path_field = "Event.EventData.Path";
    assert_has(
        &defender,
        ObservableKind::FileName,
        "TieringEngineService.exe",
        path_field,
    );
    assert_has(
        &defender,
        ObservableKind::User,
        "WORKSTATION01\\user01",
        "Event.EventData.Detection User",
    );

    let task = load_one("sigma/win_taskscheduler_susp_schtasks_delete_or_disable.event.json");
    assert_eq!(task.dedup_key, "sigma:142:workstation01");
    assert_has(
        &task,
        ObservableKind::User,
        "System",
        "Event.EventData.UserName",
    );
}

#[test]
fn sigma_file_event_fqdn_computer() {
    let alert = load_one("sigma/file_event_win_advanced_ip_scanner.event.json");
    assert_eq!(alert.dedup_key, "sigma:11:ar-win-dc.attackrange.local");
    assert_has(
        &alert,
        ObservableKind::FileName,
        "qwindows.dll",
        "Event.EventData.TargetFilename",
    );
    assert_has(
        &alert,
        ObservableKind::User,
        "ATTACKRANGE\\Administrator",
        "Event.EventData.User",
    );
}

#[test]
fn sigma_rule_title_taken_from_record() {
    let path = fixture_dir().join("sigma/proc_access_win_susp_dbgcore_dbghelp_load.event.json");
    let body = std::fs::read(path).expect("fixture");
    let mut record = split_records(&body).remove(0).expect("record").value;
    record["sigma"] = serde_json::json!({
        "id": "9f5c1d59-33be-4e60-bcab-85d2f566effd",
        "title": "Suspicious Process Access to LSASS with Dbgcore/Dbghelp DLLs",
        "level": "high"
    });

    let alert = normalize(&record, RECEIVED_AT);
    assert_eq!(
        alert.title,
        "Suspicious Process Access to LSASS with Dbgcore/Dbghelp DLLs"
    );
    assert_eq!(alert.severity, Severity::High);
    assert_eq!(
        alert.dedup_key,
        "sigma:9f5c1d59-33be-4e60-bcab-85d2f566effd:workstation01"
    );
    assert_has(
        &alert,
        ObservableKind::FileName,
        "lsass.exe",
        "Event.EventData.TargetImage",
    );
}

#[test]
fn wazuh5_finding_through_ecs_path() {
    let record = serde_json::json!({
        "@timestamp": "2024-06-01T10:00:00Z",
        "event": {"kind": "alert", "doc_id": "doc-0001"},
        "file": {"name": "dropper.exe", "hash": {"md5": "d41d8cd98f00b204e9800998ecf8427e", "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852"}},
        "source": {"ip": "::ffff:192.0.2.12"},
        "wazuh": {
            "agent": {"name": "web-01", "host": {"hostname": "web-01.example.com"}},
            "rule": {"id": "net-001", "title": "Malware detection: dropper.exe", "level": "critical"}
        }
    });

    let alert = normalize(&record, RECEIVED_AT);
    assert_eq!(alert.source, "wazuh");
    assert_eq!(alert.title, "Malware detection: dropper.exe");
    assert_eq!(alert.severity, Severity::Critical);
    assert_eq!(alert.dedup_key, "wazuh:net-001:192.0.2.12");
    assert_eq!(alert.source_ref.as_deref(), Some("doc-0001"));
    assert_has(&alert, ObservableKind::Ipv4, "192.0.2.12", "source.ip");
    assert_has(
        &alert,
        ObservableKind::Hostname,
        "web-01.example.com",
        "wazuh.agent.host.hostname",
    );
    let bad_sha256 = find(
        &alert,
        ObservableKind::Sha256,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852",
    );
    let bad_sha256 = bad_sha256.expect("short sha256 kept");
    assert!(!bad_sha256.valid);
    assert_eq!(
        bad_sha256.error.as_deref(),
        Some("SHA-256 must be 64 hex characters, got 60")
    );
}

#[test]
fn md5_field_with_sha1_length_invalid() {
    let record = serde_json::json!({
        "@timestamp": "2024-06-01T10:00:00Z",
        "event": {"kind": "alert"},
        "file": {"hash": {"md5": "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"}}
    });
    let alert = normalize(&record, RECEIVED_AT);
    let md5 = &alert.observables[0];
    assert_eq!(md5.kind, ObservableKind::Md5);
    assert_eq!(md5.field, "file.hash.md5");
    assert!(!md5.valid);
    assert_eq!(md5.value, "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8");
    assert!(
        find(
            &alert,
            ObservableKind::Sha1,
            "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
        )
        .is_none()
    );
}

#[test]
fn missing_time_uses_received_at() {
    let record = serde_json::json!({"event_type": "alert", "timestamp": "not a time"});
    let alert = normalize(&record, RECEIVED_AT);
    assert_eq!(alert.occurred_at, "2030-01-01T00:00:00Z");
}
