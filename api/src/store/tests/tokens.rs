use crate::store::testing::both_stores;
use crate::store::{TOKEN_PREFIX, TokenRole};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn token_stored_only_as_hash() {
    for store in both_stores().await {
        let (id, token) = store.create_token("ci", TokenRole::Ingest).await.unwrap();
        assert!(token.starts_with(TOKEN_PREFIX), "{}", store.name());
        assert_eq!(token.len(), TOKEN_PREFIX.len() + 43, "{}", store.name());

        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT id, name, token_hash FROM api_tokens")
                .fetch_all(&store.pool)
                .await
                .unwrap();
        assert_eq!(rows.len(), 1, "{}", store.name());
        let (_, _, hash) = &rows[0];
        assert_eq!(
            *hash,
            hex::encode(Sha256::digest(token.as_bytes())),
            "{}",
            store.name()
        );
        for (column_id, name, hash) in &rows {
            for text in [column_id, name, hash] {
                assert!(
                    !text.contains(&token[TOKEN_PREFIX.len()..]),
                    "{}: token stored",
                    store.name()
                );
            }
        }

        let info = store
            .authenticate(&token)
            .await
            .unwrap()
            .expect("token accepted");
        assert_eq!(info.id, id, "{}", store.name());
        assert_eq!(info.role, TokenRole::Ingest, "{}", store.name());
        assert_eq!(info.last_used_at_ms, None, "{}", store.name());
        let again = store.authenticate(&token).await.unwrap().unwrap();
        assert!(again.last_used_at_ms.is_some(), "{}", store.name());
    }
}

#[tokio::test]
async fn token_unknown_rejected() {
    for store in both_stores().await {
        let (_, token) = store.create_token("ci", TokenRole::Admin).await.unwrap();
        let mut wrong = token.clone();
        wrong.push('x');
        assert!(
            store.authenticate(&wrong).await.unwrap().is_none(),
            "{}",
            store.name()
        );
        assert!(
            store.authenticate("").await.unwrap().is_none(),
            "{}",
            store.name()
        );
        assert!(
            store.authenticate("Bearer x").await.unwrap().is_none(),
            "{}",
            store.name()
        );
    }
}

#[test]
fn token_role_parses() {
    assert_eq!("Analyst".parse::<TokenRole>(), Ok(TokenRole::Analyst));
    assert!("root".parse::<TokenRole>().is_err());
}
