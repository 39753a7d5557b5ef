//! The alert pipeline: split, normalise, store, and queue matching runs.

use crate::error::ApiError;
use crate::normalize::{self, NormalizedAlert, RawRecord};
use crate::state::AppState;
use crate::store::{AlertObservable, NewAlert, NewRun, TriggerKind};
use crate::triggers;
use moat_runtime::manifest::ComponentKind;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Largest single record, in bytes. A record over it is reported as an
/// error while the rest of the request is stored.
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

/// Result of one alert request.
#[derive(Debug, Serialize)]
pub struct IngestReport {
    pub alerts: Vec<IngestedAlert>,
    pub errors: Vec<RecordFailure>,
}

/// One stored record.
#[derive(Debug, Serialize)]
pub struct IngestedAlert {
    pub index: usize,
    pub id: String,
    pub source: String,
    /// True when the same alert was stored before; no run is queued again.
    pub duplicate: bool,
    pub runs: Vec<String>,
    /// Reason no run was queued, when none was.
    pub not_triggered_reason: Option<String>,
}

/// One record that was not stored.
#[derive(Debug, Serialize)]
pub struct RecordFailure {
    pub index: usize,
    /// Byte offset of the error in the request body.
    pub offset: usize,
    pub message: String,
}

/// Stores every valid record of `body` and queues the runs its triggers
/// select. Invalid records are reported without losing the valid ones; a
/// body with no valid record at all is a 400 naming the first error.
pub async fn ingest(state: &AppState, body: &[u8]) -> Result<IngestReport, ApiError> {
    let mut report = IngestReport {
        alerts: Vec::new(),
        errors: Vec::new(),
    };
    for record in normalize::split_records(body) {
        match record {
            Ok(record) if record.bytes.len() > MAX_RECORD_BYTES => report.errors.push(RecordFailure {
                index: record.index,
                offset: record.offset,
                message: format!(
                    "record {} is {} bytes, over the {MAX_RECORD_BYTES}-byte limit for one alert; send it trimmed",
                    record.index,
                    record.bytes.len()
                ),
            }),
            Ok(record) => report.alerts.push(ingest_record(state, record).await?),
            Err(error) => report.errors.push(RecordFailure {
                index: error.index,
                offset: error.offset,
                message: error.message,
            }),
        }
    }

    if report.alerts.is_empty() {
        let first = report
            .errors
            .first()
            .map_or("the body holds no record".to_owned(), |error| {
                format!(
                    "invalid alert at byte offset {}: {}",
                    error.offset, error.message
                )
            });
        return Err(ApiError::BadRequest(first));
    }
    Ok(report)
}

async fn ingest_record(state: &AppState, record: RawRecord) -> Result<IngestedAlert, ApiError> {
    let mut normalized = normalize::normalize(&record.value, OffsetDateTime::now_utc());
    if normalized.source_ref.is_none() {
        // Without the tool's own id, identical bytes are the same alert.
        let digest = Sha256::digest(&record.bytes);
        normalized.source_ref = Some(format!("sha256:{}", hex::encode(digest)));
    }
    if let Some(existing) = find_duplicate(state, &normalized).await? {
        return Ok(IngestedAlert {
            index: record.index,
            id: existing,
            source: normalized.source,
            duplicate: true,
            runs: Vec::new(),
            not_triggered_reason: Some("duplicate of an alert already stored".to_owned()),
        });
    }

    let id = state
        .store
        .insert_alert(new_alert(&normalized, record.bytes))
        .await?;
    let runs = if normalized.triggerable {
        queue_runs(state, &id, &normalized).await?
    } else {
        Vec::new()
    };
    let reason = match (&normalized.not_triggered_reason, runs.is_empty()) {
        (Some(reason), _) => Some(reason.clone()),
        (None, true) => Some("no playbook trigger matches this alert".to_owned()),
        (None, false) => None,
    };
    tracing::info!(alert_id = %id, source = %normalized.source, runs = runs.len(), "alert stored");
    Ok(IngestedAlert {
        index: record.index,
        id,
        source: normalized.source,
        duplicate: false,
        runs,
        not_triggered_reason: reason,
    })
}

async fn find_duplicate(
    state: &AppState,
    alert: &NormalizedAlert,
) -> Result<Option<String>, ApiError> {
    let Some(source_ref) = &alert.source_ref else {
        return Ok(None);
    };
    // NOTE: two requests carrying the same alert at the same instant can
    // both miss here and store it twice; nothing in the schema forbids it.
    let existing = state
        .store
        .find_alert_by_source_ref(&alert.source, source_ref)
        .await?;
    Ok(existing.map(|stored| stored.id))
}

fn new_alert(alert: &NormalizedAlert, raw: Vec<u8>) -> NewAlert {
    let occurred_at_ms = OffsetDateTime::parse(
        &alert.occurred_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map(|time| (time.unix_timestamp_nanos() / 1_000_000) as i64)
    .unwrap_or_else(|_| (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64);
    NewAlert {
        source: alert.source.clone(),
        title: alert.title.clone(),
        severity: alert.severity,
        occurred_at_ms,
        dedup_key: alert.dedup_key.clone(),
        source_ref: alert.source_ref.clone(),
        triggerable: alert.triggerable,
        not_triggered_reason: alert.not_triggered_reason.clone(),
        raw,
        normalized: serde_json::to_value(alert).unwrap_or(serde_json::Value::Null),
        observables: alert
            .observables
            .iter()
            .map(|o| AlertObservable {
                kind: o.kind,
                value: o.value.clone(),
                field: o.field.clone(),
                valid: o.valid,
                error: o.error.clone(),
            })
            .collect(),
    }
}

async fn queue_runs(
    state: &AppState,
    alert_id: &str,
    alert: &NormalizedAlert,
) -> Result<Vec<String>, ApiError> {
    let mut runs = Vec::new();
    for component in state.runtime.components() {
        let manifest = &component.manifest;
        let selected = manifest.kind == ComponentKind::Playbook
            && manifest
                .triggers
                .iter()
                .any(|filter| triggers::matches(filter, alert));
        if !selected {
            continue;
        }
        let run = NewRun {
            component: manifest.name.clone(),
            component_version: manifest.version.clone(),
            trigger_kind: TriggerKind::Alert,
            alert_id: Some(alert_id.to_owned()),
            input: serde_json::Value::Null,
        };
        runs.push(state.store.enqueue_run(run).await?);
    }
    if !runs.is_empty() {
        state.run_queued.notify_waiters();
    }
    Ok(runs)
}
