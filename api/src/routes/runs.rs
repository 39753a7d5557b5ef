//! Runs: trigger a playbook by hand, read a run and its execution log.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{NewRun, RunRecord, TokenRole, TriggerKind};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use moat_runtime::manifest::ComponentKind;
use moat_runtime::registry::LoadedComponent;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

pub async fn list_playbooks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Analyst)?;
    let items = state
        .runtime
        .components()
        .iter()
        .map(|c| json!({ "name": c.manifest.name, "version": c.manifest.version, "kind": c.manifest.kind, "sha256": c.sha256, "triggers": c.manifest.triggers }))
        .collect::<Vec<_>>();
    Ok(Json(json!({ "components": items })))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    input: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(TokenRole::Analyst)?;
    let Json(input) = input?;
    let component = playbook(&state, &name)?;

    let run = NewRun {
        component: name.clone(),
        component_version: component.manifest.version.clone(),
        trigger_kind: TriggerKind::Manual,
        alert_id: None,
        input,
    };
    let id = state.store.enqueue_run(run).await?;
    state.run_queued.notify_waiters();
    tracing::info!(run_id = %id, playbook = %name, by = %caller.0.name, "run queued");
    let detail = json!({ "playbook": name, "version": component.manifest.version });
    super::audit::record(&state, &caller, "run.create", Some(&id), detail).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "run_id": id }))))
}

/// Returns the registered playbook `name`, or the API error for a missing
/// one or a connector.
pub(super) fn playbook(state: &AppState, name: &str) -> Result<Arc<LoadedComponent>, ApiError> {
    let component = state
        .runtime
        .component(name)
        .ok_or_else(|| ApiError::NotFound(format!("playbook `{name}` is not registered")))?;
    if component.manifest.kind != ComponentKind::Playbook {
        return Err(ApiError::BadRequest(format!(
            "`{name}` is a connector; only playbooks can be run"
        )));
    }
    Ok(component)
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Analyst)?;
    let run = state
        .store
        .get_run(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("run `{id}` not found")))?;
    Ok(Json(run_json(&run)))
}

/// Query of the event list: events after sequence number `after`.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    pub after: Option<u64>,
}

pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Analyst)?;
    let Query(query) = query?;
    if state.store.get_run(&id).await?.is_none() {
        return Err(ApiError::NotFound(format!("run `{id}` not found")));
    }
    let events = state.store.list_run_events(&id, query.after).await?;
    let items = events
        .iter()
        .map(|e| json!({ "seq": e.seq, "at": super::rfc3339(e.at_ms), "type": e.kind, "event": e.event }))
        .collect::<Vec<_>>();
    Ok(Json(json!({ "events": items })))
}

fn run_json(run: &RunRecord) -> Value {
    json!({
        "id": run.id,
        "playbook": run.component,
        "version": run.component_version,
        "trigger": run.trigger_kind.as_str(),
        "alert_id": run.alert_id,
        "status": run.status.as_str(),
        "attempts": run.attempts,
        "queued_at": super::rfc3339(run.queued_at_ms),
        "started_at": run.started_at_ms.map(super::rfc3339),
        "finished_at": run.finished_at_ms.map(super::rfc3339),
        "summary": run.summary,
        "output": run.output,
        "error": run.error,
    })
}
