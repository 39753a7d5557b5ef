//! Fake EDR and chat services on 127.0.0.1 for the containment examples.
//! Each records the JSON bodies it receives, next to the request log of
//! [`FakeUpstream`].

use crate::upstream::FakeUpstream;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// Host name the fake EDR does not know: status lookups return 404.
pub const UNKNOWN_HOST: &str = "unknown-host";

/// JSON bodies received by a fake service, in arrival order.
pub type BodyLog = Arc<Mutex<Vec<Value>>>;

/// An EDR REST API: `POST /api/v1/hosts/isolate` with `{"hostname",
/// "comment"}` returns `202 {"action_id", "state": "pending"}` when the
/// request carries `Authorization: Bearer TOKEN`, and `401` otherwise.
/// `GET /api/v1/hosts/{hostname}` returns the host's isolation state.
#[derive(Debug)]
pub struct FakeEdr {
    pub upstream: FakeUpstream,
    pub isolations: BodyLog,
}

#[derive(Debug, Clone)]
struct EdrState {
    token: String,
    isolations: BodyLog,
}

impl FakeEdr {
    /// Starts the EDR; it accepts only `token`.
    pub async fn start(token: &str) -> FakeEdr {
        let isolations = BodyLog::default();
        let state = EdrState {
            token: token.to_owned(),
            isolations: isolations.clone(),
        };
        let router = Router::new()
            .route("/api/v1/hosts/isolate", post(isolate))
            .route("/api/v1/hosts/{hostname}", get(host_status))
            .with_state(state);
        FakeEdr {
            upstream: FakeUpstream::start(router).await,
            isolations,
        }
    }

    /// Returns the isolation requests received so far.
    pub fn isolations(&self) -> Vec<Value> {
        lock(&self.isolations).clone()
    }
}

async fn isolate(
    State(state): State<EdrState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if !authorized(&state, &headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "bad token" })),
        );
    }
    let count = {
        let mut isolations = lock(&state.isolations);
        isolations.push(body);
        isolations.len()
    };
    let reply = json!({ "action_id": format!("act-{count}"), "state": "pending" });
    (StatusCode::ACCEPTED, Json(reply))
}

async fn host_status(
    State(state): State<EdrState>,
    headers: HeaderMap,
    Path(hostname): Path<String>,
) -> (StatusCode, Json<Value>) {
    if !authorized(&state, &headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "bad token" })),
        );
    }
    if hostname == UNKNOWN_HOST {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such host" })),
        );
    }
    let isolated = lock(&state.isolations)
        .iter()
        .any(|body| body["hostname"] == hostname.as_str());
    let reply =
        json!({ "hostname": hostname, "isolated": isolated, "last_seen": "2024-01-10T09:05:00Z" });
    (StatusCode::OK, Json(reply))
}

fn authorized(state: &EdrState, headers: &HeaderMap) -> bool {
    let expected = format!("Bearer {}", state.token);
    headers
        .get("authorization")
        .is_some_and(|value| value.as_bytes() == expected.as_bytes())
}

/// A chat incoming webhook at `POST /hooks/soc` that records each JSON
/// message and returns `200 ok`.
#[derive(Debug)]
pub struct FakeChat {
    pub upstream: FakeUpstream,
    pub messages: BodyLog,
}

impl FakeChat {
    pub async fn start() -> FakeChat {
        let messages = BodyLog::default();
        let router = Router::new()
            .route("/hooks/soc", post(receive_message))
            .with_state(messages.clone());
        FakeChat {
            upstream: FakeUpstream::start(router).await,
            messages,
        }
    }

    /// Returns `http://127.0.0.1:PORT/hooks/soc`.
    pub fn webhook_url(&self) -> String {
        format!("{}/hooks/soc", self.upstream.origin())
    }

    /// Returns the messages received so far.
    pub fn messages(&self) -> Vec<Value> {
        lock(&self.messages).clone()
    }
}

async fn receive_message(State(messages): State<BodyLog>, Json(body): Json<Value>) -> &'static str {
    lock(&messages).push(body);
    "ok"
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}
