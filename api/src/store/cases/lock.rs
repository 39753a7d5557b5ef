//! Row locking of a case inside a write transaction.

use super::super::columns::parse_column;
use super::super::error::{StoreError, StoreResult};
use moat_runtime::model::{CaseStatus, Severity};
use sqlx::AnyConnection;

/// Current severity and status of a locked case.
#[derive(Debug, Clone, Copy)]
pub(super) struct LockedCase {
    pub(super) severity: Severity,
    pub(super) status: CaseStatus,
}

/// Locks the row of case `case_id` until the transaction ends and returns
/// its state, or `None` when the case does not exist.
///
/// The no-op `UPDATE` takes the PostgreSQL row lock, so concurrent changes
/// to one case run one after the other instead of interleaving their
/// observable inserts. SQLite already holds the database lock from
/// `BEGIN IMMEDIATE`.
pub(super) async fn lock_case(
    connection: &mut AnyConnection,
    case_id: &str,
) -> StoreResult<Option<LockedCase>> {
    let row = sqlx::query(
        "UPDATE cases SET updated_at = updated_at WHERE id = $1 RETURNING severity, status",
    )
    .bind(case_id)
    .fetch_optional(&mut *connection)
    .await?;

    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(LockedCase {
        severity: parse_column(&row, "severity")?,
        status: parse_column(&row, "status")?,
    }))
}

/// Like [`lock_case`], but a missing case is [`StoreError::NotFound`].
pub(super) async fn lock_existing_case(
    connection: &mut AnyConnection,
    case_id: &str,
) -> StoreResult<LockedCase> {
    lock_case(connection, case_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("case `{case_id}` not found")))
}

/// Sets the last-change time of a case.
pub(super) async fn touch_case(
    connection: &mut AnyConnection,
    case_id: &str,
    at_ms: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
        .bind(at_ms)
        .bind(case_id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}
