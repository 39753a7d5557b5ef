//! JavaScript components, built with componentize-js, through the real
//! runtime on real SQLite: the `contain-host` playbook, the `edr-isolate`
//! connector and the `js-probe` test guest.
//!
//! `scripts/build-js.sh` builds the components once per test process. The
//! EDR and the chat webhook are HTTP servers on 127.0.0.1. Each capability
//! is checked with its grant and without it: outbound hosts, secrets,
//! connectors and cases, and a JavaScript busy loop stops at its deadline.

use moat_runtime::manifest::ComponentKind;
use moat_runtime::model::CaseStatus;
use moat_tests::fake_services::{FakeChat, FakeEdr, UNKNOWN_HOST};
use moat_tests::script_components::js_component;
use moat_tests::{FakeUpstream, FinishedRun, Harness, manifest};
use serde_json::{Value, json};
use std::time::Instant;

/// Registered name of the containment playbook.
const PLAYBOOK: &str = "contain-host";
/// Registered name of the EDR connector.
const CONNECTOR: &str = "edr-isolate";
/// Registered name of the JavaScript test guest.
const PROBE: &str = "js-probe";
/// Token the fake EDR accepts.
const EDR_TOKEN: &str = "edr-token-5f0c2a9e71";
/// Deadline of the busy-loop run.
const SPIN_TIMEOUT_MS: u64 = 1500;

/// Fake services and a harness with the EDR connector registered against
/// the fake EDR, and its token stored.
struct Setup {
    edr: FakeEdr,
    chat: FakeChat,
    harness: Harness,
}

impl Setup {
    async fn new() -> Setup {
        let edr = FakeEdr::start(EDR_TOKEN).await;
        let chat = FakeChat::start().await;
        let harness = Harness::new().await;
        register(
            &harness,
            CONNECTOR,
            ComponentKind::Connector,
            &connector_body(&edr),
        )
        .await;
        harness.put_secret("edr_api_token", EDR_TOKEN).await;
        Setup { edr, chat, harness }
    }

    /// Registers `contain-host` with the chat webhook allowed when
    /// `chat_allowed`, and runs it with `input`.
    async fn contain(&self, chat_allowed: bool, input: Value) -> FinishedRun {
        let origin = self.chat.upstream.origin();
        let allowed = if chat_allowed {
            format!("\"{origin}\"")
        } else {
            String::new()
        };
        let body = format!(
            "[grants]\nconnectors = [\"{CONNECTOR}\"]\ncases = \"write\"\nallowed_outbound_hosts = [{allowed}]\n\n\
             [config]\nchat_webhook_url = \"{}\"\nprotected_hosts = \"dc-01, DC-02\"\n",
            self.chat.webhook_url()
        );
        register(&self.harness, PLAYBOOK, ComponentKind::Playbook, &body).await;
        self.harness.run(PLAYBOOK, input).await
    }

    /// Returns the notes of case `case_id` joined by blank lines, and its status.
    async fn case(&self, case_id: &str) -> (String, CaseStatus) {
        let detail = self
            .harness
            .store
            .store
            .case_detail(case_id)
            .await
            .expect("case_detail succeeds")
            .unwrap_or_else(|| panic!("case {case_id} is not stored"));
        let notes = detail
            .notes
            .iter()
            .map(|note| note.body.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        (notes, detail.case.status)
    }
}

fn connector_body(edr: &FakeEdr) -> String {
    let origin = edr.upstream.origin();
    format!(
        "[grants]\nallowed_outbound_hosts = [\"{origin}\"]\n\n\
         [grants.secrets.edr_api_token]\nhosts = [\"{origin}\"]\n\n\
         [config]\nbase_url = \"{origin}\"\n"
    )
}

async fn register(harness: &Harness, name: &str, kind: ComponentKind, body: &str) {
    harness
        .register_bytes(&manifest(name, kind, body), js_component(name))
        .await
        .unwrap_or_else(|error| {
            panic!("the JavaScript component `{name}` does not register: {error}")
        });
}

/// Returns a harness with `js-probe` registered under `body`.
async fn probe_with(body: &str) -> Harness {
    let harness = Harness::new().await;
    register(&harness, PROBE, ComponentKind::Playbook, body).await;
    harness
}

fn case_id(run: &FinishedRun) -> String {
    let data = &run.output().data;
    data["case_id"]
        .as_str()
        .unwrap_or_else(|| panic!("output has no case id: {data}"))
        .to_owned()
}

#[tokio::test]
async fn js_contain_isolates_and_notifies() {
    let setup = Setup::new().await;
    let input = json!({ "hostname": "FIN-WS-042", "reason": "Malware Prevention Alert" });

    let run = setup.contain(true, input).await;

    let data = &run.output().data;
    assert_eq!(run.output().summary, "isolated fin-ws-042", "{data}");
    assert_eq!(data["action_id"], "act-1", "{data}");
    assert_eq!(data["state"], "pending", "{data}");
    assert_eq!(data["chat_notified"], true, "{data}");

    let isolations = setup.edr.isolations();
    assert_eq!(isolations.len(), 1, "{isolations:?}");
    assert_eq!(isolations[0]["hostname"], "fin-ws-042");
    let comment = isolations[0]["comment"]
        .as_str()
        .expect("comment is a string");
    assert!(comment.contains("Malware Prevention Alert"), "{comment}");

    let messages = setup.chat.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let text = messages[0]["text"].as_str().expect("chat text is a string");
    assert!(text.contains("fin-ws-042"), "{text}");
    assert!(text.contains("act-1"), "{text}");
    assert!(!text.contains(EDR_TOKEN), "{text}");

    let (notes, status) = setup.case(&case_id(&run)).await;
    assert!(notes.contains("Isolated host `fin-ws-042`"), "{notes}");
    assert!(notes.contains("`act-1`"), "{notes}");
    assert!(notes.contains("Posted the containment"), "{notes}");
    assert_eq!(status, CaseStatus::InProgress);
}

#[tokio::test]
async fn js_contain_skips_protected_host() {
    let setup = Setup::new().await;

    let run = setup.contain(true, json!({ "hostname": "DC-02" })).await;

    assert_eq!(run.output().summary, "not isolated: dc-02 is protected");
    assert!(setup.edr.isolations().is_empty());
    assert!(setup.edr.upstream.requests().is_empty());
    assert!(setup.chat.messages().is_empty());
    let (notes, status) = setup.case(&case_id(&run)).await;
    assert!(notes.contains("protected_hosts"), "{notes}");
    assert_eq!(status, CaseStatus::Open);
}

#[tokio::test]
async fn js_contain_notes_failed_isolation() {
    let setup = Setup::new().await;
    setup
        .harness
        .put_secret("edr_api_token", "wrong-token")
        .await;

    let run = setup
        .contain(true, json!({ "hostname": "fin-ws-042" }))
        .await;

    let failure = run.failure();
    assert_eq!(failure.kind, "upstream", "{failure}");
    assert!(failure.message.contains("HTTP 401"), "{failure}");
    assert!(setup.chat.messages().is_empty());
    let changes = run.events_of("case_change");
    let case_id = changes
        .iter()
        .find_map(|event| event["case_id"].as_str())
        .unwrap_or_else(|| panic!("no case_change event: {}", run.events_text()));
    let (notes, status) = setup.case(case_id).await;
    assert!(
        notes.contains("Isolation of `fin-ws-042` failed (upstream)"),
        "{notes}"
    );
    assert_eq!(status, CaseStatus::Open);
}

#[tokio::test]
async fn js_contain_notes_denied_chat_host() {
    let setup = Setup::new().await;

    let run = setup
        .contain(false, json!({ "hostname": "fin-ws-042" }))
        .await;

    let data = &run.output().data;
    assert_eq!(data["chat_notified"], false, "{data}");
    assert_eq!(setup.edr.isolations().len(), 1);
    assert!(setup.chat.upstream.requests().is_empty());
    let (notes, _) = setup.case(&case_id(&run)).await;
    assert!(notes.contains("was denied"), "{notes}");
    assert!(notes.contains("allowed_outbound_hosts"), "{notes}");
    assert!(notes.contains(&setup.chat.upstream.origin()), "{notes}");
    assert_eq!(run.events_of("denied").len(), 1, "{}", run.events_text());
}

#[tokio::test]
async fn js_contain_rejects_missing_hostname() {
    let setup = Setup::new().await;
    let run = setup.contain(true, json!({ "reason": "no host" })).await;
    let failure = run.failure();
    assert_eq!(failure.kind, "invalid", "{failure}");
    assert!(
        failure.message.contains("`hostname` is missing"),
        "{failure}"
    );
    assert!(setup.edr.upstream.requests().is_empty());
}

/// Grants of `js-probe` that let it call the EDR connector.
const PROBE_CALLS_EDR: &str = "[grants]\nconnectors = [\"edr-isolate\"]\n";

fn connector_call(call: &str, input: Value) -> Value {
    json!({ "action": "connector", "connector": CONNECTOR, "call": call, "input": input })
}

#[tokio::test]
async fn js_connector_granted_reaches_edr() {
    let setup = Setup::new().await;
    register(
        &setup.harness,
        PROBE,
        ComponentKind::Playbook,
        PROBE_CALLS_EDR,
    )
    .await;

    let run = setup
        .harness
        .run(
            PROBE,
            connector_call("host-status", json!({ "hostname": "fin-ws-042" })),
        )
        .await;

    let data = &run.output().data;
    assert_eq!(data["output"]["hostname"], "fin-ws-042", "{data}");
    assert_eq!(data["output"]["isolated"], false, "{data}");
    let requests = setup.edr.upstream.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].uri, "/api/v1/hosts/fin-ws-042");
    let expected = format!("Bearer {EDR_TOKEN}");
    assert_eq!(requests[0].header("authorization"), Some(expected.as_str()));
}

#[tokio::test]
async fn js_connector_not_granted_is_denied() {
    let setup = Setup::new().await;
    register(&setup.harness, PROBE, ComponentKind::Playbook, "[grants]\n").await;

    let run = setup
        .harness
        .run(
            PROBE,
            connector_call("host-status", json!({ "hostname": "fin-ws-042" })),
        )
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert!(
        data["message"]
            .as_str()
            .unwrap_or("")
            .contains("connectors"),
        "{data}"
    );
    assert!(setup.edr.upstream.requests().is_empty());
}

#[tokio::test]
async fn js_connector_errors_keep_their_kind() {
    let setup = Setup::new().await;
    register(
        &setup.harness,
        PROBE,
        ComponentKind::Playbook,
        PROBE_CALLS_EDR,
    )
    .await;

    let cases = [
        (
            "host-status",
            json!({ "hostname": "../admin?x=1" }),
            "invalid",
        ),
        ("host-status", json!({}), "invalid"),
        (
            "isolate-host",
            json!({ "hostname": "a", "comment": 7 }),
            "invalid",
        ),
        (
            "host-status",
            json!({ "hostname": UNKNOWN_HOST }),
            "not-found",
        ),
        ("shutdown", json!({ "hostname": "a" }), "not-found"),
    ];
    for (call, input, kind) in cases {
        let run = setup
            .harness
            .run(PROBE, connector_call(call, input.clone()))
            .await;
        let data = &run.output().data;
        assert_eq!(data["kind"], kind, "{call} {input}: {data}");
    }
    // Only the unknown host reached the EDR: the invalid inputs and the
    // unknown action stopped inside the connector.
    let requests = setup.edr.upstream.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].uri, format!("/api/v1/hosts/{UNKNOWN_HOST}"));
}

#[tokio::test]
async fn js_probe_cannot_read_connector_secret() {
    let setup = Setup::new().await;
    register(
        &setup.harness,
        PROBE,
        ComponentKind::Playbook,
        PROBE_CALLS_EDR,
    )
    .await;

    let run = setup
        .harness
        .run(
            PROBE,
            json!({ "action": "secret", "name": "edr_api_token" }),
        )
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert!(!data.to_string().contains(EDR_TOKEN), "{data}");
    assert!(!run.events_text().contains(EDR_TOKEN));
}

#[tokio::test]
async fn js_secret_read_granted() {
    let harness = probe_with("[grants.secrets.token]\nread = true\n").await;
    harness.put_secret("token", "probe-secret-value").await;

    let run = harness
        .run(PROBE, json!({ "action": "secret", "name": "token" }))
        .await;

    // The guest read the value and returned it, and the host masked it in
    // the run output.
    assert_eq!(run.output().data["value"], "[secret:token]");
    assert_eq!(
        run.events_of("secret_used").len(),
        1,
        "{}",
        run.events_text()
    );
    assert!(!run.events_text().contains("probe-secret-value"));
}

#[tokio::test]
async fn js_secret_read_not_granted() {
    let harness = probe_with("[grants.secrets.token]\nread = false\n").await;
    harness.put_secret("token", "probe-secret-value").await;

    let run = harness
        .run(PROBE, json!({ "action": "secret", "name": "token" }))
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert!(
        data["message"]
            .as_str()
            .unwrap_or("")
            .contains("read = true"),
        "{data}"
    );
    assert!(!data.to_string().contains("probe-secret-value"));
}

#[tokio::test]
async fn js_case_write_granted() {
    let harness = probe_with("[grants]\ncases = \"write\"\n").await;
    let run = harness.run(PROBE, json!({ "action": "case" })).await;
    let data = &run.output().data;
    assert_eq!(data["created"], true, "{data}");
    assert_eq!(
        run.events_of("case_change").len(),
        2,
        "{}",
        run.events_text()
    );
}

#[tokio::test]
async fn js_case_write_not_granted() {
    let harness = probe_with("[grants]\ncases = \"read\"\n").await;
    let run = harness.run(PROBE, json!({ "action": "case" })).await;
    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert_eq!(data["kind"], "denied", "{data}");
    assert!(
        run.events_of("case_change").is_empty(),
        "{}",
        run.events_text()
    );
}

#[tokio::test]
async fn js_http_reaches_allowed_host() {
    let upstream = FakeUpstream::ok().await;
    let body = format!(
        "[grants]\nallowed_outbound_hosts = [\"{}\"]\n",
        upstream.origin()
    );
    let harness = probe_with(&body).await;

    let url = format!("{}/ping", upstream.origin());
    let run = harness
        .run(PROBE, json!({ "action": "http", "url": url }))
        .await;

    let data = &run.output().data;
    assert_eq!(data["status"], 200, "{data}");
    assert_eq!(data["body"], "fake upstream", "{data}");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("x-probe"), Some("js"));
}

#[tokio::test]
async fn js_http_denial_is_denied_error() {
    let upstream = FakeUpstream::ok().await;
    let harness = probe_with("[grants]\n").await;

    let url = format!("{}/ping", upstream.origin());
    let run = harness
        .run(PROBE, json!({ "action": "http", "url": url }))
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    let message = data["message"].as_str().unwrap_or("");
    assert!(message.contains("allowed_outbound_hosts"), "{message}");
    assert!(message.contains(&upstream.origin()), "{message}");
    assert!(upstream.requests().is_empty());
    assert_eq!(run.events_of("denied").len(), 1, "{}", run.events_text());
}

#[tokio::test]
async fn js_http_unreachable_is_upstream_error() {
    // Bind a port, then close it, so that the allowed address refuses.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let origin = format!("http://{}", closed.local_addr().expect("bound address"));
    drop(closed);
    let harness = probe_with(&format!(
        "[grants]\nallowed_outbound_hosts = [\"{origin}\"]\n"
    ))
    .await;

    let run = harness
        .run(
            PROBE,
            json!({ "action": "http", "url": format!("{origin}/x") }),
        )
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "UpstreamError", "{data}");
    assert!(
        data["message"].as_str().unwrap_or("").contains(&origin),
        "{data}"
    );
}

#[tokio::test]
async fn js_sdk_config_and_state() {
    let harness = probe_with("[grants]\nstate = true\n\n[config]\ngreeting = \"hello\"\n").await;
    let run = harness.run(PROBE, json!({ "action": "sdk" })).await;
    let data = &run.output().data;
    assert_eq!(data["greeting"], "hello", "{data}");
    assert_eq!(data["missing_config"], Value::Null, "{data}");
    assert_eq!(data["state"], json!({ "value": 41 }), "{data}");
    assert_eq!(data["missing_state"], Value::Null, "{data}");
}

#[tokio::test]
async fn js_state_not_granted() {
    let harness = probe_with("[grants]\n").await;
    let run = harness.run(PROBE, json!({ "action": "sdk" })).await;
    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    assert!(
        data["message"].as_str().unwrap_or("").contains("state"),
        "{data}"
    );
}

#[tokio::test]
async fn js_spin_stops_at_deadline() {
    let harness = probe_with(&format!("[limits]\ntimeout_ms = {SPIN_TIMEOUT_MS}\n")).await;
    let started = Instant::now();
    let run = harness.run(PROBE, json!({ "action": "spin" })).await;
    let elapsed = started.elapsed();

    run.assert_stopped_at_deadline(elapsed, SPIN_TIMEOUT_MS);
}

#[tokio::test]
async fn js_http_private_resolution_is_denied() {
    // The name is in the allowlist, but it resolves only to a private
    // address, which the policy rejects unless an entry names it literally.
    let harness =
        probe_with("[grants]\nallowed_outbound_hosts = [\"http://intranet.example.com\"]\n").await;
    harness.net.add_name(
        "intranet.example.com",
        &["10.20.30.40".parse().expect("an IPv4 address")],
    );

    let run = harness
        .run(
            PROBE,
            json!({ "action": "http", "url": "http://intranet.example.com/admin" }),
        )
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    let message = data["message"].as_str().unwrap_or("");
    assert!(message.contains("10.20.30.40"), "{message}");
    assert!(message.contains("not public"), "{message}");
    assert_eq!(run.events_of("denied").len(), 1, "{}", run.events_text());
}

#[tokio::test]
async fn js_http_invalid_url_is_upstream_error() {
    let harness = probe_with("[grants]\n").await;
    let run = harness
        .run(PROBE, json!({ "action": "http", "url": "not a url" }))
        .await;
    let data = &run.output().data;
    assert_eq!(data["error_class"], "UpstreamError", "{data}");
    assert!(
        data["message"].as_str().unwrap_or("").contains("not a url"),
        "{data}"
    );
}

/// Probe input that sends `GET url` with an `authorization` header that
/// carries the placeholder of secret `token`.
fn placeholder_request(url: &str) -> Value {
    json!({
        "action": "http",
        "url": url,
        "headers": { "authorization": "Bearer {{secret.token}}" },
    })
}

/// Grants that allow `origin` and bind secret `token` to it.
fn bound_token_grants(origin: &str) -> String {
    format!(
        "[grants]\nallowed_outbound_hosts = [\"{origin}\"]\n\n[grants.secrets.token]\nhosts = [\"{origin}\"]\n"
    )
}

#[tokio::test]
async fn js_bound_placeholder_is_filled() {
    let upstream = FakeUpstream::ok().await;
    let origin = upstream.origin();
    let harness = probe_with(&bound_token_grants(&origin)).await;
    harness.put_secret("token", "js-bound-secret").await;

    let run = harness
        .run(PROBE, placeholder_request(&format!("{origin}/x")))
        .await;

    assert_eq!(run.output().data["status"], 200, "{}", run.output().data);
    let requests = upstream.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer js-bound-secret")
    );
}

#[tokio::test]
async fn js_ungranted_placeholder_is_denied() {
    let upstream = FakeUpstream::ok().await;
    let origin = upstream.origin();
    let harness = probe_with(&format!(
        "[grants]\nallowed_outbound_hosts = [\"{origin}\"]\n"
    ))
    .await;
    harness.put_secret("token", "js-bound-secret").await;

    let run = harness
        .run(PROBE, placeholder_request(&format!("{origin}/x")))
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    let message = data["message"].as_str().unwrap_or("");
    assert!(message.contains("[grants.secrets.token]"), "{message}");
    assert!(upstream.requests().is_empty());
}

#[tokio::test]
async fn js_unstored_placeholder_is_denied() {
    let upstream = FakeUpstream::ok().await;
    let origin = upstream.origin();
    let harness = probe_with(&bound_token_grants(&origin)).await;

    let run = harness
        .run(PROBE, placeholder_request(&format!("{origin}/x")))
        .await;

    let data = &run.output().data;
    assert_eq!(data["error_class"], "DeniedError", "{data}");
    let message = data["message"].as_str().unwrap_or("");
    assert!(message.contains("no stored value"), "{message}");
    assert!(upstream.requests().is_empty());
}

#[tokio::test]
async fn js_raw_fetch_failure_names_sdk() {
    let upstream = FakeUpstream::ok().await;
    let harness = probe_with("[grants]\n").await;

    let url = format!("{}/x", upstream.origin());
    let run = harness
        .run(PROBE, json!({ "action": "raw-fetch", "url": url }))
        .await;

    let failure = run.failure();
    assert_eq!(failure.kind, "internal", "{failure}");
    assert!(failure.message.contains("http.request"), "{failure}");
    assert_eq!(run.events_of("denied").len(), 1, "{}", run.events_text());
    let logs = run.events_of("guest_log");
    assert!(
        logs.iter().all(|event| event["message"] != ""),
        "an empty log line was written: {}",
        run.events_text()
    );
}
