//! `GET /api/v1/cases` and `GET /api/v1/cases/{id}`.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{CaseFilter, CaseRecord, TokenRole};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use moat_runtime::model::{CaseStatus, Severity};
use serde::Deserialize;
use serde_json::{Value, json};

/// Query parameters of the case list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub min_severity: Option<String>,
    pub dedup_key: Option<String>,
    pub observable: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Analyst)?;
    let Query(query) = query?;
    let filter = CaseFilter {
        status: parse_param::<CaseStatus>("status", query.status.as_deref())?,
        min_severity: parse_param::<Severity>("min_severity", query.min_severity.as_deref())?,
        dedup_key: query.dedup_key,
        observable_value: query.observable,
    };
    let page = state
        .store
        .list_cases(&filter, query.cursor.as_deref(), query.limit.unwrap_or(50))
        .await?;
    let cases = page.cases.iter().map(case_json).collect::<Vec<_>>();
    Ok(Json(
        json!({ "cases": cases, "next_cursor": page.next_cursor }),
    ))
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Analyst)?;
    let detail = state
        .store
        .case_detail(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("case `{id}` not found")))?;

    let mut body = case_json(&detail.case);
    let notes = detail
        .notes
        .iter()
        .map(|note| json!({ "id": note.id, "author": note.author, "body": note.body, "created_at": super::rfc3339(note.created_at_ms) }))
        .collect::<Vec<_>>();
    let timeline = detail
        .timeline
        .iter()
        .map(|entry| json!({ "at": super::rfc3339(entry.at_ms), "actor": entry.actor, "run_id": entry.run_id, "kind": entry.kind, "detail": entry.detail }))
        .collect::<Vec<_>>();
    body["observables"] = json!(detail.observables);
    body["notes"] = json!(notes);
    body["timeline"] = json!(timeline);
    body["alert_ids"] = json!(detail.alert_ids);
    Ok(Json(body))
}

fn case_json(case: &CaseRecord) -> Value {
    json!({
        "id": case.id,
        "title": case.title,
        "severity": case.severity,
        "status": case.status,
        "dedup_key": case.dedup_key,
        "alert_count": case.alert_count,
        "created_at": super::rfc3339(case.created_at_ms),
        "updated_at": super::rfc3339(case.updated_at_ms),
    })
}

fn parse_param<T>(name: &str, value: Option<&str>) -> Result<Option<T>, ApiError>
where
    T: std::str::FromStr<Err = moat_runtime::model::ParseEnumError>,
{
    value
        .map(|text| {
            text.parse::<T>()
                .map_err(|error| ApiError::BadRequest(format!("query parameter `{name}`: {error}")))
        })
        .transpose()
}
