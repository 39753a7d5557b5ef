//! Resource limits through the real runtime on real storage.
//!
//! Each test drives the `capability-probe` playbook or the `probe-connector`
//! connector past one limit, checks the error kind, the message and the
//! stored `limit_hit` events, and then checks that the same runtime still
//! completes an ordinary run. Upstream services are servers on 127.0.0.1.

use axum::Router;
use moat_runtime::RuntimeConfig;
use moat_runtime::manifest::ComponentKind;
use moat_tests::components::playbooks_target_dir;
use moat_tests::{FakeUpstream, FinishedRun, Harness, LoopbackNet, SilentUpstream, manifest};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Registered name of the `capability-probe` playbook.
const PROBE: &str = "capability-probe";
/// Registered name of the `probe-connector` connector.
const CONNECTOR: &str = "probe-connector";
/// Name under which the probe is registered with default limits, for the
/// run that checks the runtime after a limit was hit.
const HEALTH_PROBE: &str = "health-probe";
/// Upper bound on the wall-clock time of a run stopped by a deadline of at
/// most 1 s, generous enough for a loaded two-core machine.
const DEADLINE_SLACK: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Returns a harness whose runtime may hold `max_instances` component
/// instances at once, for tests that run many playbooks side by side.
async fn harness_with_instances(max_instances: u32) -> Harness {
    let net = LoopbackNet::new();
    let config = RuntimeConfig {
        cache_dir: Some(playbooks_target_dir().join("moat-tests-wasmtime-cache")),
        resolver: net.clone(),
        dialer: net.clone(),
        max_instances,
    };
    let runtime = moat_runtime::Runtime::new(config).expect("failed to create the runtime");
    Harness {
        runtime,
        net,
        store: moat_tests::open_store().await,
    }
}

/// Registers the probe playbook as `name` with manifest `body`.
async fn register_probe_as(harness: &Harness, name: &str, body: &str) {
    harness
        .register(&manifest(name, ComponentKind::Playbook, body), PROBE)
        .await
        .unwrap_or_else(|error| panic!("capability-probe registers as `{name}`: {error}"));
}

/// Registers the probe playbook under its own name with manifest `body`.
async fn register_probe(harness: &Harness, body: &str) {
    register_probe_as(harness, PROBE, body).await;
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

/// Probe input that calls `action` of the probe connector with `input`.
fn connector_input(action: &str, input: Value) -> Value {
    json!({
        "action": "connector",
        "connector": CONNECTOR,
        "connector_action": action,
        "input": input,
    })
}

/// Asserts that `run` failed with `kind` and that its message contains
/// every string in `words`.
fn assert_failure(run: &FinishedRun, kind: &str, words: &[&str]) {
    let failure = run.failure();
    assert_eq!(failure.kind, kind, "failure: {failure}");
    for word in words {
        assert!(
            failure.message.contains(word),
            "failure message lacks `{word}`: {}\nevents:\n{}",
            failure.message,
            run.events_text()
        );
    }
}

/// Asserts that the run stored exactly one `limit_hit` event, for `limit`,
/// and returns its detail.
fn assert_one_limit_hit(run: &FinishedRun, limit: &str) -> String {
    let hits = run.events_of("limit_hit");
    assert_eq!(
        hits.len(),
        1,
        "expected one limit_hit event; events:\n{}",
        run.events_text()
    );
    assert_eq!(hits[0]["limit"], limit, "{}", run.events_text());
    hits[0]["detail"].as_str().unwrap_or_default().to_owned()
}

/// Asserts that the run stored a `run_finished` event with `ok` = `ok`.
fn assert_finished_event(run: &FinishedRun, ok: bool) {
    let finished = run.events_of("run_finished");
    assert_eq!(finished.len(), 1, "{}", run.events_text());
    assert_eq!(finished[0]["ok"], ok, "{}", run.events_text());
}

/// Registers the probe with default limits as [`HEALTH_PROBE`], runs it
/// once and asserts that the run succeeds with no `limit_hit` event.
async fn assert_runtime_healthy(harness: &Harness) {
    if harness.runtime.component(HEALTH_PROBE).is_none() {
        register_probe_as(harness, HEALTH_PROBE, "").await;
    }
    let run = harness
        .run(HEALTH_PROBE, json!({ "action": "log", "message": "after" }))
        .await;
    assert_eq!(run.output().data["lines"], 1);
    assert!(
        run.events_of("limit_hit").is_empty(),
        "{}",
        run.events_text()
    );
    assert_finished_event(&run, true);
}

// ---------------------------------------------------------------------------
// CPU
// ---------------------------------------------------------------------------

/// Ordinary runs started beside the spinner.
const ORDINARY_RUNS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spinner_does_not_starve_other_runs() {
    // The spinner's deadline is long, so that the ordinary runs have all
    // finished long before it; they must not wait for it.
    const SPIN_TIMEOUT_MS: u64 = 4000;
    let harness = Arc::new(harness_with_instances(64).await);
    register_probe_as(
        &harness,
        "spinner",
        &format!("[limits]\ntimeout_ms = {SPIN_TIMEOUT_MS}\n"),
    )
    .await;
    register_probe(&harness, "").await;

    let spin_harness = harness.clone();
    let spinner = tokio::spawn(async move {
        let started = Instant::now();
        let run = spin_harness
            .run("spinner", json!({ "action": "spin" }))
            .await;
        (run, started.elapsed())
    });

    let started = Instant::now();
    let mut ordinary = JoinSet::new();
    for index in 0..ORDINARY_RUNS {
        let harness = harness.clone();
        ordinary.spawn(async move {
            let input = json!({ "action": "log", "message": format!("ordinary {index}") });
            harness.run(PROBE, input).await
        });
    }
    let mut succeeded = 0;
    while let Some(joined) = ordinary.join_next().await {
        let run = joined.expect("an ordinary run task panicked");
        assert_eq!(run.output().data["lines"], 1);
        assert!(
            run.events_of("limit_hit").is_empty(),
            "{}",
            run.events_text()
        );
        succeeded += 1;
    }
    let ordinary_elapsed = started.elapsed();

    assert_eq!(succeeded, ORDINARY_RUNS);
    assert!(
        !spinner.is_finished(),
        "the spinner stopped before the ordinary runs finished ({ordinary_elapsed:?})"
    );
    assert!(
        ordinary_elapsed < Duration::from_millis(SPIN_TIMEOUT_MS),
        "the ordinary runs took {ordinary_elapsed:?}, past the spinner's deadline"
    );

    let (spin_run, spin_elapsed) = spinner.await.expect("the spinner task panicked");
    assert_failure(
        &spin_run,
        "timeout",
        &[&format!("{SPIN_TIMEOUT_MS} ms"), "timeout_ms"],
    );
    assert_one_limit_hit(&spin_run, "timeout_ms");
    assert!(
        spin_elapsed >= Duration::from_millis(SPIN_TIMEOUT_MS),
        "the spinner stopped after {spin_elapsed:?}, before its deadline"
    );
    assert!(
        spin_elapsed < Duration::from_millis(SPIN_TIMEOUT_MS) + DEADLINE_SLACK,
        "the spinner stopped after {spin_elapsed:?}"
    );
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fuel_limit_stops_spin() {
    let harness = Harness::new().await;
    register_probe(&harness, "[limits]\nfuel = 1000000\n").await;

    let run = harness.run(PROBE, json!({ "action": "spin" })).await;

    assert_failure(&run, "limit-exceeded", &["fuel", "1000000"]);
    let detail = assert_one_limit_hit(&run, "fuel");
    assert!(detail.contains("1000000"), "{detail}");
    let finished = run.events_of("run_finished");
    assert_eq!(finished.len(), 1, "{}", run.events_text());
    assert_eq!(finished[0]["fuel_consumed"], 1_000_000);
    assert_runtime_healthy(&harness).await;
}

// ---------------------------------------------------------------------------
// Connector chains
// ---------------------------------------------------------------------------

/// Connector manifest that may call itself.
fn self_calling_connector() -> String {
    format!("[grants]\nconnectors = [\"{CONNECTOR}\"]\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_chain_stops_at_playbook_deadline() {
    let harness = Harness::new().await;
    register_connector(&harness, &self_calling_connector()).await;
    register_probe(
        &harness,
        &format!("[grants]\nconnectors = [\"{CONNECTOR}\"]\n\n[limits]\ntimeout_ms = 700\n"),
    )
    .await;

    let input = connector_input(
        "call",
        json!({ "connector": CONNECTOR, "action": "spin", "input": {} }),
    );
    let started = Instant::now();
    let run = harness.run(PROBE, input).await;
    let elapsed = started.elapsed();

    // The connector's own deadline is the 10 s default, so a message that
    // names 700 ms shows that the playbook's deadline stopped the chain.
    assert_failure(&run, "timeout", &["700 ms", "timeout_ms"]);
    assert_one_limit_hit(&run, "timeout_ms");
    assert!(
        elapsed >= Duration::from_millis(700),
        "stopped after {elapsed:?}"
    );
    assert!(elapsed < DEADLINE_SLACK, "stopped after {elapsed:?}");
    assert_finished_event(&run, false);
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connector_chain_to_hanging_upstream_times_out() {
    let harness = Harness::new().await;
    let silent = SilentUpstream::start().await;
    let connector_body = format!(
        "[grants]\nconnectors = [\"{CONNECTOR}\"]\nallowed_outbound_hosts = [\"{}\"]\n",
        silent.origin()
    );
    register_connector(&harness, &connector_body).await;
    register_probe(
        &harness,
        &format!("[grants]\nconnectors = [\"{CONNECTOR}\"]\n\n[limits]\ntimeout_ms = 700\n"),
    )
    .await;

    let url = format!("{}/hang", silent.origin());
    let input = connector_input(
        "call",
        json!({ "connector": CONNECTOR, "action": "http", "input": { "url": url } }),
    );
    let started = Instant::now();
    let run = harness.run(PROBE, input).await;
    let elapsed = started.elapsed();

    assert_failure(&run, "timeout", &["700 ms", "timeout_ms"]);
    assert_one_limit_hit(&run, "timeout_ms");
    assert_eq!(silent.accepted(), 1);
    assert!(elapsed < DEADLINE_SLACK, "stopped after {elapsed:?}");
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recursive_connector_hits_depth_cap() {
    const NESTING: usize = 8;
    let harness = Harness::new().await;
    register_connector(&harness, &self_calling_connector()).await;
    register_probe(
        &harness,
        &format!("[grants]\nconnectors = [\"{CONNECTOR}\"]\n"),
    )
    .await;

    // Each level calls `call` again, NESTING levels deep, and the last
    // level echoes. The cap stops the chain long before the echo.
    let mut input = json!({ "connector": CONNECTOR, "action": "echo", "input": {} });
    for _ in 0..NESTING {
        input = json!({ "connector": CONNECTOR, "action": "call", "input": input });
    }
    let started = Instant::now();
    let run = harness.run(PROBE, connector_input("call", input)).await;
    let elapsed = started.elapsed();

    let depth = moat_runtime::limits::MAX_CALL_DEPTH.to_string();
    assert_failure(&run, "limit-exceeded", &["depth", &depth]);
    let detail = assert_one_limit_hit(&run, "call_depth");
    assert!(detail.contains(&depth), "{detail}");
    let calls = run.events_of("connector_call");
    assert_eq!(
        calls.len(),
        moat_runtime::limits::MAX_CALL_DEPTH as usize,
        "{}",
        run.events_text()
    );
    assert!(
        calls.iter().all(|call| call["ok"] == false),
        "{}",
        run.events_text()
    );
    assert!(elapsed < DEADLINE_SLACK, "stopped after {elapsed:?}");
    assert_runtime_healthy(&harness).await;
}

// ---------------------------------------------------------------------------
// Memory, stack and output
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn memory_limit_leaves_runtime_healthy() {
    let harness = Harness::new().await;
    register_probe(&harness, "[limits]\nmemory_mb = 16\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "alloc", "mb": 64 }))
        .await;

    assert_failure(&run, "limit-exceeded", &["memory_mb", "16 MiB"]);
    let detail = assert_one_limit_hit(&run, "memory_mb");
    assert!(detail.contains("16 MiB"), "{detail}");

    let within = harness
        .run(PROBE, json!({ "action": "alloc", "mb": 4 }))
        .await;
    assert_eq!(within.output().data["allocated_mb"], 4);
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deep_recursion_exhausts_call_stack() {
    let harness = Harness::new().await;
    register_probe(&harness, "").await;

    let run = harness
        .run(
            PROBE,
            json!({ "action": "recurse", "depth": 100_000_000u64 }),
        )
        .await;

    assert_failure(&run, "limit-exceeded", &["call stack exhausted"]);
    assert_one_limit_hit(&run, "call_stack");

    let shallow = harness
        .run(PROBE, json!({ "action": "recurse", "depth": 100 }))
        .await;
    assert_eq!(shallow.output().data["depth"], 100);
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_output_is_limit_exceeded() {
    let harness = Harness::new().await;
    register_probe(&harness, "[limits]\nmax_output_bytes = 1024\n").await;

    let run = harness
        .run(PROBE, json!({ "action": "output", "bytes": 4096 }))
        .await;

    assert_failure(&run, "limit-exceeded", &["max_output_bytes", "1024"]);
    let detail = assert_one_limit_hit(&run, "max_output_bytes");
    assert!(detail.contains("1024"), "{detail}");

    let small = harness
        .run(PROBE, json!({ "action": "output", "bytes": 100 }))
        .await;
    assert_eq!(small.output().data.as_str().map(str::len), Some(100));
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn log_flood_stops_at_log_cap() {
    const MAX_LOG_BYTES: usize = 1000;
    const LINES: u64 = 100_000;
    let harness = Harness::new().await;
    register_probe(
        &harness,
        &format!("[limits]\nmax_log_bytes = {MAX_LOG_BYTES}\n"),
    )
    .await;
    // 40 bytes, so 25 lines fit the cap exactly.
    let message = "flood line of exactly forty bytes ......";
    assert_eq!(message.len(), 40);

    let run = harness
        .run(
            PROBE,
            json!({ "action": "log", "message": message, "count": LINES }),
        )
        .await;

    assert_eq!(run.output().data["lines"], LINES);
    let lines = run.events_of("guest_log");
    assert_eq!(
        lines.len(),
        MAX_LOG_BYTES / message.len(),
        "{}",
        run.events_text()
    );
    assert!(lines.iter().all(|line| line["message"] == message));
    let detail = assert_one_limit_hit(&run, "max_log_bytes");
    assert!(detail.contains(&MAX_LOG_BYTES.to_string()), "{detail}");
    assert_finished_event(&run, true);
    assert_runtime_healthy(&harness).await;
}

// ---------------------------------------------------------------------------
// Outbound HTTP
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn oversized_response_body_is_limit_exceeded() {
    const MAX_BODY_BYTES: usize = 1024;
    let harness = Harness::new().await;
    let big_body = "b".repeat(64 * 1024);
    let upstream = FakeUpstream::start(Router::new().fallback(move || {
        let body = big_body.clone();
        async move { body }
    }))
    .await;
    let body = format!(
        "[grants]\nallowed_outbound_hosts = [\"{}\"]\n\n[limits]\nmax_http_body_bytes = {MAX_BODY_BYTES}\n",
        upstream.origin()
    );
    register_probe(&harness, &body).await;

    let url = format!("{}/big", upstream.origin());
    let run = harness
        .run(PROBE, json!({ "action": "http", "url": url }))
        .await;

    assert_failure(
        &run,
        "limit-exceeded",
        &["max_http_body_bytes", &MAX_BODY_BYTES.to_string()],
    );
    let detail = assert_one_limit_hit(&run, "max_http_body_bytes");
    assert!(detail.contains(&MAX_BODY_BYTES.to_string()), "{detail}");
    assert_eq!(upstream.requests().len(), 1);
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn too_many_connections_is_limit_exceeded() {
    const MAX_CONNECTIONS: usize = 2;
    let harness = Harness::new().await;
    let silent = SilentUpstream::start().await;
    let body = format!(
        "[grants]\nallowed_outbound_hosts = [\"{}\"]\n\n[limits]\nmax_connections = {MAX_CONNECTIONS}\ntimeout_ms = 3000\n",
        silent.origin()
    );
    register_probe(&harness, &body).await;

    let url = format!("{}/hang", silent.origin());
    let started = Instant::now();
    let run = harness
        .run(
            PROBE,
            json!({ "action": "http_burst", "url": url, "count": MAX_CONNECTIONS + 2 }),
        )
        .await;
    let elapsed = started.elapsed();

    assert_failure(
        &run,
        "limit-exceeded",
        &["max_connections", &MAX_CONNECTIONS.to_string()],
    );
    let hits = run.events_of("limit_hit");
    assert!(!hits.is_empty(), "{}", run.events_text());
    assert!(
        hits.iter().all(|hit| hit["limit"] == "max_connections"),
        "{}",
        run.events_text()
    );
    // The requests past the cap fail at once, before the 3 s deadline.
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert!(run.events_of("denied").is_empty(), "{}", run.events_text());
    assert_runtime_healthy(&harness).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_within_cap_succeed() {
    let harness = Harness::new().await;
    let upstream = FakeUpstream::ok().await;
    let body = format!(
        "[grants]\nallowed_outbound_hosts = [\"{}\"]\n\n[limits]\nmax_connections = 4\n",
        upstream.origin()
    );
    register_probe(&harness, &body).await;

    let url = format!("{}/ok", upstream.origin());
    let run = harness
        .run(
            PROBE,
            json!({ "action": "http_burst", "url": url, "count": 4 }),
        )
        .await;

    assert_eq!(run.output().data["statuses"], json!([200, 200, 200, 200]));
    assert_eq!(upstream.requests().len(), 4);
    assert!(
        run.events_of("limit_hit").is_empty(),
        "{}",
        run.events_text()
    );
}

// ---------------------------------------------------------------------------
// Isolation
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn globals_fresh_in_concurrent_runs() {
    const RUNS: usize = 12;
    let harness = Arc::new(harness_with_instances(32).await);
    register_probe(&harness, "").await;

    let mut runs = JoinSet::new();
    for _ in 0..RUNS {
        let harness = harness.clone();
        runs.spawn(async move { harness.run(PROBE, json!({ "action": "global" })).await });
    }
    let mut finished = 0;
    while let Some(joined) = runs.join_next().await {
        let run = joined.expect("a run task panicked");
        let data = &run.output().data;
        assert_eq!(data["value"], 1, "run {}: {data}", run.run_id);
        finished += 1;
    }
    assert_eq!(finished, RUNS);
}

#[tokio::test(flavor = "multi_thread")]
async fn state_store_is_per_component() {
    let harness = Harness::new().await;
    register_probe_as(&harness, "state-writer", "[grants]\nstate = true\n").await;
    register_probe_as(&harness, "state-reader", "[grants]\nstate = true\n").await;

    let set = harness
        .run(
            "state-writer",
            json!({ "action": "state_set", "key": "shared-key", "value": "writer-only" }),
        )
        .await;
    set.output();

    let other = harness
        .run(
            "state-reader",
            json!({ "action": "state_get", "key": "shared-key" }),
        )
        .await;
    assert_eq!(other.output().data["value"], Value::Null);

    let same = harness
        .run(
            "state-writer",
            json!({ "action": "state_get", "key": "shared-key" }),
        )
        .await;
    assert_eq!(same.output().data["value"], "writer-only");
}
