use super::case_open::request;
use crate::store::StoreError;
use crate::store::testing::{analyst, both_stores};
use moat_runtime::model::{CaseStatus, Severity};

#[tokio::test]
async fn case_note_added_with_timeline() {
    for store in both_stores().await {
        let case = store
            .open_or_update_case(&analyst(), request("k", Severity::Low, vec![]))
            .await
            .unwrap();
        let note_id = store
            .add_note(&analyst(), &case.id, "checked the host")
            .await
            .unwrap();

        let detail = store.case_detail(&case.id).await.unwrap().unwrap();
        assert_eq!(detail.notes.len(), 1, "{}", store.name());
        assert_eq!(detail.notes[0].id, note_id, "{}", store.name());
        assert_eq!(detail.notes[0].author, "user alice", "{}", store.name());
        assert_eq!(detail.notes[0].body, "checked the host", "{}", store.name());
        let last = detail.timeline.last().unwrap();
        assert_eq!(last.kind, "note_added", "{}", store.name());
        assert_eq!(last.run_id, None, "{}", store.name());

        let empty = store.add_note(&analyst(), &case.id, " ").await;
        assert!(
            matches!(empty, Err(StoreError::Invalid(_))),
            "{}",
            store.name()
        );
        let missing = store
            .add_note(&analyst(), "nope", "text")
            .await
            .unwrap_err();
        assert_eq!(
            missing.to_string(),
            "case `nope` not found",
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn case_severity_and_status_set() {
    for store in both_stores().await {
        let case = store
            .open_or_update_case(&analyst(), request("k", Severity::High, vec![]))
            .await
            .unwrap();

        store
            .set_severity(&analyst(), &case.id, Severity::Low)
            .await
            .unwrap();
        store
            .set_status(&analyst(), &case.id, CaseStatus::InProgress)
            .await
            .unwrap();
        store
            .set_status(&analyst(), &case.id, CaseStatus::InProgress)
            .await
            .unwrap();

        let detail = store.case_detail(&case.id).await.unwrap().unwrap();
        assert_eq!(detail.case.severity, Severity::Low, "{}", store.name());
        assert_eq!(
            detail.case.status,
            CaseStatus::InProgress,
            "{}",
            store.name()
        );
        let kinds: Vec<&str> = detail.timeline.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["case_opened", "severity_changed", "status_changed"],
            "{}",
            store.name()
        );
        assert_eq!(
            detail.timeline[2].detail["to"],
            "in-progress",
            "{}",
            store.name()
        );
        assert!(
            detail.case.updated_at_ms >= detail.case.created_at_ms,
            "{}",
            store.name()
        );

        let missing = store.set_severity(&analyst(), "nope", Severity::Low).await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn case_reopen_conflicts_with_open_case() {
    for store in both_stores().await {
        let first = store
            .open_or_update_case(&analyst(), request("k", Severity::Low, vec![]))
            .await
            .unwrap();
        store
            .set_status(&analyst(), &first.id, CaseStatus::Closed)
            .await
            .unwrap();
        store
            .open_or_update_case(&analyst(), request("k", Severity::Low, vec![]))
            .await
            .unwrap();

        let reopen = store
            .set_status(&analyst(), &first.id, CaseStatus::Open)
            .await;
        assert!(
            matches!(reopen, Err(StoreError::Conflict(_))),
            "{}: {reopen:?}",
            store.name()
        );
        let case = store.get_case(&first.id).await.unwrap().unwrap();
        assert_eq!(case.status, CaseStatus::Closed, "{}", store.name());
    }
}
