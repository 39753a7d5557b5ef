//! `PUT /api/v1/secrets/{name}` and `GET /api/v1/secrets`: values are
//! write-only.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::TokenRole;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use moat_runtime::mask::MIN_MASKED_SECRET_LEN;
use serde::Deserialize;
use serde_json::{Value, json};

/// Body of `PUT /api/v1/secrets/{name}`.
#[derive(Deserialize)]
pub struct SecretBody {
    pub value: String,
}

pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    body: Result<Json<SecretBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require(TokenRole::Admin)?;
    let Json(body) = body?;
    moat_runtime::manifest::validate_name("secret name", &name).map_err(|_| {
        ApiError::BadRequest(format!(
            "secret name `{name}` is invalid: use 1 to 64 lower-case letters, digits, `-` or `_`, starting with a letter"
        ))
    })?;
    if body.value.len() < MIN_MASKED_SECRET_LEN {
        return Err(ApiError::BadRequest(format!(
            "the value of secret `{name}` is shorter than {MIN_MASKED_SECRET_LEN} characters; values that short cannot be masked in logs"
        )));
    }
    state.store.put_secret(&name, &body.value).await?;
    tracing::info!(secret = %name, by = %caller.0.name, "secret stored");
    super::audit::record(&state, &caller, "secret.put", Some(&name), json!({})).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Admin)?;
    let secrets = state.store.list_secrets().await?;
    let items = secrets
        .iter()
        .map(|s| json!({ "name": s.name, "created_at": super::rfc3339(s.created_at_ms), "updated_at": super::rfc3339(s.updated_at_ms) }))
        .collect::<Vec<_>>();
    Ok(Json(json!({ "secrets": items })))
}
