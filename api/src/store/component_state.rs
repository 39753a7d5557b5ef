//! Key-value state that a component keeps between runs.

use super::Store;
use super::clock::now_ms;
use super::error::StoreResult;
use sqlx::Row;

impl Store {
    /// Returns the value of `key` for `component`, if set.
    pub async fn state_get(&self, component: &str, key: &str) -> StoreResult<Option<Vec<u8>>> {
        let row =
            sqlx::query("SELECT value FROM component_state WHERE component = $1 AND key = $2")
                .bind(component)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|row| row.try_get("value")).transpose()?)
    }

    /// Sets `key` for `component` to `value`, replacing any previous value.
    pub async fn state_set(&self, component: &str, key: &str, value: &[u8]) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO component_state (component, key, value, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (component, key) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at",
        )
        .bind(component)
        .bind(key)
        .bind(value)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes `key` for `component` and returns true when it was set.
    pub async fn state_delete(&self, component: &str, key: &str) -> StoreResult<bool> {
        let deleted = sqlx::query("DELETE FROM component_state WHERE component = $1 AND key = $2")
            .bind(component)
            .bind(key)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(deleted > 0)
    }
}
