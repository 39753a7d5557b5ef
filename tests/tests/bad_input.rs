//! Bad alert input through the real server: each broken record gets its own
//! error, and every valid record in the same request is stored once.

use moat_tests::server::{Backend, TestServer};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/alerts");

async fn post(server: &TestServer, body: Vec<u8>) -> (u16, Value) {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client");
    let response = client
        .post(server.url("/api/v1/alerts"))
        .bearer_auth(&server.token)
        .body(body)
        .send()
        .await
        .expect("request to the test server failed");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn nested(depth: usize) -> String {
    format!(
        "{}{}",
        "{\"a\":".repeat(depth),
        "1".to_owned() + &"}".repeat(depth)
    )
}

fn mixed_body() -> Vec<u8> {
    let suricata = std::fs::read_to_string(format!("{FIXTURES}/suricata/alert-testmyids.eve.json"))
        .expect("fixture");
    let mut body = Vec::new();
    body.extend_from_slice(suricata.trim_end().as_bytes());
    body.extend_from_slice(b"\n{\"title\": \"truncated\", \"severity\": \n");
    body.extend_from_slice(nested(100).as_bytes());
    body.extend_from_slice(b"\n{\"title\": \"bad bytes \xff\xfe\"}\n");
    body.extend_from_slice(b"{\"title\": \"valid generic\", \"src_ip\": \"198.51.100.7\"}\n");
    body.extend_from_slice(suricata.trim_end().as_bytes());
    body.extend_from_slice(b"\n[1, 2]\n");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_request_keeps_valid_records() {
    let server = TestServer::start(Backend::Sqlite, "http://127.0.0.1:9").await;
    let (status, report) = post(&server, mixed_body()).await;
    assert_eq!(status, 202, "{report}");

    let alerts = report["alerts"].as_array().expect("alerts");
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(
        alerts.len(),
        3,
        "suricata, generic and the repeated suricata record: {report}"
    );
    assert_eq!(
        errors.len(),
        4,
        "truncated, nested, non-UTF-8 and non-object records: {report}"
    );

    let messages = errors
        .iter()
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    assert!(
        messages.iter().any(|m| m.contains("nest")),
        "depth error: {messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("UTF-8")),
        "encoding error: {messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("expected an object")),
        "non-object error: {messages:?}"
    );
    for error in errors {
        assert!(
            error["offset"].as_u64().is_some(),
            "every error names a byte offset: {error}"
        );
    }

    assert_eq!(alerts[0]["duplicate"], false);
    assert_eq!(
        alerts[2]["duplicate"], true,
        "the repeated record is reported as a duplicate"
    );
    assert_eq!(
        alerts[2]["id"], alerts[0]["id"],
        "and points at the stored alert"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resent_request_stores_nothing_twice() {
    let server = TestServer::start(Backend::Sqlite, "http://127.0.0.1:9").await;
    let body = b"{\"title\": \"generic without id\", \"src_ip\": \"203.0.113.9\"}\n".to_vec();

    let (_, first) = post(&server, body.clone()).await;
    let (_, second) = post(&server, body).await;
    assert_eq!(first["alerts"][0]["duplicate"], false, "{first}");
    assert_eq!(second["alerts"][0]["duplicate"], true, "{second}");
    assert_eq!(second["alerts"][0]["id"], first["alerts"][0]["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_record_is_reported_alone() {
    let server = TestServer::start(Backend::Sqlite, "http://127.0.0.1:9").await;
    let padding = "x".repeat(moat::ingest::MAX_RECORD_BYTES);
    let body =
        format!("{{\"title\": \"huge\", \"pad\": \"{padding}\"}}\n{{\"title\": \"small\"}}\n");

    let (status, report) = post(&server, body.into_bytes()).await;
    assert_eq!(status, 202, "{report}");
    assert_eq!(
        report["alerts"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    let message = report["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("byte limit for one alert"), "{message}");
}
