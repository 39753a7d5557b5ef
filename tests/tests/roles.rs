//! The role matrix: every route called with no token, an unknown token and
//! a token of each role, against the role that docs/api.md gives it.

use moat::store::TokenRole;
use moat_runtime::model::{Actor, CaseRequest, Severity};
use moat_tests::server::{Backend, TestServer};
use moat_tests::{ApiClient, FakeUpstream, logs, wasm_bytes};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const API_DOC: &str = include_str!("../../docs/api.md");

const NOOP_MANIFEST: &str = r#"
name = "noop"
version = "0.1.0"
kind = "playbook"
component = "noop.wasm"
"#;

/// One route: the method, the path as docs/api.md writes it, the lowest
/// role that may call it (`None` for no token), and the status on success.
struct Route {
    method: Method,
    template: &'static str,
    role: Option<TokenRole>,
    success: StatusCode,
}

const fn route(
    method: Method,
    template: &'static str,
    role: Option<TokenRole>,
    success: StatusCode,
) -> Route {
    Route {
        method,
        template,
        role,
        success,
    }
}

fn routes() -> Vec<Route> {
    use TokenRole::{Admin, Analyst, Ingest};
    vec![
        route(Method::GET, "/healthz", None, StatusCode::OK),
        route(
            Method::POST,
            "/api/v1/alerts",
            Some(Ingest),
            StatusCode::ACCEPTED,
        ),
        route(
            Method::GET,
            "/api/v1/alerts/{id}",
            Some(Analyst),
            StatusCode::OK,
        ),
        route(
            Method::POST,
            "/api/v1/alerts/{id}/runs",
            Some(Analyst),
            StatusCode::ACCEPTED,
        ),
        route(Method::GET, "/api/v1/cases", Some(Analyst), StatusCode::OK),
        route(
            Method::GET,
            "/api/v1/cases/{id}",
            Some(Analyst),
            StatusCode::OK,
        ),
        route(
            Method::GET,
            "/api/v1/playbooks",
            Some(Analyst),
            StatusCode::OK,
        ),
        route(
            Method::POST,
            "/api/v1/playbooks/{name}/runs",
            Some(Analyst),
            StatusCode::ACCEPTED,
        ),
        route(
            Method::GET,
            "/api/v1/runs/{id}",
            Some(Analyst),
            StatusCode::OK,
        ),
        route(
            Method::GET,
            "/api/v1/runs/{id}/events",
            Some(Analyst),
            StatusCode::OK,
        ),
        route(
            Method::GET,
            "/api/v1/components",
            Some(Analyst),
            StatusCode::OK,
        ),
        route(
            Method::POST,
            "/api/v1/components",
            Some(Admin),
            StatusCode::CREATED,
        ),
        route(
            Method::PUT,
            "/api/v1/secrets/{name}",
            Some(Admin),
            StatusCode::NO_CONTENT,
        ),
        route(Method::GET, "/api/v1/secrets", Some(Admin), StatusCode::OK),
        route(Method::GET, "/api/v1/audit", Some(Admin), StatusCode::OK),
    ]
}

/// Ids of real records, so that allowed calls succeed instead of 404.
struct Fixtures {
    alert_id: String,
    case_id: String,
    run_id: String,
}

impl Fixtures {
    fn path(&self, template: &str) -> String {
        let path = if template.starts_with("/api/v1/alerts/") {
            template.replace("{id}", &self.alert_id)
        } else if template.starts_with("/api/v1/cases/") {
            template.replace("{id}", &self.case_id)
        } else {
            template.replace("{id}", &self.run_id)
        };
        path.replace(
            "{name}",
            if template.contains("secrets") {
                "role_matrix_key"
            } else {
                "ssh-bruteforce"
            },
        )
    }
}

/// Returns the request body of a route, or `None` for routes without one.
fn body(route: &Route) -> Option<Vec<u8>> {
    let value = match (&route.method, route.template) {
        (&Method::POST, "/api/v1/alerts") => json!({ "message": "role matrix", "host": "h1" }),
        (&Method::POST, "/api/v1/playbooks/{name}/runs") => json!({ "manual": true }),
        (&Method::POST, "/api/v1/alerts/{id}/runs") => json!({ "playbook": "ssh-bruteforce" }),
        (&Method::POST, "/api/v1/components") => {
            use base64::Engine as _;
            let wasm = base64::engine::general_purpose::STANDARD.encode(wasm_bytes("noop"));
            json!({ "manifest": NOOP_MANIFEST, "wasm_base64": wasm })
        }
        (&Method::PUT, _) => json!({ "value": "role-matrix-value-93a1" }),
        _ => return None,
    };
    Some(value.to_string().into_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn role_matrix_on_sqlite() {
    role_matrix(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn role_matrix_on_postgres() {
    role_matrix(Backend::Postgres).await;
}

#[test]
fn role_matrix_matches_docs() {
    let documented = documented_routes();
    let tested = routes()
        .iter()
        .map(|r| {
            let role = r.role.map_or("none", TokenRole::as_str);
            format!("{} {} {role}", r.method, r.template)
        })
        .collect::<BTreeSet<_>>();
    assert_eq!(tested, documented, "docs/api.md and this table differ");
}

/// Reads `| `METHOD PATH` | role | … |` rows from docs/api.md.
fn documented_routes() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in API_DOC.lines() {
        let cells = line.split('|').map(str::trim).collect::<Vec<_>>();
        let [_, route, role, ..] = cells.as_slice() else {
            continue;
        };
        let Some(route) = route.strip_prefix('`').and_then(|r| r.strip_suffix('`')) else {
            continue;
        };
        let Some((method, path)) = route.split_once(' ') else {
            continue;
        };
        if path.starts_with('/') {
            found.insert(format!("{method} {path} {role}"));
        }
    }
    found
}

async fn role_matrix(backend: Backend) {
    logs::capture();
    let upstream = FakeUpstream::start(axum::Router::new()).await;
    let server = TestServer::start(backend, &upstream.origin()).await;
    let client = ApiClient::new(&server);
    let fixtures = create_fixtures(&server, &client).await;
    let mut tokens = Vec::new();
    for role in TokenRole::ALL {
        let (_, token) = server
            .state
            .store
            .create_token(&format!("matrix-{role}"), role)
            .await
            .expect("failed to create a token");
        tokens.push((role, token));
    }

    for route in routes() {
        let path = fixtures.path(route.template);
        let label = format!("{} {}", route.method, route.template);
        let open = route.role.is_none();
        let anonymous = if open {
            route.success
        } else {
            StatusCode::UNAUTHORIZED
        };

        let (status, reply) = client
            .send(route.method.clone(), &path, None, body(&route))
            .await;
        assert_eq!(status, anonymous, "{label} without a token: {reply}");
        let unknown = "moat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let (status, reply) = client
            .send(route.method.clone(), &path, Some(unknown), body(&route))
            .await;
        assert_eq!(status, anonymous, "{label} with an unknown token: {reply}");

        for (role, token) in &tokens {
            let allowed = route.role.is_none_or(|needed| *role >= needed);
            let expected = if allowed {
                route.success
            } else {
                StatusCode::FORBIDDEN
            };
            let (status, reply) = client
                .send(route.method.clone(), &path, Some(token), body(&route))
                .await;
            assert_eq!(status, expected, "{label} as {role}: {reply}");
        }
    }
}

async fn create_fixtures(server: &TestServer, client: &ApiClient) -> Fixtures {
    let token = server.token.as_str();
    let (status, report) = client
        .post_json(
            token,
            "/api/v1/alerts",
            &json!({ "message": "fixture alert" }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{report}");
    let alert_id = text(&report["alerts"][0]["id"]);

    let (status, queued) = client
        .post_json(token, "/api/v1/playbooks/ssh-bruteforce/runs", &json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let run_id = text(&queued["run_id"]);

    let actor = Actor::User {
        name: "role-matrix".to_owned(),
    };
    let request = CaseRequest {
        dedup_key: "role-matrix".to_owned(),
        title: "role matrix".to_owned(),
        severity: Severity::Low,
        observables: Vec::new(),
        alert_id: None,
    };
    let case = server
        .state
        .store
        .open_or_update_case(&actor, request)
        .await
        .expect("failed to open a case");
    Fixtures {
        alert_id,
        case_id: case.id,
        run_id,
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected text, got {value}"))
        .to_owned()
}
