use crate::store::testing::both_stores;
use crate::store::{NewComponent, StoreError};

fn component(version: &str, wasm: &[u8]) -> NewComponent {
    NewComponent {
        name: "triage".to_owned(),
        version: version.to_owned(),
        kind: "playbook".to_owned(),
        manifest: "[component]\nname = \"triage\"\n".to_owned(),
        wasm: wasm.to_vec(),
        enabled: true,
    }
}

#[tokio::test]
async fn component_latest_enabled_version() {
    for store in both_stores().await {
        let wasm_v1 = b"\0asm\x01\0\0\0\xFF\x00v1".to_vec();
        let meta = store
            .put_component(component("1.0.0", &wasm_v1))
            .await
            .unwrap();
        assert_eq!(meta.wasm_sha256.len(), 64, "{}", store.name());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        store
            .put_component(component("1.1.0", b"\0asm v2"))
            .await
            .unwrap();

        let latest = store.get_component("triage").await.unwrap().unwrap();
        assert_eq!(latest.meta.version, "1.1.0", "{}", store.name());
        assert_eq!(latest.wasm, b"\0asm v2", "{}", store.name());

        store
            .set_component_enabled("triage", "1.1.0", false)
            .await
            .unwrap();
        let fallback = store.get_component("triage").await.unwrap().unwrap();
        assert_eq!(fallback.meta.version, "1.0.0", "{}", store.name());
        assert_eq!(
            fallback.wasm,
            wasm_v1,
            "{}: wasm bytes changed",
            store.name()
        );

        let listed = store.list_components().await.unwrap();
        assert_eq!(listed.len(), 2, "{}", store.name());
        assert!(
            store.get_component("other").await.unwrap().is_none(),
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn component_version_immutable() {
    for store in both_stores().await {
        store
            .put_component(component("1.0.0", b"one"))
            .await
            .unwrap();
        store
            .put_component(component("1.0.0", b"one"))
            .await
            .unwrap();

        let changed = store.put_component(component("1.0.0", b"two")).await;
        assert!(
            matches!(changed, Err(StoreError::Conflict(_))),
            "{}: {changed:?}",
            store.name()
        );
        let missing = store.set_component_enabled("triage", "9.9.9", false).await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{}",
            store.name()
        );
    }
}
