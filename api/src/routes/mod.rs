//! The HTTP routes under `/api/v1`, plus `/healthz`.

mod alert_runs;
mod alerts;
mod audit;
mod cases;
mod components;
mod health;
mod runs;
mod secrets;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};
use tower_http::trace::TraceLayer;

/// Builds the router with every route and the request trace layer.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/alerts", post(alerts::create))
        .route("/alerts/{id}", get(alerts::show))
        .route("/alerts/{id}/runs", post(alert_runs::create))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route(
            "/components",
            get(components::list).post(components::create),
        )
        .route("/playbooks", get(runs::list_playbooks))
        .route("/playbooks/{name}/runs", post(runs::create))
        .route("/runs/{id}", get(runs::show))
        .route("/runs/{id}/events", get(runs::events))
        .route("/secrets", get(secrets::list))
        .route("/secrets/{name}", put(secrets::put))
        .route("/audit", get(audit::list));

    Router::new()
        .route("/healthz", get(health::healthz))
        .nest("/api/v1", api)
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Formats Unix milliseconds as RFC 3339 in UTC.
pub(crate) fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|time| {
            time.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

async fn route_not_found(uri: axum::http::Uri) -> crate::error::ApiError {
    crate::error::ApiError::NotFound(format!(
        "no route for `{}`; the routes are listed in docs/api.md",
        uri.path()
    ))
}

async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> crate::error::ApiError {
    crate::error::ApiError::MethodNotAllowed(format!(
        "`{method}` is not allowed on `{}`",
        uri.path()
    ))
}
