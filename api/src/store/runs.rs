//! Runs of playbooks: records, status and what triggered them.
//!
//! The queue operations (claim, lease renewal, finish) are in `run_queue`.

use super::Store;
use super::clock::{new_id, now_ms};
use super::columns::{json_column, optional_json_column, parse_column};
use super::error::{StoreError, StoreResult};
use moat_runtime::model::ParseEnumError;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::fmt;
use std::str::FromStr;

/// Columns of a [`RunRecord`].
pub(crate) const RUN_COLUMNS: &str = "id, component, component_version, trigger_kind, alert_id, \
     input, status, attempts, lease_owner, lease_expires_at, queued_at, started_at, finished_at, \
     summary, output, error";

/// Kind of event that started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TriggerKind {
    Alert,
    Manual,
}

/// Life-cycle state of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// A run to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub component: String,
    pub component_version: String,
    pub trigger_kind: TriggerKind,
    /// The triggering alert, required for [`TriggerKind::Alert`].
    pub alert_id: Option<String>,
    pub input: serde_json::Value,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: String,
    pub component: String,
    pub component_version: String,
    pub trigger_kind: TriggerKind,
    pub alert_id: Option<String>,
    pub input: serde_json::Value,
    pub status: RunStatus,
    /// Number of times a worker claimed the run.
    pub attempts: u32,
    /// Worker that holds or last held the lease.
    pub lease_owner: Option<String>,
    /// Unix milliseconds, set while the run is running.
    pub lease_expires_at_ms: Option<i64>,
    /// Unix milliseconds.
    pub queued_at_ms: i64,
    /// Unix milliseconds of the start of the latest attempt.
    pub started_at_ms: Option<i64>,
    /// Unix milliseconds.
    pub finished_at_ms: Option<i64>,
    pub summary: Option<String>,
    pub output: Option<serde_json::Value>,
    pub error: Option<String>,
}

impl Store {
    /// Queues a run and returns its id.
    pub async fn enqueue_run(&self, run: NewRun) -> StoreResult<String> {
        validate_new_run(&run)?;
        if let Some(alert_id) = &run.alert_id
            && !self.alert_exists(alert_id).await?
        {
            return Err(StoreError::NotFound(format!(
                "alert `{alert_id}` not found"
            )));
        }

        let id = new_id();
        sqlx::query(
            "INSERT INTO runs (id, component, component_version, trigger_kind, alert_id, input, \
             status, attempts, queued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8)",
        )
        .bind(&id)
        .bind(&run.component)
        .bind(&run.component_version)
        .bind(run.trigger_kind.as_str())
        .bind(&run.alert_id)
        .bind(run.input.to_string())
        .bind(RunStatus::Queued.as_str())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// Returns the run with `id`, if any.
    pub async fn get_run(&self, id: &str) -> StoreResult<Option<RunRecord>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(run_from_row).transpose()
    }
}

fn validate_new_run(run: &NewRun) -> StoreResult<()> {
    if run.component.is_empty() || run.component_version.is_empty() {
        return Err(StoreError::Invalid(
            "run component name and version must not be empty".to_owned(),
        ));
    }
    match (run.trigger_kind, &run.alert_id) {
        (TriggerKind::Alert, None) => Err(StoreError::Invalid(
            "a run triggered by an alert needs the alert id".to_owned(),
        )),
        (TriggerKind::Manual, Some(_)) => Err(StoreError::Invalid(
            "a manual run must not reference an alert".to_owned(),
        )),
        _ => Ok(()),
    }
}

pub(crate) fn run_from_row(row: &AnyRow) -> StoreResult<RunRecord> {
    let attempts: i64 = row.try_get("attempts")?;
    Ok(RunRecord {
        id: row.try_get("id")?,
        component: row.try_get("component")?,
        component_version: row.try_get("component_version")?,
        trigger_kind: parse_column(row, "trigger_kind")?,
        alert_id: row.try_get("alert_id")?,
        input: json_column(row, "input")?,
        status: parse_column(row, "status")?,
        attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
        lease_owner: row.try_get("lease_owner")?,
        lease_expires_at_ms: row.try_get("lease_expires_at")?,
        queued_at_ms: row.try_get("queued_at")?,
        started_at_ms: row.try_get("started_at")?,
        finished_at_ms: row.try_get("finished_at")?,
        summary: row.try_get("summary")?,
        output: optional_json_column(row, "output")?,
        error: row.try_get("error")?,
    })
}

impl TriggerKind {
    pub const ALL: [TriggerKind; 2] = [TriggerKind::Alert, TriggerKind::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::Alert => "alert",
            TriggerKind::Manual => "manual",
        }
    }
}

impl RunStatus {
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Succeeded,
        RunStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
        }
    }
}

macro_rules! impl_run_enum_str {
    ($ty:ty, $what:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = ParseEnumError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                <$ty>::ALL
                    .into_iter()
                    .find(|candidate| candidate.as_str() == value)
                    .ok_or_else(|| ParseEnumError {
                        what: $what,
                        value: value.to_owned(),
                        expected: <$ty>::ALL.map(|v| v.as_str()).join(", "),
                    })
            }
        }
    };
}

impl_run_enum_str!(TriggerKind, "trigger kind");
impl_run_enum_str!(RunStatus, "run status");
