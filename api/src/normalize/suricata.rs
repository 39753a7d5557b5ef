//! Suricata EVE JSON records.

use moat_runtime::model::{ObservableKind, Severity};
use serde_json::Value;
use time::OffsetDateTime;

use super::collect::ObservableSet;
use super::fields::{lookup, text};
use super::timestamp::occurred_at;
use super::{NormalizedAlert, key_part};

/// EVE records always carry `event_type`.
pub fn matches(record: &Value) -> bool {
    record.get("event_type").is_some_and(Value::is_string)
}

/// Normalises an EVE record. Only `event_type` `alert` is triggerable.
pub fn normalize(record: &Value, received_at: OffsetDateTime) -> NormalizedAlert {
    let event_type = text(record, "event_type").unwrap_or_default();
    let is_alert = event_type == "alert";
    let observables = collect_observables(record);

    let signature_id = text(record, "alert.signature_id");
    let dedup_key = format!(
        "suricata:{}:{}:{}",
        key_part(signature_id.as_deref()),
        key_part(observables.any_value_from("src_ip")),
        key_part(observables.any_value_from("dest_ip")),
    );
    let source_ref = source_ref(record, signature_id.as_deref());

    NormalizedAlert {
        source: "suricata".to_string(),
        title: title(record, &event_type),
        severity: severity(record, is_alert),
        occurred_at: occurred_at(record, &["timestamp"], received_at),
        dedup_key,
        source_ref,
        observables: observables.into_vec(),
        triggerable: is_alert,
        not_triggered_reason: (!is_alert)
            .then(|| format!("suricata event_type `{event_type}` is not an alert")),
    }
}

fn title(record: &Value, event_type: &str) -> String {
    text(record, "alert.signature").unwrap_or_else(|| format!("Suricata {event_type} event"))
}

/// Maps Suricata's priority, where 1 is the most severe, to a severity.
fn severity(record: &Value, is_alert: bool) -> Severity {
    if !is_alert {
        return Severity::Info;
    }
    match lookup(record, "alert.severity").and_then(Value::as_u64) {
        Some(1) => Severity::High,
        Some(2) => Severity::Medium,
        Some(3) => Severity::Low,
        _ => Severity::Info,
    }
}

fn source_ref(record: &Value, signature_id: Option<&str>) -> Option<String> {
    let flow_id = text(record, "flow_id")?;
    match signature_id {
        Some(signature_id) => Some(format!("{flow_id}:{signature_id}")),
        None => Some(flow_id),
    }
}

fn collect_observables(record: &Value) -> ObservableSet {
    let mut set = ObservableSet::default();
    set.add_field(record, "src_ip", ObservableSet::add_ip);
    set.add_field(record, "dest_ip", ObservableSet::add_ip);

    set.add_field_as(record, "dns.rrname", ObservableKind::Domain);
    add_dns_query_names(&mut set, record);
    set.add_field_as(record, "tls.sni", ObservableKind::Domain);
    set.add_field(record, "http.hostname", ObservableSet::add_domain_or_ip);
    add_http_url(&mut set, record);

    set.add_field(record, "fileinfo.filename", ObservableSet::add_file_path);
    set.add_field_as(record, "fileinfo.md5", ObservableKind::Md5);
    set.add_field_as(record, "fileinfo.sha1", ObservableKind::Sha1);
    set.add_field_as(record, "fileinfo.sha256", ObservableKind::Sha256);
    set
}

/// Adds `rrname` of each entry of `dns.queries`, the EVE version 2 and 3
/// layout of DNS records.
fn add_dns_query_names(set: &mut ObservableSet, record: &Value) {
    let Some(queries) = lookup(record, "dns.queries").and_then(Value::as_array) else {
        return;
    };
    for query in queries {
        if let Some(name) = text(query, "rrname") {
            set.add(ObservableKind::Domain, "dns.queries.rrname", &name);
        }
    }
}

/// Joins `http.hostname`, the optional `http.http_port` and `http.url` into
/// an `http://` URL. A `http.url` that is already absolute, as in proxy
/// requests, is used as it is.
fn add_http_url(set: &mut ObservableSet, record: &Value) {
    let Some(path) = text(record, "http.url") else {
        return;
    };
    if path.starts_with("http://") || path.starts_with("https://") {
        return set.add(ObservableKind::Url, "http.url", &path);
    }

    let Some(host) = text(record, "http.hostname") else {
        return;
    };
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host
    };
    let port = text(record, "http.http_port")
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    let url = format!("http://{host}{port}{path}");
    set.add(ObservableKind::Url, "http.url", &url);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn received() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH
    }

    #[test]
    fn severity_mapping() {
        for (level, expected) in [
            (1, Severity::High),
            (2, Severity::Medium),
            (3, Severity::Low),
            (4, Severity::Info),
        ] {
            let record = json!({"event_type": "alert", "alert": {"severity": level}});
            assert_eq!(
                normalize(&record, received()).severity,
                expected,
                "level {level}"
            );
        }
    }

    #[test]
    fn http_url_with_port_and_numeric_host() {
        let record = json!({
            "event_type": "http",
            "http": {"hostname": "192.0.2.10", "http_port": 8080, "url": "/x?a=1"}
        });
        let alert = normalize(&record, received());
        let values: Vec<(ObservableKind, &str)> = alert
            .observables
            .iter()
            .map(|o| (o.kind, o.value.as_str()))
            .collect();
        assert!(values.contains(&(ObservableKind::Ipv4, "192.0.2.10")));
        assert!(values.contains(&(ObservableKind::Url, "http://192.0.2.10:8080/x?a=1")));
        assert_eq!(alert.dedup_key, "suricata:-:-:-");
    }

    #[test]
    fn dns_v2_queries_collected() {
        let record =
            json!({"event_type": "dns", "dns": {"queries": [{"rrname": "Www.Example.com"}]}});
        let alert = normalize(&record, received());
        assert_eq!(alert.observables[0].value, "www.example.com");
        assert_eq!(alert.observables[0].field, "dns.queries.rrname");
        assert!(!alert.triggerable);
    }
}
