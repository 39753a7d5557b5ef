use crate::store::testing::both_stores;
use crate::store::{NewAuditEntry, NewRun, StoreError, TriggerKind};
use moat_runtime::events::RunEvent;
use moat_runtime::services::HostServices;
use serde_json::json;

fn entry(action: &str, target: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: "user alice".to_owned(),
        action: action.to_owned(),
        target: Some(target.to_owned()),
        detail: json!({ "n": target }),
    }
}

#[tokio::test]
async fn audit_round_trip_newest_first() {
    for store in both_stores().await {
        let first = store.append_audit(entry("secret.put", "a")).await.unwrap();
        let second = store.append_audit(entry("run.create", "b")).await.unwrap();

        let page = store.list_audit(None, None, 0).await.unwrap();
        let ids: Vec<&str> = page.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, [second.as_str(), first.as_str()], "{}", store.name());
        assert_eq!(page.next_cursor, None, "{}", store.name());

        let newest = &page.entries[0];
        assert_eq!(newest.actor, "user alice", "{}", store.name());
        assert_eq!(newest.action, "run.create", "{}", store.name());
        assert_eq!(newest.target.as_deref(), Some("b"), "{}", store.name());
        assert_eq!(newest.detail, json!({ "n": "b" }), "{}", store.name());
        assert!(newest.at_ms > 0, "{}", store.name());
    }
}

#[tokio::test]
async fn audit_without_target() {
    for store in both_stores().await {
        let mut no_target = entry("alert.create", "x");
        no_target.target = None;
        store.append_audit(no_target).await.unwrap();

        let page = store.list_audit(None, None, 10).await.unwrap();
        assert_eq!(page.entries.len(), 1, "{}", store.name());
        assert_eq!(page.entries[0].target, None, "{}", store.name());
    }
}

#[tokio::test]
async fn audit_filter_by_action() {
    for store in both_stores().await {
        for (action, target) in [
            ("secret.put", "a"),
            ("run.create", "b"),
            ("secret.put", "c"),
        ] {
            store.append_audit(entry(action, target)).await.unwrap();
        }

        let page = store.list_audit(Some("secret.put"), None, 0).await.unwrap();
        let targets: Vec<Option<&str>> = page.entries.iter().map(|e| e.target.as_deref()).collect();
        assert_eq!(targets, [Some("c"), Some("a")], "{}", store.name());

        let none = store
            .list_audit(Some("token.create"), None, 0)
            .await
            .unwrap();
        assert!(none.entries.is_empty(), "{}", store.name());
    }
}

#[tokio::test]
async fn audit_cursor_pages() {
    for store in both_stores().await {
        for target in ["1", "2", "3", "4", "5"] {
            store
                .append_audit(entry("run.create", target))
                .await
                .unwrap();
        }

        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = store
                .list_audit(Some("run.create"), cursor.as_deref(), 2)
                .await
                .unwrap();
            pages += 1;
            assert!(page.entries.len() <= 2, "{}", store.name());
            seen.extend(page.entries.iter().map(|e| e.target.clone().unwrap()));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
            assert!(pages < 10, "{}: pagination does not end", store.name());
        }
        assert_eq!(pages, 3, "{}", store.name());
        assert_eq!(seen, ["5", "4", "3", "2", "1"], "{}", store.name());
    }
}

#[tokio::test]
async fn audit_rejects_bad_input() {
    for store in both_stores().await {
        let cursor = store.list_audit(None, Some("not a cursor"), 0).await;
        assert!(
            matches!(cursor, Err(StoreError::Invalid(_))),
            "{}: {cursor:?}",
            store.name()
        );

        let mut empty_actor = entry("secret.put", "a");
        empty_actor.actor.clear();
        let appended = store.append_audit(empty_actor).await;
        assert!(
            matches!(appended, Err(StoreError::Invalid(_))),
            "{}: {appended:?}",
            store.name()
        );
    }
}

#[tokio::test]
async fn audit_table_rejects_update_and_delete() {
    for store in both_stores().await {
        let id = store.append_audit(entry("secret.put", "a")).await.unwrap();

        let updated = sqlx::query("UPDATE audit_log SET actor = $1 WHERE id = $2")
            .bind("user mallory")
            .bind(&id)
            .execute(&store.pool)
            .await;
        assert!(updated.is_err(), "{}: UPDATE succeeded", store.name());

        let deleted = sqlx::query("DELETE FROM audit_log WHERE id = $1")
            .bind(&id)
            .execute(&store.pool)
            .await;
        assert!(deleted.is_err(), "{}: DELETE succeeded", store.name());

        let page = store.list_audit(None, None, 0).await.unwrap();
        assert_eq!(page.entries.len(), 1, "{}", store.name());
        assert_eq!(page.entries[0].actor, "user alice", "{}", store.name());
    }
}

#[tokio::test]
async fn secret_used_event_appends_audit() {
    for store in both_stores().await {
        let run_id = store
            .enqueue_run(NewRun {
                component: "triage".to_owned(),
                component_version: "1.0.0".to_owned(),
                trigger_kind: TriggerKind::Manual,
                alert_id: None,
                input: json!(null),
            })
            .await
            .unwrap();
        let services: &dyn HostServices = &*store;
        let log = RunEvent::GuestLog {
            level: "info".to_owned(),
            message: "starting".to_owned(),
        };
        let used = RunEvent::SecretUsed {
            name: "intel_api_key".to_owned(),
            how: "header".to_owned(),
            host: Some("reputation.example.com".to_owned()),
        };
        services.record_event(&run_id, 0, &log).await.unwrap();
        services.record_event(&run_id, 1, &used).await.unwrap();

        let page = store.list_audit(None, None, 0).await.unwrap();
        assert_eq!(page.entries.len(), 1, "{}: only secret_used", store.name());
        let audit = &page.entries[0];
        assert_eq!(audit.action, "secret.use", "{}", store.name());
        assert_eq!(audit.actor, format!("run {run_id}"), "{}", store.name());
        assert_eq!(
            audit.target.as_deref(),
            Some("intel_api_key"),
            "{}",
            store.name()
        );
        assert_eq!(audit.detail["how"], "header", "{}", store.name());
        assert_eq!(
            audit.detail["host"],
            "reputation.example.com",
            "{}",
            store.name()
        );
        assert_eq!(audit.detail["seq"], 1, "{}", store.name());
    }
}

#[tokio::test]
async fn secret_used_unknown_run_no_audit() {
    for store in both_stores().await {
        let services: &dyn HostServices = &*store;
        let used = RunEvent::SecretUsed {
            name: "intel_api_key".to_owned(),
            how: "read".to_owned(),
            host: None,
        };
        let recorded = services.record_event("nope", 0, &used).await;
        assert!(recorded.is_err(), "{}", store.name());

        let page = store.list_audit(None, None, 0).await.unwrap();
        assert!(page.entries.is_empty(), "{}", store.name());
    }
}
