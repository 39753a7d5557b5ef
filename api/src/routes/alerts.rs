//! `POST /api/v1/alerts` and `GET /api/v1/alerts/{id}`.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::ingest::{self, IngestReport};
use crate::state::{AppState, MAX_ALERT_BODY_BYTES};
use crate::store::TokenRole;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    caller.require(TokenRole::Ingest)?;
    let bytes = axum::body::to_bytes(body, MAX_ALERT_BODY_BYTES).await.map_err(|_| {
        ApiError::PayloadTooLarge(format!("the request body is over the {MAX_ALERT_BODY_BYTES}-byte limit; split it into several requests"))
    })?;
    let report = ingest::ingest(&state, &bytes).await?;
    super::audit::record(&state, &caller, "alert.create", None, audit_detail(&report)).await?;
    Ok((StatusCode::ACCEPTED, Json(report)))
}

/// Returns the audit detail of one alert request: the stored alert ids,
/// the records that were duplicates, and the runs queued.
fn audit_detail(report: &IngestReport) -> Value {
    let alert_ids = report
        .alerts
        .iter()
        .map(|a| a.id.as_str())
        .collect::<Vec<_>>();
    let duplicates = report.alerts.iter().filter(|a| a.duplicate).count();
    let run_ids = report
        .alerts
        .iter()
        .flat_map(|a| a.runs.iter().map(String::as_str))
        .collect::<Vec<_>>();
    json!({
        "count": alert_ids.len(),
        "alert_ids": alert_ids,
        "duplicates": duplicates,
        "rejected_records": report.errors.len(),
        "run_ids": run_ids,
    })
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Analyst)?;
    let alert = state
        .store
        .get_alert(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("alert `{id}` not found")))?;
    let observables = state.store.alert_observables(&id).await?;

    let (raw, raw_encoding) = match String::from_utf8(alert.raw.clone()) {
        Ok(text) => (text, "utf-8"),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(&alert.raw),
            "base64",
        ),
    };
    let observables = observables
        .iter()
        .map(|o| json!({ "kind": o.kind, "value": o.value, "field": o.field, "valid": o.valid, "error": o.error }))
        .collect::<Vec<_>>();
    Ok(Json(json!({
        "id": alert.id,
        "received_at": super::rfc3339(alert.received_at_ms),
        "source": alert.source,
        "title": alert.title,
        "severity": alert.severity,
        "occurred_at": super::rfc3339(alert.occurred_at_ms),
        "dedup_key": alert.dedup_key,
        "source_ref": alert.source_ref,
        "triggerable": alert.triggerable,
        "not_triggered_reason": alert.not_triggered_reason,
        "observables": observables,
        "raw": raw,
        "raw_encoding": raw_encoding,
    })))
}
