use crate::store::testing::both_stores;
use crate::store::{AlertObservable, NewAlert};
use moat_runtime::model::{ObservableKind, Severity};
use serde_json::json;

/// A body with odd whitespace, a byte-order mark, invalid UTF-8, NUL and
/// CR LF, which must all come back unchanged.
fn awkward_raw() -> Vec<u8> {
    let mut raw = b"\xEF\xBB\xBF{ \"a\" :\t1 ,\r\n  \"b\":[ ]   }\n".to_vec();
    raw.extend_from_slice(&[0x00, 0xFF, 0xFE, 0x80, 0xC3, 0x28]);
    raw
}

pub(super) fn sample_alert(source_ref: Option<&str>) -> NewAlert {
    NewAlert {
        source: "edr".to_owned(),
        title: "Suspicious login".to_owned(),
        severity: Severity::High,
        occurred_at_ms: 1_700_000_000_123,
        dedup_key: "login:alice".to_owned(),
        source_ref: source_ref.map(str::to_owned),
        triggerable: true,
        not_triggered_reason: None,
        raw: awkward_raw(),
        normalized: json!({ "user": "alice", "ip": "192.0.2.7" }),
        observables: vec![
            AlertObservable {
                kind: ObservableKind::Ipv4,
                value: "192.0.2.7".to_owned(),
                field: "ip".to_owned(),
                valid: true,
                error: None,
            },
            AlertObservable {
                kind: ObservableKind::Domain,
                value: "not a domain".to_owned(),
                field: "host".to_owned(),
                valid: false,
                error: Some("contains a space".to_owned()),
            },
        ],
    }
}

#[tokio::test]
async fn alert_raw_bytes_round_trip() {
    for store in both_stores().await {
        let alert = sample_alert(Some("evt-1"));
        let id = store.insert_alert(alert.clone()).await.unwrap();

        let stored = store.get_alert(&id).await.unwrap().expect("alert stored");
        assert_eq!(stored.raw, alert.raw, "{}: raw bytes changed", store.name());
        assert_eq!(stored.normalized, alert.normalized, "{}", store.name());
        assert_eq!(stored.severity, Severity::High, "{}", store.name());
        assert_eq!(
            stored.occurred_at_ms,
            alert.occurred_at_ms,
            "{}",
            store.name()
        );
        assert_eq!(
            stored.source_ref.as_deref(),
            Some("evt-1"),
            "{}",
            store.name()
        );
        assert!(stored.triggerable, "{}", store.name());
        assert_eq!(stored.not_triggered_reason, None, "{}", store.name());
    }
}

#[tokio::test]
async fn alert_observables_keep_order() {
    for store in both_stores().await {
        let alert = sample_alert(None);
        let id = store.insert_alert(alert.clone()).await.unwrap();

        let observables = store.alert_observables(&id).await.unwrap();
        assert_eq!(observables, alert.observables, "{}", store.name());
    }
}

#[tokio::test]
async fn alert_found_by_source_ref() {
    for store in both_stores().await {
        let first = store
            .insert_alert(sample_alert(Some("evt-9")))
            .await
            .unwrap();
        let mut duplicate = sample_alert(Some("evt-9"));
        duplicate.triggerable = false;
        duplicate.not_triggered_reason = Some(format!("duplicate of {first}"));
        store.insert_alert(duplicate).await.unwrap();

        let found = store
            .find_alert_by_source_ref("edr", "evt-9")
            .await
            .unwrap();
        assert_eq!(found.map(|a| a.id), Some(first.clone()), "{}", store.name());
        let other_source = store
            .find_alert_by_source_ref("siem", "evt-9")
            .await
            .unwrap();
        assert!(other_source.is_none(), "{}", store.name());
        assert!(
            store.get_alert("missing").await.unwrap().is_none(),
            "{}",
            store.name()
        );
    }
}
