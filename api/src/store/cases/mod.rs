//! Cases: at most one open case per dedup key, with observables, linked
//! alerts, notes and a timeline of changes.

mod changes;
mod detail;
mod list;
mod lock;
mod open;
mod timeline;

pub use list::MAX_PAGE_SIZE;

use super::Store;
use super::columns::{count_column, parse_column};
use super::error::StoreResult;
use moat_runtime::model::{CaseInfo, CaseStatus, Observable, Severity};
use sqlx::Row;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

/// Columns of a [`CaseRecord`], for `SELECT … FROM cases`.
const CASE_COLUMNS: &str = "id, title, severity, status, dedup_key, created_at, updated_at, \
     (SELECT COUNT(*) FROM case_alerts WHERE case_alerts.case_id = cases.id) AS alert_count";

/// A case without its observables, notes and timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: CaseStatus,
    pub dedup_key: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Unix milliseconds of the last change.
    pub updated_at_ms: i64,
    pub alert_count: u32,
}

/// Conditions of [`Store::list_cases`]. A `None` field matches every case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    /// Lowest severity to include.
    pub min_severity: Option<Severity>,
    pub dedup_key: Option<String>,
    /// Observable value of any kind that the case must contain.
    pub observable_value: Option<String>,
}

/// One page of [`Store::list_cases`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePage {
    /// Most recently updated first.
    pub cases: Vec<CaseRecord>,
    /// Cursor of the next page, or `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A note on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    pub id: String,
    /// The actor text, such as `user alice`.
    pub author: String,
    pub body: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// One change in the history of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub id: String,
    /// Unix milliseconds.
    pub at_ms: i64,
    /// `run <id> (<component>)` or `user <name>`.
    pub actor: String,
    /// The run that made the change, when a run did.
    pub run_id: Option<String>,
    /// Such as `case_opened`, `observable_added` or `status_changed`.
    pub kind: String,
    pub detail: serde_json::Value,
}

/// A case with everything attached to it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub case: CaseRecord,
    pub observables: Vec<Observable>,
    /// Oldest first.
    pub notes: Vec<CaseNote>,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// In the order they were linked.
    pub alert_ids: Vec<String>,
}

impl Store {
    /// Returns the case with `id` and its observables, if any.
    pub async fn get_case(&self, id: &str) -> StoreResult<Option<CaseInfo>> {
        match self.case_record(id).await? {
            Some(record) => Ok(Some(self.case_info(record, false).await?)),
            None => Ok(None),
        }
    }

    async fn case_record(&self, id: &str) -> StoreResult<Option<CaseRecord>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(case_from_row).transpose()
    }

    async fn case_info(&self, record: CaseRecord, created: bool) -> StoreResult<CaseInfo> {
        let observables = case_observables(&self.pool, &record.id).await?;
        Ok(CaseInfo {
            id: record.id,
            title: record.title,
            severity: record.severity,
            status: record.status,
            dedup_key: record.dedup_key,
            observables,
            alert_count: record.alert_count,
            created,
        })
    }
}

fn case_from_row(row: &AnyRow) -> StoreResult<CaseRecord> {
    Ok(CaseRecord {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        severity: parse_column(row, "severity")?,
        status: parse_column(row, "status")?,
        dedup_key: row.try_get("dedup_key")?,
        created_at_ms: row.try_get("created_at")?,
        updated_at_ms: row.try_get("updated_at")?,
        alert_count: count_column(row, "alert_count")?,
    })
}

/// Returns the observables of a case in the order they were added.
async fn case_observables<'e, E>(executor: E, case_id: &str) -> StoreResult<Vec<Observable>>
where
    E: Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT kind, value FROM case_observables WHERE case_id = $1 \
         ORDER BY added_at, kind, value",
    )
    .bind(case_id)
    .fetch_all(executor)
    .await?;

    rows.iter()
        .map(|row| {
            Ok(Observable {
                kind: parse_column(row, "kind")?,
                value: row.try_get("value")?,
            })
        })
        .collect()
}
