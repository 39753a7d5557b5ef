//! The Python and JavaScript examples through a real `moat serve`, on
//! SQLite and on PostgreSQL. Components are uploaded over the API, alerts
//! are posted as the tools send them, and the workers pick up the runs. The
//! EDR and the chat webhook are fakes on 127.0.0.1.
//!
//! - An Elastic endpoint malware alert starts `contain-host` (JavaScript),
//!   which isolates the host through the `edr-isolate` connector
//!   (JavaScript, holding the EDR token) and posts to the chat.
//! - A user-reported phishing e-mail, posted as a generic alert with the raw
//!   message in `eml`, starts `phishing-triage` (Python).

use moat_tests::client::ApiClient;
use moat_tests::components::{playbooks_src, workspace_root};
use moat_tests::fake_services::{FakeChat, FakeEdr};
use moat_tests::script_components::{js_component, python_component};
use moat_tests::server::{Backend, TestServer};
use moat_tests::{FakeUpstream, logs};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Token the fake EDR accepts.
const EDR_TOKEN: &str = "edr-e2e-token-8d41c7";
/// Host named in the Elastic fixture.
const HOST: &str = "fin-ws-042";
/// The phishing URL in `phishing_openphish.eml`.
const PHISHING_URL: &str = "https://ehawkerbd.com/wp/wp-admin/js/office365/auth.php";

#[tokio::test]
async fn script_examples_on_sqlite() {
    script_examples(Backend::Sqlite).await;
}

#[tokio::test]
async fn script_examples_on_postgres() {
    script_examples(Backend::Postgres).await;
}

async fn script_examples(backend: Backend) {
    logs::capture();
    let reputation = FakeUpstream::ok().await;
    let edr = FakeEdr::start(EDR_TOKEN).await;
    let chat = FakeChat::start().await;
    let server = TestServer::start(backend, &reputation.origin()).await;
    let client = ApiClient::new(&server);
    let token = server.token.clone();

    upload_examples(&client, &token, &edr, &chat).await;
    let body = serde_json::to_vec(&json!({ "value": EDR_TOKEN })).expect("json");
    let (status, reply) = client
        .send(
            Method::PUT,
            "/api/v1/secrets/edr_api_token",
            Some(&token),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{reply}");

    let alert_id = check_containment(&client, &token, &edr, &chat).await;
    check_rerun(&client, &token, &alert_id, &edr).await;
    check_phishing_triage(&client, &token).await;
    check_token_stayed_with_connector(&server, &client, &token, &chat).await;
}

/// Uploads the JavaScript connector and playbook with their services
/// pointed at the fakes, and the Python playbook as it is.
async fn upload_examples(client: &ApiClient, token: &str, edr: &FakeEdr, chat: &FakeChat) {
    let edr_manifest = example_manifest("js/edr-isolate")
        .replace("https://edr.example.com", &edr.upstream.origin());
    let contain_manifest = example_manifest("js/contain-host")
        .replace("https://chat.example.com/hooks/soc", &chat.webhook_url())
        .replace("https://chat.example.com", &chat.upstream.origin());
    let uploads = [
        (edr_manifest, js_component("edr-isolate")),
        (contain_manifest, js_component("contain-host")),
        (
            example_manifest("python/phishing-triage"),
            python_component("phishing-triage"),
        ),
    ];
    for (manifest, wasm) in uploads {
        let (status, reply) = client.upload_component(token, &manifest, &wasm).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}\n{manifest}");
    }
}

fn example_manifest(folder: &str) -> String {
    let path = playbooks_src().join(folder).join("moat.toml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()))
}

/// Posts the Elastic fixture and checks the `contain-host` run, the EDR
/// request, the chat message and the case timeline. Returns the alert id.
async fn check_containment(
    client: &ApiClient,
    token: &str,
    edr: &FakeEdr,
    chat: &FakeChat,
) -> String {
    let alert = std::fs::read(
        workspace_root().join("tests/fixtures/alerts/elastic/malware-prevention.json"),
    )
    .expect("the Elastic fixture is readable");
    let run = run_of(client, token, alert, "contain-host").await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["summary"], format!("isolated {HOST}"), "{run}");

    let isolations = edr.isolations();
    assert_eq!(isolations.len(), 1, "{isolations:?}");
    assert_eq!(isolations[0]["hostname"], HOST);
    let messages = chat.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0]["text"].as_str().unwrap_or("").contains(HOST),
        "{messages:?}"
    );

    let case_id = case_id_of(&run);
    let case = client.get(token, &format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(case["status"], "in-progress", "{case}");
    let notes = case["notes"].to_string();
    assert!(
        notes.contains(&format!("Isolated host `{HOST}`")),
        "{notes}"
    );
    let timeline = case["timeline"].as_array().expect("timeline array");
    let by_run: Vec<&Value> = timeline
        .iter()
        .filter(|entry| entry["run_id"] == run["id"])
        .collect();
    assert!(
        by_run.len() >= 3,
        "the run's changes are on the timeline: {timeline:?}"
    );
    run["alert_id"]
        .as_str()
        .unwrap_or_else(|| panic!("the run has no alert id: {run}"))
        .to_owned()
}

/// Runs `contain-host` again on the stored alert, and checks that bad
/// requests are rejected without queuing a run.
async fn check_rerun(client: &ApiClient, token: &str, alert_id: &str, edr: &FakeEdr) {
    let path = format!("/api/v1/alerts/{alert_id}/runs");
    let rejected = [
        (
            path.as_str(),
            json!({ "playbook": "edr-isolate" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            path.as_str(),
            json!({ "name": "contain-host" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            path.as_str(),
            json!({ "playbook": "absent" }),
            StatusCode::NOT_FOUND,
        ),
        (
            "/api/v1/alerts/absent/runs",
            json!({ "playbook": "contain-host" }),
            StatusCode::NOT_FOUND,
        ),
    ];
    for (path, body, expected) in rejected {
        let (status, reply) = client.post_json(token, path, &body).await;
        assert_eq!(status, expected, "{path} {body}: {reply}");
    }
    assert_eq!(edr.isolations().len(), 1);

    let body = json!({ "playbook": "contain-host" });
    let (status, reply) = client.post_json(token, &path, &body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{reply}");
    let run_id = reply["run_id"].as_str().expect("run id");
    let run = client.wait_for_run(token, run_id).await;

    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["trigger"], "alert", "{run}");
    assert_eq!(run["alert_id"], alert_id, "{run}");
    assert_eq!(edr.isolations().len(), 2);
}

/// Posts a user-reported phishing e-mail as a generic alert and checks the
/// `phishing-triage` run and its case.
async fn check_phishing_triage(client: &ApiClient, token: &str) {
    let eml = std::fs::read_to_string(
        workspace_root().join("tests/fixtures/email/phishing_openphish.eml"),
    )
    .expect("the e-mail fixture is readable");
    let alert = json!({
        "title": "User reported phishing: Phishing Test OpenPhish",
        "severity": "medium",
        "reporter": "j.doe@example.com",
        "eml": eml,
    });
    let body = serde_json::to_vec(&alert).expect("json");

    let run = run_of(client, token, body, "phishing-triage").await;

    assert_eq!(run["status"], "succeeded", "{run}");
    let output = run["output"].to_string();
    assert!(output.contains(PHISHING_URL), "{output}");
    let case_id = case_id_of(&run);
    let case = client.get(token, &format!("/api/v1/cases/{case_id}")).await;
    assert!(case["notes"].to_string().contains(PHISHING_URL), "{case}");
    assert!(
        case["alert_ids"]
            .as_array()
            .is_some_and(|ids| ids.len() == 1),
        "the alert is linked: {case}"
    );
}

/// Returns the `case_id` of a finished run's output, which the API shows
/// as the playbook's data.
fn case_id_of(run: &Value) -> String {
    run["output"]["case_id"]
        .as_str()
        .unwrap_or_else(|| panic!("the run output has no case id: {run}"))
        .to_owned()
}

/// Posts `body` to the alerts endpoint and returns the finished run of
/// `playbook` that it started.
async fn run_of(client: &ApiClient, token: &str, body: Vec<u8>, playbook: &str) -> Value {
    let (status, report) = client
        .send(Method::POST, "/api/v1/alerts", Some(token), Some(body))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{report}");
    let run_ids: Vec<String> = report["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|alert| alert["runs"].as_array().cloned().unwrap_or_default())
        .filter_map(|run| run.as_str().map(str::to_owned))
        .collect();
    for run_id in run_ids {
        let run = client.wait_for_run(token, &run_id).await;
        if run["playbook"] == playbook {
            return run;
        }
    }
    panic!("the alert started no `{playbook}` run: {report}");
}

/// Checks that the EDR token appears in no API response, no chat message
/// and nowhere in the database, although the connector sent it to the EDR.
async fn check_token_stayed_with_connector(
    server: &TestServer,
    client: &ApiClient,
    token: &str,
    chat: &FakeChat,
) {
    for path in ["/api/v1/cases", "/api/v1/audit", "/api/v1/secrets"] {
        let body = client.get(token, path).await;
        assert!(
            !body.to_string().contains(EDR_TOKEN),
            "GET {path} shows the token"
        );
    }
    assert!(!format!("{:?}", chat.messages()).contains(EDR_TOKEN));

    let dump = server.postgres_dump().await;
    assert!(
        !dump.contains(EDR_TOKEN),
        "PostgreSQL stores the token in clear"
    );
    for file in ["moat.db", "moat.db-wal"] {
        let bytes = std::fs::read(server.dir.path().join(file)).unwrap_or_default();
        let found = bytes
            .windows(EDR_TOKEN.len())
            .any(|window| window == EDR_TOKEN.as_bytes());
        assert!(!found, "{file} stores the token in clear");
    }
}
