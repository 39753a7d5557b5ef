//! Secrets, encrypted at rest with the store's [`SecretKey`](super::SecretKey).

use super::Store;
use super::clock::now_ms;
use super::error::{StoreError, StoreResult};
use sqlx::Row;
use tracing::info;

/// A secret's name and times, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMeta {
    pub name: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Unix milliseconds of the last change of the value.
    pub updated_at_ms: i64,
}

impl Store {
    /// Stores or replaces the value of secret `name`.
    pub async fn put_secret(&self, name: &str, value: &str) -> StoreResult<()> {
        if name.is_empty() {
            return Err(StoreError::Invalid("secret name is empty".to_owned()));
        }
        let ciphertext = self
            .secret_key
            .encrypt(name, value.as_bytes())
            .map_err(|error| StoreError::Invalid(format!("secret `{name}`: {error}")))?;
        let now = now_ms();

        sqlx::query(
            "INSERT INTO secrets (name, ciphertext, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) \
             ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, \
             updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(ciphertext)
        .bind(now)
        .execute(&self.pool)
        .await?;

        info!(secret = name, "secret stored");
        Ok(())
    }

    /// Returns the decrypted value of secret `name`, or `None` when none is
    /// stored. A value that fails to decrypt is [`StoreError::Corrupt`].
    pub async fn secret_value(&self, name: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT ciphertext FROM secrets WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };

        let ciphertext: Vec<u8> = row.try_get("ciphertext")?;
        let plaintext = self
            .secret_key
            .decrypt(name, &ciphertext)
            .map_err(|error| StoreError::Corrupt(format!("secret `{name}`: {error}")))?;
        let value = String::from_utf8(plaintext).map_err(|_| {
            StoreError::Corrupt(format!("secret `{name}`: decrypted value is not UTF-8"))
        })?;
        Ok(Some(value))
    }

    /// Returns the names and times of all secrets, sorted by name.
    pub async fn list_secrets(&self) -> StoreResult<Vec<SecretMeta>> {
        let rows = sqlx::query("SELECT name, created_at, updated_at FROM secrets ORDER BY name")
            .fetch_all(&self.pool)
            .await?;

        rows.iter()
            .map(|row| {
                Ok(SecretMeta {
                    name: row.try_get("name")?,
                    created_at_ms: row.try_get("created_at")?,
                    updated_at_ms: row.try_get("updated_at")?,
                })
            })
            .collect()
    }
}
