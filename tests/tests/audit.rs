//! The audit log on a real server: every change made through the API and
//! every secret a run used leaves an entry, only admins read it, and no
//! route changes it.

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use moat::store::TokenRole;
use moat_tests::server::{Backend, TestServer};
use moat_tests::{ApiClient, FakeUpstream, logs, wasm_bytes};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const INTEL_KEY: &str = "audit-intel-key-0c4e7f21";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/alerts");

const NOOP_MANIFEST: &str = r#"
name = "noop"
version = "0.1.0"
kind = "playbook"
component = "noop.wasm"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_trail_on_sqlite() {
    audit_trail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_trail_on_postgres() {
    audit_trail(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_access_on_sqlite() {
    audit_access(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_access_on_postgres() {
    audit_access(Backend::Postgres).await;
}

/// A reputation service that returns `unknown` for every lookup with the
/// right key and 401 otherwise.
async fn reputation_service() -> FakeUpstream {
    let router = Router::new().route(
        "/api/v3/reputation/{kind}/{value}",
        get(|headers: HeaderMap| async move {
            if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(INTEL_KEY) {
                return (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({ "error": "invalid key" })),
                );
            }
            let body =
                json!({ "verdict": "unknown", "score": 0, "tags": [], "description": "no record" });
            (StatusCode::OK, axum::Json(body))
        }),
    );
    FakeUpstream::start(router).await
}

async fn audit_trail(backend: Backend) {
    logs::capture();
    let intel = reputation_service().await;
    let server = TestServer::start(backend, &intel.origin()).await;
    let client = ApiClient::new(&server);
    let token = server.token.as_str();
    let actor = "user e2e-admin";

    let secret = json!({ "value": INTEL_KEY });
    let (status, body) = client
        .send(
            Method::PUT,
            "/api/v1/secrets/intel_api_key",
            Some(token),
            Some(secret.to_string().into_bytes()),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let entry = only_entry(&client, token, "secret.put").await;
    assert_eq!(entry["actor"], actor, "{entry}");
    assert_eq!(entry["target"], "intel_api_key", "{entry}");

    let alert = std::fs::read(format!("{FIXTURES}/suricata/alert-testmyids.eve.json"))
        .expect("fixture is readable");
    let (status, report) = client
        .send(Method::POST, "/api/v1/alerts", Some(token), Some(alert))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{report}");
    let alert_id = report["alerts"][0]["id"].clone();
    let triage_run = report["alerts"][0]["runs"][0]
        .as_str()
        .expect("the suricata alert queued a triage run")
        .to_owned();
    let entry = only_entry(&client, token, "alert.create").await;
    assert_eq!(entry["actor"], actor, "{entry}");
    assert_eq!(entry["detail"]["count"], 1, "{entry}");
    assert_eq!(entry["detail"]["alert_ids"], json!([alert_id]), "{entry}");
    assert_eq!(entry["detail"]["run_ids"], json!([triage_run]), "{entry}");

    let (status, body) = client
        .upload_component(token, NOOP_MANIFEST, &wasm_bytes("noop"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let entry = only_entry(&client, token, "component.create").await;
    assert_eq!(entry["actor"], actor, "{entry}");
    assert_eq!(entry["target"], "noop", "{entry}");
    assert_eq!(entry["detail"]["sha256"], body["sha256"], "{entry}");
    assert_eq!(entry["detail"]["kind"], "playbook", "{entry}");

    let (status, queued) = client
        .post_json(token, "/api/v1/playbooks/noop/runs", &json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let entry = only_entry(&client, token, "run.create").await;
    assert_eq!(entry["actor"], actor, "{entry}");
    assert_eq!(entry["target"], queued["run_id"], "{entry}");
    assert_eq!(entry["detail"]["playbook"], "noop", "{entry}");

    check_secret_use(&client, token, &triage_run).await;
    check_pagination(&client, token).await;
}

/// Checks that the triage run, whose reputation connector sent the key,
/// left `secret.use` entries that name the secret and do not contain its
/// value.
async fn check_secret_use(client: &ApiClient, token: &str, run_id: &str) {
    let run = client.wait_for_run(token, run_id).await;
    assert_eq!(run["status"], "succeeded", "{run}");

    let page = client.get(token, "/api/v1/audit?action=secret.use").await;
    let entries = page["entries"].as_array().expect("entries");
    assert!(!entries.is_empty(), "no secret.use entry: {page}");
    for entry in entries {
        assert_eq!(entry["actor"], format!("run {run_id}"), "{entry}");
        assert_eq!(entry["target"], "intel_api_key", "{entry}");
        assert_eq!(entry["detail"]["how"], "header", "{entry}");
    }

    let all = client.get(token, "/api/v1/audit?limit=200").await;
    assert!(
        !all.to_string().contains(INTEL_KEY),
        "the audit log contains the secret value"
    );
}

/// Walks the whole log one entry per page and expects every action seen.
async fn check_pagination(client: &ApiClient, token: &str) {
    let mut actions = Vec::new();
    let mut path = "/api/v1/audit?limit=1".to_owned();
    for _ in 0..100 {
        let page = client.get(token, &path).await;
        let entries = page["entries"].as_array().expect("entries");
        assert!(entries.len() <= 1, "{page}");
        actions.extend(
            entries
                .iter()
                .map(|e| e["action"].as_str().unwrap_or("").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/audit?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    // Entries are newest first, and the secret was stored before anything
    // else.
    assert_eq!(
        actions.last().map(String::as_str),
        Some("secret.put"),
        "{actions:?}"
    );
    for action in [
        "secret.put",
        "alert.create",
        "component.create",
        "run.create",
        "secret.use",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "`{action}` missing from {actions:?}"
        );
    }
}

async fn only_entry(client: &ApiClient, token: &str, action: &str) -> Value {
    let page = client
        .get(token, &format!("/api/v1/audit?action={action}"))
        .await;
    let entries = page["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "one `{action}` entry: {page}");
    assert_eq!(entries[0]["action"], action, "{page}");
    entries[0].clone()
}

async fn audit_access(backend: Backend) {
    logs::capture();
    let upstream = FakeUpstream::start(Router::new()).await;
    let server = TestServer::start(backend, &upstream.origin()).await;
    let client = ApiClient::new(&server);

    for role in [TokenRole::Ingest, TokenRole::Analyst] {
        let (_, token) = server
            .state
            .store
            .create_token(&format!("audit-{role}"), role)
            .await
            .expect("failed to create a token");
        let (status, body) = client
            .send(Method::GET, "/api/v1/audit", Some(&token), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
    }

    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let (status, _) = client
            .send(
                method.clone(),
                "/api/v1/audit",
                Some(&server.token),
                Some(b"{}".to_vec()),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} /api/v1/audit"
        );
    }

    let (status, body) = client
        .send(
            Method::GET,
            "/api/v1/audit?cursor=bogus",
            Some(&server.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
