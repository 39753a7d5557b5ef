//! `POST /api/v1/alerts/{id}/runs`: runs a playbook on a stored alert
//! again, such as after its connector's API key was stored or fixed.
//!
//! Posting the alert again would not do it, because a record seen before
//! is stored as a duplicate and starts nothing.

use super::runs::playbook;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{NewRun, TokenRole, TriggerKind};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// Body of the request: the playbook to run on the alert.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRunRequest {
    pub playbook: String,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(alert_id): Path<String>,
    request: Result<Json<AlertRunRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(TokenRole::Analyst)?;
    let Json(request) = request?;
    if state.store.get_alert(&alert_id).await?.is_none() {
        return Err(ApiError::NotFound(format!("alert `{alert_id}` not found")));
    }
    let component = playbook(&state, &request.playbook)?;

    let run = NewRun {
        component: request.playbook.clone(),
        component_version: component.manifest.version.clone(),
        trigger_kind: TriggerKind::Alert,
        alert_id: Some(alert_id.clone()),
        input: Value::Null,
    };
    let id = state.store.enqueue_run(run).await?;
    state.run_queued.notify_waiters();

    tracing::info!(run_id = %id, alert_id = %alert_id, playbook = %request.playbook, by = %caller.0.name, "alert run queued");
    let detail = json!({ "playbook": request.playbook, "version": component.manifest.version, "alert_id": alert_id });
    super::audit::record(&state, &caller, "run.create", Some(&id), detail).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "run_id": id }))))
}
