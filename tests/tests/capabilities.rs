//! Capability twins through the real runtime.
//!
//! The `capability-probe` playbook exercises each capability twice. With the
//! manifest line that grants it, the call succeeds. Without it, the run fails
//! with the documented error kind and a message that names the manifest line
//! to add, and the store holds a `denied` event.
//! Upstream services are HTTP servers on 127.0.0.1, and names resolve only
//! through the test resolver.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use moat_runtime::manifest::ComponentKind;
use moat_runtime::registry::RegisterError;
use moat_tests::{FakeUpstream, FinishedRun, Harness, SilentUpstream, manifest, wasm_bytes};
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

/// Registered name of the `capability-probe` playbook.
const PROBE: &str = "capability-probe";
/// Registered name of the `probe-connector` connector.
const CONNECTOR: &str = "probe-connector";
/// Value of the test secret. It is longer than the masker's minimum length.
const SECRET_VALUE: &str = "s3cr3t-value-for-tests";
/// A public address, outside every special-purpose range, that the test
/// resolver returns. The test dialer routes it to a loopback server, so no
/// packet is sent to it.
const PUBLIC_ADDRESS: IpAddr = IpAddr::V4(Ipv4Addr::new(93, 184, 216, 34));

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Registers the probe playbook with manifest `body`.
async fn register_probe(harness: &Harness, body: &str) {
    harness
        .register(&manifest(PROBE, ComponentKind::Playbook, body), PROBE)
        .await
        .expect("capability-probe registers");
}

/// Registers the probe connector with manifest `body`.
async fn register_connector(harness: &Harness, body: &str) {
    harness
        .register(
            &manifest(CONNECTOR, ComponentKind::Connector, body),
            CONNECTOR,
        )
        .await
        .expect("probe-connector registers");
}

/// Returns a `[grants]` table that allows exactly `entries`.
fn allowed_hosts(entries: &[&str]) -> String {
    let quoted = entries
        .iter()
        .map(|entry| format!("\"{entry}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!("[grants]\nallowed_outbound_hosts = [{quoted}]\n")
}

/// Probe input for one `GET url` with the given request headers.
fn http_input(url: &str, headers: Value) -> Value {
    json!({ "action": "http", "url": url, "headers": headers })
}

/// Runs the probe's `http` action against `url` without extra headers.
async fn probe_get(harness: &Harness, url: &str) -> FinishedRun {
    harness.run(PROBE, http_input(url, json!({}))).await
}

/// HTTP status the probe received, from its run output.
fn response_status(run: &FinishedRun) -> u64 {
    let data = &run.output().data;
    data["status"]
        .as_u64()
        .unwrap_or_else(|| panic!("probe output has no numeric `status`: {data}"))
}

/// Asserts that `run` failed with `kind` and that its message contains
/// every string in `words`.
fn assert_failure(run: &FinishedRun, kind: &str, words: &[&str]) {
    let failure = run.failure();
    assert_eq!(failure.kind, kind, "failure: {failure}");
    for word in words {
        assert!(
            failure.message.contains(word),
            "failure message lacks `{word}`: {}",
            failure.message
        );
    }
}

/// Asserts that a stored `denied` event for `capability` contains `word` in
/// its reason.
fn assert_denied_event(run: &FinishedRun, capability: &str, word: &str) {
    let denied = run.events_of("denied");
    let matching = denied
        .iter()
        .filter(|event| event["capability"] == capability)
        .filter(|event| event["reason"].as_str().is_some_and(|r| r.contains(word)))
        .count();
    assert!(
        matching > 0,
        "no `denied` event for {capability} mentioning `{word}`; events:\n{}",
        run.events_text()
    );
}

/// Asserts that the run stored no `denied` event.
fn assert_no_denied_event(run: &FinishedRun) {
    assert!(
        run.events_of("denied").is_empty(),
        "unexpected `denied` event; events:\n{}",
        run.events_text()
    );
}

// ---------------------------------------------------------------------------
// Outbound hosts
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn http_to_granted_host_succeeds() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    register_probe(&harness, &allowed_hosts(&[&upstream.origin()])).await;

    let run = probe_get(&harness, &format!("{}/lookup", upstream.origin())).await;

    assert_eq!(response_status(&run), 200);
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].uri, "/lookup");
    assert_eq!(harness.net.dialed(), vec![upstream.address()]);
    assert_eq!(
        run.events_of("http_request").len(),
        1,
        "{}",
        run.events_text()
    );
    assert_no_denied_event(&run);
}

#[tokio::test(flavor = "multi_thread")]
async fn http_to_ungranted_host_is_denied() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let other = FakeUpstream::ok().await;
    register_probe(&harness, &allowed_hosts(&[&other.origin()])).await;

    let run = probe_get(&harness, &format!("{}/lookup", upstream.origin())).await;

    let origin = upstream.origin();
    assert_failure(&run, "denied", &["allowed_outbound_hosts", &origin]);
    assert_denied_event(&run, "http", "allowed_outbound_hosts");
    assert!(upstream.requests().is_empty());
    assert!(
        harness.net.dialed().is_empty(),
        "{:?}",
        harness.net.dialed()
    );
}

// ---------------------------------------------------------------------------
// Name resolution
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn loopback_name_is_denied() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    harness
        .net
        .add_name("intel.test", &[IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    register_probe(
        &harness,
        &allowed_hosts(&[&format!("http://intel.test:{port}")]),
    )
    .await;

    let run = probe_get(&harness, &format!("http://intel.test:{port}/")).await;

    let literal_entry = format!("http://127.0.0.1:{port}");
    assert_failure(&run, "denied", &["not public", "loopback", &literal_entry]);
    assert_denied_event(&run, "http", "loopback");
    assert_eq!(harness.net.resolved_names(), vec!["intel.test".to_owned()]);
    assert!(
        harness.net.dialed().is_empty(),
        "{:?}",
        harness.net.dialed()
    );
    assert!(upstream.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn loopback_name_with_literal_entry_allowed() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    harness
        .net
        .add_name("intel.test", &[IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    let entries = [format!("http://intel.test:{port}"), upstream.origin()];
    register_probe(&harness, &allowed_hosts(&[&entries[0], &entries[1]])).await;

    let run = probe_get(&harness, &format!("http://intel.test:{port}/")).await;

    assert_eq!(response_status(&run), 200);
    assert_eq!(harness.net.dialed(), vec![upstream.address()]);
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let expected_host = format!("intel.test:{port}");
    assert_eq!(requests[0].header("host"), Some(expected_host.as_str()));
    assert_no_denied_event(&run);
}

#[tokio::test(flavor = "multi_thread")]
async fn public_name_dials_resolved_address() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let public = SocketAddr::new(PUBLIC_ADDRESS, port);
    harness.net.add_name("intel.test", &[PUBLIC_ADDRESS]);
    harness.net.route(public, upstream.address());
    register_probe(
        &harness,
        &allowed_hosts(&[&format!("http://intel.test:{port}")]),
    )
    .await;

    let run = probe_get(&harness, &format!("http://intel.test:{port}/v1")).await;

    assert_eq!(response_status(&run), 200);
    assert_eq!(harness.net.dialed(), vec![public]);
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].uri, "/v1");
    assert_no_denied_event(&run);
}

#[tokio::test(flavor = "multi_thread")]
async fn mixed_addresses_use_public_one() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    let public = SocketAddr::new(PUBLIC_ADDRESS, port);
    let metadata = IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254));
    harness
        .net
        .add_name("intel.test", &[metadata, PUBLIC_ADDRESS]);
    harness.net.route(public, upstream.address());
    register_probe(
        &harness,
        &allowed_hosts(&[&format!("http://intel.test:{port}")]),
    )
    .await;

    let run = probe_get(&harness, &format!("http://intel.test:{port}/")).await;

    assert_eq!(response_status(&run), 200);
    assert_eq!(harness.net.dialed(), vec![public]);
}

// ---------------------------------------------------------------------------
// Redirects and non-public literals
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn redirect_is_returned_not_followed() {
    let harness = Harness::new().await;
    let redirect = || async {
        (
            StatusCode::FOUND,
            [(header::LOCATION, "http://169.254.169.254/latest/meta-data/")],
        )
            .into_response()
    };
    let upstream = FakeUpstream::start(Router::new().route("/start", get(redirect))).await;
    register_probe(&harness, &allowed_hosts(&[&upstream.origin()])).await;

    let run = probe_get(&harness, &format!("{}/start", upstream.origin())).await;

    assert_eq!(response_status(&run), 302);
    let location = &run.output().data["headers"]["location"];
    assert_eq!(location, "http://169.254.169.254/latest/meta-data/");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(harness.net.dialed(), vec![upstream.address()]);
    assert!(harness.net.resolved_names().is_empty());
    assert_eq!(
        run.events_of("http_request").len(),
        1,
        "{}",
        run.events_text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn non_public_literals_are_denied_before_connecting() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let port = upstream.port();
    // The widest name grant: any host name on any port. Address literals
    // are never matched by `*`, so each request below must be denied.
    register_probe(&harness, &allowed_hosts(&["http://*:*"])).await;

    let cases = [
        ("http://10.0.0.1/".to_owned(), "private address"),
        (
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "cloud metadata address",
        ),
        (
            format!("http://[::ffff:127.0.0.1]:{port}/"),
            "loopback address",
        ),
        (format!("http://2130706433:{port}/"), "loopback address"),
        (format!("http://0x7f.1:{port}/"), "loopback address"),
    ];
    for (url, reason) in cases {
        let run = probe_get(&harness, &url).await;
        assert_failure(&run, "denied", &["allowed_outbound_hosts", reason]);
        assert_denied_event(&run, "http", reason);
    }

    assert!(
        harness.net.dialed().is_empty(),
        "{:?}",
        harness.net.dialed()
    );
    assert!(harness.net.resolved_names().is_empty());
    assert!(upstream.requests().is_empty());
}

// ---------------------------------------------------------------------------
// Secret placeholders
// ---------------------------------------------------------------------------

/// Probe input that sends the `key` secret's placeholder in `X-Api-Key`.
fn placeholder_input(url: &str) -> Value {
    http_input(url, json!({ "X-Api-Key": "{{secret.key}}" }))
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_placeholder_filled_for_bound_host() {
    let harness = Harness::new().await;
    harness.put_secret("key", SECRET_VALUE).await;
    let upstream = FakeUpstream::ok().await;
    let origin = upstream.origin();
    let body = format!(
        "{}\n[grants.secrets.key]\nhosts = [\"{origin}\"]\n",
        allowed_hosts(&[&origin])
    );
    register_probe(&harness, &body).await;

    let run = harness.run(PROBE, placeholder_input(&origin)).await;

    assert_eq!(response_status(&run), 200);
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].header("x-api-key"), Some(SECRET_VALUE));
    let used = run.events_of("secret_used");
    assert_eq!(used.len(), 1, "{}", run.events_text());
    assert_eq!(used[0]["name"], "key");
    assert_eq!(used[0]["how"], "header");
    assert!(!run.events_text().contains(SECRET_VALUE));
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_placeholder_for_unbound_host_is_denied() {
    let harness = Harness::new().await;
    harness.put_secret("key", SECRET_VALUE).await;
    let upstream = FakeUpstream::ok().await;
    let origin = upstream.origin();
    let bound = "http://other.test";
    let body = format!(
        "{}\n[grants.secrets.key]\nhosts = [\"{bound}\"]\n",
        allowed_hosts(&[&origin, bound])
    );
    register_probe(&harness, &body).await;

    let run = harness.run(PROBE, placeholder_input(&origin)).await;

    assert_failure(&run, "denied", &["not bound", "[grants.secrets.key]"]);
    assert_denied_event(&run, "http", "not bound");
    assert!(upstream.requests().is_empty(), "{:?}", upstream.requests());
    assert!(
        harness.net.dialed().is_empty(),
        "{:?}",
        harness.net.dialed()
    );
    assert!(run.events_of("secret_used").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_placeholder_without_grant_is_denied() {
    let harness = Harness::new().await;
    harness.put_secret("key", SECRET_VALUE).await;
    let upstream = FakeUpstream::ok().await;
    register_probe(&harness, &allowed_hosts(&[&upstream.origin()])).await;

    let run = harness
        .run(PROBE, placeholder_input(&upstream.origin()))
        .await;

    assert_failure(&run, "denied", &["not granted", "[grants.secrets.key]"]);
    assert_denied_event(&run, "http", "[grants.secrets.key]");
    assert!(upstream.requests().is_empty(), "{:?}", upstream.requests());
    assert!(
        harness.net.dialed().is_empty(),
        "{:?}",
        harness.net.dialed()
    );
}

// ---------------------------------------------------------------------------
// Secret reads
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn secret_read_with_grant_succeeds() {
    let harness = Harness::new().await;
    harness.put_secret("key", SECRET_VALUE).await;
    register_probe(&harness, "[grants.secrets.key]\nread = true\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "secret", "name": "key" }))
        .await;

    let output = run.output();
    let output_text = format!("{} {}", output.summary, output.data);
    assert!(!output_text.contains(SECRET_VALUE), "{output_text}");
    let used = run.events_of("secret_used");
    assert_eq!(used.len(), 1, "{}", run.events_text());
    assert_eq!(used[0]["how"], "read");
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_read_without_grant_is_denied() {
    let harness = Harness::new().await;
    harness.put_secret("key", SECRET_VALUE).await;
    register_probe(&harness, "[grants.secrets.key]\nhosts = []\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "secret", "name": "key" }))
        .await;

    assert_failure(&run, "denied", &["read = true", "[grants.secrets.key]"]);
    assert_denied_event(&run, "secrets", "read = true");
    assert!(run.events_of("secret_used").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn echoed_secret_is_masked() {
    let harness = Harness::new().await;
    harness.put_secret("key", SECRET_VALUE).await;
    register_probe(&harness, "[grants.secrets.key]\nread = true\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "echo_secret", "name": "key" }))
        .await;

    let output = run.output();
    let output_text = format!("{} {}", output.summary, output.data);
    assert!(output_text.contains("[secret:key]"), "{output_text}");
    assert!(!output_text.contains(SECRET_VALUE), "{output_text}");
    let events = run.events_text();
    assert!(events.contains("[secret:key]"), "{events}");
    assert!(!events.contains(SECRET_VALUE), "{events}");
}

// ---------------------------------------------------------------------------
// Connectors
// ---------------------------------------------------------------------------

/// Probe input that calls `action` of the probe connector with `input`.
fn connector_input(action: &str, input: Value) -> Value {
    json!({
        "action": "connector",
        "connector": CONNECTOR,
        "connector_action": action,
        "input": input,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_call_with_grant_succeeds() {
    let harness = Harness::new().await;
    register_connector(&harness, "").await;
    register_probe(
        &harness,
        &format!("[grants]\nconnectors = [\"{CONNECTOR}\"]\n"),
    )
    .await;

    let run = harness
        .run(PROBE, connector_input("echo", json!({ "marker": "m-41" })))
        .await;

    let data = run.output().data.to_string();
    assert!(data.contains("m-41"), "{data}");
    let calls = run.events_of("connector_call");
    assert_eq!(calls.len(), 1, "{}", run.events_text());
    assert_eq!(calls[0]["connector"], CONNECTOR);
    assert_eq!(calls[0]["ok"], true);
    assert_no_denied_event(&run);
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_unknown_action_is_not_found() {
    let harness = Harness::new().await;
    register_connector(&harness, "").await;
    register_probe(
        &harness,
        &format!("[grants]\nconnectors = [\"{CONNECTOR}\"]\n"),
    )
    .await;

    let run = harness
        .run(PROBE, connector_input("explode", json!({})))
        .await;

    assert_failure(&run, "not-found", &["unknown action `explode`", "echo"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_call_without_grant_is_denied() {
    let harness = Harness::new().await;
    register_connector(&harness, "").await;
    register_probe(&harness, "").await;

    let run = harness
        .run(PROBE, connector_input("echo", json!({ "marker": "m-41" })))
        .await;

    let line = format!("add \"{CONNECTOR}\" to [grants] connectors");
    assert_failure(&run, "denied", &[&line]);
    assert_denied_event(&run, "connectors", CONNECTOR);
    assert!(run.events_of("connector_call").is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_hosts_stay_with_connector() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    register_connector(&harness, &allowed_hosts(&[&upstream.origin()])).await;
    register_probe(
        &harness,
        &format!("[grants]\nconnectors = [\"{CONNECTOR}\"]\n"),
    )
    .await;
    let url = format!("{}/through-connector", upstream.origin());

    let through_connector = harness
        .run(PROBE, connector_input("http", json!({ "url": url })))
        .await;
    through_connector.output();
    assert_eq!(upstream.requests().len(), 1, "{:?}", upstream.requests());

    let direct = probe_get(&harness, &format!("{}/direct", upstream.origin())).await;
    let origin = upstream.origin();
    assert_failure(
        &direct,
        "denied",
        &["allowed_outbound_hosts", &origin, PROBE],
    );
    assert_denied_event(&direct, "http", "allowed_outbound_hosts");
    assert_eq!(upstream.requests().len(), 1, "{:?}", upstream.requests());
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn spin_past_deadline_times_out() {
    let harness = Harness::new().await;
    register_probe(&harness, "[limits]\ntimeout_ms = 500\n").await;

    let started = Instant::now();
    let run = harness.run(PROBE, json!({ "action": "spin" })).await;
    let elapsed = started.elapsed();

    assert_failure(&run, "timeout", &["timeout_ms"]);
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    let hits = run.events_of("limit_hit");
    assert_eq!(hits.len(), 1, "{}", run.events_text());
    assert_eq!(hits[0]["limit"], "timeout_ms");
}

#[tokio::test(flavor = "multi_thread")]
async fn quick_run_finishes_within_deadline() {
    let harness = Harness::new().await;
    register_probe(&harness, "[limits]\ntimeout_ms = 500\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "log", "message": "hello" }))
        .await;

    run.output();
    assert!(
        run.events_of("limit_hit").is_empty(),
        "{}",
        run.events_text()
    );
    let finished = run.events_of("run_finished");
    assert_eq!(finished.len(), 1, "{}", run.events_text());
    assert_eq!(finished[0]["ok"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn hanging_upstream_times_out() {
    let harness = Harness::new().await;
    let silent = SilentUpstream::start().await;
    let body = format!(
        "{}\n[limits]\ntimeout_ms = 500\n",
        allowed_hosts(&[&silent.origin()])
    );
    register_probe(&harness, &body).await;

    let started = Instant::now();
    let run = probe_get(&harness, &format!("{}/slow", silent.origin())).await;
    let elapsed = started.elapsed();

    assert_failure(&run, "timeout", &["timeout_ms"]);
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(silent.accepted(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn globals_start_fresh_each_run() {
    let harness = Harness::new().await;
    register_probe(&harness, "").await;

    for attempt in 1..=2 {
        let run = harness.run(PROBE, json!({ "action": "global" })).await;
        let data = &run.output().data;
        assert_eq!(data["value"], 1, "run {attempt}: {data}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn alloc_past_memory_limit_is_limit_exceeded() {
    let harness = Harness::new().await;
    register_probe(&harness, "[limits]\nmemory_mb = 16\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "alloc", "mb": 64 }))
        .await;

    assert_failure(&run, "limit-exceeded", &["memory_mb", "16 MiB"]);
    let hits = run.events_of("limit_hit");
    assert_eq!(hits.len(), 1, "{}", run.events_text());
}

#[tokio::test(flavor = "multi_thread")]
async fn alloc_within_memory_limit_succeeds() {
    let harness = Harness::new().await;
    register_probe(&harness, "[limits]\nmemory_mb = 16\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "alloc", "mb": 4 }))
        .await;

    run.output();
    assert!(
        run.events_of("limit_hit").is_empty(),
        "{}",
        run.events_text()
    );
}

// ---------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------

fn playbook_manifest() -> String {
    manifest("candidate", ComponentKind::Playbook, "")
}

#[tokio::test(flavor = "multi_thread")]
async fn core_module_is_rejected() {
    let harness = Harness::new().await;
    let module = wat::parse_str("(module (func (export \"run\") (result i32) i32.const 1))")
        .expect("the test module assembles");

    let error = harness
        .register_bytes(&playbook_manifest(), module)
        .await
        .expect_err("a core module must be rejected");

    assert!(matches!(error, RegisterError::NotComponent(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("core WebAssembly module"), "{message}");
    assert!(message.contains("wasm32-wasip2"), "{message}");
    assert!(harness.runtime.component("candidate").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn random_bytes_are_rejected() {
    let harness = Harness::new().await;
    // Fixed pseudo-random bytes (a linear congruential generator), so a
    // failure reproduces.
    let mut state: u32 = 0x2545_f491;
    let bytes = (0..4096)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect::<Vec<_>>();

    let error = harness
        .register_bytes(&playbook_manifest(), bytes)
        .await
        .expect_err("random bytes must be rejected");

    assert!(matches!(error, RegisterError::NotComponent(_)), "{error:?}");
    assert!(error.to_string().contains("magic bytes"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn component_header_with_garbage_is_rejected() {
    let harness = Harness::new().await;
    let mut bytes = b"\0asm\x0d\0\x01\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xa5_u8, 64));

    let error = harness
        .register_bytes(&playbook_manifest(), bytes)
        .await
        .expect_err("a broken component must be rejected");

    assert!(matches!(error, RegisterError::Compile(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("invalid component"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_registered_as_playbook_is_rejected() {
    let harness = Harness::new().await;

    let error = harness
        .register_bytes(&playbook_manifest(), wasm_bytes(CONNECTOR))
        .await
        .expect_err("a connector must not register as a playbook");

    assert!(
        matches!(error, RegisterError::WrongWorld { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("moat:platform/playbook"), "{message}");
    assert!(message.contains("run"), "{message}");
    assert!(harness.runtime.component("candidate").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn playbook_registered_as_connector_is_rejected() {
    let harness = Harness::new().await;
    let text = manifest("candidate", ComponentKind::Connector, "");

    let error = harness
        .register_bytes(&text, wasm_bytes(PROBE))
        .await
        .expect_err("a playbook must not register as a connector");

    assert!(
        matches!(error, RegisterError::WrongWorld { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("moat:platform/connector"), "{message}");
    assert!(message.contains("invoke"), "{message}");
}
