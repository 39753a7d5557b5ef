//! `GET /api/v1/audit`, and the helper that handlers call to append an
//! entry for each change they make.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{AuditEntry, NewAuditEntry, TokenRole};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

/// Query parameters of the audit list.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub action: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Admin)?;
    let Query(query) = query?;
    let page = state
        .store
        .list_audit(
            query.action.as_deref(),
            query.cursor.as_deref(),
            query.limit.unwrap_or(50),
        )
        .await?;
    let entries = page.entries.iter().map(entry_json).collect::<Vec<_>>();
    Ok(Json(
        json!({ "entries": entries, "next_cursor": page.next_cursor }),
    ))
}

/// Appends an audit entry with the caller's token name as the actor.
///
/// Handlers call this after their change is stored. When the append fails
/// the request fails with 500 although the change was made, so that a
/// change never goes unrecorded without an error.
pub(crate) async fn record(
    state: &AppState,
    caller: &Caller,
    action: &str,
    target: Option<&str>,
    detail: Value,
) -> Result<(), ApiError> {
    let entry = NewAuditEntry {
        actor: caller.actor().to_string(),
        action: action.to_owned(),
        target: target.map(str::to_owned),
        detail,
    };
    state.store.append_audit(entry).await?;
    Ok(())
}

fn entry_json(entry: &AuditEntry) -> Value {
    json!({
        "id": entry.id,
        "at": super::rfc3339(entry.at_ms),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
    })
}
