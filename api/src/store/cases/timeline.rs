//! Timeline entries of a case.

use super::super::clock::new_id;
use super::super::columns::json_column;
use super::super::error::StoreResult;
use super::TimelineEntry;
use moat_runtime::model::Actor;
use sqlx::{Any, AnyConnection, Executor, Row};

const TIMELINE_COLUMNS: &str = "id, at, actor, run_id, kind, detail";

/// Appends an entry to the timeline of case `case_id`.
pub(super) async fn record_change(
    connection: &mut AnyConnection,
    case_id: &str,
    actor: &Actor,
    at_ms: i64,
    kind: &str,
    detail: serde_json::Value,
) -> StoreResult<()> {
    let run_id = match actor {
        Actor::Run { run_id, .. } => Some(run_id.as_str()),
        Actor::User { .. } => None,
    };

    let sql = format!(
        "INSERT INTO timeline (case_id, {TIMELINE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    );
    sqlx::query(&sql)
        .bind(case_id)
        .bind(new_id())
        .bind(at_ms)
        .bind(actor.to_string())
        .bind(run_id)
        .bind(kind)
        .bind(detail.to_string())
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Returns the timeline of a case, oldest first.
pub(super) async fn case_timeline<'e, E>(
    executor: E,
    case_id: &str,
) -> StoreResult<Vec<TimelineEntry>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {TIMELINE_COLUMNS} FROM timeline WHERE case_id = $1 ORDER BY at, id");
    let rows = sqlx::query(&sql).bind(case_id).fetch_all(executor).await?;

    rows.iter()
        .map(|row| {
            Ok(TimelineEntry {
                id: row.try_get("id")?,
                at_ms: row.try_get("at")?,
                actor: row.try_get("actor")?,
                run_id: row.try_get("run_id")?,
                kind: row.try_get("kind")?,
                detail: json_column(row, "detail")?,
            })
        })
        .collect()
}
