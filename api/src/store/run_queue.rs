//! The run queue: claiming runs under a time-limited lease, renewing the
//! lease, and finishing runs.
//!
//! A worker that stops renewing loses its run once the lease expires: the
//! next claim takes the run again, and a run whose lease expired
//! [`MAX_RUN_ATTEMPTS`] times is marked failed instead.

use super::Store;
use super::clock::now_ms;
use super::error::{StoreError, StoreResult};
use super::runs::{RUN_COLUMNS, RunRecord, RunStatus, TriggerKind, run_from_row};
use sqlx::Row;
use std::time::Duration;
use tracing::{info, warn};

/// Number of claims after which an expired lease fails the run.
pub const MAX_RUN_ATTEMPTS: u32 = 3;

/// A run that a worker has claimed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedRun {
    pub id: String,
    pub component: String,
    pub component_version: String,
    pub trigger_kind: TriggerKind,
    pub alert_id: Option<String>,
    pub input: serde_json::Value,
    /// 1 for the first claim of the run.
    pub attempt: u32,
    /// Unix milliseconds.
    pub lease_expires_at_ms: i64,
}

/// Result of a run that completed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSuccess {
    pub summary: Option<String>,
    pub output: serde_json::Value,
}

impl Store {
    /// Claims the oldest queued run, or a running run whose lease expired,
    /// for `worker_id` with a lease of `lease`. Returns `None` when no run
    /// is available.
    pub async fn claim_run(
        &self,
        worker_id: &str,
        lease: Duration,
    ) -> StoreResult<Option<ClaimedRun>> {
        validate_worker_id(worker_id)?;
        let now = now_ms();
        let expires_at = now.saturating_add(duration_ms(lease));
        let mut tx = self.begin_write().await?;

        let failed = sqlx::query(
            "UPDATE runs SET status = $1, finished_at = $2, lease_expires_at = NULL, error = $3 \
             WHERE status = $4 AND lease_expires_at < $2 AND attempts >= $5 RETURNING id",
        )
        .bind(RunStatus::Failed.as_str())
        .bind(now)
        .bind(format!(
            "run failed: its lease expired {MAX_RUN_ATTEMPTS} times before a worker finished it"
        ))
        .bind(RunStatus::Running.as_str())
        .bind(i64::from(MAX_RUN_ATTEMPTS))
        .fetch_all(&mut *tx)
        .await?;
        for row in &failed {
            let run_id: String = row.try_get("id")?;
            warn!(
                run_id,
                max_attempts = MAX_RUN_ATTEMPTS,
                "run failed after repeated lease expiry"
            );
        }

        let sql = format!(
            "UPDATE runs SET status = $1, attempts = attempts + 1, lease_owner = $2, \
             lease_expires_at = $3, started_at = $4 \
             WHERE id = (SELECT id FROM runs WHERE status = $5 \
             OR (status = $1 AND lease_expires_at < $4 AND attempts < $6) \
             ORDER BY queued_at, id LIMIT 1 {}) \
             RETURNING {RUN_COLUMNS}",
            self.backend.claim_lock_clause()
        );
        let row = sqlx::query(&sql)
            .bind(RunStatus::Running.as_str())
            .bind(worker_id)
            .bind(expires_at)
            .bind(now)
            .bind(RunStatus::Queued.as_str())
            .bind(i64::from(MAX_RUN_ATTEMPTS))
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;

        let Some(row) = row else {
            return Ok(None);
        };
        let claimed = claimed_from_record(run_from_row(&row)?, expires_at);
        info!(run_id = %claimed.id, worker_id, attempt = claimed.attempt, "run claimed");
        Ok(Some(claimed))
    }

    /// Extends the lease of a running run held by `worker_id` to `lease`
    /// from now. Returns false when the worker no longer holds the lease,
    /// because another worker claimed the run or it finished.
    ///
    /// A lease that expired but was not claimed again can still be renewed.
    pub async fn renew_lease(
        &self,
        run_id: &str,
        worker_id: &str,
        lease: Duration,
    ) -> StoreResult<bool> {
        let expires_at = now_ms().saturating_add(duration_ms(lease));
        let renewed = sqlx::query(
            "UPDATE runs SET lease_expires_at = $1 \
             WHERE id = $2 AND lease_owner = $3 AND status = $4",
        )
        .bind(expires_at)
        .bind(run_id)
        .bind(worker_id)
        .bind(RunStatus::Running.as_str())
        .execute(&self.pool)
        .await?
        .rows_affected();

        if renewed == 0 {
            warn!(run_id, worker_id, "run lease lost");
        }
        Ok(renewed > 0)
    }

    /// Records the result of a run held by `worker_id`: `Ok` marks it
    /// succeeded, `Err` failed with that error message. Returns false,
    /// storing nothing, when the worker no longer holds the lease.
    pub async fn finish_run(
        &self,
        run_id: &str,
        worker_id: &str,
        outcome: Result<RunSuccess, String>,
    ) -> StoreResult<bool> {
        let (status, summary, output, error) = match outcome {
            Ok(success) => (
                RunStatus::Succeeded,
                success.summary,
                Some(success.output.to_string()),
                None,
            ),
            Err(error) => (RunStatus::Failed, None, None, Some(error)),
        };

        let finished = sqlx::query(
            "UPDATE runs SET status = $1, finished_at = $2, lease_expires_at = NULL, \
             summary = $3, output = $4, error = $5 \
             WHERE id = $6 AND lease_owner = $7 AND status = $8",
        )
        .bind(status.as_str())
        .bind(now_ms())
        .bind(summary)
        .bind(output)
        .bind(error)
        .bind(run_id)
        .bind(worker_id)
        .bind(RunStatus::Running.as_str())
        .execute(&self.pool)
        .await?
        .rows_affected();

        if finished == 0 {
            warn!(run_id, worker_id, "run not finished: lease lost");
            return Ok(false);
        }
        info!(run_id, worker_id, status = status.as_str(), "run finished");
        Ok(true)
    }
}

fn claimed_from_record(record: RunRecord, lease_expires_at_ms: i64) -> ClaimedRun {
    ClaimedRun {
        id: record.id,
        component: record.component,
        component_version: record.component_version,
        trigger_kind: record.trigger_kind,
        alert_id: record.alert_id,
        input: record.input,
        attempt: record.attempts,
        lease_expires_at_ms,
    }
}

fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Rejects an empty worker id, which would make leases indistinguishable.
fn validate_worker_id(worker_id: &str) -> StoreResult<()> {
    if worker_id.is_empty() {
        return Err(StoreError::Invalid("worker id is empty".to_owned()));
    }
    Ok(())
}
