use crate::store::testing::both_stores;
use crate::store::{NewRun, StoreError, TriggerKind};
use moat_runtime::events::RunEvent;
use serde_json::json;

fn guest_log(message: &str) -> RunEvent {
    RunEvent::GuestLog {
        level: "info".to_owned(),
        message: message.to_owned(),
    }
}

#[tokio::test]
async fn run_events_ordered_by_seq() {
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
        // Stored out of order on purpose.
        for seq in [2_u64, 0, 3, 1] {
            store
                .append_run_event(&run_id, seq, &guest_log(&format!("line {seq}")))
                .await
                .unwrap();
        }

        let events = store.list_run_events(&run_id, None).await.unwrap();
        let seqs: Vec<u64> = events.iter().map(|event| event.seq).collect();
        assert_eq!(seqs, [0, 1, 2, 3], "{}", store.name());
        assert_eq!(events[0].kind, "guest_log", "{}", store.name());
        assert_eq!(events[0].event["type"], "guest_log", "{}", store.name());
        assert_eq!(events[0].event["message"], "line 0", "{}", store.name());

        let after = store.list_run_events(&run_id, Some(1)).await.unwrap();
        let seqs: Vec<u64> = after.iter().map(|event| event.seq).collect();
        assert_eq!(seqs, [2, 3], "{}", store.name());

        let repeated = store
            .append_run_event(&run_id, 1, &guest_log("again"))
            .await;
        assert!(
            matches!(repeated, Err(StoreError::Conflict(_))),
            "{}: {repeated:?}",
            store.name()
        );
        let unknown = store.append_run_event("nope", 0, &guest_log("x")).await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{}: {unknown:?}",
            store.name()
        );
    }
}
