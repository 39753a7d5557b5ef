//! A real `moat serve` in the test process: the router on a loopback port,
//! run workers, and the example playbooks, on SQLite or PostgreSQL.

use crate::components::{playbooks_src, playbooks_target_dir, wasm_path};
use moat::state::AppState;
use moat::store::{SecretKey, Store, TokenRole};
use sqlx::{Connection, Executor, PgConnection};
use std::path::Path;
use tempfile::TempDir;

/// Returns the URL of the database that creates and drops per-test
/// PostgreSQL databases; `MOAT_TEST_POSTGRES_URL` overrides it.
pub fn postgres_admin_url() -> String {
    std::env::var("MOAT_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Which database a test server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server. The database is removed when the value is dropped.
#[derive(Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// An admin token.
    pub token: String,
    pub state: AppState,
    pub dir: TempDir,
    postgres_database: Option<String>,
    server: tokio::task::JoinHandle<()>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server whose `threat-intel-http` connector calls
    /// `reputation_url` (a loopback fake) instead of its production host.
    pub async fn start(backend: Backend, reputation_url: &str) -> TestServer {
        let dir = tempfile::tempdir().expect("failed to create a temporary folder");
        let playbooks = dir.path().join("playbooks");
        write_playbooks(&playbooks, reputation_url);

        let (url, postgres_database) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("moat.db").display()),
                None,
            ),
            Backend::Postgres => {
                let database = create_postgres_database().await;
                (postgres_url(&database), Some(database))
            }
        };
        let store = Store::connect_with_key(&url, SecretKey::generate())
            .await
            .unwrap_or_else(|error| panic!("failed to open the store at {url}: {error:#}"));
        let cache = playbooks_target_dir().join("moat-test-cache");
        let state = moat::serve::start_with_store(store, cache, Some(&playbooks))
            .await
            .unwrap_or_else(|error| panic!("failed to start the server: {error:#}"));

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("failed to bind a loopback port");
        let base_url = format!(
            "http://{}",
            listener.local_addr().expect("bound socket has an address")
        );
        let app = moat::routes::app(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let workers = moat::worker::spawn_workers(state.clone(), 2, "e2e");
        let (_, token) = state
            .store
            .create_token("e2e-admin", TokenRole::Admin)
            .await
            .expect("failed to create a token");

        TestServer {
            base_url,
            token,
            state,
            dir,
            postgres_database,
            server,
            workers,
        }
    }

    /// Returns every row of every table of the PostgreSQL database as JSON
    /// text, one row a line; empty for SQLite.
    pub async fn postgres_dump(&self) -> String {
        let Some(database) = &self.postgres_database else {
            return String::new();
        };
        let mut connection = PgConnection::connect(&postgres_url(database))
            .await
            .expect("failed to connect to the test database");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(&mut connection)
        .await
        .expect("failed to list tables");
        let mut dump = String::new();
        for table in tables {
            // The table name comes from the catalog, not from input; quoting
            // keeps any name a valid identifier.
            let sql = format!(
                "SELECT row_to_json(t)::text FROM \"{}\" t",
                table.replace('"', "\"\"")
            );
            let rows: Vec<String> = sqlx::query_scalar(&sql)
                .fetch_all(&mut connection)
                .await
                .expect("failed to read a table");
            for row in rows {
                dump.push_str(&row);
                dump.push('\n');
            }
        }
        dump
    }

    /// Returns the URL of API path `path`, such as `/api/v1/cases`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.abort();
        for worker in &self.workers {
            worker.abort();
        }
        let Some(database) = self.postgres_database.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block, so the
        // database is dropped from a thread with its own runtime.
        let _ = std::thread::spawn(move || drop_postgres_database(&database)).join();
    }
}

/// Copies the example manifests with the component paths made absolute and
/// the reputation service pointed at `reputation_url`.
fn write_playbooks(dir: &Path, reputation_url: &str) {
    for (name, crate_file) in [
        ("ids-alert-triage", "ids_alert_triage"),
        ("ssh-bruteforce", "ssh_bruteforce"),
        ("threat-intel-http", "threat_intel_http"),
    ] {
        let wasm = wasm_path(crate_file);
        let source = std::fs::read_to_string(playbooks_src().join(name).join("moat.toml"))
            .expect("example manifest is readable");
        let manifest = source
            .replace("https://reputation.example.com", reputation_url)
            .replace(
                &format!("../target/wasm32-wasip2/release/{crate_file}.wasm"),
                &wasm.display().to_string(),
            );
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).expect("failed to create a playbook folder");
        std::fs::write(folder.join("moat.toml"), manifest).expect("failed to write a manifest");
    }
}

fn postgres_url(database: &str) -> String {
    let admin = postgres_admin_url();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{database}")
}

async fn create_postgres_database() -> String {
    let admin_url = postgres_admin_url();
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|error| {
            panic!("PostgreSQL at {admin_url} is required for the end-to-end tests: {error}")
        });
    let database = format!("moat_e2e_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(format!("CREATE DATABASE {database}").as_str())
        .await
        .expect("failed to create the PostgreSQL test database");
    let _ = admin.close().await;
    database
}

fn drop_postgres_database(database: &str) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async {
        if let Ok(mut admin) = PgConnection::connect(&postgres_admin_url()).await {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)").as_str())
                .await;
        }
    });
}
