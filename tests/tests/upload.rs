//! Component upload through `POST /api/v1/components` on a real server:
//! a real component is registered, stored and run, and each kind of bad
//! upload is rejected with a message that names the problem.

use moat::cli::UploadArgs;
use moat::state::MAX_COMPONENT_BODY_BYTES;
use moat::store::TokenRole;
use moat_runtime::registry::{MAX_COMPONENT_BYTES, content_hash};
use moat_tests::server::{Backend, TestServer};
use moat_tests::{ApiClient, FakeUpstream, logs, wasm_bytes};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The `noop` manifest; its `component` path points nowhere on purpose,
/// because an upload ignores it.
const NOOP_MANIFEST: &str = r#"
name = "noop"
version = "0.1.0"
kind = "playbook"
description = "Uploaded over the API."
component = "does/not/exist.wasm"
"#;

/// The probe connector declared as a playbook.
const CONNECTOR_AS_PLAYBOOK: &str = r#"
name = "probe-connector"
version = "0.1.0"
kind = "playbook"
component = "probe_connector.wasm"
"#;

/// A component that exports `run` and imports `wasi:sockets`, which Moat
/// never provides.
const SOCKETS_COMPONENT: &str = r#"
(component
  (import "wasi:sockets/tcp@0.2.0" (instance))
  (core module $m (func (export "f")))
  (core instance $i (instantiate $m))
  (func $run (canon lift (core func $i "f")))
  (export "run" (func $run)))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_and_run_on_sqlite() {
    upload_and_run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_and_run_on_postgres() {
    upload_and_run(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_rejections_on_sqlite() {
    upload_rejections(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_rejections_on_postgres() {
    upload_rejections(Backend::Postgres).await;
}

async fn start(backend: Backend) -> (TestServer, ApiClient, FakeUpstream) {
    logs::capture();
    let upstream = FakeUpstream::start(axum::Router::new()).await;
    let server = TestServer::start(backend, &upstream.origin()).await;
    let client = ApiClient::new(&server);
    (server, client, upstream)
}

async fn upload_and_run(backend: Backend) {
    let (server, client, _upstream) = start(backend).await;
    let wasm = wasm_bytes("noop");

    let (status, body) = client
        .upload_component(&server.token, NOOP_MANIFEST, &wasm)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["name"], "noop", "{body}");
    assert_eq!(body["version"], "0.1.0", "{body}");
    assert_eq!(body["kind"], "playbook", "{body}");
    assert_eq!(body["sha256"], content_hash(&wasm), "{body}");

    let (status, again) = client
        .upload_component(&server.token, NOOP_MANIFEST, &wasm)
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "same version and bytes again: {again}"
    );

    let (status, queued) = client
        .post_json(&server.token, "/api/v1/playbooks/noop/runs", &json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let run_id = queued["run_id"].as_str().expect("run id");
    let run = client.wait_for_run(&server.token, run_id).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["playbook"], "noop", "{run}");

    let stored = client.get(&server.token, "/api/v1/components").await;
    let noop = find_named(&stored["components"], "noop");
    assert_eq!(noop["sha256"], content_hash(&wasm), "{stored}");
    assert_eq!(noop["enabled"], true, "{stored}");
    let registered = client.get(&server.token, "/api/v1/playbooks").await;
    let noop = find_named(&registered["components"], "noop");
    assert_eq!(noop["sha256"], content_hash(&wasm), "{registered}");

    let restarted = moat::serve::start_with_store(
        server.state.store.clone(),
        server.dir.path().join("restart-cache"),
        None,
    )
    .await
    .expect("a second server process starts on the same database");
    let reloaded = restarted
        .runtime
        .component("noop")
        .expect("the uploaded component is registered after a restart");
    assert_eq!(reloaded.sha256, content_hash(&wasm));
}

async fn upload_rejections(backend: Backend) {
    let (server, client, _upstream) = start(backend).await;
    let token = server.token.clone();
    let noop = wasm_bytes("noop");
    let core_module = wat::parse_str("(module)").expect("the core module text is valid");
    let sockets = wat::parse_str(SOCKETS_COMPONENT).expect("the component text is valid");
    let mut too_large = vec![0_u8; MAX_COMPONENT_BYTES + 1];
    too_large[..8].copy_from_slice(b"\0asm\x0d\0\x01\0");

    let cases: [(&str, &str, Vec<u8>, &str); 6] = [
        (
            "invalid bytes",
            NOOP_MANIFEST,
            b"this is not WebAssembly".to_vec(),
            "does not start with the WebAssembly magic bytes",
        ),
        (
            "core module",
            NOOP_MANIFEST,
            core_module,
            "this is a core WebAssembly module",
        ),
        (
            "connector as playbook",
            CONNECTOR_AS_PLAYBOOK,
            wasm_bytes("probe_connector"),
            "does not match the `moat:platform/playbook` world",
        ),
        (
            "over the size cap",
            NOOP_MANIFEST,
            too_large,
            &format!("over the {MAX_COMPONENT_BYTES}-byte limit"),
        ),
        (
            "sockets import",
            NOOP_MANIFEST,
            sockets,
            "imports what Moat does not provide: wasi:sockets/tcp@0.2.0",
        ),
        (
            "invalid manifest",
            "name = \"noop\"\nkind = \"playbook\"\n",
            noop.clone(),
            "invalid manifest",
        ),
    ];
    for (case, manifest, wasm, expected) in cases {
        let (status, body) = client.upload_component(&token, manifest, &wasm).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(expected),
            "{case}: expected `{expected}` in `{message}`"
        );
    }

    check_body_errors(&client, &token).await;
    check_nothing_registered(&client, &token).await;
    check_non_admin_forbidden(&server, &client, &noop).await;
    check_changed_version_conflict(&client, &token, &noop).await;
}

async fn check_body_errors(client: &ApiClient, token: &str) {
    let body = json!({ "manifest": NOOP_MANIFEST, "wasm_base64": "%%% not base64" });
    let (status, reply) = client.post_json(token, "/api/v1/components", &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("`wasm_base64`"), "{message}");

    let (status, reply) = client
        .post_json(token, "/api/v1/components", &json!({ "manifest": "" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("wasm_base64"), "missing field: {message}");

    let huge = vec![b' '; MAX_COMPONENT_BODY_BYTES + 1];
    let (status, reply) = client
        .send(Method::POST, "/api/v1/components", Some(token), Some(huge))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{reply}");
}

async fn check_nothing_registered(client: &ApiClient, token: &str) {
    let stored = client.get(token, "/api/v1/components").await;
    for name in ["noop", "probe-connector"] {
        let found = stored["components"]
            .as_array()
            .is_some_and(|all| all.iter().any(|c| c["name"] == name));
        assert!(!found, "rejected `{name}` was stored: {stored}");
    }
    let registered = client.get(token, "/api/v1/playbooks").await;
    let found = registered["components"]
        .as_array()
        .is_some_and(|all| all.iter().any(|c| c["name"] == "noop"));
    assert!(!found, "rejected `noop` was registered: {registered}");
    let audit = client
        .get(token, "/api/v1/audit?action=component.create")
        .await;
    assert_eq!(audit["entries"], json!([]), "{audit}");
}

async fn check_non_admin_forbidden(server: &TestServer, client: &ApiClient, wasm: &[u8]) {
    for role in [TokenRole::Ingest, TokenRole::Analyst] {
        let (_, token) = server
            .state
            .store
            .create_token(&format!("upload-{role}"), role)
            .await
            .expect("failed to create a token");
        let (status, body) = client.upload_component(&token, NOOP_MANIFEST, wasm).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
    }
}

/// A second upload of a stored version with other bytes gets 409 and
/// leaves the registered component unchanged.
async fn check_changed_version_conflict(client: &ApiClient, token: &str, noop: &[u8]) {
    let (status, body) = client.upload_component(token, NOOP_MANIFEST, noop).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let probe = wasm_bytes("capability_probe");
    let (status, body) = client.upload_component(token, NOOP_MANIFEST, &probe).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let registered = client.get(token, "/api/v1/playbooks").await;
    let entry = find_named(&registered["components"], "noop");
    assert_eq!(entry["sha256"], content_hash(noop), "{registered}");
}

fn find_named(list: &Value, name: &str) -> Value {
    list.as_array()
        .and_then(|all| all.iter().find(|c| c["name"] == name))
        .cloned()
        .unwrap_or_else(|| panic!("`{name}` missing from {list}"))
}

/// Writes `noop` and a manifest that names it into a new folder, and
/// returns the folder and the `moat upload` arguments for `server`.
fn upload_args(server: &TestServer, token: &str) -> (tempfile::TempDir, UploadArgs) {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("noop.wasm"), wasm_bytes("noop")).expect("write noop.wasm");
    let manifest = NOOP_MANIFEST.replace("does/not/exist.wasm", "noop.wasm");
    std::fs::write(dir.path().join("moat.toml"), manifest).expect("write moat.toml");
    let args = UploadArgs {
        manifest: dir.path().join("moat.toml"),
        server: server.base_url.clone(),
        token: token.to_owned(),
    };
    (dir, args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_command_stores_component() {
    let (server, client, _upstream) = start(Backend::Sqlite).await;
    let (_dir, args) = upload_args(&server, &server.token);

    let uploaded = moat::upload::upload(&args)
        .await
        .unwrap_or_else(|error| panic!("moat upload failed: {error:#}"));

    assert_eq!(uploaded.name, "noop");
    assert_eq!(uploaded.version, "0.1.0");
    assert_eq!(uploaded.kind, "playbook");
    assert_eq!(uploaded.sha256, content_hash(&wasm_bytes("noop")));
    let listed = client.get(&server.token, "/api/v1/components").await;
    assert!(listed.to_string().contains(&uploaded.sha256), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_command_needs_admin_token() {
    let (server, _client, _upstream) = start(Backend::Sqlite).await;
    let (_, analyst) = server
        .state
        .store
        .create_token("upload-analyst", TokenRole::Analyst)
        .await
        .expect("create a token");
    let (_dir, args) = upload_args(&server, &analyst);

    let error = moat::upload::upload(&args)
        .await
        .expect_err("an analyst cannot upload");

    let message = format!("{error:#}");
    assert!(message.contains("403"), "{message}");
    assert!(
        !message.contains(&analyst),
        "the token is in the error: {message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_command_names_missing_build() {
    let (server, _client, _upstream) = start(Backend::Sqlite).await;
    let (dir, args) = upload_args(&server, &server.token);
    std::fs::remove_file(dir.path().join("noop.wasm")).expect("remove noop.wasm");

    let error = moat::upload::upload(&args)
        .await
        .expect_err("nothing to upload");

    let message = format!("{error:#}");
    assert!(message.contains("noop.wasm"), "{message}");
    assert!(message.contains("moat build"), "{message}");
}
