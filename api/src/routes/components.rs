//! `POST /api/v1/components` uploads a playbook or connector, and
//! `GET /api/v1/components` lists the stored versions.
//!
//! The upload is one JSON object, `{"manifest": "<moat.toml text>",
//! "wasm_base64": "<standard base64>"}`, so that a client needs no multipart
//! encoder and the manifest and the bytes arrive or fail together. The
//! manifest's `component` path is required by the manifest format but
//! ignored, because the bytes come from `wasm_base64`.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{AppState, MAX_COMPONENT_BODY_BYTES};
use crate::store::{ComponentMeta, NewComponent, TokenRole};
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use moat_runtime::manifest::Manifest;
use moat_runtime::registry::{LoadedComponent, MAX_COMPONENT_BYTES, content_hash};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// Body of `POST /api/v1/components`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadBody {
    pub manifest: String,
    pub wasm_base64: String,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(TokenRole::Admin)?;
    let upload = read_upload(body).await?;
    let manifest = Manifest::parse(&upload.manifest)
        .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    let wasm = base64::engine::general_purpose::STANDARD
        .decode(upload.wasm_base64.as_bytes())
        .map_err(|error| {
            ApiError::BadRequest(format!(
                "`wasm_base64` is not valid standard base64: {error}"
            ))
        })?;
    drop(upload.wasm_base64);
    reject_changed_version(&state, &manifest, &wasm).await?;

    let (loaded, wasm) = register(&state, manifest, wasm).await?;
    let record = NewComponent {
        name: loaded.manifest.name.clone(),
        version: loaded.manifest.version.clone(),
        kind: loaded.manifest.kind.as_str().to_owned(),
        manifest: upload.manifest,
        wasm,
        enabled: true,
    };
    let stored = state.store.put_component(record).await?;
    tracing::info!(component = %stored.name, version = %stored.version, sha256 = %stored.wasm_sha256, by = %caller.0.name, "component uploaded");

    let detail =
        json!({ "version": stored.version, "kind": stored.kind, "sha256": stored.wasm_sha256 });
    super::audit::record(
        &state,
        &caller,
        "component.create",
        Some(&stored.name),
        detail,
    )
    .await?;
    let body = json!({ "name": stored.name, "version": stored.version, "kind": stored.kind, "sha256": stored.wasm_sha256 });
    Ok((StatusCode::CREATED, Json(body)))
}

pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.require(TokenRole::Analyst)?;
    let components = state.store.list_components().await?;
    let items = components.iter().map(component_json).collect::<Vec<_>>();
    Ok(Json(json!({ "components": items })))
}

/// Reads the body within [`MAX_COMPONENT_BODY_BYTES`] and decodes the JSON.
async fn read_upload(body: Body) -> Result<UploadBody, ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_COMPONENT_BODY_BYTES)
        .await
        .map_err(|_| {
            ApiError::PayloadTooLarge(format!(
                "the request body is over the {MAX_COMPONENT_BODY_BYTES}-byte limit; components may be at most {MAX_COMPONENT_BYTES} bytes"
            ))
        })?;
    serde_json::from_slice(&bytes).map_err(|error| {
        ApiError::BadRequest(format!(
            "invalid upload body: {error}; send {{\"manifest\": \"<moat.toml text>\", \"wasm_base64\": \"<base64>\"}}"
        ))
    })
}

/// Fails with 409 when the same name and version is stored with other
/// bytes, before the runtime replaces the registered component.
///
/// NOTE: a concurrent upload of the same version can pass this check, and
/// then `put_component` still rejects it but after registration.
async fn reject_changed_version(
    state: &AppState,
    manifest: &Manifest,
    wasm: &[u8],
) -> Result<(), ApiError> {
    let sha256 = content_hash(wasm);
    let stored = state.store.list_components().await?;
    let changed = stored.iter().any(|c| {
        c.name == manifest.name && c.version == manifest.version && c.wasm_sha256 != sha256
    });
    if changed {
        return Err(ApiError::Conflict(format!(
            "component `{}` version `{}` is already stored with other bytes; raise `version` in the manifest",
            manifest.name, manifest.version
        )));
    }
    Ok(())
}

/// Compiles, checks and registers the component on a blocking thread, and
/// gives the bytes back for storage.
async fn register(
    state: &AppState,
    manifest: Manifest,
    wasm: Vec<u8>,
) -> Result<(Arc<LoadedComponent>, Vec<u8>), ApiError> {
    let name = manifest.name.clone();
    let runtime = state.runtime.clone();
    let (result, wasm) = tokio::task::spawn_blocking(move || {
        let result = runtime.register(manifest, &wasm);
        (result, wasm)
    })
    .await
    .map_err(|error| ApiError::Internal(anyhow::Error::new(error)))?;
    let loaded = result.map_err(|error| {
        tracing::warn!(component = %name, error = %error, "component upload rejected");
        ApiError::BadRequest(error.to_string())
    })?;
    Ok((loaded, wasm))
}

fn component_json(component: &ComponentMeta) -> Value {
    json!({
        "name": component.name,
        "version": component.version,
        "kind": component.kind,
        "sha256": component.wasm_sha256,
        "enabled": component.enabled,
        "created_at": super::rfc3339(component.created_at_ms),
    })
}
