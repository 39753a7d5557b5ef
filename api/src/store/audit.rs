//! The audit log: who changed what through the API, and which secrets each
//! run used. Entries are only appended, never changed or removed, and the
//! migrations add triggers that reject `UPDATE` and `DELETE` on the table.

use super::MAX_PAGE_SIZE;
use super::Store;
use super::clock::{new_id, now_ms};
use super::columns::json_column;
use super::error::{StoreError, StoreResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Columns of an [`AuditEntry`], in the order of the `INSERT`.
const AUDIT_COLUMNS: &str = "id, at, actor, action, target, detail";

/// An entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// Actor, such as `user alice` or `run 0190…`.
    pub actor: String,
    /// Action, such as `secret.put` or `run.create`.
    pub action: String,
    /// The record acted on, such as a secret name or a run id.
    pub target: Option<String>,
    /// Further facts about the action. Never contains a secret value.
    pub detail: serde_json::Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: String,
    /// Unix milliseconds.
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub detail: serde_json::Value,
}

/// One page of [`Store::list_audit`].
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// Cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

/// Position after the last entry of a page: entries sort by `at` then
/// `id`, both descending.
struct AuditCursor {
    at_ms: i64,
    id: String,
}

impl AuditCursor {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at_ms, self.id))
    }

    fn decode(text: &str) -> StoreResult<AuditCursor> {
        let invalid = || StoreError::Invalid(format!("invalid audit cursor `{text}`"));
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let decoded = String::from_utf8(bytes).map_err(|_| invalid())?;
        let (at, id) = decoded.split_once(':').ok_or_else(invalid)?;
        Ok(AuditCursor {
            at_ms: at.parse().map_err(|_| invalid())?,
            id: id.to_owned(),
        })
    }
}

impl Store {
    /// Appends an entry and returns its id.
    pub async fn append_audit(&self, entry: NewAuditEntry) -> StoreResult<String> {
        if entry.actor.is_empty() || entry.action.is_empty() {
            return Err(StoreError::Invalid(
                "audit entry actor and action must not be empty".to_owned(),
            ));
        }
        let id = new_id();
        let sql =
            format!("INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)");
        sqlx::query(&sql)
            .bind(&id)
            .bind(now_ms())
            .bind(&entry.actor)
            .bind(&entry.action)
            .bind(entry.target.as_deref())
            .bind(entry.detail.to_string())
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    /// Returns entries newest first, only those with `action` when it is
    /// given.
    ///
    /// `cursor` is the `next_cursor` of the previous page. `limit` is capped
    /// at [`MAX_PAGE_SIZE`], and 0 means the maximum.
    pub async fn list_audit(
        &self,
        action: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> StoreResult<AuditPage> {
        let limit = if limit == 0 {
            MAX_PAGE_SIZE
        } else {
            limit.min(MAX_PAGE_SIZE)
        };
        let cursor = cursor.map(AuditCursor::decode).transpose()?;
        // A missing filter or cursor is bound as NULL and its condition is
        // then always true, so one statement serves every combination.
        let (cursor_at, cursor_id) = match &cursor {
            Some(cursor) => (Some(cursor.at_ms), Some(cursor.id.as_str())),
            None => (None, None),
        };
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log \
             WHERE ($1 IS NULL OR action = $1) \
             AND ($2 IS NULL OR at < $2 OR (at = $2 AND id < $3)) \
             ORDER BY at DESC, id DESC LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(action)
            .bind(cursor_at)
            .bind(cursor_id)
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut entries = rows
            .iter()
            .map(audit_entry_from_row)
            .collect::<StoreResult<Vec<_>>>()?;

        let has_more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let next_cursor = match entries.last() {
            Some(last) if has_more => Some(
                AuditCursor {
                    at_ms: last.at_ms,
                    id: last.id.clone(),
                }
                .encode(),
            ),
            _ => None,
        };
        Ok(AuditPage {
            entries,
            next_cursor,
        })
    }
}

fn audit_entry_from_row(row: &AnyRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at_ms: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        target: row.try_get("target")?,
        detail: json_column(row, "detail")?,
    })
}
