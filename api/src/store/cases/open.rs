//! Opening a case, or updating the open case with the same dedup key.

use super::super::Store;
use super::super::clock::{new_id, now_ms};
use super::super::error::{StoreError, StoreResult};
use super::lock::{lock_case, touch_case};
use super::timeline::record_change;
use moat_runtime::model::{Actor, CaseInfo, CaseRequest, CaseStatus, Observable};
use serde_json::json;
use sqlx::{AnyConnection, Row};
use std::collections::BTreeSet;
use tracing::debug;

/// Attempts before giving up when the matching open case keeps being
/// closed between the insert and the update.
const MAX_OPEN_ATTEMPTS: u32 = 5;

/// Outcome of one attempt.
enum Attempt {
    Done {
        case_id: String,
        created: bool,
    },
    /// The open case was closed after the insert found it.
    Retry,
}

impl Store {
    /// Opens a case for `request.dedup_key`, or updates the case that is
    /// open for it: new observables are added, the alert is linked, and the
    /// severity is raised but never lowered. Each change gets a timeline
    /// entry.
    ///
    /// Concurrent calls with one dedup key produce one case, because the
    /// partial unique index on open cases rejects the second insert.
    pub async fn open_or_update_case(
        &self,
        actor: &Actor,
        request: CaseRequest,
    ) -> StoreResult<CaseInfo> {
        let request = validate_request(request)?;
        if let Some(alert_id) = &request.alert_id
            && !self.alert_exists(alert_id).await?
        {
            return Err(StoreError::NotFound(format!(
                "alert `{alert_id}` not found"
            )));
        }

        for attempt in 1..=MAX_OPEN_ATTEMPTS {
            match self.try_open_or_update(actor, &request).await? {
                Attempt::Done { case_id, created } => {
                    let record = self.case_record(&case_id).await?.ok_or_else(|| {
                        StoreError::NotFound(format!("case `{case_id}` not found"))
                    })?;
                    return self.case_info(record, created).await;
                }
                Attempt::Retry => {
                    debug!(attempt, dedup_key = %request.dedup_key, "open case was closed, retrying");
                }
            }
        }

        Err(StoreError::Conflict(format!(
            "could not open or update a case for dedup key `{}`: the open case was closed \
             during each of {MAX_OPEN_ATTEMPTS} attempts",
            request.dedup_key
        )))
    }

    async fn try_open_or_update(
        &self,
        actor: &Actor,
        request: &CaseRequest,
    ) -> StoreResult<Attempt> {
        let mut tx = self.begin_write().await?;
        let now = now_ms();

        let (case_id, created) = match insert_open_case(&mut tx, request, now).await? {
            Some(case_id) => (case_id, true),
            None => match open_case_id(&mut tx, &request.dedup_key).await? {
                Some(case_id) => (case_id, false),
                None => return Ok(Attempt::Retry),
            },
        };

        let changed = if created {
            let detail = json!({
                "title": request.title,
                "severity": request.severity.as_str(),
                "dedup_key": request.dedup_key,
            });
            record_change(&mut tx, &case_id, actor, now, "case_opened", detail).await?;
            apply_additions(&mut tx, &case_id, actor, request, now).await?;
            false
        } else {
            let Some(locked) = lock_case(&mut tx, &case_id).await? else {
                return Ok(Attempt::Retry);
            };
            if locked.status == CaseStatus::Closed {
                return Ok(Attempt::Retry);
            }
            let raised =
                raise_severity(&mut tx, &case_id, actor, locked.severity, request, now).await?;
            let added = apply_additions(&mut tx, &case_id, actor, request, now).await?;
            raised || added
        };

        if changed {
            touch_case(&mut tx, &case_id, now).await?;
        }
        tx.commit().await?;
        Ok(Attempt::Done { case_id, created })
    }
}

/// Trims the dedup key, drops repeated observables and rejects empty fields.
fn validate_request(mut request: CaseRequest) -> StoreResult<CaseRequest> {
    request.dedup_key = request.dedup_key.trim().to_owned();
    if request.dedup_key.is_empty() {
        return Err(StoreError::Invalid("case dedup key is empty".to_owned()));
    }
    if request.title.trim().is_empty() {
        return Err(StoreError::Invalid("case title is empty".to_owned()));
    }
    if let Some(observable) = request.observables.iter().find(|o| o.value.is_empty()) {
        return Err(StoreError::Invalid(format!(
            "observable of kind `{}` has an empty value",
            observable.kind
        )));
    }

    // Sorting also gives every transaction the same insert order.
    let unique: BTreeSet<Observable> = request.observables.drain(..).collect();
    request.observables = unique.into_iter().collect();
    Ok(request)
}

/// Inserts a new open case unless one is open for the dedup key, and
/// returns the new id when it inserted one.
async fn insert_open_case(
    connection: &mut AnyConnection,
    request: &CaseRequest,
    now: i64,
) -> StoreResult<Option<String>> {
    let row = sqlx::query(
        "INSERT INTO cases (id, title, severity, status, dedup_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) \
         ON CONFLICT (dedup_key) WHERE status <> 'closed' DO NOTHING \
         RETURNING id",
    )
    .bind(new_id())
    .bind(request.title.trim())
    .bind(request.severity.as_str())
    .bind(CaseStatus::Open.as_str())
    .bind(&request.dedup_key)
    .bind(now)
    .fetch_optional(&mut *connection)
    .await?;

    Ok(row.map(|row| row.try_get("id")).transpose()?)
}

async fn open_case_id(
    connection: &mut AnyConnection,
    dedup_key: &str,
) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT id FROM cases WHERE dedup_key = $1 AND status <> 'closed'")
        .bind(dedup_key)
        .fetch_optional(&mut *connection)
        .await?;
    Ok(row.map(|row| row.try_get("id")).transpose()?)
}

/// Sets the request's severity when it is higher than the case's, and
/// returns true when it did.
async fn raise_severity(
    connection: &mut AnyConnection,
    case_id: &str,
    actor: &Actor,
    current: moat_runtime::model::Severity,
    request: &CaseRequest,
    now: i64,
) -> StoreResult<bool> {
    if request.severity <= current {
        return Ok(false);
    }

    sqlx::query("UPDATE cases SET severity = $1 WHERE id = $2")
        .bind(request.severity.as_str())
        .bind(case_id)
        .execute(&mut *connection)
        .await?;
    let detail = json!({ "from": current.as_str(), "to": request.severity.as_str() });
    record_change(connection, case_id, actor, now, "severity_raised", detail).await?;
    Ok(true)
}

/// Adds the request's new observables and links its alert, and returns
/// true when anything was added.
async fn apply_additions(
    connection: &mut AnyConnection,
    case_id: &str,
    actor: &Actor,
    request: &CaseRequest,
    now: i64,
) -> StoreResult<bool> {
    let mut added = false;

    for observable in &request.observables {
        let inserted = sqlx::query(
            "INSERT INTO case_observables (case_id, kind, value, added_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(case_id)
        .bind(observable.kind.as_str())
        .bind(&observable.value)
        .bind(now)
        .execute(&mut *connection)
        .await?
        .rows_affected();
        if inserted > 0 {
            let detail = json!({ "kind": observable.kind.as_str(), "value": observable.value });
            record_change(connection, case_id, actor, now, "observable_added", detail).await?;
            added = true;
        }
    }

    if let Some(alert_id) = &request.alert_id {
        let linked = sqlx::query(
            "INSERT INTO case_alerts (case_id, alert_id, linked_at) \
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(case_id)
        .bind(alert_id)
        .bind(now)
        .execute(&mut *connection)
        .await?
        .rows_affected();
        if linked > 0 {
            let detail = json!({ "alert_id": alert_id });
            record_change(connection, case_id, actor, now, "alert_linked", detail).await?;
            added = true;
        }
    }

    Ok(added)
}
