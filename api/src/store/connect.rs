//! Opening the connection pool and running the migrations.

use super::database_url::DatabaseUrl;
use super::dialect::Backend;
use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;
use tracing::info;

/// Connections of a file or PostgreSQL pool.
const MAX_CONNECTIONS: u32 = 10;

/// Settings applied to every SQLite connection. The busy timeout makes a
/// writer wait up to 5 s for the lock held by another connection.
const SQLITE_CONNECTION_PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";

/// Opens a pool for `target` and brings its schema up to date.
pub(crate) async fn open_pool(target: &DatabaseUrl) -> anyhow::Result<(AnyPool, Backend)> {
    sqlx::any::install_default_drivers();

    let (pool, backend) = match target {
        DatabaseUrl::SqliteFile(path) => (open_sqlite_file(path).await?, Backend::Sqlite),
        DatabaseUrl::SqliteMemory => (open_sqlite_memory().await?, Backend::Sqlite),
        DatabaseUrl::Postgres(url) => (open_postgres(url).await?, Backend::Postgres),
    };

    backend
        .migrator()
        .run(&pool)
        .await
        .with_context(|| format!("failed to run the {} migrations", backend.name()))?;
    info!(backend = backend.name(), "database schema up to date");
    Ok((pool, backend))
}

async fn open_sqlite_file(path: &Path) -> anyhow::Result<AnyPool> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create directory {}", parent.display()))?;
    }
    let options = sqlite_options(path)?;

    // WAL mode is a property of the file. Switching to it needs an exclusive
    // lock, so it is set once here before the pool opens other connections.
    let mut connection = options
        .connect()
        .await
        .with_context(|| format!("failed to open SQLite database {}", path.display()))?;
    connection
        .execute("PRAGMA journal_mode = WAL")
        .await
        .context("failed to enable the SQLite WAL journal mode")?;
    drop(connection);

    sqlite_pool_options(MAX_CONNECTIONS)
        .connect_with(options)
        .await
        .with_context(|| format!("failed to open SQLite database {}", path.display()))
}

/// Opens a pool of one connection that is never closed, because every
/// SQLite connection to `:memory:` would otherwise see its own database.
async fn open_sqlite_memory() -> anyhow::Result<AnyPool> {
    let options = AnyConnectOptions::from_str("sqlite::memory:")?;
    sqlite_pool_options(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await
        .context("failed to open an in-memory SQLite database")
}

async fn open_postgres(url: &str) -> anyhow::Result<AnyPool> {
    let options =
        AnyConnectOptions::from_str(url).map_err(|_| anyhow::anyhow!("invalid PostgreSQL URL"))?;
    AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .context("failed to connect to PostgreSQL")
}

fn sqlite_options(path: &Path) -> anyhow::Result<AnyConnectOptions> {
    // The driver only takes a URL, so a relative path is made absolute to
    // keep it from reading as a host name.
    let absolute = std::path::absolute(path)
        .with_context(|| format!("invalid SQLite database path {}", path.display()))?;
    let mut url = url::Url::parse("sqlite://").context("failed to build the SQLite URL")?;
    url.set_path(&absolute.to_string_lossy());
    url.query_pairs_mut().append_pair("mode", "rwc");
    AnyConnectOptions::from_str(url.as_str())
        .with_context(|| format!("invalid SQLite database path {}", path.display()))
}

fn sqlite_pool_options(max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|connection, _metadata| {
            Box::pin(async move {
                connection.execute(SQLITE_CONNECTION_PRAGMAS).await?;
                Ok(())
            })
        })
}
