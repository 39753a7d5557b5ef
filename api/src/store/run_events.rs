//! The execution log of each run.

use super::Store;
use super::clock::now_ms;
use super::columns::json_column;
use super::error::{StoreError, StoreResult, is_foreign_key_violation, is_unique_violation};
use moat_runtime::events::RunEvent;
use sqlx::Row;

/// A stored execution-log event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRunEvent {
    /// Position in the run, from 0.
    pub seq: u64,
    /// Unix milliseconds when the event was stored.
    pub at_ms: i64,
    /// The event's `type` field, such as `http_request`.
    pub kind: String,
    /// The event as JSON. It is not decoded into [`RunEvent`] so that events
    /// written by older versions still load.
    pub event: serde_json::Value,
}

impl Store {
    /// Stores event `seq` of run `run_id`.
    ///
    /// Fails with [`StoreError::NotFound`] for an unknown run and with
    /// [`StoreError::Conflict`] when the run already has event `seq`.
    pub async fn append_run_event(
        &self,
        run_id: &str,
        seq: u64,
        event: &RunEvent,
    ) -> StoreResult<()> {
        let seq_value = i64::try_from(seq).map_err(|_| {
            StoreError::Invalid(format!("event sequence number {seq} is too large"))
        })?;
        let json = serde_json::to_string(event)
            .map_err(|error| StoreError::Invalid(format!("failed to encode run event: {error}")))?;

        let inserted = sqlx::query(
            "INSERT INTO run_events (run_id, seq, at, kind, event) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(run_id)
        .bind(seq_value)
        .bind(now_ms())
        .bind(event.kind())
        .bind(json)
        .execute(&self.pool)
        .await;

        match inserted {
            Ok(_) => Ok(()),
            Err(error) if is_foreign_key_violation(&error) => {
                Err(StoreError::NotFound(format!("run `{run_id}` not found")))
            }
            Err(error) if is_unique_violation(&error) => Err(StoreError::Conflict(format!(
                "run `{run_id}` already has event {seq}"
            ))),
            Err(error) => Err(error.into()),
        }
    }

    /// Returns the events of a run in `seq` order, only those after
    /// `after_seq` when it is given.
    pub async fn list_run_events(
        &self,
        run_id: &str,
        after_seq: Option<u64>,
    ) -> StoreResult<Vec<StoredRunEvent>> {
        let after = match after_seq {
            Some(seq) => i64::try_from(seq).unwrap_or(i64::MAX),
            None => -1,
        };
        let rows = sqlx::query(
            "SELECT seq, at, kind, event FROM run_events WHERE run_id = $1 AND seq > $2 \
             ORDER BY seq",
        )
        .bind(run_id)
        .bind(after)
        .fetch_all(&self.pool)
        .await?;

        rows.iter()
            .map(|row| {
                let seq: i64 = row.try_get("seq")?;
                Ok(StoredRunEvent {
                    seq: u64::try_from(seq).unwrap_or_default(),
                    at_ms: row.try_get("at")?,
                    kind: row.try_get("kind")?,
                    event: json_column(row, "event")?,
                })
            })
            .collect()
    }
}
