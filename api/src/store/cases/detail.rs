//! The full view of one case.

use super::super::Store;
use super::super::error::StoreResult;
use super::timeline::case_timeline;
use super::{CaseDetail, CaseNote, case_observables};
use sqlx::Row;

impl Store {
    /// Returns a case with its observables, notes, timeline and linked
    /// alert ids, or `None` when it does not exist.
    pub async fn case_detail(&self, case_id: &str) -> StoreResult<Option<CaseDetail>> {
        let Some(case) = self.case_record(case_id).await? else {
            return Ok(None);
        };

        let observables = case_observables(&self.pool, case_id).await?;
        let notes = self.case_notes(case_id).await?;
        let timeline = case_timeline(&self.pool, case_id).await?;
        let alert_ids = self.case_alert_ids(case_id).await?;

        Ok(Some(CaseDetail {
            case,
            observables,
            notes,
            timeline,
            alert_ids,
        }))
    }

    async fn case_notes(&self, case_id: &str) -> StoreResult<Vec<CaseNote>> {
        let rows = sqlx::query(
            "SELECT id, author, body, created_at FROM notes WHERE case_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;

        rows.iter()
            .map(|row| {
                Ok(CaseNote {
                    id: row.try_get("id")?,
                    author: row.try_get("author")?,
                    body: row.try_get("body")?,
                    created_at_ms: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn case_alert_ids(&self, case_id: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query(
            "SELECT alert_id FROM case_alerts WHERE case_id = $1 ORDER BY linked_at, alert_id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;

        rows.iter()
            .map(|row| Ok(row.try_get("alert_id")?))
            .collect()
    }
}
