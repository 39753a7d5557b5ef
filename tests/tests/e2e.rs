//! End to end: the real server on loopback, on a fresh SQLite file and on
//! PostgreSQL, with the example playbooks built from source, a fake
//! reputation service, and real alert files.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use moat_tests::server::{Backend, TestServer};
use moat_tests::{FakeUpstream, logs};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

const INTEL_KEY: &str = "e2e-intel-key-5b7d1c9a";
const MALICIOUS_IP: &str = "82.165.177.154";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/alerts");

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn main_job_on_sqlite() {
    main_job(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn main_job_on_postgres() {
    main_job(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn api_rejects_bad_requests() {
    logs::capture();
    let intel = reputation_service().await;
    let server = TestServer::start(Backend::Sqlite, &intel.origin()).await;
    let client = Api::new(&server);

    let (status, _) = client
        .send(reqwest::Method::GET, "/api/v1/cases", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no token");
    let (status, _) = client
        .send(
            reqwest::Method::GET,
            "/api/v1/cases",
            Some("moat_not-a-token"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "unknown token");

    let (_, ingest_token) = server
        .state
        .store
        .create_token("sensor", moat::store::TokenRole::Ingest)
        .await
        .expect("token");
    let (status, body) = client
        .send(
            reqwest::Method::GET,
            "/api/v1/cases",
            Some(&ingest_token),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "ingest token on cases: {body}"
    );

    let (status, body) = client.post_alerts(b"{\"a\": 1}\n{\"b\": ").await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "one valid record of two: {body}"
    );
    assert_eq!(body["alerts"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        body["errors"][0]["offset"],
        json!(15),
        "offset where the broken record ends: {body}"
    );

    let (status, body) = client.post_alerts(b"{\"a\": tru}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("byte offset"), "{message}");

    let huge = vec![b' '; moat::state::MAX_ALERT_BODY_BYTES + 1];
    let (status, body) = client.post_alerts(&huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    let (status, _) = client
        .send(reqwest::Method::GET, "/healthz", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "healthz needs no token");
}

async fn main_job(backend: Backend) {
    logs::capture();
    let intel = reputation_service().await;
    let server = TestServer::start(backend, &intel.origin()).await;
    let client = Api::new(&server);

    let (status, body) = client.put_secret("intel_api_key", INTEL_KEY).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let mut runs = Vec::new();
    let suricata = post_file(&client, "suricata/alert-testmyids.eve.json", &mut runs).await;
    let wazuh = post_file(&client, "wazuh/sshd-bruteforce.ndjson", &mut runs).await;
    post_file(&client, "elastic/malware-prevention.json", &mut runs).await;
    post_file(
        &client,
        "sigma/proc_creation_win_malware_grixba_recon.event.json",
        &mut runs,
    )
    .await;
    let dns = post_file(
        &client,
        "suricata/dns-tcp-www-google-com.eve.json",
        &mut runs,
    )
    .await;
    assert_eq!(
        wazuh["alerts"].as_array().map(Vec::len),
        Some(3),
        "three wazuh alerts: {wazuh}"
    );
    assert!(
        dns["alerts"]
            .as_array()
            .is_some_and(|alerts| alerts.iter().all(|a| a["runs"] == json!([]))),
        "dns events start no run: {dns}"
    );

    for run in &runs {
        let finished = client.wait_for_run(run).await;
        assert_eq!(finished["status"], "succeeded", "run {run}: {finished}");
    }

    check_alert_is_stored_byte_for_byte(&client, &suricata).await;
    check_ssh_correlation(&client).await;
    check_triage_case_and_events(&client, &suricata).await;
    check_key_reached_only_the_reputation_service(&intel);
    check_key_appears_nowhere(&server, &client).await;
}

async fn post_file(client: &Api, relative: &str, runs: &mut Vec<String>) -> Value {
    let body = std::fs::read(format!("{FIXTURES}/{relative}")).expect("fixture is readable");
    let (status, report) = client.post_alerts(&body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{relative}: {report}");
    for alert in report["alerts"].as_array().into_iter().flatten() {
        for run in alert["runs"].as_array().into_iter().flatten() {
            runs.push(run.as_str().expect("run id is text").to_owned());
        }
    }
    report
}

async fn check_alert_is_stored_byte_for_byte(client: &Api, report: &Value) {
    let id = report["alerts"][0]["id"].as_str().expect("alert id");
    let alert = client.get(&format!("/api/v1/alerts/{id}")).await;
    let posted = std::fs::read_to_string(format!("{FIXTURES}/suricata/alert-testmyids.eve.json"))
        .expect("fixture");
    assert_eq!(
        alert["raw"].as_str(),
        Some(posted.trim_end()),
        "raw body kept as sent"
    );
    assert_eq!(alert["source"], "suricata");
    assert_eq!(alert["severity"], "medium");
    let values = alert["observables"]
        .as_array()
        .expect("observables")
        .iter()
        .map(|o| o["value"].as_str().unwrap_or_default().to_owned())
        .collect::<BTreeSet<_>>();
    assert!(values.contains(MALICIOUS_IP), "{values:?}");
    assert!(values.contains("www.testmyids.com"), "{values:?}");
}

async fn check_ssh_correlation(client: &Api) {
    let first = client
        .get("/api/v1/cases?dedup_key=ssh-bruteforce:203.0.113.45")
        .await;
    let second = client
        .get("/api/v1/cases?dedup_key=ssh-bruteforce:198.51.100.23")
        .await;
    assert_eq!(
        first["cases"].as_array().map(Vec::len),
        Some(1),
        "one case for 203.0.113.45: {first}"
    );
    assert_eq!(
        second["cases"].as_array().map(Vec::len),
        Some(1),
        "one case for 198.51.100.23: {second}"
    );
    assert_eq!(
        first["cases"][0]["alert_count"], 2,
        "both alerts from 203.0.113.45 on one case"
    );
    assert_eq!(second["cases"][0]["alert_count"], 1);

    let id = first["cases"][0]["id"].as_str().expect("case id");
    let case = client.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["alert_ids"].as_array().map(Vec::len), Some(2));
    let notes = case["notes"].to_string();
    assert!(notes.contains("203.0.113.45"), "{notes}");
    assert!(
        notes.contains("recommend blocking"),
        "second attempt recommends a block: {notes}"
    );
    let observables = case["observables"].to_string();
    assert!(
        observables.contains("root") && observables.contains("admin"),
        "users tried: {observables}"
    );
    let timeline = case["timeline"].as_array().expect("timeline");
    assert!(
        timeline.iter().any(|entry| entry["run_id"].is_string()),
        "timeline names the run: {timeline:?}"
    );
}

async fn check_triage_case_and_events(client: &Api, report: &Value) {
    let run_id = report["alerts"][0]["runs"][0]
        .as_str()
        .expect("the suricata alert queued a run");
    let run = client.get(&format!("/api/v1/runs/{run_id}")).await;
    assert_eq!(run["playbook"], "ids-alert-triage");
    let summary = run["summary"].as_str().unwrap_or_default();
    assert!(
        summary.starts_with("malicious"),
        "verdict from the reputation service: {summary}"
    );

    let cases = client
        .get(&format!("/api/v1/cases?observable={MALICIOUS_IP}"))
        .await;
    let case_id = cases["cases"][0]["id"]
        .as_str()
        .expect("a case holds the malicious address");
    let case = client.get(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(
        case["severity"], "high",
        "malicious raises severity to high: {case}"
    );
    let notes = case["notes"].to_string();
    assert!(
        notes.contains("Verdict: malicious") && notes.contains(MALICIOUS_IP),
        "{notes}"
    );

    let events = client.get(&format!("/api/v1/runs/{run_id}/events")).await;
    let events = events["events"].as_array().expect("events");
    let kinds = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default())
        .collect::<BTreeSet<_>>();
    for kind in [
        "run_started",
        "connector_call",
        "http_request",
        "secret_used",
        "case_change",
        "run_finished",
    ] {
        assert!(
            kinds.contains(kind),
            "event `{kind}` missing from {kinds:?}"
        );
    }
    let secret_used = events
        .iter()
        .find(|e| e["type"] == "secret_used")
        .expect("secret_used event");
    assert_eq!(secret_used["event"]["name"], "intel_api_key");
    let seqs = events
        .iter()
        .map(|e| e["seq"].as_u64().unwrap_or(u64::MAX))
        .collect::<Vec<_>>();
    assert_eq!(
        seqs,
        (0..seqs.len() as u64).collect::<Vec<_>>(),
        "events numbered in order"
    );
}

fn check_key_reached_only_the_reputation_service(intel: &FakeUpstream) {
    let requests = intel.requests();
    assert!(
        !requests.is_empty(),
        "the connector called the reputation service"
    );
    for request in &requests {
        assert_eq!(
            request.header("x-api-key"),
            Some(INTEL_KEY),
            "placeholder filled in for {}",
            request.uri
        );
    }
}

async fn check_key_appears_nowhere(server: &TestServer, client: &Api) {
    let responses = client.transcript();
    let logs = logs::text();
    let database = database_text(server).await;
    assert!(!database.is_empty(), "the database dump is empty");

    for (encoding, key) in key_encodings() {
        assert!(
            !responses.contains(&key),
            "an API response contains the key ({encoding})"
        );
        assert!(
            !logs.contains(&key),
            "a log line contains the key ({encoding})"
        );
        assert!(
            !database.contains(&key),
            "a database column contains the key ({encoding})"
        );
    }
}

/// Returns the API key as sent and in the encodings a leak could take.
fn key_encodings() -> Vec<(&'static str, String)> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    vec![
        ("clear", INTEL_KEY.to_owned()),
        ("base64", STANDARD.encode(INTEL_KEY)),
        ("base64url", URL_SAFE_NO_PAD.encode(INTEL_KEY)),
        ("hex", hex_encode(INTEL_KEY.as_bytes())),
        ("percent", INTEL_KEY.replace('-', "%2D")),
    ]
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Returns every row of every table as text.
async fn database_text(server: &TestServer) -> String {
    match server.state.store.backend_name() {
        "sqlite" => {
            let mut bytes = Vec::new();
            for file in ["moat.db", "moat.db-wal"] {
                bytes.extend(std::fs::read(server.dir.path().join(file)).unwrap_or_default());
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => server.postgres_dump().await,
    }
}

/// Starts a fake reputation service. `82.165.177.154` is malicious and
/// every other value unknown; a wrong API key gets 401.
async fn reputation_service() -> FakeUpstream {
    let router = Router::new().route(
        "/api/v3/reputation/{kind}/{value}",
        get(|Path((_kind, value)): Path<(String, String)>, headers: HeaderMap| async move {
            if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(INTEL_KEY) {
                return (StatusCode::UNAUTHORIZED, axum::Json(json!({ "error": "invalid key" })));
            }
            let body = if value == MALICIOUS_IP {
                json!({ "verdict": "malicious", "score": 92, "tags": ["c2"], "description": "known command and control" })
            } else {
                json!({ "verdict": "unknown", "score": 0, "tags": [], "description": "no record" })
            };
            (StatusCode::OK, axum::Json(body))
        }),
    );
    FakeUpstream::start(router).await
}

/// An API client that keeps every response body, to search them later.
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
    transcript: std::sync::Mutex<String>,
}

impl Api {
    fn new(server: &TestServer) -> Api {
        Api {
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("HTTP client"),
            base: server.base_url.clone(),
            token: server.token.clone(),
            transcript: std::sync::Mutex::new(String::new()),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .expect("request to the test server failed");
        let status = StatusCode::from_u16(response.status().as_u16()).expect("valid status");
        let text = response.text().await.expect("response body");
        self.transcript
            .lock()
            .expect("transcript lock")
            .push_str(&text);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self
            .send(reqwest::Method::GET, path, Some(&self.token), None)
            .await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    async fn post_alerts(&self, body: &[u8]) -> (StatusCode, Value) {
        self.send(
            reqwest::Method::POST,
            "/api/v1/alerts",
            Some(&self.token),
            Some(body.to_vec()),
        )
        .await
    }

    async fn put_secret(&self, name: &str, value: &str) -> (StatusCode, Value) {
        let body = serde_json::to_vec(&json!({ "value": value })).expect("json");
        self.send(
            reqwest::Method::PUT,
            &format!("/api/v1/secrets/{name}"),
            Some(&self.token),
            Some(body),
        )
        .await
    }

    async fn wait_for_run(&self, run_id: &str) -> Value {
        for _ in 0..300 {
            let run = self.get(&format!("/api/v1/runs/{run_id}")).await;
            if run["status"] == "succeeded" || run["status"] == "failed" {
                return run;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("run {run_id} did not finish within 30 s");
    }

    fn transcript(&self) -> String {
        self.transcript.lock().expect("transcript lock").clone()
    }
}
