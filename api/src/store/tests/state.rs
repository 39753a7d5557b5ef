use crate::store::testing::both_stores;

#[tokio::test]
async fn component_state_set_get_delete() {
    for store in both_stores().await {
        let value = [0x00, 0xFF, 0x10, 0x80, b'{', b' '];
        assert_eq!(
            store.state_get("c", "k").await.unwrap(),
            None,
            "{}",
            store.name()
        );
        store.state_set("c", "k", &value).await.unwrap();
        store.state_set("other", "k", b"x").await.unwrap();
        assert_eq!(
            store.state_get("c", "k").await.unwrap(),
            Some(value.to_vec()),
            "{}",
            store.name()
        );

        store.state_set("c", "k", b"").await.unwrap();
        assert_eq!(
            store.state_get("c", "k").await.unwrap(),
            Some(Vec::new()),
            "{}",
            store.name()
        );

        assert!(
            store.state_delete("c", "k").await.unwrap(),
            "{}",
            store.name()
        );
        assert!(
            !store.state_delete("c", "k").await.unwrap(),
            "{}",
            store.name()
        );
        assert_eq!(
            store.state_get("c", "k").await.unwrap(),
            None,
            "{}",
            store.name()
        );
        assert_eq!(
            store.state_get("other", "k").await.unwrap(),
            Some(b"x".to_vec()),
            "{}",
            store.name()
        );
    }
}
