use super::alerts::sample_alert;
use crate::store::StoreError;
use crate::store::testing::{analyst, both_stores};
use moat_runtime::model::{Actor, CaseRequest, Observable, ObservableKind, Severity};
use std::collections::HashSet;

pub(super) fn ip(value: &str) -> Observable {
    Observable {
        kind: ObservableKind::Ipv4,
        value: value.to_owned(),
    }
}

pub(super) fn request(
    dedup_key: &str,
    severity: Severity,
    observables: Vec<Observable>,
) -> CaseRequest {
    CaseRequest {
        dedup_key: dedup_key.to_owned(),
        title: format!("Case for {dedup_key}"),
        severity,
        observables,
        alert_id: None,
    }
}

fn run_actor() -> Actor {
    Actor::Run {
        run_id: "run-1".to_owned(),
        component: "triage".to_owned(),
    }
}

#[tokio::test]
async fn case_opened_then_updated() {
    for store in both_stores().await {
        let alert_id = store.insert_alert(sample_alert(None)).await.unwrap();
        let mut first = request("k1", Severity::Medium, vec![ip("192.0.2.1")]);
        first.alert_id = Some(alert_id.clone());
        let opened = store
            .open_or_update_case(&run_actor(), first.clone())
            .await
            .unwrap();
        assert!(opened.created, "{}", store.name());
        assert_eq!(opened.alert_count, 1, "{}", store.name());

        let second = request(
            "k1",
            Severity::Medium,
            vec![ip("192.0.2.1"), ip("192.0.2.2")],
        );
        let updated = store
            .open_or_update_case(&run_actor(), second)
            .await
            .unwrap();
        assert!(!updated.created, "{}", store.name());
        assert_eq!(updated.id, opened.id, "{}", store.name());
        assert_eq!(
            updated.observables.len(),
            2,
            "{}: observables deduplicated",
            store.name()
        );

        // Linking the same alert again changes nothing.
        let again = store
            .open_or_update_case(&run_actor(), first)
            .await
            .unwrap();
        assert_eq!(again.alert_count, 1, "{}", store.name());

        let detail = store.case_detail(&opened.id).await.unwrap().unwrap();
        let kinds: Vec<&str> = detail
            .timeline
            .iter()
            .map(|entry| entry.kind.as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "case_opened",
                "observable_added",
                "alert_linked",
                "observable_added"
            ],
            "{}",
            store.name()
        );
        assert_eq!(
            detail.timeline[0].actor,
            "run run-1 (triage)",
            "{}",
            store.name()
        );
        assert_eq!(
            detail.timeline[0].run_id.as_deref(),
            Some("run-1"),
            "{}",
            store.name()
        );
        assert_eq!(detail.alert_ids, [alert_id], "{}", store.name());
    }
}

#[tokio::test]
async fn case_severity_never_lowered() {
    for store in both_stores().await {
        let opened = store
            .open_or_update_case(&analyst(), request("k", Severity::High, vec![]))
            .await
            .unwrap();

        let lower = store
            .open_or_update_case(&analyst(), request("k", Severity::Low, vec![]))
            .await
            .unwrap();
        assert_eq!(lower.severity, Severity::High, "{}", store.name());

        let higher = store
            .open_or_update_case(&analyst(), request("k", Severity::Critical, vec![]))
            .await
            .unwrap();
        assert_eq!(higher.severity, Severity::Critical, "{}", store.name());
        assert_eq!(higher.id, opened.id, "{}", store.name());

        let timeline = store
            .case_detail(&opened.id)
            .await
            .unwrap()
            .unwrap()
            .timeline;
        let raised: Vec<_> = timeline
            .iter()
            .filter(|e| e.kind == "severity_raised")
            .collect();
        assert_eq!(raised.len(), 1, "{}", store.name());
        assert_eq!(raised[0].detail["from"], "high", "{}", store.name());
        assert_eq!(raised[0].detail["to"], "critical", "{}", store.name());
    }
}

#[tokio::test]
async fn case_dedup_race_opens_one_case() {
    const TASKS: usize = 8;

    for test_store in both_stores().await {
        let mut alert_ids = Vec::new();
        for _ in 0..TASKS {
            alert_ids.push(test_store.insert_alert(sample_alert(None)).await.unwrap());
        }

        let mut tasks = Vec::new();
        for (index, alert_id) in alert_ids.iter().enumerate() {
            let store = test_store.handle();
            let mut case_request = request(
                "race",
                Severity::Medium,
                vec![ip(&format!("198.51.100.{index}"))],
            );
            case_request.alert_id = Some(alert_id.clone());
            tasks.push(tokio::spawn(async move {
                store.open_or_update_case(&analyst(), case_request).await
            }));
        }
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap().unwrap());
        }

        let ids: HashSet<&str> = results.iter().map(|info| info.id.as_str()).collect();
        assert_eq!(
            ids.len(),
            1,
            "{}: more than one case opened",
            test_store.name()
        );
        let created = results.iter().filter(|info| info.created).count();
        assert_eq!(created, 1, "{}", test_store.name());

        let case_id = results[0].id.clone();
        let detail = test_store.case_detail(&case_id).await.unwrap().unwrap();
        assert_eq!(detail.alert_ids.len(), TASKS, "{}", test_store.name());
        assert_eq!(detail.observables.len(), TASKS, "{}", test_store.name());
        assert_eq!(
            detail.case.alert_count as usize,
            TASKS,
            "{}",
            test_store.name()
        );
    }
}

#[tokio::test]
async fn case_reopened_after_close() {
    for store in both_stores().await {
        let first = store
            .open_or_update_case(&analyst(), request("k", Severity::Low, vec![]))
            .await
            .unwrap();
        store
            .set_status(
                &analyst(),
                &first.id,
                moat_runtime::model::CaseStatus::Closed,
            )
            .await
            .unwrap();

        let second = store
            .open_or_update_case(&analyst(), request("k", Severity::Low, vec![]))
            .await
            .unwrap();
        assert!(second.created, "{}", store.name());
        assert_ne!(second.id, first.id, "{}", store.name());
    }
}

#[tokio::test]
async fn case_request_rejects_bad_input() {
    for store in both_stores().await {
        let empty_key = store
            .open_or_update_case(&analyst(), request("  ", Severity::Low, vec![]))
            .await;
        assert!(
            matches!(empty_key, Err(StoreError::Invalid(_))),
            "{}: {empty_key:?}",
            store.name()
        );

        let mut unknown_alert = request("k", Severity::Low, vec![]);
        unknown_alert.alert_id = Some("no-such-alert".to_owned());
        let error = store
            .open_or_update_case(&analyst(), unknown_alert)
            .await
            .unwrap_err();
        assert!(
            matches!(error, StoreError::NotFound(_)),
            "{}: {error:?}",
            store.name()
        );
        assert_eq!(error.to_string(), "alert `no-such-alert` not found");
    }
}
