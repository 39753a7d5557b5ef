//! Received alerts and the observables extracted from them.

use super::Store;
use super::clock::{new_id, now_ms};
use super::columns::{flag_column, json_column, parse_column};
use super::error::StoreResult;
use moat_runtime::model::{ObservableKind, Severity};
use sqlx::Row;
use sqlx::any::AnyRow;

const ALERT_COLUMNS: &str = "id, received_at, source, title, severity, occurred_at, dedup_key, \
     source_ref, triggerable, not_triggered_reason, raw, normalized";

const ALERT_OBSERVABLE_COLUMNS: &str = "kind, value, field, valid, error";

/// An alert to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub source: String,
    pub title: String,
    pub severity: Severity,
    /// When the event happened, as Unix milliseconds.
    pub occurred_at_ms: i64,
    pub dedup_key: String,
    /// The sender's own id of the alert, used to detect duplicates.
    pub source_ref: Option<String>,
    /// False when the alert must not start playbooks.
    pub triggerable: bool,
    /// Reason the alert starts no playbooks, such as being a duplicate.
    pub not_triggered_reason: Option<String>,
    /// The body exactly as received.
    pub raw: Vec<u8>,
    pub normalized: serde_json::Value,
    /// Observables in extraction order, valid or not.
    pub observables: Vec<AlertObservable>,
}

/// An observable extracted from an alert field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertObservable {
    pub kind: ObservableKind,
    pub value: String,
    /// Path of the field the value came from.
    pub field: String,
    pub valid: bool,
    /// Reason the value is invalid, when it is.
    pub error: Option<String>,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlert {
    pub id: String,
    /// Unix milliseconds.
    pub received_at_ms: i64,
    pub source: String,
    pub title: String,
    pub severity: Severity,
    /// Unix milliseconds.
    pub occurred_at_ms: i64,
    pub dedup_key: String,
    pub source_ref: Option<String>,
    pub triggerable: bool,
    pub not_triggered_reason: Option<String>,
    pub raw: Vec<u8>,
    pub normalized: serde_json::Value,
}

impl Store {
    /// Stores an alert with its observables and returns the new alert id.
    pub async fn insert_alert(&self, alert: NewAlert) -> StoreResult<String> {
        let id = new_id();
        let mut tx = self.begin_write().await?;

        let sql = format!(
            "INSERT INTO alerts ({ALERT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        sqlx::query(&sql)
            .bind(&id)
            .bind(now_ms())
            .bind(&alert.source)
            .bind(&alert.title)
            .bind(alert.severity.as_str())
            .bind(alert.occurred_at_ms)
            .bind(&alert.dedup_key)
            .bind(&alert.source_ref)
            .bind(alert.triggerable)
            .bind(&alert.not_triggered_reason)
            .bind(&alert.raw)
            .bind(alert.normalized.to_string())
            .execute(&mut *tx)
            .await?;

        let sql = format!(
            "INSERT INTO alert_observables (alert_id, position, {ALERT_OBSERVABLE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        );
        for (position, observable) in (0_i64..).zip(&alert.observables) {
            sqlx::query(&sql)
                .bind(&id)
                .bind(position)
                .bind(observable.kind.as_str())
                .bind(&observable.value)
                .bind(&observable.field)
                .bind(observable.valid)
                .bind(&observable.error)
                .execute(&mut *tx)
                .await?;
        }

        tx.commit().await?;
        Ok(id)
    }

    /// Returns the alert with `id`, if any.
    pub async fn get_alert(&self, id: &str) -> StoreResult<Option<StoredAlert>> {
        let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(alert_from_row).transpose()
    }

    /// Returns the earliest stored alert from `source` with the sender's id
    /// `source_ref`, to detect a resent alert.
    pub async fn find_alert_by_source_ref(
        &self,
        source: &str,
        source_ref: &str,
    ) -> StoreResult<Option<StoredAlert>> {
        let sql = format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE source = $1 AND source_ref = $2 \
             ORDER BY received_at, id LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(source)
            .bind(source_ref)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(alert_from_row).transpose()
    }

    /// Returns the observables of an alert in extraction order.
    pub async fn alert_observables(&self, alert_id: &str) -> StoreResult<Vec<AlertObservable>> {
        let sql = format!(
            "SELECT {ALERT_OBSERVABLE_COLUMNS} FROM alert_observables \
             WHERE alert_id = $1 ORDER BY position"
        );
        let rows = sqlx::query(&sql)
            .bind(alert_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(alert_observable_from_row).collect()
    }

    /// Returns true when an alert with `id` exists.
    pub(crate) async fn alert_exists(&self, id: &str) -> StoreResult<bool> {
        let row = sqlx::query("SELECT id FROM alerts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }
}

fn alert_from_row(row: &AnyRow) -> StoreResult<StoredAlert> {
    Ok(StoredAlert {
        id: row.try_get("id")?,
        received_at_ms: row.try_get("received_at")?,
        source: row.try_get("source")?,
        title: row.try_get("title")?,
        severity: parse_column(row, "severity")?,
        occurred_at_ms: row.try_get("occurred_at")?,
        dedup_key: row.try_get("dedup_key")?,
        source_ref: row.try_get("source_ref")?,
        triggerable: flag_column(row, "triggerable")?,
        not_triggered_reason: row.try_get("not_triggered_reason")?,
        raw: row.try_get("raw")?,
        normalized: json_column(row, "normalized")?,
    })
}

fn alert_observable_from_row(row: &AnyRow) -> StoreResult<AlertObservable> {
    Ok(AlertObservable {
        kind: parse_column(row, "kind")?,
        value: row.try_get("value")?,
        field: row.try_get("field")?,
        valid: flag_column(row, "valid")?,
        error: row.try_get("error")?,
    })
}
