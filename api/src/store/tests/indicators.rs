use crate::store::testing::both_stores;
use moat_runtime::model::{Indicator, Observable, ObservableKind, Verdict};

fn domain(value: &str) -> Observable {
    Observable {
        kind: ObservableKind::Domain,
        value: value.to_owned(),
    }
}

fn indicator(source: &str, verdict: Verdict) -> Indicator {
    Indicator {
        value: domain("evil.example"),
        verdict,
        source: source.to_owned(),
        description: format!("{source} says {verdict}"),
    }
}

#[tokio::test]
async fn indicator_upserted_per_source() {
    for store in both_stores().await {
        store
            .add_indicator(&indicator("feed-b", Verdict::Suspicious))
            .await
            .unwrap();
        store
            .add_indicator(&indicator("feed-a", Verdict::Unknown))
            .await
            .unwrap();
        store
            .add_indicator(&indicator("feed-a", Verdict::Malicious))
            .await
            .unwrap();

        let found = store
            .lookup_indicators(&domain("evil.example"))
            .await
            .unwrap();
        assert_eq!(
            found,
            [
                indicator("feed-a", Verdict::Malicious),
                indicator("feed-b", Verdict::Suspicious)
            ],
            "{}",
            store.name()
        );
        let other_kind = Observable {
            kind: ObservableKind::Hostname,
            value: "evil.example".to_owned(),
        };
        assert!(
            store
                .lookup_indicators(&other_kind)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            store.name()
        );
    }
}
