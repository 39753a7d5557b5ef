//! Notes, severity and status changes made by analysts or runs.

use super::super::Store;
use super::super::clock::{new_id, now_ms};
use super::super::error::{StoreError, StoreResult, is_unique_violation};
use super::lock::{lock_existing_case, touch_case};
use super::timeline::record_change;
use moat_runtime::model::{Actor, CaseStatus, Severity};
use serde_json::json;

impl Store {
    /// Adds a note to a case and returns the note id.
    pub async fn add_note(&self, actor: &Actor, case_id: &str, body: &str) -> StoreResult<String> {
        if body.trim().is_empty() {
            return Err(StoreError::Invalid("note body is empty".to_owned()));
        }

        let mut tx = self.begin_write().await?;
        lock_existing_case(&mut tx, case_id).await?;
        let now = now_ms();
        let note_id = new_id();

        sqlx::query(
            "INSERT INTO notes (id, case_id, author, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&note_id)
        .bind(case_id)
        .bind(actor.to_string())
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;

        let detail = json!({ "note_id": note_id });
        record_change(&mut tx, case_id, actor, now, "note_added", detail).await?;
        touch_case(&mut tx, case_id, now).await?;
        tx.commit().await?;
        Ok(note_id)
    }

    /// Sets the severity of a case, lower or higher. Setting the current
    /// severity changes nothing and adds no timeline entry.
    pub async fn set_severity(
        &self,
        actor: &Actor,
        case_id: &str,
        severity: Severity,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let locked = lock_existing_case(&mut tx, case_id).await?;
        if locked.severity == severity {
            return Ok(());
        }
        let now = now_ms();

        sqlx::query("UPDATE cases SET severity = $1, updated_at = $2 WHERE id = $3")
            .bind(severity.as_str())
            .bind(now)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;

        let detail = json!({ "from": locked.severity.as_str(), "to": severity.as_str() });
        record_change(&mut tx, case_id, actor, now, "severity_changed", detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the status of a case. Reopening a closed case fails with
    /// [`StoreError::Conflict`] while another case is open for its dedup key.
    pub async fn set_status(
        &self,
        actor: &Actor,
        case_id: &str,
        status: CaseStatus,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let locked = lock_existing_case(&mut tx, case_id).await?;
        if locked.status == status {
            return Ok(());
        }
        let now = now_ms();

        let update = sqlx::query("UPDATE cases SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now)
            .bind(case_id)
            .execute(&mut *tx)
            .await;
        match update {
            Err(error) if is_unique_violation(&error) => {
                return Err(StoreError::Conflict(format!(
                    "case `{case_id}` cannot be reopened: another case is open for its dedup key"
                )));
            }
            other => other?,
        };

        let detail = json!({ "from": locked.status.as_str(), "to": status.as_str() });
        record_change(&mut tx, case_id, actor, now, "status_changed", detail).await?;
        tx.commit().await?;
        Ok(())
    }
}
