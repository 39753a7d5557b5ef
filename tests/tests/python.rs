//! Python components, built with componentize-py, through the real runtime
//! on real SQLite: the `phishing-triage` playbook and the `python-probe`
//! test guest.
//!
//! `scripts/build-python.sh` builds the components once per test process.
//! Python components run under the same grants and limits as Rust ones.
//! The twins below check that a missing `cases` grant is denied and that a
//! Python busy loop stops at its deadline. The HTTP tests check that the
//! outbound allowlist reaches the Python SDK as a `DeniedError`. Upstream
//! services are HTTP servers on 127.0.0.1.

use axum::Router;
use axum::routing::post;
use base64::Engine as _;
use moat_runtime::manifest::ComponentKind;
use moat_runtime::model::{Indicator, Observable, ObservableKind, Severity, Verdict};
use moat_runtime::registry::content_hash;
use moat_tests::components::workspace_root;
use moat_tests::script_components::python_component;
use moat_tests::{FakeUpstream, FinishedRun, Harness, manifest};
use serde_json::{Value, json};
use std::time::Instant;

/// Registered name of the Python playbook.
const PLAYBOOK: &str = "phishing-triage";
/// Registered name of the Python test guest.
const PROBE: &str = "python-probe";
/// Grants of the playbook's own `moat.toml`.
const GRANTS: &str = "[grants]\ncases = \"write\"\nintel = \"read\"\n";
/// The phishing URL in `phishing_openphish.eml`.
const PHISHING_URL: &str = "https://ehawkerbd.com/wp/wp-admin/js/office365/auth.php";
/// Deadline of the busy-loop run.
const SPIN_TIMEOUT_MS: u64 = 1500;

/// Returns the text of `tests/fixtures/email/<name>`.
fn email_fixture(name: &str) -> String {
    let path = workspace_root().join("tests/fixtures/email").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()))
}

/// Returns a harness with Python component `name` registered under `body`.
async fn harness_with(name: &str, body: &str) -> Harness {
    let harness = Harness::new().await;
    harness
        .register_bytes(
            &manifest(name, ComponentKind::Playbook, body),
            python_component(name),
        )
        .await
        .unwrap_or_else(|error| panic!("the Python component `{name}` does not register: {error}"));
    harness
}

/// Returns the notes of case `case_id` joined by blank lines.
async fn case_notes(harness: &Harness, case_id: &str) -> String {
    let detail = harness
        .store
        .store
        .case_detail(case_id)
        .await
        .expect("case_detail succeeds")
        .unwrap_or_else(|| panic!("case {case_id} is not stored"));
    detail
        .notes
        .iter()
        .map(|note| note.body.as_str())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Returns the string array `data[key]` of the run output.
fn string_list(data: &Value, key: &str) -> Vec<String> {
    data[key]
        .as_array()
        .unwrap_or_else(|| panic!("output has no array `{key}`: {data}"))
        .iter()
        .map(|item| item.as_str().expect("string item").to_owned())
        .collect()
}

/// Decodes the base64 body of the MIME part with `filename="<name>"`.
fn attachment_bytes(eml: &str, name: &str) -> Vec<u8> {
    let marker = format!("filename=\"{name}\"");
    let start = eml
        .find(&marker)
        .unwrap_or_else(|| panic!("no part named {name}"));
    let headers_end = eml[start..]
        .find("\n\n")
        .map(|offset| start + offset + 2)
        .expect("the part has a body");
    let encoded = eml[headers_end..]
        .lines()
        .take_while(|line| !line.starts_with("--") && !line.is_empty())
        .collect::<String>();
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("the attachment is valid base64")
}

fn assert_events_contain(run: &FinishedRun, kind: &str, words: &[&str]) {
    let events = run.events_of(kind);
    for word in words {
        assert!(
            events.iter().any(|event| event.to_string().contains(word)),
            "no `{kind}` event mentions `{word}`; events:\n{}",
            run.events_text()
        );
    }
}

#[tokio::test]
async fn python_triage_opens_malicious_case() {
    let harness = harness_with(PLAYBOOK, GRANTS).await;
    let url = Observable {
        kind: ObservableKind::Url,
        value: PHISHING_URL.to_owned(),
    };
    harness
        .store
        .store
        .add_indicator(&Indicator {
            value: url.clone(),
            verdict: Verdict::Malicious,
            source: "openphish".to_owned(),
            description: "credential phishing page".to_owned(),
        })
        .await
        .expect("add_indicator succeeds");

    let eml = email_fixture("phishing_openphish.eml");
    let run = harness.run(PLAYBOOK, json!({ "eml": eml })).await;
    let data = &run.output().data;

    assert_eq!(data["verdict"], "malicious", "{data}");
    assert_eq!(data["sender"], "test@gmail.com", "{data}");
    assert_eq!(string_list(data, "received_ips"), vec!["8.8.8.8"]);
    assert_eq!(string_list(data, "urls"), vec![PHISHING_URL]);
    assert!(
        string_list(data, "domains").contains(&"ehawkerbd.com".to_owned()),
        "{data}"
    );

    let case_id = data["case_id"].as_str().expect("output has a case id");
    let case = harness
        .store
        .store
        .get_case(case_id)
        .await
        .expect("get_case succeeds")
        .expect("the case is stored");
    assert_eq!(case.severity, Severity::High);
    assert!(case.observables.contains(&url), "{:?}", case.observables);
    assert!(
        case.title.contains("Phishing Test OpenPhish"),
        "{}",
        case.title
    );

    let notes = case_notes(&harness, case_id).await;
    assert!(notes.contains("Verdict: malicious"), "{notes}");
    assert!(notes.contains(PHISHING_URL), "{notes}");
    assert!(notes.contains("openphish"), "{notes}");
    assert!(notes.contains("`8.8.8.8`"), "{notes}");
    assert_events_contain(&run, "intel_lookup", &[PHISHING_URL, "8.8.8.8"]);
}

#[tokio::test]
async fn python_triage_hashes_attachments() {
    let harness = harness_with(PLAYBOOK, GRANTS).await;
    let eml = email_fixture("hashbl.eml");
    let expected_hash = content_hash(&attachment_bytes(&eml, "macro.xlsm"));

    let run = harness.run(PLAYBOOK, json!({ "eml": eml })).await;
    let data = &run.output().data;

    let attachments = data["attachments"].as_array().expect("attachments array");
    assert_eq!(attachments.len(), 1, "{data}");
    assert_eq!(attachments[0]["filename"], "macro.xlsm", "{data}");
    assert_eq!(attachments[0]["sha256"], expected_hash.as_str(), "{data}");
    assert_eq!(
        string_list(data, "received_ips"),
        vec!["193.120.211.219", "24.226.157.50", "216.214.106.173"]
    );
    // No indicator is stored, so the macro attachment alone decides.
    assert_eq!(data["verdict"], "suspicious", "{data}");

    let case_id = data["case_id"].as_str().expect("output has a case id");
    let case = harness
        .store
        .store
        .get_case(case_id)
        .await
        .expect("get_case succeeds")
        .expect("the case is stored");
    assert_eq!(case.severity, Severity::Medium);
    let hash = Observable {
        kind: ObservableKind::Sha256,
        value: expected_hash.clone(),
    };
    assert!(case.observables.contains(&hash), "{:?}", case.observables);
    let notes = case_notes(&harness, case_id).await;
    assert!(notes.contains(&expected_hash), "{notes}");
    assert!(notes.contains("macro.xlsm"), "{notes}");
}

#[tokio::test]
async fn python_triage_rejects_missing_eml() {
    let harness = harness_with(PLAYBOOK, GRANTS).await;
    let run = harness.run(PLAYBOOK, json!({ "message": "no eml" })).await;
    let failure = run.failure();
    assert_eq!(failure.kind, "invalid", "{failure}");
    assert!(failure.message.contains("\"eml\""), "{failure}");
}

#[tokio::test]
async fn python_cases_none_is_denied() {
    let harness = harness_with(PLAYBOOK, "[grants]\ncases = \"none\"\nintel = \"read\"\n").await;
    let eml = email_fixture("phishing_openphish.eml");
    let run = harness.run(PLAYBOOK, json!({ "eml": eml })).await;

    let failure = run.failure();
    assert_eq!(failure.kind, "denied", "{failure}");
    assert!(failure.message.contains("cases"), "{failure}");
    assert_events_contain(&run, "denied", &["cases"]);
    assert!(
        run.events_of("case_change").is_empty(),
        "a denied run changed a case; events:\n{}",
        run.events_text()
    );
}

#[tokio::test]
async fn python_spin_stops_at_deadline() {
    let limits = format!("[limits]\ntimeout_ms = {SPIN_TIMEOUT_MS}\n");
    let harness = harness_with(PROBE, &limits).await;
    let started = Instant::now();
    let run = harness.run(PROBE, json!({ "action": "spin" })).await;
    let elapsed = started.elapsed();

    run.assert_stopped_at_deadline(elapsed, SPIN_TIMEOUT_MS);
}

/// Returns a `[grants]` table that allows exactly `origin`.
fn allowed_host(origin: &str) -> String {
    format!("[grants]\nallowed_outbound_hosts = [\"{origin}\"]\n")
}

#[tokio::test]
async fn python_http_reaches_allowed_host() {
    let upstream =
        FakeUpstream::start(Router::new().route("/echo", post(|body: String| async move { body })))
            .await;
    let harness = harness_with(PROBE, &allowed_host(&upstream.origin())).await;
    // Longer than one 4096-byte write, so the body goes out in several chunks.
    let body = "x".repeat(10_000);

    let run = harness
        .run(
            PROBE,
            json!({
                "action": "http",
                "method": "POST",
                "url": format!("{}/echo", upstream.origin()),
                "body": body,
            }),
        )
        .await;
    let data = &run.output().data;

    assert_eq!(data["status"], 200, "{data}");
    assert_eq!(
        data["body"].as_str(),
        Some(body.as_str()),
        "echoed body differs"
    );
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].header("x-probe"), Some("python"));
}

#[tokio::test]
async fn python_http_denial_is_denied_error() {
    let upstream = FakeUpstream::ok().await;
    let other = FakeUpstream::ok().await;
    let harness = harness_with(PROBE, &allowed_host(&other.origin())).await;
    let url = format!("{}/lookup", upstream.origin());

    let run = harness
        .run(PROBE, json!({ "action": "http", "url": url }))
        .await;
    let data = &run.output().data;

    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert_eq!(data["kind"], "denied", "{data}");
    let message = data["message"].as_str().expect("error message");
    assert!(message.contains("denied: "), "{message}");
    assert!(message.contains("allowed_outbound_hosts"), "{message}");
    assert!(message.contains(&upstream.origin()), "{message}");
    assert!(
        upstream.requests().is_empty(),
        "the denied request was sent"
    );
    assert_events_contain(&run, "denied", &[&upstream.origin()]);
}

#[tokio::test]
async fn python_triage_parses_every_fixture() {
    let harness = harness_with(PLAYBOOK, GRANTS).await;
    let folder = workspace_root().join("tests/fixtures/email");
    let mut names = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("failed to list {}: {error}", folder.display()))
        .map(|entry| entry.expect("directory entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".eml"))
        .collect::<Vec<_>>();
    names.sort();
    assert!(
        names.len() >= 8,
        "expected the 8 fixture messages, found {names:?}"
    );

    for name in &names {
        let run = harness
            .run(PLAYBOOK, json!({ "eml": email_fixture(name) }))
            .await;
        let Ok(output) = &run.report.result else {
            panic!("{name}: the run failed\nevents:\n{}", run.events_text());
        };
        let verdict = output.data["verdict"].as_str().unwrap_or_default();
        assert!(
            ["unknown", "benign", "suspicious", "malicious"].contains(&verdict),
            "{name}: unexpected verdict in {}",
            output.data
        );
        assert!(
            output.data["case_id"].is_string(),
            "{name}: no case id in {}",
            output.data
        );
    }
}

#[tokio::test]
async fn python_sdk_host_calls() {
    const TOKEN: &str = "python-probe-token-7f3a9c";
    let body = "[grants]\nstate = true\n\n[grants.secrets.token]\nread = true\n\n\
                [config]\ngreeting = \"hello from moat.toml\"\n";
    let harness = harness_with(PROBE, body).await;
    harness.put_secret("token", TOKEN).await;

    let run = harness.run(PROBE, json!({ "action": "sdk" })).await;
    let data = &run.output().data;

    assert_eq!(data["greeting"], "hello from moat.toml", "{data}");
    assert!(data["missing_config"].is_null(), "{data}");
    assert_eq!(data["state"], "41", "{data}");
    assert!(data["missing_state"].is_null(), "{data}");
    assert_eq!(data["connector_error"], "DeniedError", "{data}");
    // The host masks the secret in the stored output, so the value read by
    // the guest shows up as its mask.
    assert_eq!(data["secret"], "[secret:token]", "{data}");
    assert!(!run.events_text().contains(TOKEN), "{}", run.events_text());
    assert_events_contain(&run, "guest_log", &["exercising the SDK"]);
}

#[tokio::test]
async fn python_secret_read_not_granted() {
    let harness = harness_with(PROBE, "[grants.secrets.token]\nread = false\n").await;
    harness.put_secret("token", "python-probe-secret").await;

    let run = harness
        .run(PROBE, json!({ "action": "secret", "name": "token" }))
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    let message = data["message"].as_str().unwrap_or("");
    assert!(message.contains("read = true"), "{message}");
    assert!(!data.to_string().contains("python-probe-secret"), "{data}");
    assert_events_contain(&run, "denied", &["token"]);
}

/// Registers the Rust `probe-connector` as `echo-connector` beside the
/// Python probe, which gets `grants`.
async fn probe_with_connector(grants: &str) -> Harness {
    let harness = harness_with(PROBE, grants).await;
    harness
        .register(
            &manifest("echo-connector", ComponentKind::Connector, ""),
            "probe-connector",
        )
        .await
        .expect("probe-connector registers");
    harness
}

fn echo_call() -> Value {
    json!({
        "action": "connector",
        "connector": "echo-connector",
        "call": "echo",
        "input": { "value": 7 },
    })
}

#[tokio::test]
async fn python_connector_granted_is_called() {
    let harness = probe_with_connector("[grants]\nconnectors = [\"echo-connector\"]\n").await;
    let run = harness.run(PROBE, echo_call()).await;
    let data = &run.output().data;
    assert_eq!(data["output"], json!({ "value": 7 }), "{data}");
    assert_eq!(
        run.events_of("connector_call").len(),
        1,
        "{}",
        run.events_text()
    );
}

#[tokio::test]
async fn python_connector_not_granted_is_denied() {
    let harness = probe_with_connector("[grants]\n").await;
    let run = harness.run(PROBE, echo_call()).await;
    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert!(
        data["message"]
            .as_str()
            .unwrap_or("")
            .contains("connectors"),
        "{data}"
    );
    assert!(
        run.events_of("connector_call").is_empty(),
        "{}",
        run.events_text()
    );
}

#[tokio::test]
async fn python_policy_check_sends_nothing() {
    let upstream = FakeUpstream::ok().await;
    let other = FakeUpstream::ok().await;
    let harness = harness_with(PROBE, &allowed_host(&other.origin())).await;

    let allowed = harness
        .run(
            PROBE,
            json!({ "action": "check", "url": format!("{}/x", other.origin()) }),
        )
        .await;
    let denied = harness
        .run(
            PROBE,
            json!({ "action": "check", "url": format!("{}/x", upstream.origin()) }),
        )
        .await;

    assert_eq!(allowed.output().data, json!({ "allowed": true }));
    let data = &denied.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert!(
        data["message"]
            .as_str()
            .unwrap_or("")
            .contains("allowed_outbound_hosts"),
        "{data}"
    );
    assert!(upstream.requests().is_empty());
    assert!(other.requests().is_empty());
    assert!(
        denied.events_of("denied").is_empty(),
        "{}",
        denied.events_text()
    );
}
