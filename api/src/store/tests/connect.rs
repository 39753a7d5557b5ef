use crate::store::{SecretKey, Store};

#[tokio::test]
async fn sqlite_file_created_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("moat.db");
    let url = format!("sqlite://{}", path.display());

    let store = Store::connect_with_key(&url, SecretKey::generate())
        .await
        .unwrap();
    assert_eq!(store.backend_name(), "sqlite");
    assert!(path.exists(), "database file missing");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
    store.close().await;

    // A second start runs no migration again and keeps the data.
    let reopened = Store::connect_with_key(&url, SecretKey::generate())
        .await
        .unwrap();
    assert!(reopened.list_components().await.unwrap().is_empty());
}

#[tokio::test]
async fn sqlite_memory_keeps_data_across_calls() {
    let store = Store::connect_with_key("sqlite::memory:", SecretKey::generate())
        .await
        .unwrap();
    store.state_set("c", "k", b"v").await.unwrap();
    assert_eq!(
        store.state_get("c", "k").await.unwrap(),
        Some(b"v".to_vec())
    );
}

#[tokio::test]
async fn connect_rejects_unknown_scheme() {
    let error =
        Store::connect_with_key("mysql://root:hunter2@127.0.0.1/moat", SecretKey::generate())
            .await
            .unwrap_err();
    assert!(
        error.to_string().contains("unsupported database URL"),
        "{error}"
    );
    assert!(!error.to_string().contains("hunter2"), "{error}");
}
