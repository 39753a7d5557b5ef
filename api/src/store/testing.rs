//! Fresh stores on both backends for tests.
//!
//! Every test gets its own SQLite file in a temporary directory and its own
//! PostgreSQL database, so tests run in parallel. PostgreSQL must be
//! reachable at 127.0.0.1:5432 with trust authentication and a `test`
//! database. Tests fail instead of skipping when it is not.

use super::{SecretKey, Store};
use sqlx::{Connection, Executor, PgConnection};
use std::ops::Deref;

/// Database used to create and drop the per-test databases.
const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// URL of a per-test PostgreSQL database.
fn postgres_url(database: &str) -> String {
    format!("postgres://postgres@127.0.0.1:5432/{database}")
}

/// A store that removes its database when dropped.
#[derive(Debug)]
pub(crate) struct TestStore {
    store: Store,
    /// Keeps the SQLite file until the test ends.
    _dir: Option<tempfile::TempDir>,
    postgres_database: Option<String>,
}

impl Deref for TestStore {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl TestStore {
    /// Returns a clone that shares the pool, for concurrent tasks.
    pub(crate) fn handle(&self) -> Store {
        self.store.clone()
    }

    /// Returns the backend name, for assertion messages.
    pub(crate) fn name(&self) -> &'static str {
        self.store.backend_name()
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        let Some(database) = self.postgres_database.take() else {
            return;
        };
        // Dropping happens inside the test's runtime, which cannot block on
        // a future, so the drop runs on its own thread and runtime.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("failed to start a runtime to drop the test database");
            runtime.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(POSTGRES_ADMIN_URL).await {
                    let sql = format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)");
                    let _ = admin.execute(sql.as_str()).await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// Returns a fresh SQLite store and a fresh PostgreSQL store.
pub(crate) async fn both_stores() -> [TestStore; 2] {
    [sqlite_store().await, postgres_store().await]
}

/// Returns a store on a new SQLite file in a temporary directory.
pub(crate) async fn sqlite_store() -> TestStore {
    let dir = tempfile::tempdir().expect("failed to create a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("moat.db").display());
    let store = Store::connect_with_key(&url, SecretKey::generate())
        .await
        .expect("failed to open the SQLite test store");
    TestStore {
        store,
        _dir: Some(dir),
        postgres_database: None,
    }
}

/// Returns a store on a new PostgreSQL database.
pub(crate) async fn postgres_store() -> TestStore {
    let mut admin = PgConnection::connect(POSTGRES_ADMIN_URL)
        .await
        .unwrap_or_else(|error| {
            panic!(
                "PostgreSQL at 127.0.0.1:5432 is required for the store tests \
             (database `test`, user `postgres`, trust authentication): {error}"
            )
        });
    let database = format!("moat_t_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(format!("CREATE DATABASE {database}").as_str())
        .await
        .expect("failed to create the PostgreSQL test database");
    let _ = admin.close().await;

    let store = Store::connect_with_key(&postgres_url(&database), SecretKey::generate())
        .await
        .expect("failed to open the PostgreSQL test store");
    TestStore {
        store,
        _dir: None,
        postgres_database: Some(database),
    }
}

/// Returns a user actor for tests.
pub(crate) fn analyst() -> moat_runtime::model::Actor {
    moat_runtime::model::Actor::User {
        name: "alice".to_owned(),
    }
}
