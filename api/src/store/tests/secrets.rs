use crate::store::testing::both_stores;
use crate::store::{SecretKey, StoreError};
use std::path::PathBuf;

#[tokio::test]
async fn secret_encrypted_at_rest() {
    for store in both_stores().await {
        let value = "sk-live-0123456789abcdef";
        store.put_secret("vt_api_key", value).await.unwrap();

        let stored: Vec<u8> = sqlx::query_scalar("SELECT ciphertext FROM secrets WHERE name = $1")
            .bind("vt_api_key")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        let found = stored
            .windows(value.len())
            .any(|window| window == value.as_bytes());
        assert!(!found, "{}: plaintext stored", store.name());
        assert!(
            stored.len() > 24 + value.len(),
            "{}: nonce and tag missing",
            store.name()
        );

        let read = store.secret_value("vt_api_key").await.unwrap();
        assert_eq!(read.as_deref(), Some(value), "{}", store.name());
        assert_eq!(
            store.secret_value("other").await.unwrap(),
            None,
            "{}",
            store.name()
        );
    }
}

#[tokio::test]
async fn secret_replaced_and_listed() {
    for store in both_stores().await {
        store.put_secret("b", "one").await.unwrap();
        store.put_secret("a", "two").await.unwrap();
        store.put_secret("b", "three").await.unwrap();

        assert_eq!(
            store.secret_value("b").await.unwrap().as_deref(),
            Some("three"),
            "{}",
            store.name()
        );
        let names: Vec<String> = store
            .list_secrets()
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(names, ["a", "b"], "{}", store.name());
    }
}

#[tokio::test]
async fn secret_moved_to_other_name_fails() {
    for store in both_stores().await {
        store.put_secret("a", "value-a").await.unwrap();
        store.put_secret("b", "value-b").await.unwrap();
        sqlx::query("UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE name = 'a') WHERE name = 'b'")
            .execute(&store.pool)
            .await
            .unwrap();

        let moved = store.secret_value("b").await;
        assert!(
            matches!(moved, Err(StoreError::Corrupt(_))),
            "{}: {moved:?}",
            store.name()
        );
        let message = moved.unwrap_err().to_string();
        assert!(!message.contains("value-a"), "{}: {message}", store.name());
    }
}

#[test]
fn key_file_created_with_mode_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys").join("moat.key");

    let created = SecretKey::load_or_create(&path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "mode {mode:o}");
    }

    let loaded = SecretKey::load_or_create(&path).unwrap();
    let ciphertext = created.encrypt("n", b"v").unwrap();
    assert_eq!(loaded.decrypt("n", &ciphertext).unwrap(), b"v");
}

#[cfg(unix)]
#[test]
fn key_file_readable_by_others_rejected() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("moat.key");
    SecretKey::load_or_create(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

    let error = SecretKey::load_or_create(&path).unwrap_err().to_string();
    assert!(error.contains("chmod 600"), "{error}");
    assert!(error.contains("0644"), "{error}");
}

#[test]
fn key_hex_error_hides_value() {
    let text = "zz".repeat(32);
    let error = SecretKey::from_hex(&text).unwrap_err().to_string();
    assert!(!error.contains(&text), "{error}");
    assert!(error.contains("64 hexadecimal characters"), "{error}");
    assert!(SecretKey::from_hex(&"ab".repeat(31)).is_err());
    assert!(SecretKey::from_hex(&format!("{}\n", "ab".repeat(32))).is_ok());
}

#[test]
fn key_file_path_follows_database() {
    assert_eq!(
        SecretKey::key_file_path("sqlite:///var/lib/moat/moat.db"),
        PathBuf::from("/var/lib/moat/moat.key")
    );
    assert_eq!(
        SecretKey::key_file_path("sqlite://moat.db"),
        PathBuf::from("moat.key")
    );
    assert_eq!(
        SecretKey::key_file_path("postgres://moat@127.0.0.1/moat"),
        PathBuf::from("moat.key")
    );
    assert_eq!(
        SecretKey::key_file_path("/etc/moat"),
        PathBuf::from("/etc/moat/moat.key")
    );
}

#[test]
fn key_debug_output_redacted() {
    let key = SecretKey::from_hex(&"ab".repeat(32)).unwrap();
    assert!(!format!("{key:?}").contains("abab"));
}
