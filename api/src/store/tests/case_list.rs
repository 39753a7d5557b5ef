use super::case_open::{ip, request};
use crate::store::testing::{analyst, both_stores};
use crate::store::{CaseFilter, StoreError};
use moat_runtime::model::{CaseStatus, Severity};
use std::collections::HashSet;

#[tokio::test]
async fn case_pages_stable_across_inserts() {
    for store in both_stores().await {
        for index in 0..7 {
            store
                .open_or_update_case(
                    &analyst(),
                    request(&format!("k{index}"), Severity::Low, vec![]),
                )
                .await
                .unwrap();
        }
        let everything = store
            .list_cases(&CaseFilter::default(), None, 0)
            .await
            .unwrap();
        assert_eq!(everything.cases.len(), 7, "{}", store.name());
        assert_eq!(everything.next_cursor, None, "{}", store.name());

        let first = store
            .list_cases(&CaseFilter::default(), None, 3)
            .await
            .unwrap();
        // A case created between pages sorts first and must not shift them.
        store
            .open_or_update_case(&analyst(), request("late", Severity::Low, vec![]))
            .await
            .unwrap();
        let cursor = first.next_cursor.clone().expect("second page");
        let second = store
            .list_cases(&CaseFilter::default(), Some(&cursor), 3)
            .await
            .unwrap();
        let cursor = second.next_cursor.clone().expect("third page");
        let third = store
            .list_cases(&CaseFilter::default(), Some(&cursor), 3)
            .await
            .unwrap();
        assert_eq!(third.next_cursor, None, "{}", store.name());

        let paged: Vec<String> = [first.cases, second.cases, third.cases]
            .into_iter()
            .flatten()
            .map(|case| case.id)
            .collect();
        let expected: Vec<String> = everything.cases.into_iter().map(|case| case.id).collect();
        assert_eq!(paged, expected, "{}", store.name());
    }
}

#[tokio::test]
async fn case_list_filters_apply() {
    for store in both_stores().await {
        let low = store
            .open_or_update_case(
                &analyst(),
                request("low", Severity::Low, vec![ip("192.0.2.1")]),
            )
            .await
            .unwrap();
        let high = store
            .open_or_update_case(
                &analyst(),
                request("high", Severity::High, vec![ip("192.0.2.2")]),
            )
            .await
            .unwrap();
        store
            .set_status(&analyst(), &high.id, CaseStatus::Closed)
            .await
            .unwrap();

        let ids = |page: crate::store::CasePage| -> HashSet<String> {
            page.cases.into_iter().map(|case| case.id).collect()
        };
        let filter = CaseFilter {
            min_severity: Some(Severity::Medium),
            ..Default::default()
        };
        let found = ids(store.list_cases(&filter, None, 10).await.unwrap());
        assert_eq!(found, HashSet::from([high.id.clone()]), "{}", store.name());

        let filter = CaseFilter {
            status: Some(CaseStatus::Open),
            ..Default::default()
        };
        let found = ids(store.list_cases(&filter, None, 10).await.unwrap());
        assert_eq!(found, HashSet::from([low.id.clone()]), "{}", store.name());

        let filter = CaseFilter {
            dedup_key: Some("high".to_owned()),
            ..Default::default()
        };
        let found = ids(store.list_cases(&filter, None, 10).await.unwrap());
        assert_eq!(found, HashSet::from([high.id.clone()]), "{}", store.name());

        let filter = CaseFilter {
            observable_value: Some("192.0.2.1".to_owned()),
            ..Default::default()
        };
        let found = ids(store.list_cases(&filter, None, 10).await.unwrap());
        assert_eq!(found, HashSet::from([low.id.clone()]), "{}", store.name());

        let bad = store
            .list_cases(&CaseFilter::default(), Some("%%%"), 10)
            .await;
        assert!(
            matches!(bad, Err(StoreError::Invalid(_))),
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn open_cases_found_by_observable() {
    for store in both_stores().await {
        let open = store
            .open_or_update_case(
                &analyst(),
                request("a", Severity::Low, vec![ip("192.0.2.9")]),
            )
            .await
            .unwrap();
        let closed = store
            .open_or_update_case(
                &analyst(),
                request("b", Severity::Low, vec![ip("192.0.2.9")]),
            )
            .await
            .unwrap();
        store
            .set_status(&analyst(), &closed.id, CaseStatus::Closed)
            .await
            .unwrap();

        let found = store
            .find_open_cases_by_observable(&ip("192.0.2.9"), 10)
            .await
            .unwrap();
        let ids: Vec<&str> = found.iter().map(|case| case.id.as_str()).collect();
        assert_eq!(ids, [open.id.as_str()], "{}", store.name());
        assert_eq!(found[0].observables, [ip("192.0.2.9")], "{}", store.name());
        let none = store
            .find_open_cases_by_observable(&ip("192.0.2.10"), 10)
            .await
            .unwrap();
        assert!(none.is_empty(), "{}", store.name());
    }
}
