use super::alerts::sample_alert;
use crate::store::testing::both_stores;
use crate::store::{MAX_RUN_ATTEMPTS, NewRun, RunStatus, RunSuccess, StoreError, TriggerKind};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

const LONG_LEASE: Duration = Duration::from_secs(60);
const SHORT_LEASE: Duration = Duration::from_millis(20);

fn manual_run(component: &str) -> NewRun {
    NewRun {
        component: component.to_owned(),
        component_version: "1.0.0".to_owned(),
        trigger_kind: TriggerKind::Manual,
        alert_id: None,
        input: json!({ "text": "hello" }),
    }
}

async fn wait_for_expiry() {
    tokio::time::sleep(SHORT_LEASE * 3).await;
}

#[tokio::test]
async fn run_claimed_in_queue_order() {
    for store in both_stores().await {
        let first = store.enqueue_run(manual_run("a")).await.unwrap();
        let second = store.enqueue_run(manual_run("b")).await.unwrap();

        let claimed = store.claim_run("w1", LONG_LEASE).await.unwrap().unwrap();
        assert_eq!(claimed.id, first, "{}", store.name());
        assert_eq!(claimed.attempt, 1, "{}", store.name());
        assert_eq!(
            claimed.input,
            json!({ "text": "hello" }),
            "{}",
            store.name()
        );
        let next = store.claim_run("w2", LONG_LEASE).await.unwrap().unwrap();
        assert_eq!(next.id, second, "{}", store.name());
        assert!(
            store.claim_run("w3", LONG_LEASE).await.unwrap().is_none(),
            "{}",
            store.name()
        );

        let run = store.get_run(&first).await.unwrap().unwrap();
        assert_eq!(run.status, RunStatus::Running, "{}", store.name());
        assert_eq!(run.lease_owner.as_deref(), Some("w1"), "{}", store.name());
    }
}

#[tokio::test]
async fn run_finished_by_lease_holder() {
    for store in both_stores().await {
        let ok_id = store.enqueue_run(manual_run("a")).await.unwrap();
        let failed_id = store.enqueue_run(manual_run("b")).await.unwrap();
        store.claim_run("w1", LONG_LEASE).await.unwrap().unwrap();
        store.claim_run("w1", LONG_LEASE).await.unwrap().unwrap();

        let success = RunSuccess {
            summary: Some("done".to_owned()),
            output: json!([1, 2]),
        };
        assert!(
            !store
                .finish_run(&ok_id, "w2", Ok(success.clone()))
                .await
                .unwrap(),
            "{}",
            store.name()
        );
        assert!(
            store.finish_run(&ok_id, "w1", Ok(success)).await.unwrap(),
            "{}",
            store.name()
        );
        assert!(
            store
                .finish_run(&failed_id, "w1", Err("boom".to_owned()))
                .await
                .unwrap(),
            "{}",
            store.name()
        );

        let ok = store.get_run(&ok_id).await.unwrap().unwrap();
        assert_eq!(ok.status, RunStatus::Succeeded, "{}", store.name());
        assert_eq!(ok.summary.as_deref(), Some("done"), "{}", store.name());
        assert_eq!(ok.output, Some(json!([1, 2])), "{}", store.name());
        assert!(ok.finished_at_ms.is_some(), "{}", store.name());
        let failed = store.get_run(&failed_id).await.unwrap().unwrap();
        assert_eq!(failed.status, RunStatus::Failed, "{}", store.name());
        assert_eq!(failed.error.as_deref(), Some("boom"), "{}", store.name());

        // A finished run can be neither renewed nor finished again.
        assert!(
            !store.renew_lease(&ok_id, "w1", LONG_LEASE).await.unwrap(),
            "{}",
            store.name()
        );
        assert!(
            !store
                .finish_run(&ok_id, "w1", Err("late".to_owned()))
                .await
                .unwrap(),
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn run_expired_lease_requeued() {
    for store in both_stores().await {
        let id = store.enqueue_run(manual_run("a")).await.unwrap();
        store.claim_run("w1", SHORT_LEASE).await.unwrap().unwrap();
        assert!(
            store.renew_lease(&id, "w1", SHORT_LEASE).await.unwrap(),
            "{}",
            store.name()
        );
        assert!(
            store.claim_run("w2", LONG_LEASE).await.unwrap().is_none(),
            "{}: lease still held",
            store.name()
        );

        wait_for_expiry().await;
        let reclaimed = store.claim_run("w2", LONG_LEASE).await.unwrap().unwrap();
        assert_eq!(reclaimed.id, id, "{}", store.name());
        assert_eq!(reclaimed.attempt, 2, "{}", store.name());

        assert!(
            !store.renew_lease(&id, "w1", LONG_LEASE).await.unwrap(),
            "{}: old owner renewed",
            store.name()
        );
        assert!(
            !store
                .finish_run(&id, "w1", Err("late".to_owned()))
                .await
                .unwrap(),
            "{}",
            store.name()
        );
        assert!(
            store.renew_lease(&id, "w2", LONG_LEASE).await.unwrap(),
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn run_fails_after_max_attempts() {
    for store in both_stores().await {
        let id = store.enqueue_run(manual_run("a")).await.unwrap();
        for attempt in 1..=MAX_RUN_ATTEMPTS {
            let claimed = store.claim_run("w", SHORT_LEASE).await.unwrap().unwrap();
            assert_eq!(claimed.attempt, attempt, "{}", store.name());
            wait_for_expiry().await;
        }

        assert!(
            store.claim_run("w", LONG_LEASE).await.unwrap().is_none(),
            "{}",
            store.name()
        );
        let run = store.get_run(&id).await.unwrap().unwrap();
        assert_eq!(run.status, RunStatus::Failed, "{}", store.name());
        assert_eq!(run.attempts, MAX_RUN_ATTEMPTS, "{}", store.name());
        let error = run.error.unwrap_or_default();
        assert!(
            error.contains("lease expired 3 times"),
            "{}: {error}",
            store.name()
        );
    }
}

#[tokio::test]
async fn concurrent_claims_never_share_run() {
    const RUNS: usize = 20;
    const WORKERS: usize = 8;

    for test_store in both_stores().await {
        for index in 0..RUNS {
            test_store
                .enqueue_run(manual_run(&format!("c{index}")))
                .await
                .unwrap();
        }

        let mut tasks = Vec::new();
        for worker in 0..WORKERS {
            let store = test_store.handle();
            tasks.push(tokio::spawn(async move {
                let mut claimed = Vec::new();
                while let Some(run) = store
                    .claim_run(&format!("w{worker}"), LONG_LEASE)
                    .await
                    .unwrap()
                {
                    claimed.push(run.id);
                }
                claimed
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }

        let unique: HashSet<&String> = all.iter().collect();
        assert_eq!(
            all.len(),
            RUNS,
            "{}: runs claimed {} times",
            test_store.name(),
            all.len()
        );
        assert_eq!(
            unique.len(),
            RUNS,
            "{}: a run was claimed twice",
            test_store.name()
        );
    }
}

#[tokio::test]
async fn run_enqueue_validates_trigger() {
    for store in both_stores().await {
        let mut alert_run = manual_run("a");
        alert_run.trigger_kind = TriggerKind::Alert;
        let missing_id = store.enqueue_run(alert_run.clone()).await;
        assert!(
            matches!(missing_id, Err(StoreError::Invalid(_))),
            "{}",
            store.name()
        );

        alert_run.alert_id = Some("nope".to_owned());
        let unknown = store.enqueue_run(alert_run.clone()).await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{}",
            store.name()
        );

        let alert_id = store.insert_alert(sample_alert(None)).await.unwrap();
        alert_run.alert_id = Some(alert_id.clone());
        let id = store.enqueue_run(alert_run).await.unwrap();
        let run = store.get_run(&id).await.unwrap().unwrap();
        assert_eq!(run.trigger_kind, TriggerKind::Alert, "{}", store.name());
        assert_eq!(run.alert_id, Some(alert_id), "{}", store.name());
        assert_eq!(run.status, RunStatus::Queued, "{}", store.name());
        assert_eq!(run.attempts, 0, "{}", store.name());
    }
}
