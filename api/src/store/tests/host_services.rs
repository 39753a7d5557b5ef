use super::case_open::request;
use crate::store::testing::{analyst, both_stores};
use moat_runtime::model::{CaseStatus, Severity};
use moat_runtime::services::{HostServices, ServiceError};

#[tokio::test]
async fn host_services_map_errors() {
    for store in both_stores().await {
        let services: &dyn HostServices = &*store;

        let missing = services.get_case("nope").await.unwrap_err();
        assert!(
            matches!(missing, ServiceError::NotFound(_)),
            "{}: {missing:?}",
            store.name()
        );
        assert_eq!(
            missing.to_string(),
            "case `nope` not found",
            "{}",
            store.name()
        );

        let invalid = services
            .open_or_update_case(&analyst(), request("", Severity::Low, vec![]))
            .await
            .unwrap_err();
        assert!(
            matches!(invalid, ServiceError::Invalid(_)),
            "{}: {invalid:?}",
            store.name()
        );

        let status = services
            .set_case_status(&analyst(), "nope", CaseStatus::Closed)
            .await;
        assert!(
            matches!(status, Err(ServiceError::NotFound(_))),
            "{}",
            store.name()
        );
        let event = services
            .record_event(
                "nope",
                0,
                &moat_runtime::events::RunEvent::GuestLog {
                    level: "info".to_owned(),
                    message: "x".to_owned(),
                },
            )
            .await;
        assert!(
            matches!(event, Err(ServiceError::NotFound(_))),
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn host_services_case_round_trip() {
    for store in both_stores().await {
        let services: &dyn HostServices = &*store;
        let case = services
            .open_or_update_case(&analyst(), request("k", Severity::Low, vec![]))
            .await
            .unwrap();
        services
            .add_case_note(&analyst(), &case.id, "note")
            .await
            .unwrap();
        services
            .set_case_severity(&analyst(), &case.id, Severity::High)
            .await
            .unwrap();

        let read = services.get_case(&case.id).await.unwrap();
        assert_eq!(read.severity, Severity::High, "{}", store.name());
        assert!(!read.created, "{}", store.name());
        assert_eq!(
            services.secret_value("none").await.unwrap(),
            None,
            "{}",
            store.name()
        );
    }
}
