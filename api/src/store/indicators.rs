//! Threat indicators: verdicts about observable values, per source.

use super::Store;
use super::clock::now_ms;
use super::columns::parse_column;
use super::error::{StoreError, StoreResult};
use moat_runtime::model::{Indicator, Observable};
use sqlx::Row;

impl Store {
    /// Stores an indicator, replacing the verdict and description of the
    /// one with the same kind, value and source.
    pub async fn add_indicator(&self, indicator: &Indicator) -> StoreResult<()> {
        if indicator.value.value.is_empty() {
            return Err(StoreError::Invalid("indicator value is empty".to_owned()));
        }
        if indicator.source.is_empty() {
            return Err(StoreError::Invalid("indicator source is empty".to_owned()));
        }

        sqlx::query(
            "INSERT INTO indicators (kind, value, verdict, source, description, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (kind, value, source) DO UPDATE SET verdict = excluded.verdict, \
             description = excluded.description, updated_at = excluded.updated_at",
        )
        .bind(indicator.value.kind.as_str())
        .bind(&indicator.value.value)
        .bind(indicator.verdict.as_str())
        .bind(&indicator.source)
        .bind(&indicator.description)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Returns every source's indicator for `observable`, sorted by source.
    /// Values match exactly, so callers pass normalised values.
    pub async fn lookup_indicators(&self, observable: &Observable) -> StoreResult<Vec<Indicator>> {
        let rows = sqlx::query(
            "SELECT kind, value, verdict, source, description FROM indicators \
             WHERE kind = $1 AND value = $2 ORDER BY source",
        )
        .bind(observable.kind.as_str())
        .bind(&observable.value)
        .fetch_all(&self.pool)
        .await?;

        rows.iter()
            .map(|row| {
                Ok(Indicator {
                    value: Observable {
                        kind: parse_column(row, "kind")?,
                        value: row.try_get("value")?,
                    },
                    verdict: parse_column(row, "verdict")?,
                    source: row.try_get("source")?,
                    description: row.try_get("description")?,
                })
            })
            .collect()
    }
}
